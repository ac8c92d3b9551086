// Sampling page (采样登记): scans go to POST /api/v1/sampling/scans as JSON.
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

  // send posts one scan and resolves with {status, body, retryAfter}.
  FK.send = function (scan) {
    return fetch("/api/v1/sampling/scans", {
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
        return;
      }
      show(b.message || (b.pool_count + "/" + b.pool_size), b.result === "already_sampled");
      if (b.pool_full) { tube.value = ""; tube.focus(); }
    }, function () {
      show("网络异常，未确认登记，请重扫此人", true);
    });
  }
  form.addEventListener("submit", submit);

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
