// bangfu: keeps what was typed in a form when the session runs out.
//
// While someone types, each form that posts (except sign-in) is copied into sessionStorage —
// this browser tab only, gone when the tab is closed, so a shared phone keeps nothing. When a
// submit is answered by the sign-in page (the session expired), the copy stays; after signing
// in the user comes back to the same form and it is filled in again, with a note. A finished
// save (the page says 已保存) drops the copy. Passwords, files, ID numbers, bank accounts and the
// CSRF token are never kept.
(function () {
  "use strict";
  // A form marked data-confirm asks first (结束结对, 停用账号 …): no inline handler on the page.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { ev.preventDefault(); ev.stopImmediatePropagation(); }
  }, true);

  var PREFIX = "bangfu-draft:";
  var PENDING = "bangfu-draft-pending";
  var AFTER_LOGIN = "bangfu-draft-after-login";
  var store;
  try { store = window.sessionStorage; } catch (e) { return; }
  if (!store) { return; }

  function keyOf(form) {
    return PREFIX + location.pathname + "|" + (form.getAttribute("action") || location.pathname);
  }
  function keep(el) {
    if (!el.name || el.disabled) { return false; }
    var t = (el.type || "").toLowerCase();
    // The record's version is kept with the draft, so a draft saved after someone else's change
    // is refused as stale instead of silently overwriting it.
    // A picked village (the area picker's hidden code, marked data-draft) is kept with the name
    // its box shows, so a restored draft still sends the village it shows.
    if (t === "hidden") { return el.name === "version" || el.hasAttribute("data-draft"); }
    // ID numbers and bank accounts are not written to the browser's storage: typed again.
    if (/id_number|bank_account/.test(el.name)) { return false; }
    return el.name !== "_csrf" && t !== "password" && t !== "file" && t !== "submit" && t !== "button";
  }
  function drafts(form) {
    return (form.method || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft") &&
      (form.getAttribute("action") || "") !== "/login";
  }
  function save(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keep(el)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else {
        data[el.name] = [el.value];
      }
    });
    try { store.setItem(keyOf(form), JSON.stringify(data)); } catch (e) { /* storage full: nothing kept */ }
  }
  function restore(form, data) {
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!keep(el) || !Object.prototype.hasOwnProperty.call(data, el.name)) { return; }
      var values = data[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        var on = values.indexOf(el.value) >= 0;
        if (el.checked !== on) { el.checked = on; changed = true; }
      } else if (el.value !== values[0]) {
        el.value = values[0];
        changed = true;
      }
    });
    return changed;
  }
  function note(form, text) {
    var p = document.createElement("p");
    p.className = "flash draft-note";
    p.setAttribute("role", "status");
    p.textContent = text;
    form.parentNode.insertBefore(p, form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var html = document.documentElement;
    var en = (html.getAttribute("lang") || "").indexOf("en") === 0;
    var saved = document.querySelector("[data-saved]");
    var pending = store.getItem(PENDING);
    if (saved && pending) {
      // The save went through: its copy is no longer needed.
      store.removeItem(pending);
      store.removeItem(PENDING);
    }
    var loginForm = document.querySelector('form[action="/login"]');
    if (loginForm && pending && store.getItem(pending)) {
      var p = document.createElement("p");
      p.className = "muted draft-note";
      p.textContent = en
        ? "What you typed is kept in this browser tab; after signing in you go back to the form and it is filled in again."
        : "您刚才填写的内容已暂存在本浏览器标签页中，重新登录后会回到该页面并自动填回。";
      loginForm.parentNode.insertBefore(p, loginForm);
      loginForm.addEventListener("submit", function () { store.setItem(AFTER_LOGIN, "1"); });
    }
    var afterLogin = !loginForm && store.getItem(AFTER_LOGIN) === "1";
    if (!loginForm) { store.removeItem(AFTER_LOGIN); }
    Array.prototype.forEach.call(document.forms, function (form) {
      if (!drafts(form)) { return; }
      var key = keyOf(form);
      var kept = store.getItem(key);
      if (kept && pending === key && afterLogin && !saved) {
        try {
          if (restore(form, JSON.parse(kept))) {
            note(form, en
              ? "Restored what you typed before signing in again (ID numbers and bank accounts are not kept: type them again). Check it, then save."
              : "已恢复您重新登录前填写的内容，请核对后保存（证件号码、银行账号不暂存，如有修改请重新填写）。");
          }
        } catch (e) { store.removeItem(key); }
      }
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      form.addEventListener("submit", function () {
        save(form);
        store.setItem(PENDING, key);
      });
    });
  });
})();
