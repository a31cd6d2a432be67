// bangfu: the area picker (选择村). The search box loads a few choices as the user types (htmx
// asks /areas/search); tapping one puts its code in the hidden input beside the box and its
// name ("胡庙乡 · 张庄村") in the box. Typing something else clears the code, so a form never
// sends a village the box no longer shows (the server then looks up what was typed).
// No inline script: pages only carry data-* attributes.
(function () {
  "use strict";

  function pickerOf(el) { return el.closest ? el.closest("[data-picker]") : null; }
  function parts(picker) {
    return {
      code: picker.querySelector("[data-picker-code]"),
      text: picker.querySelector("input[type=search]"),
      choices: picker.querySelector(".picker-choices")
    };
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest("button[data-pick]") : null;
    var picker = button && pickerOf(button);
    if (!picker) { return; }
    ev.preventDefault();
    var p = parts(picker);
    p.code.value = button.getAttribute("data-pick");
    p.text.value = button.getAttribute("data-label");
    p.text.setAttribute("data-chosen", p.text.value);
    p.choices.innerHTML = "";
    // forms.js keeps drafts on input/change: tell it (and anything else listening) about the pick.
    p.code.dispatchEvent(new Event("change", { bubbles: true }));
    p.text.focus();
  });

  document.addEventListener("input", function (ev) {
    var picker = ev.target.type === "search" && pickerOf(ev.target);
    if (!picker) { return; }
    var p = parts(picker);
    if (p.text.value !== (p.text.getAttribute("data-chosen") || "")) { p.code.value = ""; }
  });

  // Enter in the box picks the only choice shown; otherwise the form is sent as it is, and the
  // server takes a name that matches one area (or shows the form again with the matches).
  document.addEventListener("keydown", function (ev) {
    var picker = ev.key === "Enter" && ev.target.type === "search" && pickerOf(ev.target);
    if (!picker) { return; }
    var buttons = parts(picker).choices.querySelectorAll("button[data-pick]");
    if (buttons.length === 1) {
      ev.preventDefault();
      buttons[0].click();
    }
  });
})();
