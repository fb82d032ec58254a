// Cases in the officers' workspace: a ward officer files a report, opens a case over it,
// verifies it and forwards it to a member organization with its reference; the city's leader
// finds it on the board and opens it (in Vietnamese, then in English); an officer of another
// ward does not see it on the board and gets "not found" at its address. Screenshots of the
// board and of the case page are kept in both languages, and of the board on a phone.

/** Files a report through the report form and returns its number. */
async function fileReport(t, page, text) {
  await page.goto('/report');
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
  const said = (await page.textContent('#queue-status')) || '';
  const id = (said.match(/#(\d+)/) || [])[1];
  t.check(id, `the report form gives the report number, got "${said}"`);
  return id;
}

/** Submits a form by clicking `selector` and waits for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

export default async function (t) {
  const stamp = Date.now();
  const office = await t.context({ lang: 'vi' });
  const officer = await t.login(office, 'officer');
  const item = await fileReport(t, officer, `Đèn chiếu sáng ngõ 12 phố Đội Cấn hỏng đã một tuần (${stamp}).`);

  // Open a case over the report from the item's page: the form offers the item, ticked.
  await officer.goto(`/items/${item}`);
  await Promise.all([officer.waitForNavigation(), officer.click(`a[href="/cases/new?item=${item}"]`)]);
  t.check(await officer.isChecked(`input[name=item][value="${item}"]`), 'the report is offered, ticked');
  await officer.fill('#title', `Đèn chiếu sáng ngõ 12 Đội Cấn hỏng ${stamp}`);
  await officer.check('input[name=severity][value=urgent]');
  await t.shot(officer, 'case-new-officer-vi');
  await submit(officer, 'form[action="/cases"] button[type=submit]');
  const m = officer.url().match(/\/cases\/(\d+)\?done=created/);
  t.check(m, `the new case opens, got ${officer.url()}`);
  const id = m[1];
  t.equal(await officer.getAttribute('[data-case-id]', 'data-status'), 'new', 'a new case');
  t.check(await officer.isVisible(`a[href="/items/${item}"]`), 'the case links to its item');

  // Verify, then forward to a member organization with its reference.
  await submit(officer, 'button.step-verify');
  t.equal(await officer.getAttribute('[data-case-id]', 'data-status'), 'verifying', 'being verified');
  const orgs = await officer.$$eval('#to optgroup:first-of-type option', (os) => os.map((o) => [o.value, o.textContent.trim()]));
  t.check(orgs.length >= 5, `the member organizations are offered, got ${orgs.length}`);
  const [orgId, orgName] = orgs[orgs.length - 1];
  await officer.selectOption('#to', orgId);
  await officer.fill('#reference', `CV-${stamp}`);
  await submit(officer, 'button.step-forward');
  t.equal(await officer.getAttribute('[data-case-id]', 'data-status'), 'forwarded', 'forwarded');
  const forwarded = (await officer.textContent('dd.forwarded')) || '';
  t.check(forwarded.includes(orgName) && forwarded.includes(`CV-${stamp}`), `where it went and its reference: "${forwarded}"`);
  const steps = await officer.locator('ol.timeline > li').count();
  t.check(steps >= 3, `the history lists every step, got ${steps}`);
  await t.shot(officer, 'case-officer-vi');
  await officer.goto('/cases');
  t.check(await officer.isVisible(`section[data-status=forwarded] [data-case-id="${id}"]`), 'the board shows it as forwarded');
  await t.shot(officer, 'cases-board-officer-vi');

  // The city's leader sees it on the board and opens it, then reads it in English.
  const city = await t.context({ lang: 'vi' });
  const leader = await t.login(city, 'leader');
  await leader.goto('/cases');
  const card = `section[data-status=forwarded] [data-case-id="${id}"] a.case-link`;
  t.check(await leader.isVisible(card), "the leader's board shows the ward's case");
  await t.shot(leader, 'cases-board-leader-vi');
  await Promise.all([leader.waitForNavigation(), leader.click(card)]);
  t.check(leader.url().endsWith(`/cases/${id}`), `the card opens the case, got ${leader.url()}`);
  t.check((await leader.textContent('dd.forwarded')).includes(orgName), 'the leader sees where it went');
  await t.shot(leader, 'case-leader-vi');
  await Promise.all([leader.waitForNavigation(), leader.click('nav a[hreflang=en]')]);
  t.equal(await leader.getAttribute('html', 'lang'), 'en', 'the case page in English');
  t.check((await leader.textContent('h2#tl-h')).trim() === 'History', 'English headings');
  await t.shot(leader, 'case-leader-en');
  await leader.goto('/cases');
  t.equal(await leader.getAttribute('html', 'lang'), 'en', 'the board in English');
  await t.shot(leader, 'cases-board-leader-en');

  // Keyboard: the filter form is reachable and works without a mouse.
  await leader.focus('#f-overdue');
  await leader.keyboard.press('Space');
  await Promise.all([leader.waitForNavigation(), leader.keyboard.press('Enter')]);
  t.check(leader.url().includes('overdue=1'), `the filter is sent from the keyboard, got ${leader.url()}`);

  // Another ward's officer: not on its board, not found at its address.
  const other = await t.context({ lang: 'vi' });
  const stranger = await t.login(other, 'other_officer');
  await stranger.goto('/cases');
  t.equal(await stranger.locator(`[data-case-id="${id}"]`).count(), 0, "not on the other ward's board");
  const res = await stranger.goto(`/cases/${id}`);
  t.equal(res.status(), 404, "another ward's officer gets not found");

  // The board on a phone.
  const phone = await t.context({ phone: true, lang: 'vi' });
  const mobile = await t.login(phone, 'officer');
  await mobile.goto('/cases');
  const wide = await mobile.evaluate(() => document.documentElement.scrollWidth);
  t.check(wide <= 390, `the board fits a phone's width, got ${wide}px`);
  await t.shot(mobile, 'cases-board-phone-vi');
  await Promise.all([office.close(), city.close(), other.close(), phone.close()]);
}
