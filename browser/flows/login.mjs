// Every role signs in through the form, lands on its home page under its own name, and signs
// out; a wrong password is refused with a message and no session.
export default async function (t) {
  for (const who of Object.keys(t.accounts)) {
    const a = t.accounts[who];
    const ctx = await t.context();
    const page = await t.login(ctx, who);
    const shown = (await page.textContent('.who')) || '';
    t.equal(shown.trim(), a.name, `${who}: the header names the signed-in user`);
    t.equal(await page.getAttribute('html', 'lang'), 'vi', `${who}: Vietnamese by default`);
    await t.shot(page, `home-${who}-vi`);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/logout"] button')]);
    t.check(page.url().includes('/login'), `${who}: signed out to the login page, got ${page.url()}`);
    const again = await ctx.request.get('/reports/mine', { maxRedirects: 0 });
    t.check(again.status() >= 300 && again.status() < 400, `${who}: the old session is gone`);
    await ctx.close();
  }

  const ctx = await t.context();
  const page = await ctx.newPage();
  const someone = Object.values(t.accounts)[0];
  await page.goto('/login');
  await page.fill('#login', someone.login);
  await page.fill('#password', 'not-the-password');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=alert]');
  t.check(page.url().includes('/login'), 'a wrong password stays on the login page');
  await t.shot(page, 'login-refused-vi');
  await ctx.close();
}
