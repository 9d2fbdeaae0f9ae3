// The larger-text setting (适老化): remembered in this browser (localStorage) and
// applied before the first paint; js/portal.js wires the switch in the header.
(function () {
  try {
    if (window.localStorage.getItem("portal-text-size") === "large") {
      document.documentElement.classList.add("text-large");
    }
  } catch (e) { /* storage blocked: normal text */ }
})();
