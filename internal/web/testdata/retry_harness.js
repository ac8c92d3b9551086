// Harness for static/retry.js under Node: stubs of the browser APIs it
// uses, a scripted transport, and checks printed as one JSON line.
"use strict";
const fs = require("fs");
const store = {};
global.localStorage = { getItem: (k) => (k in store ? store[k] : null), setItem: (k, v) => { store[k] = String(v); } };
const note = { textContent: "", setAttribute() {} };
const form = { parentNode: { insertBefore() {} }, nextSibling: null };
global.document = { getElementById: (id) => (id === "scan-form" ? form : null), createElement: () => note, querySelector: () => null };
const listeners = {};
global.window = global;
window.addEventListener = (ev, fn) => { listeners[ev] = fn; };

// The server: scan "a" is refused once with 429 (Retry-After 0.05 s), then
// the network fails once, then every scan is accepted. sent records the
// order of attempts.
const sent = [];
let step = 0;
window.FK = {
  send(scan) {
    sent.push(scan.scan_id);
    step++;
    if (step === 1) return Promise.resolve({ status: 429, body: { error: "busy" }, retryAfter: "0.05" });
    if (step === 2) return Promise.reject(new TypeError("network"));
    return Promise.resolve({ status: 201, body: { result: "added", scan_id: scan.scan_id }, retryAfter: null });
  },
};
eval(fs.readFileSync(process.argv[2], "utf8"));

const results = [];
const a = FK.send({ scan_id: "a", tube: "T1", code: "P1" }).then((r) => results.push(["a", r.status]));
const b = FK.send({ scan_id: "b", tube: "T1", code: "P2" }).then((r) => results.push(["b", r.status]));
const persisted = JSON.parse(store.fk_outbox).map((s) => s.scan_id);
const pendingNote = note.textContent;
Promise.all([a, b]).then(() => {
  console.log(JSON.stringify({ sent, results, persisted, pendingNote, left: FK.pending(), stored: store.fk_outbox }));
  process.exit(0);
});
setTimeout(() => { console.log(JSON.stringify({ timeout: true, sent, results })); process.exit(1); }, 5000);
