// Reports (issue 7): the ward's officer drafts the monthly report from the data, edits a
// paragraph, saves, downloads the PDF and issues the report, which then shows its number and
// no editor. Screenshots of the list and of the report page in Vietnamese and English, on a
// desktop and on a phone.
import { readFileSync } from 'node:fs';

/** Submits a form by clicking `selector` and waits for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** The current month in Hà Nội ("2026-11"). */
function thisMonth() {
  const t = new Date(Date.now() + 7 * 3600 * 1000);
  return `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Opinions of this month in the officer's ward, filed by the admin through the API. */
async function seed(t, ctx, stamp) {
  const token = (await (await ctx.request.get('/api/v1/session/csrf')).json()).csrf;
  const texts = [
    'Rác thải sinh hoạt ùn ứ nhiều ngày ở ngõ chợ, bốc mùi hôi thối',
    'Đèn đường hỏng, người dân đi lại buổi tối rất nguy hiểm',
    'Cảm ơn phường đã sửa xong mặt đường, đi lại thuận tiện hơn',
    'Ùn tắc giao thông giờ cao điểm ở nút giao, cần phân luồng',
  ];
  const items = texts.map((text, i) => ({
    unit: '00004',
    text: `${text} (báo cáo ${stamp}, ý kiến ${i})`,
    source: 'browser-reports-seed',
    external_id: `reports-${stamp}-${i}`,
    occurred_at: new Date(Date.now() - 60000).toISOString(),
  }));
  const r = await ctx.request.post('/api/v1/items/batch', { data: items, headers: { 'X-CSRF-Token': token } });
  t.equal(r.status(), 200, `seeding the report: ${await r.text()}`);
}

export default async function (t) {
  const stamp = Date.now();
  const admin = await t.context();
  await t.login(admin, 'admin');
  await seed(t, admin, stamp);
  await admin.close();

  // The list and the draft form; the month most likely wanted is offered.
  const office = await t.context({ lang: 'vi' });
  const officer = await t.login(office, 'officer');
  await officer.goto('/dashboard');
  t.check(await officer.isVisible('nav a[href="/reports"]'), 'the nav offers the reports');
  await officer.click('nav a[href="/reports"]');
  await officer.waitForSelector('form[action="/reports"]');
  t.check(await officer.isChecked('input[name=kind][value=month]'), 'a monthly report by default');
  await officer.fill('#month', thisMonth());
  await officer.selectOption('#unit', '00004');
  await t.shot(officer, 'reports-list-officer-vi');
  const started = Date.now();
  await submit(officer, 'button.rep-draft-go');
  const took = Date.now() - started;
  const m = officer.url().match(/\/reports\/(\d+)\?done=created/);
  t.check(m, `the draft opens, got ${officer.url()}`);
  const id = m[1];
  t.check(took < 10000, `drafting takes a moment, not ${took} ms`);
  t.equal(await officer.getAttribute('[data-report-id]', 'data-status'), 'draft', 'a draft');
  t.check(await officer.isVisible('.rep-preview .yk-doc'), 'the document is previewed');
  const styled = await officer.$eval('.yk-doc', (e) => getComputedStyle(e).fontFamily);
  t.check(/Times New Roman|Liberation Serif/.test(styled), `the document's stylesheet applies: ${styled}`);
  t.check(await officer.isVisible('a.rep-dash'), 'a link to the dashboard of the same period');

  // Edit the first paragraph and save.
  const boxes = await officer.$$eval('textarea.rep-text', (ts) => ts.map((x) => [x.name, x.value]));
  const [name, text] = boxes.find(([, v]) => v.trim()) || [];
  t.check(name, 'a paragraph to edit');
  const edited = `Đoạn văn do cán bộ phường sửa trong trình duyệt (${stamp}).`;
  await officer.fill(`textarea[name="${name}"]`, `${edited}\n\n${text}`);
  await submit(officer, 'button.rep-save');
  t.check(officer.url().endsWith(`/reports/${id}?done=saved`), `saved, got ${officer.url()}`);
  t.check((await officer.textContent('.rep-preview')).includes(edited), 'the preview shows the edit');
  await t.shot(officer, 'report-draft-officer-vi');

  // Download the PDF.
  const [download] = await Promise.all([officer.waitForEvent('download'), officer.click('a[data-format=pdf]')]);
  const file = download.suggestedFilename();
  // Chromium takes the Vietnamese name of `filename*`; others the ASCII `filename`.
  t.check(
    /^(bao-cao-\d{4}-\d{2}-phuong-ba-dinh|Báo cáo \d{4}-\d{2} Phường Ba Đình)\.pdf$/.test(file),
    `the PDF's name, got ${file}`,
  );
  const bytes = readFileSync(await download.path());
  t.equal(bytes.subarray(0, 4).toString('latin1'), '%PDF', 'a PDF');

  // Issue it: it takes a number and the editor goes.
  await submit(officer, 'button.rep-issue-go');
  t.check(officer.url().endsWith(`/reports/${id}?done=issued`), `issued, got ${officer.url()}`);
  t.equal(await officer.getAttribute('[data-report-id]', 'data-status'), 'issued', 'issued');
  const number = (await officer.textContent('.rep-symbol')) || '';
  t.check(/\d{2}\/BC-MTTQ-[A-ZĐ]+/.test(number), `the number is shown, got "${number}"`);
  t.equal(await officer.locator('form.rep-edit').count(), 0, 'no editor once issued');
  t.check((await officer.textContent('.yk-doc')).includes(number.replace(/^\D*/, '').trim()), 'the document carries its number');
  await t.shot(officer, 'report-issued-officer-vi');

  // In English.
  await submit(officer, 'nav a[hreflang=en]');
  t.equal(await officer.getAttribute('html', 'lang'), 'en', 'the report page in English');
  t.equal((await officer.textContent('#preview-h')).trim(), 'Preview', 'English headings');
  await t.shot(officer, 'report-issued-officer-en');
  await officer.goto('/reports');
  await t.shot(officer, 'reports-list-officer-en');

  // On a phone: a new draft fits the width.
  const phone = await t.context({ phone: true, lang: 'vi' });
  const mobile = await t.login(phone, 'officer');
  await mobile.goto('/reports');
  const listWide = await mobile.evaluate(() => document.documentElement.scrollWidth);
  t.check(listWide <= 390, `the list and its form fit a phone's width, got ${listWide}px`);
  await mobile.fill('#month', thisMonth());
  await submit(mobile, 'button.rep-draft-go');
  t.check(/\/reports\/\d+\?done=created/.test(mobile.url()), `drafted on a phone, got ${mobile.url()}`);
  const wide = await mobile.evaluate(() => document.documentElement.scrollWidth);
  t.check(wide <= 390, `the report page fits a phone's width, got ${wide}px`);
  await t.shot(mobile, 'report-draft-phone-vi');
  await mobile.goto('/reports');
  await t.shot(mobile, 'reports-list-phone-vi');

  // Another ward's officer: not found.
  const other = await t.context({ lang: 'vi' });
  const stranger = await t.login(other, 'other_officer');
  const res = await stranger.goto(`/reports/${id}`);
  t.equal(res.status(), 404, "another ward's officer gets not found");
  await Promise.all([office.close(), phone.close(), other.close()]);
}
