// Print buttons without inline handlers (the CSP forbids inline script).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-action='print']")) {
    window.print();
  }
});
