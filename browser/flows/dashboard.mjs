// The dashboard in the browser. A collaborator files a report from a phone-sized screen and the
// officer of the same ward sees it on the dashboard within 2 s of pressing Send (the analysis worker runs inside
// `ykien serve`); the city leader drills down from the city to the ward and back, switches the
// period with the keyboard, opens the map; screenshots in Vietnamese and English.

/** The number shown for a headline figure of the dashboard. */
async function figure(page, key) {
  const s = await page.textContent(`[data-figure="${key}"] .value`);
  return Number((s || '').replace(/[^\d]/g, ''));
}

/** Days before now as an RFC 3339 date-time. */
function daysAgo(d, hour = 9) {
  const t = new Date(Date.now() - d * 86400000);
  t.setUTCHours(hour - 7, 0, 0, 0);
  return t.toISOString();
}

/** Opinions of the last two weeks across a few wards, so that the charts have something to
 * draw: filed by the admin through the API (with the session's CSRF token). */
async function seed(t, ctx) {
  const token = (await (await ctx.request.get('/api/v1/session/csrf')).json()).csrf;
  const texts = [
    ['00004', 'Rác thải sinh hoạt ùn ứ nhiều ngày ở ngõ chợ, bốc mùi hôi thối'],
    ['00004', 'Đèn đường hỏng, người dân đi lại buổi tối rất nguy hiểm'],
    ['00004', 'Cảm ơn phường đã sửa xong mặt đường, đi lại thuận tiện hơn'],
    ['00008', 'Ùn tắc giao thông giờ cao điểm ở nút giao, cần phân luồng'],
    ['00008', 'Hồ sơ đất đai chậm giải quyết, người dân phải đi lại nhiều lần'],
    ['00070', 'Giá điện tăng cao, đời sống người lao động khó khăn'],
    ['00070', 'Trạm y tế phường phục vụ tận tình, người dân hài lòng'],
    ['00082', 'Ô nhiễm tiếng ồn từ công trình xây dựng ban đêm'],
    ['00091', 'Thủ tục hành chính sau sắp xếp còn chưa rõ nơi tiếp nhận'],
  ];
  const items = [];
  for (let d = 0; d < 14; d += 1) {
    for (let i = 0; i < texts.length; i += 1) {
      if ((d * 7 + i * 3) % 4 === 0) continue;
      const [unit, text] = texts[i];
      items.push({
        unit,
        text: `${text} (ngày ${d}, ý kiến ${i})`,
        source: 'browser-dashboard-seed',
        external_id: `seed-${d}-${i}`,
        occurred_at: daysAgo(d, 8 + (i % 9)),
      });
    }
  }
  const r = await ctx.request.post('/api/v1/items/batch', {
    data: items,
    headers: { 'X-CSRF-Token': token },
  });
  t.equal(r.status(), 200, `seeding the dashboard: ${await r.text()}`);
  return items.length;
}

