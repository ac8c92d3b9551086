// place.js: suggestions as a place is typed (地名联想). An input with
// data-places="URL" and list="ID" gets, a moment after each keystroke, the
// places URL?q=… answers (at most 10) as the options of its <datalist>:
// full names such as 河南省郑州市金水区 that the server resolves exactly.
// Without JavaScript the form still works: after submitting, the server
// asks 您是指… beside the field.
(function () {
  "use strict";
  if (window.FKPlaces) return; // the partial may include this script more than once
  window.FKPlaces = true;
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, asked = "";
    if (!list) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (q === "" || q === asked) return;
        asked = q;
        fetch(input.getAttribute("data-places") + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin", headers: { Accept: "application/json" }
        }).then(function (resp) {
          return resp.ok ? resp.json() : { places: [] };
        }).then(function (body) {
          if (input.value.trim() !== q) return; // typed on meanwhile
          list.textContent = "";
          (body.places || []).forEach(function (p) {
            var o = document.createElement("option");
            o.value = p.full_name + (p.detail || "");
            o.label = p.path + "（" + p.code + "，" + p.level_name + "）";
            o.textContent = o.label;
            list.appendChild(o);
          });
        }).catch(function () { /* offline: no suggestions */ });
      }, 200);
    });
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-places]"), attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
