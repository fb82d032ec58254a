// Administration: every role signs in, lands on a page of its own and sees the navigation of
// its role; the admin creates an account (the generated password works once passed on); an
// officer adds a keyword watch and sees it, while another ward's officer does not; the
// admin pages are photographed in Vietnamese and English (and one on a phone) to be looked at.

/** Navigation links each role should (true) or should not (false) be offered. */
const NAV = {
  admin: { '/alerts': true, '/admin': true, '/imports': true },
  leader: { '/alerts': true, '/admin': true, '/imports': true },
  officer: { '/alerts': true, '/admin': true, '/imports': true },
  other_officer: { '/alerts': true, '/admin': true, '/imports': true },
  collaborator: { '/alerts': false, '/admin': false, '/imports': false },
};

async function has(page, selector) {
  return (await page.locator(selector).count()) > 0;
}

export default async function (t) {
  // 1. Each role lands somewhere sensible, with its own navigation.
  for (const who of Object.keys(t.accounts)) {
    const ctx = await t.context();
    const page = await t.login(ctx, who);
    t.check(!page.url().endsWith('/login'), `${who} lands off the login page: ${page.url()}`);
    const status = await page.evaluate(() => document.title);
    t.check(status && !/404|403|500/.test(status), `${who}: the landing page is not an error (${status})`);
    for (const [href, shown] of Object.entries(NAV[who] || {})) {
      t.equal(await has(page, `header nav a[href="${href}"]`), shown, `${who}: navigation to ${href}`);
    }
    const res = await page.goto('/admin');
    t.equal(res.status(), 200, `${who}: the administration index opens`);
    const isAdmin = t.accounts[who].role === 'admin';
    t.equal(await has(page, 'main a[href="/admin/users"]'), isAdmin, `${who}: accounts offered to admins only`);
    const handles = ['admin', 'leader', 'officer'].includes(t.accounts[who].role);
    t.equal(await has(page, 'main a[href="/admin/rules"]'), handles, `${who}: rules offered to handlers only`);
    if (who === 'collaborator') {
      const denied = await ctx.request.get('/admin/rules', { maxRedirects: 0 });
      t.equal(denied.status(), 403, 'a collaborator may not open the rule editor');
    }
    await ctx.close();
  }

  // 2. The admin creates an account; the generated password is shown once and works.
  const stamp = Date.now();
  const email = `can-bo-moi-${stamp}@badinh.test.ykien.vn`;
  const actx = await t.context();
  const admin = await t.login(actx, 'admin');
  await admin.goto('/admin');
  await t.shot(admin, 'admin-index-admin-vi');
  await Promise.all([admin.waitForNavigation(), admin.click('main a[href="/admin/users"]')]);
  await admin.fill('#user-name', 'Phạm Thu Hà');
  await admin.fill('#user-email', email);
  await admin.selectOption('#user-role', 'officer');
  await admin.fill('#user-unit', '00004');
  await Promise.all([admin.waitForNavigation(), admin.click('form[action="/admin/users"] button[type=submit]')]);
  const password = ((await admin.textContent('[data-new-password]')) || '').trim();
  t.check(/^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/.test(password), `a generated password is shown: "${password}"`);
  t.check(await has(admin, `td:has-text("${email}")`), 'the new account is listed');
  await t.shot(admin, 'admin-users-vi');
  const nctx = await t.context();
  const fresh = await nctx.newPage();
  await fresh.goto('/login');
  await fresh.fill('#login', email);
  await fresh.fill('#password', password);
  await Promise.all([fresh.waitForNavigation(), fresh.click('button[type=submit]')]);
  t.check(!fresh.url().includes('/login'), `the new account signs in with its password: ${fresh.url()}`);
  t.equal(((await fresh.textContent('.who')) || '').trim(), 'Phạm Thu Hà', 'the new account is named');
  await nctx.close();

  // Units, in Vietnamese then English.
  await admin.goto('/admin/units');
  t.check(await has(admin, 'tr[data-unit-id="00004"]'), 'the unit tree lists Ba Đình');
  await admin.selectOption('#area-unit', '00004');
  await admin.selectOption('#area-kind', 'Tổ dân phố');
  await admin.fill('#area-name', `số ${stamp % 100}`);
  await Promise.all([admin.waitForNavigation(), admin.click('form[action="/admin/units"] button[type=submit]')]);
  t.check(await has(admin, '[role=status]'), 'the new area is confirmed');
  await t.shot(admin, 'admin-units-vi');
  await admin.goto('/admin/users?lang=en');
  t.equal(await admin.getAttribute('html', 'lang'), 'en', 'the accounts page in English');
  await t.shot(admin, 'admin-users-en');
  await admin.goto('/admin');
  await t.shot(admin, 'admin-index-admin-en');
  await actx.close();

  // 3. An officer adds a keyword watch and a source, and sees them.
  const octx = await t.context();
  const officer = await t.login(octx, 'officer');
  await Promise.all([officer.waitForNavigation(), officer.click('header nav a[href="/admin"]')]);
  await Promise.all([officer.waitForNavigation(), officer.click('main a[href="/admin/rules"]')]);
  const name = `Theo dõi ngập úng ${stamp}`;
  await officer.fill('#rule-name', name);
  await officer.selectOption('#rule-kind', 'keyword');
  await officer.fill('#rule-terms', 'ngập úng\ntriều cường');
  await officer.selectOption('#rule-severity', 'urgent');
  await Promise.all([officer.waitForNavigation(), officer.click('form[action="/admin/rules"] button[type=submit]')]);
  t.check(officer.url().includes('done=rule_created'), `the rule form comes back: ${officer.url()}`);
  const row = officer.locator('tr[data-rule-id]', { hasText: name });
  t.equal(await row.count(), 1, 'the new keyword watch is listed');
  t.check(((await row.textContent()) || '').includes('ngập úng, triều cường'), 'with its terms');
  await officer.fill('#ch-target', 'truc-ban@badinh.test.ykien.vn');
  await Promise.all([officer.waitForNavigation(), officer.click('form[action="/admin/channels"] button[type=submit]')]);
  t.check(await has(officer, 'td:has-text("truc-ban@badinh.test.ykien.vn")'), 'the recipient is listed');
  await t.shot(officer, 'admin-rules-officer-vi');
  // A report that the watch matches: the evaluator (every 30 s) raises an alert from it.
  await officer.goto('/report');
  await officer.fill('#text', `Đường Đội Cấn ngập úng sâu sau trận mưa chiều nay ${stamp}, xe máy chết máy nhiều.`);
  const before = (await officer.textContent('#queue-status')) || '';
  await officer.click('#report-form button[type=submit]');
  await officer.waitForFunction(
    (b) => {
      const q = document.querySelector('#queue-status');
      return q && !q.hidden && q.textContent !== b;
    },
    before,
    { timeout: 10000 },
  );

  await officer.goto('/admin/sources');
  await officer.fill('#src-name', `Cổng thông tin phường ${stamp}`);
  await officer.fill('#src-url', 'http://127.0.0.1:9/rss.xml');
  await officer.fill('#src-every', '60');
  await Promise.all([officer.waitForNavigation(), officer.click('form[action="/admin/sources"] button[type=submit]')]);
  t.check(/\/admin\/sources\/\d+/.test(officer.url()), `the new source opens its page: ${officer.url()}`);
  await t.shot(officer, 'admin-source-officer-vi');
  await officer.goto('/admin/sources');
  await t.shot(officer, 'admin-sources-officer-vi');
  await officer.goto('/admin/rules?lang=en');
  await t.shot(officer, 'admin-rules-officer-en');
  // The alert arrives in the inbox; acknowledge it from its page.
  let found = false;
  for (let i = 0; i < 60 && !found; i += 1) {
    await officer.goto('/alerts?lang=vi');
    found = (await officer.locator('li[data-alert-id]', { hasText: 'ngập úng' }).count()) > 0;
    if (!found) await officer.waitForTimeout(1500);
  }
  t.check(found, 'the keyword watch raised an alert in the inbox within 90 s (the evaluator runs every 30 s)');
  await t.shot(officer, 'alerts-inbox-officer-vi');
  await Promise.all([officer.waitForNavigation(), officer.click('li[data-alert-id] .excerpt a')]);
  t.check(await has(officer, 'li[data-item-id]'), 'the alert lists its item');
  await Promise.all([officer.waitForNavigation(), officer.click('form[action$="/acknowledge"] button')]);
  t.equal(await officer.getAttribute('section[data-alert-id]', 'data-status'), 'acknowledged', 'the alert is acknowledged');
  await t.shot(officer, 'alert-officer-vi');
  await officer.goto(`${new URL(officer.url()).pathname}?lang=en`);
  await t.shot(officer, 'alert-officer-en');
  // Deleting asks once more (a disclosure, no script): open it, confirm, and the row is gone.
  await officer.goto('/admin/rules?lang=vi');
  await officer.click('tr[data-channel-id] details summary');
  await t.shot(officer, 'admin-rules-confirm-officer-vi');
  await Promise.all([officer.waitForNavigation(), officer.click('tr[data-channel-id] details button')]);
  t.check(officer.url().includes('done=channel_deleted'), `the recipient is deleted: ${officer.url()}`);
  t.equal(await officer.locator('tr[data-channel-id]').count(), 0, 'no recipient is left');
  await octx.close();

  // Another ward's officer does not see Ba Đình's watch.
  const xctx = await t.context();
  const other = await t.login(xctx, 'other_officer');
  await other.goto('/admin/rules');
  t.equal(await other.locator('tr[data-rule-id]', { hasText: name }).count(), 0,
    "another ward's officer does not see Ba Đình's rule");
  await xctx.close();

  // The rule editor on a phone.
  const pctx = await t.context({ phone: true });
  const phone = await t.login(pctx, 'officer');
  await phone.goto('/admin/rules');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.check(overflow <= 1, `the rule editor fits a 390px phone (overflow ${overflow}px)`);
  await t.shot(phone, 'admin-rules-officer-phone-vi');
  await pctx.close();
}
