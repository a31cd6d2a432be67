// bangfu: the printouts' 打印 button (no inline handler on the page).
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest("[data-print]")) { window.print(); }
  });
})();