export default async function (t) {
  const admin = await t.context();
  await t.login(admin, 'admin');
  await seed(t, admin);
  await admin.close();

  // The officer watches the ward's dashboard while the collaborator files a report.
  const office = await t.context();
  const officer = await t.login(office, 'officer');
  await officer.goto('/dashboard');
  const before = await figure(officer, 'items');

  const phone = await t.context({ phone: true });
  const collab = await t.login(phone, 'collaborator');
  await collab.goto('/report');
  const marker = `bảng tổng quan ${Date.now()}`;
  await collab.fill('#text', `Người dân phản ánh nước sinh hoạt bị đục nhiều ngày (${marker}).`);
  const status = (await collab.textContent('#queue-status')) || '';
  const filed = Date.now();
  await collab.click('form[action="/report"] button[type=submit]');
  await collab.waitForFunction(
    (b) => {
      const s = document.querySelector('#queue-status');
      return s && !s.hidden && s.textContent !== b && /#\d+/.test(s.textContent);
    },
    status,
    { timeout: 10000 },
  );
  let seenAfter = null;
  while (Date.now() - filed < 5000) {
    await officer.reload();
    if ((await officer.content()).includes(marker)) {
      seenAfter = Date.now() - filed;
      break;
    }
    await officer.waitForTimeout(100);
  }
  t.check(seenAfter !== null, 'the ward officer sees the new report on the dashboard');
  console.log(`  report on the officer's dashboard after ${seenAfter} ms`);
  t.check(seenAfter <= 2000, `seen after ${seenAfter} ms, more than 2 s`);
  t.equal(await figure(officer, 'items'), before + 1, 'the count of opinions takes it in');
  await t.shot(officer, 'dashboard-ward-vi');
  await phone.close();

  // The ward officer on a phone: the page fits, the charts scroll sideways if they must.
  const officerPhone = await t.context({ phone: true });
  const op = await t.login(officerPhone, 'officer');
  await op.goto('/dashboard');
  const overflow = await op.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.check(overflow <= 0, `the dashboard is ${overflow}px wider than the phone`);
  await t.shot(op, 'dashboard-ward-phone-vi');
  await officerPhone.close();

  // Out of scope: another ward's dashboard does not exist for this officer.
  const r = await office.request.get('/dashboard/00008');
  t.equal(r.status(), 404, "another ward's dashboard");
  await office.close();

  // The city leader: the home page is the city's dashboard; drill down to the ward and back.
  const city = await t.context();
  const leader = await t.login(city, 'leader');
  t.equal((await leader.textContent('h1')).trim(), 'Thành phố Hà Nội', 'the leader lands on the city');
  t.check((await figure(leader, 'items')) > 0, 'the city counts its wards');
  const wide = await leader.evaluate(() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5)
    .map((e) => `${e.tagName}.${e.className.baseVal ?? e.className}: ${Math.round(e.getBoundingClientRect().right)}`));
  t.check(wide.length === 0, `wider than the window: ${wide.join('; ')}`);
  await t.shot(leader, 'dashboard-city-vi');
  await Promise.all([leader.waitForNavigation(), leader.click('#units a[href^="/dashboard/00004"]')]);
  t.check(leader.url().includes('/dashboard/00004'), `drilled down to ${leader.url()}`);
  t.equal((await leader.textContent('h1')).trim(), 'Phường Ba Đình', 'the ward');
  t.check((await leader.content()).includes(marker), "the collaborator's report is there too");
  // Keyboard: the 30-day period is reached and chosen without a mouse.
  await leader.focus('.periods a[href$="period=30"]');
  await Promise.all([leader.waitForNavigation(), leader.keyboard.press('Enter')]);
  t.equal(await leader.getAttribute('.dash', 'data-days'), '30', 'the period switch');
  t.equal(
    await leader.getAttribute('.periods a[aria-current="page"]', 'href'),
    '/dashboard/00004?period=30',
    'the chosen period is marked',
  );
  await Promise.all([leader.waitForNavigation(), leader.click('.trail a[href^="/dashboard/01"]')]);
  t.equal((await leader.textContent('h1')).trim(), 'Thành phố Hà Nội', 'back up to the city');
  t.equal(await leader.getAttribute('.dash', 'data-days'), '30', 'the period is kept');
  await Promise.all([leader.waitForNavigation(), leader.click('#map a[href*="/map"]')]);
  t.check((await leader.locator('svg circle[data-value]').count()) >= 126, 'a circle per commune and ward');
  t.check((await leader.textContent('.map-note')).includes('126'), 'the map says why it has no boundaries');
  await t.shot(leader, 'dashboard-map-vi');
  await city.close();

  // English.
  const en = await t.context({ lang: 'en' });
  const le = await t.login(en, 'leader');
  await le.goto('/dashboard');
  t.check((await le.content()).includes('Opinions per day'), 'English dashboard');
  await t.shot(le, 'dashboard-city-en');
  await le.goto('/dashboard/00004');
  await t.shot(le, 'dashboard-ward-en');
  await le.goto('/dashboard/01/map');
  t.check((await le.textContent('.map-note')).includes('No public boundary'), 'English map note');
  await t.shot(le, 'dashboard-map-en');
  await en.close();
}
