// Check log of a checkpoint (查验登记): one vehicle and its people per
// record, sent as JSON to POST /api/v1/checks. Load retry.js after it
// (data-outbox="fk_checks" data-form="check-form"): it wraps FK.send with
// the outbox, so a record made while the signal is down waits on the phone
// and is sent, once, when it comes back (its client_id makes a resend
// harmless). Without JavaScript the form posts to /checks.
(function () {
  "use strict";
  var FK = (window.FK = window.FK || {});
  var form = document.getElementById("check-form");
  if (!form || !window.fetch) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var people = document.getElementById("people");
  var out = document.getElementById("check-result");
  var blank = people.querySelector(".person").cloneNode(true);

  function newID() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  FK.send = function (rec) {
    return fetch("/api/v1/checks", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(rec)
    }).then(function (resp) {
      return resp.json().catch(function () { return { error: "服务器繁忙，请稍后重试" }; }).then(function (body) {
        return { status: resp.status, body: body, retryAfter: resp.headers.get("Retry-After") };
      });
    });
  };

  // renumber gives row i its own names and ids: people.i.field, p{i}-….
  function renumber(row, i) {
    row.dataset.i = i;
    row.querySelector(".n").textContent = i + 1;
    row.querySelectorAll("[name]").forEach(function (el) { el.name = el.name.replace(/^people\.\d+\./, "people." + i + "."); });
    row.querySelectorAll("[id]").forEach(function (el) { el.id = el.id.replace(/^p\d+-/, "p" + i + "-"); });
    row.querySelectorAll("label[for]").forEach(function (el) { el.htmlFor = el.htmlFor.replace(/^p\d+-/, "p" + i + "-"); });
    row.querySelectorAll("[list^=p]").forEach(function (el) { el.setAttribute("list", el.getAttribute("list").replace(/^p\d+-/, "p" + i + "-")); });
  }
  function freshRow(i) {
    var row = blank.cloneNode(true);
    row.querySelectorAll("input:not([type=radio]):not([type=checkbox]), select").forEach(function (el) { el.value = ""; });
    row.querySelectorAll("input[type=checkbox]").forEach(function (el) { el.checked = false; });
    row.querySelectorAll("input[type=radio]").forEach(function (el) { el.checked = el.value === "green"; });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    row.querySelector("details").open = false;
    renumber(row, i);
    return row;
  }
  var add = document.getElementById("add-person");
  add.hidden = false;
  add.addEventListener("click", function () {
    var row = freshRow(people.querySelectorAll(".person").length);
    people.appendChild(row);
    row.querySelector("input").focus();
  });

  function read() {
    var rec = {
      checkpoint_id: parseInt(form.querySelector("[name=checkpoint_id]").value, 10) || 0,
      client_id: form.querySelector("[name=client_id]").value,
      plate: form.querySelector("[name=plate]").value.trim(),
      vehicle_type: (form.querySelector("[name=vehicle_type]:checked") || {}).value || "",
      people: []
    };
    people.querySelectorAll(".person").forEach(function (row) {
      var p = {};
      row.querySelectorAll("[data-k]").forEach(function (el) {
        var k = el.dataset.k;
        if (el.type === "checkbox") p[k] = el.checked;
        else if (el.type === "radio") { if (el.checked) p[k] = el.value; }
        else p[k] = el.value.trim();
      });
      if (p.name || p.id_number || p.phone || p.from || p.to) rec.people.push(p);
    });
    return rec;
  }

  function reset() {
    form.querySelector("[name=client_id]").value = newID();
    form.querySelector("[name=plate]").value = "";
    people.textContent = "";
    people.appendChild(freshRow(0));
    form.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    form.querySelector("[name=plate]").focus();
  }

  function show(rec, r) {
    var b = r.body || {};
    var card = document.createElement("div");
    card.className = "card";
    var h = document.createElement("p");
    h.innerHTML = "<strong></strong>";
    h.firstChild.textContent = (rec.plate || "步行") + (b.replayed ? "（已登记过）" : "");
    card.appendChild(h);
    if (r.status >= 400) {
      var e = document.createElement("p");
      e.className = "error";
      e.textContent = b.error || b.message || ("登记失败（" + r.status + "）");
      card.appendChild(e);
    } else {
      (b.checks || []).forEach(function (c) {
        var p = document.createElement("p");
        p.className = "outcome-line" + (c.outcome === "放行" ? "" : " late");
        p.textContent = (c.name || "无名") + "：" + c.outcome + (c.explanation ? "（" + c.explanation + "）" : "") +
          (c.from_level ? " · 来自" + c.from_level + "风险地区" : "");
        card.appendChild(p);
      });
    }
    out.insertBefore(card, out.firstChild);
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var rec = read();
    if (!rec.people.length) { people.querySelector("input").focus(); return; }
    var settled = false;
    // Queued when the network does not answer within 3 s: the next vehicle
    // may be logged while this one waits in the outbox.
    var queued = setTimeout(function () {
      if (settled) return;
      settled = true;
      var n = document.createElement("p");
      n.className = "flash";
      n.textContent = (rec.plate || "步行") + "：已保存在本机，网络恢复后自动提交";
      out.insertBefore(n, out.firstChild);
      reset();
    }, 3000);
    window.FK.send(rec).then(function (r) {
      clearTimeout(queued);
      show(rec, r);
      if (settled) return;
      settled = true;
      if (r.status < 400) reset();
    });
  });
})();
