// retry.js: polite, loss-free delivery of idempotent JSON writes (扫码提交重试与离线队列).
//
// fkRetry.send(url, body, onDone) puts the write in an outbox kept in
// localStorage and delivers the outbox in order (a tube scan reaches the
// server before the people scanned into it), one request at a time. On 429
// or 503 it waits for Retry-After, on a network error or 5xx it backs off
// exponentially (0.5 s doubling to 30 s) with random jitter; the body is
// sent again unchanged, so its scan_id makes the retry idempotent on the
// server. Any other answer is final: the item leaves the outbox and
// onDone(status, data) is called (on this page; after a reload the answer
// is only counted). A weak signal or a closed tab loses nothing: the outbox
// is sent when the page opens again or the browser comes back online.
//
// fkRetry.onchange(fn) reports the number of writes still waiting.
(function () {
  'use strict';
  var KEY = 'fk_outbox';
  var queue = load();
  var callbacks = {}; // id -> onDone, for writes made on this page
  var busy = false, timer = null, failures = 0, listeners = [];

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || '[]'); } catch (e) { return []; }
  }
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* full or private mode: memory only */ }
    for (var i = 0; i < listeners.length; i++) listeners[i](queue.length);
  }
  function csrf() {
    var el = document.querySelector('meta[name="csrf-token"]') || document.querySelector('input[name="csrf_token"]');
    return el ? (el.content || el.value) : '';
  }
  function backoff() {
    var base = Math.min(30000, 500 * Math.pow(2, Math.min(failures, 6)));
    return base / 2 + Math.random() * base / 2; // jitter: 50–100% of the step
  }
  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(pump, ms);
  }
  function finish(item, status, data) {
    queue.shift();
    save();
    failures = 0;
    var cb = callbacks[item.id];
    delete callbacks[item.id];
    if (cb) { try { cb(status, data); } catch (e) { /* the page's own error */ } }
  }

  function pump() {
    if (busy || queue.length === 0) return;
    busy = true;
    var item = queue[0];
    fetch(item.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
      body: JSON.stringify(item.body)
    }).then(function (resp) {
      return resp.text().then(function (text) {
        var data = null;
        try { data = JSON.parse(text); } catch (e) { data = { error: text }; }
        busy = false;
        var s = resp.status;
        if (s === 429 || s === 503 || s >= 500) {
          failures++;
          var ra = parseFloat(resp.headers.get('Retry-After'));
          var wait = ra > 0 ? ra * 1000 * (1 + Math.random() * 0.5) : backoff();
          schedule(wait);
          return;
        }
        if (s === 401) { // logged out: keep the outbox for after the next login
          failures++;
          schedule(30000);
          return;
        }
        finish(item, s, data);
        pump();
      });
    }).catch(function () { // no network: keep it and try again
      busy = false;
      failures++;
      schedule(backoff());
    });
  }

  window.fkRetry = {
    send: function (url, body, onDone) {
      var id = (body && body.scan_id) || String(Date.now()) + Math.random();
      for (var i = 0; i < queue.length; i++) {
        if (queue[i].id === id) { if (onDone) callbacks[id] = onDone; return; } // already waiting
      }
      queue.push({ id: id, url: url, body: body });
      if (onDone) callbacks[id] = onDone;
      save();
      pump();
    },
    pending: function () { return queue.length; },
    onchange: function (fn) { listeners.push(fn); fn(queue.length); },
    flush: function () { failures = 0; schedule(0); }
  };
  window.addEventListener('online', function () { window.fkRetry.flush(); });
  window.addEventListener('storage', function (e) { if (e.key === KEY && !busy) queue = load(); });
  if (queue.length) schedule(0);
})();
