// Sampling page (采样登记): scans go to POST /api/v1/sampling/scans as JSON,
// walk-ins (流动人员, a scan refused as not found or outside the area) to
// POST /api/v1/sampling/walkins, through the same outbox (retry.js).
// Everything here is an enhancement: without JS the form posts the same scan.
// FK.send(scan) is the single transport function; wrap it to add retries
// (e.g. polite backoff on 429).
(function () {
  "use strict";
  var FK = (window.FK = window.FK || {});
  var form = document.getElementById("scan-form");
  if (!form || !window.fetch) return;
  var csrf = form.querySelector("input[name=csrf_token]").value;

  function newID() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(12);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // send posts one scan (or walk-in: it has id_number) and resolves with
  // {status, body, retryAfter}.
  FK.send = function (scan) {
    return fetch(scan.id_number !== undefined ? "/api/v1/sampling/walkins" : "/api/v1/sampling/scans", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(scan)
    }).then(function (resp) {
      return resp.json().catch(function () { return { error: "服务器繁忙，请稍后重试" }; }).then(function (body) {
        return { status: resp.status, body: body, retryAfter: resp.headers.get("Retry-After") };
      });
    });
  };

  var tube = document.getElementById("tube");
  var code = document.getElementById("code");
  var point = document.getElementById("point_id");
  var out = document.getElementById("scan-result");

  function show(text, bad) {
    out.textContent = "";
    var p = document.createElement("p");
    p.className = bad ? "error" : "flash";
    p.textContent = text;
    out.appendChild(p);
  }

  function submit(ev) {
    if (ev) ev.preventDefault();
    var scan = {
      scan_id: newID(),
      campaign_id: parseInt(form.dataset.campaign, 10),
      point_id: parseInt(point.value, 10) || 0,
      tube: tube.value.trim(),
      code: code.value.trim()
    };
    if (/^H[0-9A-Z]{15}$/.test(scan.code.toUpperCase())) { // 一户一码: list the household to tick
      location.href = "/sampling/campaigns/" + form.dataset.campaign + "/household?code=" + scan.code.toUpperCase() +
        "&point_id=" + scan.point_id + "&tube=" + encodeURIComponent(scan.tube);
      return;
    }
    if (!scan.tube) { tube.focus(); return; }
    code.value = "";
    code.focus();
    return window.FK.send(scan).then(function (r) {
      var b = r.body || {};
      if (r.status >= 400) {
        show(b.error || b.message || "登记失败（" + r.status + "）", true);
        if (b.offer_walkin) offerWalkin(scan.code);
        return;
      }
      show(b.message || (b.pool_count + "/" + b.pool_size), b.result === "already_sampled");
      if (b.pool_full) { tube.value = ""; tube.focus(); }
    }, function () {
      show("网络异常，未确认登记，请重扫此人", true);
    });
  }
  form.addEventListener("submit", submit);

  // Walk-ins (流动人员登记): the form opens prefilled with the typed ID
  // number; a mistyped field keeps its value with the error beside it.
  var wbox = document.getElementById("walkin-box");
  var wform = document.getElementById("walkin-form");
  function wfield(name) { return wform.querySelector("[name=" + name + "]"); }
  function werr(name, text) {
    var el = document.getElementById({ id_number: "w_id_err", name: "w_name_err", phone: "w_phone_err" }[name]);
    if (el) el.textContent = text || "";
    var f = wfield(name);
    if (f) { if (text) { f.setAttribute("aria-invalid", "true"); f.focus(); } else f.removeAttribute("aria-invalid"); }
    return !!el;
  }
  function idOK(id) { // check digit of an 18-digit number (GB 11643)
    if (/^[0-9]{15}$/.test(id)) return true;
    if (!/^[0-9]{17}[0-9X]$/.test(id)) return false;
    var w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], sum = 0;
    for (var i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * w[i];
    return "10X98765432".charAt(sum % 11) === id.charAt(17);
  }
  function offerWalkin(typed) {
    if (!wbox) return;
    wbox.open = true;
    typed = (typed || "").toUpperCase();
    if (/^[0-9]{15}$|^[0-9]{17}[0-9X]$/.test(typed)) wfield("id_number").value = typed;
    wfield("tube").value = tube.value.trim();
    (wfield("id_number").value ? wfield("name") : wfield("id_number")).focus();
  }
  if (wform) wform.addEventListener("submit", function (ev) {
    ev.preventDefault();
    ["id_number", "name", "phone"].forEach(function (n) { werr(n, ""); });
    var wk = {
      scan_id: newID(),
      campaign_id: parseInt(form.dataset.campaign, 10),
      point_id: parseInt(point.value, 10) || 0,
      tube: (wfield("tube").value || tube.value).trim(),
      id_number: wfield("id_number").value.replace(/\s+/g, "").toUpperCase(),
      name: wfield("name").value.trim(),
      phone: wfield("phone").value.trim()
    };
    // Checked here too, so a walk-in waiting in the outbox is a good one.
    if (!idOK(wk.id_number)) { werr("id_number", "身份证号校验位错误或位数不对，请核对"); return; }
    if (!wk.name) { werr("name", "请填写姓名"); return; }
    if (!wk.tube) { wfield("tube").focus(); return; }
    window.FK.send(wk).then(function (r) {
      var b = r.body || {};
      if (r.status >= 400) {
        if (!(b.field && werr(b.field, (b.error || "").replace(/^[a-z_]+：/, "")))) show(b.error || b.message || "登记失败（" + r.status + "）", true);
        return;
      }
      show(b.message, b.result === "already_sampled");
      ["id_number", "name", "phone"].forEach(function (n) { wfield(n).value = ""; });
      wbox.open = false;
      if (b.pool_full) { tube.value = ""; tube.focus(); } else { tube.value = b.tube || tube.value; code.focus(); }
    }, function () {
      show("网络异常，未确认登记，请重新登记此人", true);
    });
  });

  // Camera scanning where the browser offers BarcodeDetector.
  var btn = document.getElementById("camera");
  var video = document.getElementById("video");
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  btn.hidden = false;
  var last = "", lastAt = 0;
  btn.addEventListener("click", function () {
    var detector = new window.BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      btn.hidden = true;
      (function tick() {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            var v = codes[0].rawValue, now = Date.now();
            if (v !== last || now - lastAt > 3000) {
              last = v; lastAt = now;
              if (/^H[0-9A-Z]{15}$/.test(v)) {
                location.href = "/sampling/campaigns/" + form.dataset.campaign + "/household?code=" + v +
                  "&point_id=" + point.value + "&tube=" + encodeURIComponent(tube.value);
                return;
              }
              if (!tube.value || /^[0-9A-Z_-]{4,40}$/.test(v) && !/^P/.test(v) && v.length !== 18) { tube.value = v; code.focus(); }
              else { code.value = v; submit(); }
            }
          }
        }).catch(function () {}).then(function () { setTimeout(tick, 250); });
      })();
    }, function () { show("无法打开摄像头，请用扫码枪或手工输入", true); });
  });
})();
