// Portal-wide behaviour, no inline script (the CSP allows only files from 'self').
(function () {
  var KEY = "portal-text-size";
  var root = document.documentElement;

  // 1. The larger-text switch: shown only where this script runs, remembered per browser.
  function setLarge(on) {
    root.classList.toggle("text-large", on);
    try { window.localStorage.setItem(KEY, on ? "large" : "normal"); } catch (e) { /* not remembered */ }
    document.querySelectorAll(".text-size-toggle").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }
  document.querySelectorAll(".text-size-toggle").forEach(function (button) {
    button.hidden = false;
    button.setAttribute("aria-pressed", root.classList.contains("text-large") ? "true" : "false");
    button.addEventListener("click", function () { setLarge(!root.classList.contains("text-large")); });
  });

  // 2. The header menu is a <details>: always open on wide screens, closed on a phone.
  var wide = window.matchMedia("(min-width: 1024px)");
  function placeMenu() {
    document.querySelectorAll("details.menu").forEach(function (menu) { menu.open = wide.matches; });
  }
  placeMenu();
  if (wide.addEventListener) { wide.addEventListener("change", placeMenu); }

  // 3. A table wider than its box scrolls inside it: keyboard users must be able to
  //    focus it to scroll (WCAG 2.1.1), and screen readers hear what it is.
  function markScrollers() {
    document.querySelectorAll("table.grid, .scroll-x").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); box.classList.add("scrolls"); }
      } else if (box.classList.contains("scrolls")) {
        box.removeAttribute("tabindex"); box.classList.remove("scrolls");
      }
    });
  }
  markScrollers();
  window.addEventListener("resize", markScrollers);
  root.addEventListener("transitionend", markScrollers);
  document.addEventListener("click", function (e) { if (e.target.closest(".text-size-toggle")) { markScrollers(); } });
})();
