// Drives static/report.js (the report form's offline queue) against a running ykien, in
// Node: the page's HTML comes from the server, the DOM and IndexedDB are small stand-ins for
// the browser's (only what report.js touches), fetch is the real one (with the session's
// cookie), and "offline" makes fetch fail as a browser's does. Run by the Rust test
// `report_form_script_queues_offline_and_sends_when_back_online`.
//
// node report_queue.mjs BASE_URL LOGIN PASSWORD PATH/TO/report.js
import assert from 'node:assert/strict';
import fs from 'node:fs';

const [base, login, password, script] = process.argv.slice(2);
const realFetch = globalThis.fetch;
let cookie = '';
async function req(path, opts = {}) {
  const h = new Headers(opts.headers || {});
  if (cookie) h.set('cookie', cookie);
  const r = await realFetch(base + path, { ...opts, headers: h, redirect: 'manual' });
  for (const c of r.headers.getSetCookie()) {
    const kv = c.split(';')[0];
    const k = kv.split('=')[0];
    cookie = cookie.split('; ').filter((x) => x && !x.startsWith(k + '=')).concat([kv]).join('; ');
  }
  return r;
}

let html = await (await req('/login')).text();
const loginCsrf = html.match(/name="csrf" value="([^"]+)"/)[1];
const signedIn = await req('/login', {
  method: 'POST',
  body: new URLSearchParams({ csrf: loginCsrf, login, password }),
});
assert.equal(signedIn.status, 303);
html = await (await req('/report')).text();
const attr = (name) => (html.match(new RegExp(name + '="([^"]*)"')) || [])[1];

// --- the page, as far as report.js sees it ---
const on = {};
const onWindow = {};
const input = (v) => ({ value: v, focus() {}, dataset: {} });
const elements = {
  text: input(''), topic: input(''), place: input(''),
  client_id: input(html.match(/name="client_id" value="([^"]+)"/)[1]),
  photo: { files: [], dataset: { maxBytes: attr('data-max-bytes') } },
};
const form = {
  elements,
  addEventListener: (t, f) => { on[t] = f; },
  reset() { elements.text.value = ''; elements.topic.value = ''; elements.place.value = ''; },
};
const status = {
  textContent: '', hidden: true, className: '',
  dataset: {
    saved: attr('data-saved'), waiting: attr('data-waiting'), sent: attr('data-sent'),
    signin: attr('data-signin'), tooLarge: attr('data-too-large'),
  },
};
globalThis.document = {
  getElementById: (id) => ({ 'report-form': form, 'queue-status': status })[id] || null,
};
globalThis.window = globalThis;
globalThis.addEventListener = (t, f) => { onWindow[t] = f; };
const saved = {};
globalThis.localStorage = {
  getItem: (k) => saved[k] ?? null,
  setItem: (k, v) => { saved[k] = String(v); },
  removeItem: (k) => { delete saved[k]; },
};
let online = false;
Object.defineProperty(globalThis, 'navigator', {
  value: { get onLine() { return online; } }, configurable: true,
});
const stores = {};
globalThis.indexedDB = {
  open() {
    const rq = {};
    setTimeout(() => {
      rq.result = {
        createObjectStore(n) { stores[n] = new Map(); },
        transaction(n) {
          const s = stores[n];
          const t = {
            objectStore: () => ({
              put(v) { s.set(v.id, structuredClone(v)); },
              delete(k) { s.delete(k); },
              getAll() { return { result: [...s.values()] }; },
            }),
          };
          setTimeout(() => t.oncomplete && t.oncomplete(), 0);
          return t;
        },
      };
      if (!stores.queue) rq.onupgradeneeded();
      rq.onsuccess();
    }, 0);
    return rq;
  },
};
globalThis.fetch = (u, o = {}) => (online ? req(u, o) : Promise.reject(new TypeError('Failed to fetch')));

(0, eval)(fs.readFileSync(script, 'utf8'));
const settle = (ms) => new Promise((r) => setTimeout(r, ms));
await settle(200);
const pageId = html.match(/name="client_id" value="([^"]+)"/)[1];
assert.notEqual(elements.client_id.value, pageId, 'a fresh draft id on load');

// Typing is saved as it goes.
elements.text.value = 'Soạn khi mất mạng: đường làng Thượng Cát ngập sâu sau mưa.';
on.input();
assert.match(saved['ykien.report.draft'], /Thượng Cát/);

// Offline: two drafts kept, each with its own id, and the page says so with the count.
on.submit({ preventDefault() {} });
await settle(200);
assert.equal(stores.queue.size, 1);
assert.equal(elements.text.value, '');
assert.ok(status.textContent.startsWith(status.dataset.saved), status.textContent);
assert.ok(status.textContent.includes(status.dataset.waiting.replace('{n}', 1)), status.textContent);
elements.text.value = 'Bản nháp thứ hai, cũng soạn khi mất mạng.';
on.submit({ preventDefault() {} });
await settle(200);
assert.equal(stores.queue.size, 2);
const ids = [...stores.queue.keys()];
assert.notEqual(ids[0], ids[1]);
assert.ok(status.textContent.includes(status.dataset.waiting.replace('{n}', 2)), status.textContent);

// Back online: both sent, the queue empty, the page says how many went.
online = true;
onWindow.online();
for (let i = 0; i < 50 && stores.queue.size > 0; i++) await settle(100);
assert.equal(stores.queue.size, 0);
assert.equal(status.textContent, status.dataset.sent.replace('{n}', 2));
const mine = await (await req('/reports/mine')).text();
assert.ok(mine.includes('Thượng Cát') && mine.includes('Bản nháp thứ hai'));
assert.equal(mine.match(/data-count="(\d+)"/)[1], '2');
console.log('ok: queued offline, sent when back online, ids', ids.join(' '));
