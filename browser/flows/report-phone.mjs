// A collaborator files a report from a phone-sized screen; it is listed among their reports,
// an officer of the same ward can open it, and an officer of another ward cannot even learn
// that it exists. Then the same collaborator loses the connection: the report waits in the
// browser's queue and is sent by itself when the connection returns.

/** Fills the report form and submits it; returns the status line's text once it changes. */
async function file(t, page, text) {
  await page.fill('#text', text);
  const before = (await page.textContent('#queue-status')) || '';
  await page.click('form[action="/report"] button[type=submit]');
  await page.waitForFunction(
    (b) => {
      const s = document.querySelector('#queue-status');
      return s && !s.hidden && s.textContent !== b;
    },
    before,
    { timeout: 10000 },
  );
  return (await page.textContent('#queue-status')) || '';
}

export default async function (t) {
  const phone = await t.context({ phone: true });
  const page = await t.login(phone, 'collaborator');
  await page.goto('/report');
  await t.shot(page, 'report-form-phone-vi');
  const marker = `kiểm thử trình duyệt ${Date.now()}`;
  const started = Date.now();
  const said = await file(t, page, `Người dân phường phản ánh đèn đường hỏng nhiều ngày (${marker}).`);
  const id = (said.match(/#(\d+)/) || [])[1];
  t.check(id, `the status line gives the report number, got "${said}"`);
  t.equal(await page.inputValue('#text'), '', 'the form is cleared for the next report');
  await t.shot(page, 'report-sent-phone-vi');
  await page.goto('/reports/mine');
  t.check((await page.content()).includes(marker), 'the report is listed under "my reports"');
  await t.shot(page, 'reports-mine-phone-vi');

  const office = await t.context();
  const officer = await t.login(office, 'officer');
  let seen = null;
  while (Date.now() - started < 10000) {
    const r = await office.request.get(`/api/v1/items/${id}`);
    if (r.status() === 200) {
      seen = await r.json();
      break;
    }
    await officer.waitForTimeout(100);
  }
  t.check(seen, `the ward officer can open item ${id}`);
  t.check(JSON.stringify(seen).includes(marker), 'with its text');

  const other = await t.context();
  await t.login(other, 'other_officer');
  const r = await other.request.get(`/api/v1/items/${id}`);
  t.equal(r.status(), 404, "another ward's officer gets 404");

  // Offline: the draft is kept in the browser and sent when the connection returns.
  await page.goto('/report');
  await phone.setOffline(true);
  const offline = `báo cáo khi mất mạng ${Date.now()}`;
  const queued = await file(t, page, `Chợ dân sinh ngập nước sau mưa (${offline}).`);
  t.check(!/#\d+/.test(queued), `nothing is sent while offline, the page said "${queued}"`);
  await t.shot(page, 'report-queued-offline-phone-vi');
  await phone.setOffline(false);
  await page.waitForFunction(() => /#?\d/.test(document.querySelector('#queue-status')?.textContent || '') , null, { timeout: 10000 }).catch(() => {});
  let delivered = false;
  for (let i = 0; i < 100 && !delivered; i += 1) {
    const mine = await phone.request.get('/reports/mine');
    delivered = (await mine.text()).includes(offline);
    if (!delivered) await page.waitForTimeout(100);
  }
  t.check(delivered, 'the queued report is sent once the connection returns');
  await Promise.all([phone.close(), office.close(), other.close()]);
}
