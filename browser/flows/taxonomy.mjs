// The taxonomy editor: the city's administrator opens /admin/taxonomy, makes a mistake and
// reads it back with its line, then adds a seed term to the environment topic and saves the
// taxonomy as a new version in use; the term shows in the topic list and the version in the
// history. The page is kept in Vietnamese and English, the error in Vietnamese, and an
// officer's read-only view on a phone.

/** Submits a form by clicking `selector` and waits for the page it leads to. */
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** The taxonomy text with `term` added first to the seeds of the topic `id`. */
function withSeed(text, id, term) {
  const at = text.indexOf(`id = "${id}"`);
  const list = at < 0 ? -1 : text.indexOf('\nseeds = [', at);
  if (list < 0) throw new Error(`no seeds for ${id}`);
  const open = list + '\nseeds = ['.length;
  return `${text.slice(0, open)}\n  "${term}",${text.slice(open)}`;
}

export default async function (t) {
  const stamp = Date.now();
  const term = `mương thoát nước thử ${stamp}`;
  const office = await t.context({ lang: 'vi' });
  const admin = await t.login(office, 'admin');
  await admin.goto('/admin/taxonomy');
  t.check(await admin.isVisible('h1'), 'the page has a heading');
  t.check(await admin.isVisible('#tax-source'), 'the city administrator gets the editor');
  const original = await admin.inputValue('#tax-source');
  t.check(original.includes('id = "environment"'), 'the editor holds the taxonomy text');
  await t.shot(admin, 'taxonomy-admin-vi');

  // A mistake: an id with capitals and diacritics is reported with its line.
  await admin.fill('#tax-source', original.replace('id = "environment"', 'id = "Môi trường"'));
  await submit(admin, 'form[aria-labelledby="tax-edit"] button[type=submit]');
  t.check(await admin.isVisible('#tax-problems'), 'the mistake is listed');
  const said = (await admin.textContent('#tax-problems')) || '';
  t.check(/Dòng \d+/.test(said), `the mistake names its line: "${said}"`);
  t.check(said.includes('mã chủ đề chỉ gồm'), `the mistake is said in Vietnamese: "${said}"`);
  t.equal(await admin.getAttribute('#tax-source', 'aria-invalid'), 'true', 'the text area is marked invalid');
  await t.shot(admin, 'taxonomy-error-vi');

  // Add a seed term to the environment topic, save and put it in use.
  await admin.fill('#tax-source', withSeed(original, 'environment', term));
  await admin.fill('#tax-note', `Thêm từ khóa ${stamp}`);
  await admin.check('input[name=activate]');
  await submit(admin, 'form[aria-labelledby="tax-edit"] button[type=submit]');
  t.check(/\/admin\/taxonomy\?done=saved_active&v=\d+/.test(admin.url()), `saved and in use, got ${admin.url()}`);
  t.check(await admin.isVisible('p[role=status]'), 'the outcome is said');
  const seeds = (await admin.textContent('tr[data-topic="environment"]')) || '';
  t.check(seeds.includes(term), 'the new term is among the topic\'s seed terms');
  t.check(await admin.isVisible('tr[data-active="true"]'), 'the history shows the version in use');
  await admin.click('tr[data-topic="environment"] summary');
  await t.shot(admin, 'taxonomy-saved-vi');

  // In English.
  const en = await t.context({ lang: 'en' });
  const adminEn = await t.login(en, 'admin');
  await adminEn.goto('/admin/taxonomy');
  t.check(((await adminEn.textContent('h1')) || '').includes('Topic taxonomy'), 'the English page');
  await t.shot(adminEn, 'taxonomy-admin-en');
  await adminEn.fill('#tax-source', '[[topic]]\nid = "water"\nname_vi = "Nước sạch"\nseeds = ["nước sạch"]\n');
  await submit(adminEn, 'form[aria-labelledby="tax-edit"] button[type=submit]');
  const saidEn = (await adminEn.textContent('#tax-problems')) || '';
  t.check(saidEn.includes('Line 1') && saidEn.includes('English name'), `the mistake in English: "${saidEn}"`);
  await t.shot(adminEn, 'taxonomy-error-en');

  // An officer reads it on a phone, without the editor.
  const phone = await t.context({ phone: true, lang: 'vi' });
  const officer = await t.login(phone, 'officer');
  await officer.goto('/admin/taxonomy');
  t.check(!(await officer.isVisible('#tax-source')), 'no editor for an officer');
  t.check(await officer.isVisible('#tax-read-only'), 'the officer is told who may edit');
  await t.shot(officer, 'taxonomy-officer-phone-vi');
}
