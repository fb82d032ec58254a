/* ykien service worker: keeps the report form usable without a connection.
 * Served from /sw.js so that its scope is the whole site; it only caches the report form's
 * shell (the page, its style, script and icons). The page itself is fetched from the network
 * first, so a signed-in user always gets a fresh form (and CSRF token) when online; the
 * cached copy is used only when the network fails. Drafts are kept by report.js in
 * IndexedDB, never here. No other request is touched. */
'use strict';
const CACHE = 'ykien-report-v1';
const SHELL = ['/report', '/static/style.css', '/static/report.js', '/static/icon.svg',
  '/static/icon-192.png', '/manifest.webmanifest'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((c) => Promise.all(SHELL.map((u) =>
        fetch(u, { credentials: 'same-origin', redirect: 'manual' })
          .then((r) => (r.ok ? c.put(u, r) : null))
          .catch(() => null))))
      .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
});

function isShell(url) {
  return url.origin === self.location.origin && SHELL.includes(url.pathname);
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (!isShell(url)) return;
  if (url.pathname === '/report') {
    // Network first: fresh token and session when online; the cached form when not.
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok && !res.redirected) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put('/report', copy));
          }
          return res;
        })
        .catch(() => caches.match('/report').then((r) => r || Response.error())));
    return;
  }
  // Static shell files: the cache first, refreshed in the background.
  event.respondWith(
    caches.match(url.pathname).then((cached) => {
      const fresh = fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone();
            caches.open(CACHE).then((c) => c.put(url.pathname, copy));
          }
          return res;
        })
        .catch(() => cached || Response.error());
      return cached || fresh;
    }));
});
