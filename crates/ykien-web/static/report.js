/* ykien report form: an offline queue for collaborators' reports, without any framework.
 *
 * - The text, topic and place typed so far are saved in localStorage as they are typed, so
 *   a reload (or a phone killing the tab) does not lose them.
 * - The form is sent with fetch. When the browser is offline, the network fails, or the
 *   server is unavailable, the draft (with its photo, as a Blob) is put in IndexedDB and
 *   the page says so, with the number of reports waiting.
 * - Waiting drafts are sent when the connection returns (the `online` event) and whenever a
 *   page with the form is opened. Each is sent with a fresh CSRF token fetched from
 *   /api/v1/session/csrf (the token of the page that queued it may be stale by then).
 * - Each draft carries an id made here; the server files it as the item's external id, so
 *   a draft sent twice (the answer was lost on the way back) is filed once.
 */
(function () {
  'use strict';
  var form = document.getElementById('report-form');
  var status = document.getElementById('queue-status');
  if (!form || !status) return;
  var DRAFT_KEY = 'ykien.report.draft';
  var DB = 'ykien-report';
  var STORE = 'queue';
  var msg = status.dataset;

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {});
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  function field(name) { return form.elements[name]; }

  function say(text, alert) {
    status.textContent = text;
    status.hidden = !text;
    status.className = alert ? 'alert' : 'notice';
  }

  // --- autosave of the text being typed ---
  function saveDraft() {
    try {
      localStorage.setItem(DRAFT_KEY, JSON.stringify({
        text: field('text').value, topic: field('topic').value, place: field('place').value
      }));
    } catch (e) { /* storage full or disabled: nothing to do */ }
  }
  function restoreDraft() {
    try {
      var d = JSON.parse(localStorage.getItem(DRAFT_KEY) || 'null');
      if (!d) return;
      if (!field('text').value && d.text) field('text').value = d.text;
      if (!field('topic').value && d.topic) field('topic').value = d.topic;
      if (!field('place').value && d.place) field('place').value = d.place;
    } catch (e) { /* a damaged draft is dropped */ }
  }
  function clearDraft() {
    try { localStorage.removeItem(DRAFT_KEY); } catch (e) { /* ignore */ }
  }

  // --- the queue in IndexedDB ---
  function db() {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () { r.result.createObjectStore(STORE, { keyPath: 'id' }); };
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }
  function tx(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction(STORE, mode);
        var out = work(t.objectStore(STORE));
        t.oncomplete = function () { resolve(out && 'result' in out ? out.result : undefined); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }
  function queueAdd(draft) { return tx('readwrite', function (s) { s.put(draft); }); }
  function queueAll() { return tx('readonly', function (s) { return s.getAll(); }); }
  function queueDelete(id) { return tx('readwrite', function (s) { s['delete'](id); }); }

  /* Shows `prefix` and how many drafts wait; with no prefix and nothing waiting, the status
   * line is left as it is. */
  function showCount(prefix) {
    return queueAll().then(function (all) {
      var n = all.length;
      if (n > 0) {
        say((prefix ? prefix + ' ' : '') + msg.waiting.replace('{n}', n), false);
      } else if (prefix) {
        say(prefix, false);
      }
      return n;
    }).catch(function () { return 0; });
  }

  // --- sending ---
  function token() {
    return fetch('/api/v1/session/csrf', { credentials: 'same-origin', cache: 'no-store',
      headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (r.status === 401) { var e = new Error('signin'); e.signin = true; throw e; }
        if (!r.ok) throw new Error('token ' + r.status);
        return r.json();
      })
      .then(function (j) { return j.csrf; });
  }

  /* Resolves to the server's answer ({ok, status, body}); rejects when the network fails. */
  function send(draft) {
    return token().then(function (csrf) {
      var fd = new FormData();
      fd.append('csrf', csrf);
      fd.append('client_id', draft.id);
      fd.append('text', draft.text);
      fd.append('topic', draft.topic || '');
      fd.append('place', draft.place || '');
      if (draft.flash) fd.append('flash', 'on'); // reporting cycles (issue 7): báo cáo nhanh
      if (draft.photo) fd.append('photo', draft.photo, draft.photoName || 'photo');
      return fetch('/report', { method: 'POST', body: fd, credentials: 'same-origin',
        headers: { Accept: 'application/json' } });
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        return { ok: r.ok, status: r.status, body: body };
      });
    });
  }

  /* Whether an answer means "try again later" (the server or the session, not the draft). */
  function retryLater(res) {
    return res.status >= 500 || res.status === 401 || res.status === 403 || res.status === 429;
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    var sent = 0;
    return queueAll().then(function (all) {
      return all.reduce(function (p, draft) {
        return p.then(function (stop) {
          if (stop) return true;
          return send(draft).then(function (res) {
            if (retryLater(res)) return true;
            // Filed (or refused for good: it would never pass), so it leaves the queue.
            if (res.ok) sent += 1;
            else say(draft.text.slice(0, 60) + '… — ' + ((res.body.error || {}).message || res.status), true);
            return queueDelete(draft.id).then(function () { return false; });
          }, function (e) {
            if (e && e.signin) say(msg.signin, true);
            return true;
          });
        });
      }, Promise.resolve(false));
    }).then(function () {
      flushing = false;
      return showCount(sent > 0 ? msg.sent.replace('{n}', sent) : null);
    }, function () { flushing = false; });
  }

  function queue(draft, why) {
    return queueAdd(draft).then(function () {
      resetForm();
      return showCount(why || msg.saved);
    }, function () {
      say(msg.saved, true);
    });
  }

  function resetForm() {
    form.reset();
    field('client_id').value = newId();
    clearDraft();
  }

  form.addEventListener('input', saveDraft);
  form.addEventListener('change', saveDraft);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var photoInput = field('photo');
    var photo = photoInput && photoInput.files && photoInput.files[0] ? photoInput.files[0] : null;
    var max = photoInput ? Number(photoInput.dataset.maxBytes || 0) : 0;
    if (photo && max && photo.size > max) {
      say(msg.tooLarge.replace('{limit}', Math.floor(max / 1048576) + ' MB'), true);
      return;
    }
    var id = field('client_id').value;
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(id)) id = newId();
    var draft = {
      id: id, text: field('text').value, topic: field('topic').value, place: field('place').value,
      photo: photo, photoName: photo ? photo.name : null, created: new Date().toISOString(),
      flash: !!(field('flash') && field('flash').checked) // reporting cycles (issue 7)
    };
    if (!draft.text.trim()) { field('text').focus(); return; }
    if (!navigator.onLine) { queue(draft); return; }
    send(draft).then(function (res) {
      if (res.ok) {
        resetForm();
        var n = res.body.id;
        say(msg.sent.replace('{n}', 1) + (n ? ' #' + n : ''), false);
        flush();
      } else if (retryLater(res)) {
        queue(draft);
      } else {
        say(((res.body.error || {}).message) || String(res.status), true);
      }
    }, function (e) {
      queue(draft, e && e.signin ? msg.signin : msg.saved);
    });
  });

  window.addEventListener('online', flush);
  // A fresh id for the first draft: a page served from the offline cache carries the id
  // it was rendered with, which an earlier draft may already have used.
  field('client_id').value = newId();
  restoreDraft();
  showCount(null).then(function (n) { if (n > 0) flush(); });
})();
