// Browser tests of the pkiward portal and dashboard: headless Debian
// Chromium driven by playwright-core. Run by tests/e2e/browser.sh, which
// starts `pkiward serve` on a prepared store and passes:
//   PW_BASE         http://127.0.0.1:PORT
//   PW_TOKEN        a read-only admin token
//   PW_PROOF        a private key file (the proof to upload)
//   PW_REVOKED      space-separated SHA-256s the proof must revoke
//   PW_NAME         a name with one certificate (for the name search)
//   PW_ARTEFACTS    directory for the screenshots
'use strict';
const { chromium } = require('playwright-core');
const fs = require('fs');
const path = require('path');

const env = (k) => { const v = process.env[k]; if (!v) { console.error('missing ' + k); process.exit(2); } return v; };
const BASE = env('PW_BASE'), TOKEN = env('PW_TOKEN'), PROOF = env('PW_PROOF');
const REVOKED = env('PW_REVOKED').split(/\s+/).filter(Boolean), NAME = env('PW_NAME'), OUT = env('PW_ARTEFACTS');
const TIMEOUT = 15000;

let passed = 0, failed = 0;
function ok(cond, what) {
  if (cond) { passed++; console.log('ok - ' + what); } else { failed++; console.log('not ok - ' + what); }
}

// Loads a PNG into a canvas on a blank page and measures it: a blank
// screenshot is one colour.
async function measure(browser, file) {
  const page = await browser.newPage();
  const b64 = fs.readFileSync(file).toString('base64');
  const r = await page.evaluate(async (data) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + data;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let nonWhite = 0;
    for (let i = 0; i < px.length; i += 4 * 7) {
      colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
      if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) nonWhite++;
    }
    return { w: c.width, h: c.height, colours: colours.size, nonWhite };
  }, b64);
  await page.close();
  return r;
}

(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

    // 1. Key compromise through the form: upload the private key.
    await page.goto(BASE + '/');
    ok((await page.title()).includes('Report a certificate problem'), 'portal page loads');
    await page.check('input[name="kind"][value="key-compromise"]');
    await page.check('input[name="proof-how"][value="file"]');
    await page.setInputFiles('#proof-file', PROOF);
    await page.fill('#reporter', 'browser-test@example.org');
    await page.fill('#description', 'Found this key in a public repository.');
    await page.click('#submit');
    await page.waitForSelector('#result h2');
    const h2 = await page.textContent('#result h2');
    ok(h2.includes('Key compromise proven'), 'the form answers at once: ' + h2.trim());
    const table = await page.textContent('#revoked-list');
    for (const s of REVOKED) ok(table.includes(s), 'the answer lists revoked certificate ' + s.slice(0, 16));
    ok((await page.$$('#revoked-list tr')).length === REVOKED.length + 1, 'exactly the certificates with the key are listed');
    ok(/keyCompromise|revoked/.test(await page.textContent('#result')), 'the answer says keyCompromise');
    await page.screenshot({ path: path.join(OUT, 'portal.png'), fullPage: true });

    // 2. Misissuance: a name search lists the certificates, the reporter picks one.
    await page.goto(BASE + '/');
    await page.check('input[name="kind"][value="misissuance"]');
    ok(await page.isHidden('#proof-fieldset'), 'no proof section for a misissuance report');
    await page.selectOption('#cert-how', 'name');
    await page.fill('#cert-name', NAME);
    await page.click('#name-search');
    await page.waitForSelector('#name-results table');
    ok((await page.textContent('#name-results')).includes('from the whole history'), 'name search covers the whole history');
    await page.check('input[name="picked"]');
    await page.fill('#description', 'The SAN is wrong.');
    await page.click('#submit');
    await page.waitForSelector('#status-link');
    ok(/Report \d+ recorded/.test(await page.textContent('#result h2')), 'a misissuance report gets a report id');
    ok((await page.textContent('#result')).includes('investigate'), 'and the deadlines');
    const link = await page.getAttribute('#status-link', 'href');
    ok(/\/status\.html#[A-Za-z0-9_-]{43}$/.test(link), 'and a private status link');
    await page.goto(link);
    await page.waitForSelector('#status h2');
    ok(/Report \d+ \(misissuance\)/.test(await page.textContent('#status h2')), 'the status link shows the report');

    // 3. The dashboard.
    await page.goto(BASE + '/admin/');
    ok(await page.isHidden('#dashboard'), 'dashboard hidden before a token is given');
    await page.fill('#token', TOKEN);
    await page.click('#login button');
    await page.waitForSelector('#reports-table table');
    ok((await page.textContent('#role')).includes('read-only'), 'token accepted (read-only)');
    ok((await page.$$('#reports-table tr')).length >= 2, 'open reports are listed');
    await page.waitForSelector('#timeline svg#deadline-timeline');
    ok((await page.$$('#timeline svg rect.deadline')).length >= 1, 'deadline timeline drawn');
    await page.waitForSelector('#histogram svg#revocation-histogram');
    ok((await page.$$('#histogram svg rect.bin')).length === 7, 'time-to-revocation histogram drawn');
    await page.waitForFunction(() => document.querySelector('.countdown') && /left|overdue/.test(document.querySelector('.countdown').textContent));
    ok(true, 'deadline countdowns tick');
    const revs = await page.textContent('#revocations-table');
    ok(revs.includes(REVOKED[0]), 'the revocation appears with its publication columns');
    await page.fill('#search-form input[name="name"]', NAME);
    await page.click('#search-form button');
    await page.waitForSelector('#search-results table');
    ok((await page.$$('#search-results tr')).length === 2, 'certificate search finds the certificate');
    await page.click('#search-results button');
    await page.waitForSelector('#lint-results p');
    ok((await page.textContent('#lint-results')).includes('finding'), 'lint findings shown');
    await page.screenshot({ path: path.join(OUT, 'dashboard.png'), fullPage: true });

    for (const f of ['portal.png', 'dashboard.png']) {
      const m = await measure(browser, path.join(OUT, f));
      ok(m.w > 0 && m.h > 0 && m.colours > 8 && m.nonWhite > 1000,
        f + ' is not blank (' + m.w + 'x' + m.h + ', ' + m.colours + ' colours, ' + m.nonWhite + ' non-white samples)');
    }
    ok(errors.length === 0, 'no script errors or CSP violations' + (errors.length ? ': ' + errors.join(' | ') : ''));
  } catch (e) {
    failed++;
    console.log('not ok - ' + (e && e.stack ? e.stack.split('\n')[0] : e));
  } finally {
    await browser.close();
  }
  console.log(passed + ' passed, ' + failed + ' failed');
  process.exit(failed ? 1 : 0);
})();
