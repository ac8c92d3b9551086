// retry.js: polite, loss-free delivery of scans (扫码提交重试与离线队列).
// Load it after sampling.js: it wraps FK.send(scan).
//
// Every scan goes into an outbox kept in localStorage and the outbox is
// delivered in order (a tube's first scan reaches the server before the
// people scanned into it after it), one request at a time. On 429 or 503 it
// waits for Retry-After; on a network error or another 5xx it backs off
// exponentially (0.5 s doubling to 30 s) with random jitter. The scan is
// sent again unchanged, so its scan_id makes the retry idempotent on the
// server: a scan committed before its answer was lost comes back
// "replayed", never as a second sample. Any other answer is final: the scan
// leaves the outbox and the promise FK.send returned resolves with it. A
// weak signal or a closed tab loses nothing: the outbox is sent when the
// page opens again or the browser comes back online; a line under the form
// shows how many scans are still waiting.
// The page may name its own outbox, form and endpoint on the script tag
// (data-outbox, data-form, data-url: the check log of a checkpoint); a
// record is known by its scan_id, or its client_id.
(function () {
  "use strict";
  var me = document.currentScript;
  var KEY = (me && me.dataset.outbox) || "fk_outbox";
  var FORM = (me && me.dataset.form) || "scan-form";
  var URL = (me && me.dataset.url) || "/api/v1/sampling/scans";
  function idOf(s) { return s.scan_id || s.client_id; }
  var FK = (window.FK = window.FK || {});
  var transport = FK.send || plainSend;
  var queue = load();
  var waiting = {}; // scan_id -> resolve, for scans made on this page
  var busy = false, timer = null, failures = 0;

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
    showPending();
  }
  function plainSend(scan) {
    var el = document.querySelector("input[name=csrf_token]");
    return fetch(URL, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": el ? el.value : "" }, body: JSON.stringify(scan)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        return { status: resp.status, body: body, retryAfter: resp.headers.get("Retry-After") };
      });
    });
  }

  var note = null;
  function showPending(text) {
    var form = document.getElementById(FORM);
    if (!form) return;
    if (!note) {
      note = document.createElement("p");
      note.className = "hint";
      note.setAttribute("aria-live", "polite");
      form.parentNode.insertBefore(note, form.nextSibling);
    }
    note.textContent = text || (queue.length ? "待提交 " + queue.length + " 条：网络恢复后自动提交，请勿重复扫码" : "");
  }

  function backoff() {
    var step = Math.min(30000, 500 * Math.pow(2, Math.min(failures, 6)));
    return step / 2 + Math.random() * step / 2; // jitter: 50–100% of the step
  }
  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(pump, ms);
  }

  function pump() {
    if (busy || queue.length === 0) return;
    busy = true;
    var scan = queue[0];
    transport(scan).then(function (r) {
      busy = false;
      var s = r.status;
      if (s === 429 || s === 503 || s >= 500) {
        failures++;
        var ra = parseFloat(r.retryAfter);
        later(ra > 0 ? ra * 1000 * (1 + Math.random() * 0.5) : backoff());
        showPending();
        return;
      }
      if (s === 401) { // logged out: keep the outbox for after the next login
        failures++;
        showPending("登录已过期：重新登录后，待提交的 " + queue.length + " 条会自动提交");
        later(30000);
        return;
      }
      queue.shift();
      failures = 0;
      save();
      var done = waiting[idOf(scan)];
      delete waiting[idOf(scan)];
      if (done) done(r);
      pump();
    }, function () { // no network: keep it and try again
      busy = false;
      failures++;
      showPending();
      later(backoff());
    });
  }

  // FK.send queues the scan and resolves with its final answer.
  FK.send = function (scan) {
    return new Promise(function (resolve) {
      waiting[idOf(scan)] = resolve;
      for (var i = 0; i < queue.length; i++) {
        if (idOf(queue[i]) === idOf(scan)) return; // already waiting
      }
      queue.push(scan);
      save();
      pump();
    });
  };
  FK.pending = function () { return queue.length; };
  FK.flush = function () { failures = 0; later(0); };

  window.addEventListener("online", FK.flush);
  if (queue.length) { showPending(); later(0); }
})();
