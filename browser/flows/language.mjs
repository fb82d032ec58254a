// The language switch: Vietnamese first, English on request, remembered across pages and
// switched back.
export default async function (t) {
  const ctx = await t.context();
  const page = await t.login(ctx, 'officer');
  t.equal(await page.getAttribute('html', 'lang'), 'vi', 'starts in Vietnamese');
  const viLogout = (await page.textContent('form[action="/logout"] button')).trim();
  await Promise.all([page.waitForNavigation(), page.click('a[hreflang=en]')]);
  t.equal(await page.getAttribute('html', 'lang'), 'en', 'switched to English');
  const enLogout = (await page.textContent('form[action="/logout"] button')).trim();
  t.check(enLogout !== viLogout, `the navigation is translated ("${viLogout}" / "${enLogout}")`);
  await t.shot(page, 'home-officer-en');
  await page.goto('/report');
  t.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice is remembered');
  await t.shot(page, 'report-officer-en');
  await Promise.all([page.waitForNavigation(), page.click('a[hreflang=vi]')]);
  t.equal(await page.getAttribute('html', 'lang'), 'vi', 'switched back to Vietnamese');
  await ctx.close();
}
