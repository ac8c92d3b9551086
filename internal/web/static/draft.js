// draft.js: the public self-report form keeps a draft (草稿) on the phone,
// so a villager whose QR code was replaced while typing need not type again.
// As they type, the fields of <form data-draft> are saved in localStorage
// under one key. A form page that opens with its fields empty (the new
// poster's page) is filled from the draft; a form the server filled again
// (an error, the replaced-code page) is saved as it is. The thank-you page
// loads this script with data-clear: the draft is deleted. Only text, date
// and select fields are kept (no file, hidden, radio or check box), and a
// draft older than a day is dropped. Without JavaScript or storage
// (private mode) the form works as before.
(function () {
  "use strict";
  var KEY = "fk_selfreport_draft";
  var MAX_AGE = 24 * 3600 * 1000; // a day: the draft holds an ID number
  var SKIP = ["file", "hidden", "radio", "checkbox", "submit", "button", "reset", "image", "password"];
  var me = document.currentScript;

  function put(d) {
    try {
      if (d) localStorage.setItem(KEY, JSON.stringify(d));
      else localStorage.removeItem(KEY);
    } catch (e) { /* no storage: nothing kept */ }
  }
  function get() {
    try {
      var d = JSON.parse(localStorage.getItem(KEY) || "null");
      return d && d.v && Date.now() - d.t < MAX_AGE ? d.v : null;
    } catch (e) { return null; }
  }
  if (me && me.hasAttribute("data-clear")) { put(null); return; }

  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return el.name && (el.tagName === "SELECT" || (el.tagName === "INPUT" && SKIP.indexOf(el.type) < 0));
  });
  function save() {
    var v = {};
    fields.forEach(function (el) { v[el.name] = el.value; });
    put({ t: Date.now(), v: v });
  }
  // Empty: nothing typed, dates aside (arrival defaults to today).
  var empty = fields.every(function (el) { return el.type === "date" || el.value === ""; });
  var draft = empty && get();
  if (draft) {
    var filled = false;
    fields.forEach(function (el) {
      if (typeof draft[el.name] === "string" && draft[el.name] !== "") {
        el.value = draft[el.name];
        filled = true;
      }
    });
    if (filled) {
      var note = document.createElement("p");
      note.className = "flash";
      note.setAttribute("role", "status");
      note.textContent = "已填入您在本手机上次填写、尚未提交的内容，请核对后提交。";
      form.parentNode.insertBefore(note, form);
    }
  } else if (!empty) {
    save();
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
})();
