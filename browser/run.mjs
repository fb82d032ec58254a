// ykien's browser tests: each flow in ./flows drives the real web UI in Debian's headless
// Chromium through playwright-core. The Rust test `crates/ykien/tests/browser.rs` starts a
// real `ykien serve` with its own accounts and runs this file; run alone it needs:
//   YKIEN_BASE_URL   the server, e.g. http://127.0.0.1:8080
//   YKIEN_ACCOUNTS   a JSON file: { "<key>": { "login", "password", "name", "unit", "role" } }
//   YKIEN_CHROMIUM   the browser [default /usr/bin/chromium]
//   YKIEN_ARTIFACTS  where screenshots go [default ./artifacts]
//   YKIEN_FLOWS      comma-separated flow names to run [default: all]
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.YKIEN_BASE_URL;
if (!base) {
  console.error('YKIEN_BASE_URL is not set (see the header of run.mjs)');
  process.exit(2);
}
const accounts = JSON.parse(readFileSync(process.env.YKIEN_ACCOUNTS, 'utf8'));
const artifacts = process.env.YKIEN_ARTIFACTS || join(here, 'artifacts');
mkdirSync(artifacts, { recursive: true });
const only = (process.env.YKIEN_FLOWS || '').split(',').filter(Boolean);

class Failure extends Error {}

/** Script errors raised in any page during the current flow: each fails the flow. */
let pageErrors = [];

/** What every flow receives. */
function toolkit(browser) {
  const t = {
    base,
    accounts,
    browser,
    /** A fresh browser profile; `phone` gives a 390×844 touch viewport. */
    async context({ phone = false, lang } = {}) {
      const opts = phone
        ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
        : { viewport: { width: 1280, height: 860 } };
      const ctx = await browser.newContext({ ...opts, baseURL: base });
      // The browser's own complaints (script errors, refused resources) go into the log.
      ctx.on('page', (p) => {
        p.on('pageerror', (e) => {
          pageErrors.push(`${p.url()}: ${e.message}`);
          console.log(`  [page error] ${p.url()}: ${e.message}`);
        });
        p.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') {
            console.log(`  [console ${m.type()}] ${p.url()}: ${m.text()}`);
          }
        });
      });
      if (lang) {
        await ctx.addCookies([{ name: 'ykien_lang', value: lang, url: base }]);
      }
      return ctx;
    },
    /** Signs `who` in through the login form and returns the page on the home screen. */
    async login(ctx, who) {
      const a = accounts[who];
      if (!a) throw new Failure(`no account "${who}"`);
      const page = await ctx.newPage();
      await page.goto('/login');
      await page.fill('#login', a.login);
      await page.fill('#password', a.password);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      t.check(!page.url().includes('/login'), `${who} is still on the login page: ${page.url()}`);
      return page;
    },
    /** Saves a full-page screenshot as an artefact, to be looked at. */
    async shot(page, name) {
      await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
    },
    check(cond, message) {
      if (!cond) throw new Failure(message);
    },
    equal(actual, expected, message) {
      if (actual !== expected) {
        throw new Failure(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      }
    },
  };
  return t;
}

const flowDir = join(here, 'flows');
const files = readdirSync(flowDir).filter((f) => f.endsWith('.mjs')).sort();
const browser = await chromium.launch({
  executablePath: process.env.YKIEN_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
let failed = 0;
let ran = 0;
for (const f of files) {
  const name = f.replace(/\.mjs$/, '');
  if (only.length && !only.includes(name)) continue;
  const flow = await import(pathToFileURL(join(flowDir, f)).href);
  const started = Date.now();
  ran += 1;
  pageErrors = [];
  try {
    await flow.default(toolkit(browser));
    if (pageErrors.length) throw new Failure(`script errors in the page: ${pageErrors.join('; ')}`);
    console.log(`ok ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`not ok ${name}: ${e instanceof Failure ? e.message : e.stack}`);
  }
}
await browser.close();
console.log(`${ran - failed} passed, ${failed} failed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : ran ? 0 : 3);
