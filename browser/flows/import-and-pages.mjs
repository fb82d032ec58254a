// An officer imports a CSV exported from a fanpage through the web UI: the progress page
// follows the import to its end and lists the row that was not taken with its number and
// reason (in Vietnamese, from the catalogue). Then the alert inbox and the interactive API documentation open without errors.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export default async function (t) {
  const ctx = await t.context();
  const page = await t.login(ctx, 'officer');
  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/imports"]')]);
  await t.shot(page, 'imports-officer-vi');

  // Synthetic comments written for this test; the third row has no text.
  const stamp = Date.now();
  const csv = [
    'text,external_id',
    `"Bà con phản ánh rác thải tồn đọng ở đầu ngõ ${stamp}",row-1`,
    `"Đề nghị sửa đèn chiếu sáng ngõ 8 ${stamp}",row-2`,
    ',row-3',
  ].join('\n');
  const dir = mkdtempSync(join(tmpdir(), 'ykien-import-'));
  const file = join(dir, 'binh-luan-fanpage.csv');
  writeFileSync(file, csv);
  await page.setInputFiles('#file', file);
  await page.selectOption('#format', 'csv');
  await page.fill('#source', `fanpage-thu-${stamp}`);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/imports"] button[type=submit]')]);
  t.check(/\/imports\/\d+/.test(page.url()), `the upload opens its progress page, got ${page.url()}`);
  await page.waitForSelector('section[data-state="done"]', { timeout: 20000 });
  t.equal(await page.getAttribute('[data-added]', 'data-added'), '2', 'two rows added');
  t.equal(await page.getAttribute('[data-failed]', 'data-failed'), '1', 'one row refused');
  const row = (await page.textContent('table.errors tbody tr td:first-child')).trim();
  t.equal(row, '4', 'the refused row is named by its line in the file');
  const reason = (await page.textContent('table.errors tbody tr td:nth-child(2)')).trim();
  t.check(reason.startsWith('Dòng không có nội dung'), `the reason is said in Vietnamese, got ${reason}`);
  t.equal(await page.getAttribute('#progress', 'value'), await page.getAttribute('#progress', 'max'), 'the bar is full');
  await t.shot(page, 'import-done-officer-vi');

  await Promise.all([page.waitForNavigation(), page.click('nav a[href="/alerts"]')]);
  t.equal(await page.getAttribute('html', 'lang'), 'vi', 'the alert inbox is in Vietnamese');
  await t.shot(page, 'alerts-officer-vi');

  const docs = await ctx.newPage();
  await docs.goto('/api/v1/docs');
  await docs.waitForSelector('.opblock', { timeout: 15000 });
  const ops = await docs.locator('.opblock').count();
  t.check(ops >= 10, `the API page lists the operations, found ${ops}`);
  await t.shot(docs, 'api-docs');
  await ctx.close();
}
