// Browser test of the web shell: headless Chromium against the built app served by the real
// server (started by `cargo xtask test`, URL in MULTITOK_URL).
const { test, before, after, afterEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const BASE = process.env.MULTITOK_URL;
const SHOTS = process.env.SCREENSHOTS || 'target/screenshots';
let browser;
let page;

const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

before(async () => {
  assert.ok(BASE, 'MULTITOK_URL must be set');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    // playwright gives every launch a fresh, empty user-data-dir of its own.
  });
  page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(15000);
  page.on('request', (r) => {
    requested.push(new URL(r.url()).pathname);
    inflight.set(r, `${new URL(r.url()).pathname} since ${new Date().toISOString()}`);
  });
  page.on('requestfinished', (r) => inflight.delete(r));
  page.on('requestfailed', (r) => inflight.delete(r));
  watch(page);
});

/** Errors thrown in a page and Content-Security-Policy violations; each test must leave none. */
const pageErrors = [];
function watch(p) {
  p.on('pageerror', (e) => { pageErrors.push(`page error: ${e.message}`); console.error(`page error: ${e.message}`); });
  p.on('console', (m) => {
    if (m.type() === 'error') console.error(`console error: ${m.text()}`);
    if (/Content Security Policy/i.test(m.text())) pageErrors.push(`CSP: ${m.text()}`);
  });
  return p;
}
afterEach(() => {
  const seen = pageErrors.splice(0);
  assert.deepEqual(seen, [], 'no error in the page and no Content-Security-Policy violation');
});

/** Paths the browser fetched from the server, in order, and the requests not ended yet. */
const requested = [];
const inflight = new Map();

/** Waits for `locator`; on a timeout, prints the open requests and the page's text first. */
async function waitOrExplain(locator) {
  try {
    await locator.waitFor();
  } catch (e) {
    console.error(`open requests: ${[...inflight.values()].join('; ')}`);
    console.error(`page text: ${(await page.locator('body').innerText().catch(() => '')).slice(0, 600)}`);
    throw e;
  }
}
const pagesModuleFetches = () => requested.filter((p) => p.startsWith('/multitok-web-pages')).length;

after(async () => { if (browser) await browser.close(); });

/** Waits until the locator's text satisfies `ok`. */
async function expectText(locator, ok, timeout = 20000) {
  const end = Date.now() + timeout;
  let text = '';
  while (Date.now() < end) {
    text = (await locator.textContent().catch(() => '')) || '';
    if (ok(text)) return text;
    await page.waitForTimeout(200);
  }
  assert.fail(`text never matched: ${JSON.stringify(text)}`);
}

/** How many pixels of a canvas are dark (drawn on). */
const inked = (canvas) => canvas.evaluate((c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] + d[i + 1] + d[i + 2] < 600) n += 1;
  return n;
});

const email = `browser-${Date.now()}@example.com`;
const password = 'a long browser password';

test('signed-out visitors are sent to the login page', async () => {
  await page.goto(`${BASE}/settings`);
  await page.waitForURL('**/login');
  await page.getByRole('heading', { name: 'Log in to Multitok' }).waitFor();
});

test('registration shows field violations next to the fields', async () => {
  await page.getByRole('link', { name: 'Register' }).click();
  await page.fill('input[name=email]', 'not-an-email');
  await page.fill('input[name=display_name]', 'Browser Tester');
  await page.fill('input[name=password]', 'short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('.field-error', { hasText: 'Password must be at least 10 characters' }).waitFor();
  await page.locator('.field-error', { hasText: 'Email must be an email address' }).waitFor();
  await shot('01-register-errors');
});

test('register lands in the app with a personal workspace', async () => {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#who', { hasText: 'Browser Tester' }).waitFor();
  const workspace = await page.locator('#workspace-switcher option:checked').textContent();
  assert.equal(workspace, "Browser Tester's workspace");
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await shot('02-dashboard');
  assert.equal(pagesModuleFetches(), 2, 'registration comes with the pages module (its JS and wasm)');
});

test('log out, then log in again', async () => {
  await page.locator('#logout').click();
  await page.waitForURL('**/login');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'wrong password!!');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('.error', { hasText: 'Wrong email or password' }).waitFor();
  await page.fill('input[name=password]', password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#who', { hasText: 'Browser Tester' }).waitFor();
});

test('create an API token, shown once', async () => {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Personal API tokens' }).waitFor();
  await page.fill('input[name=token_name]', 'deploy script');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.locator('#new-token-secret').textContent();
  assert.match(secret, /^mtk_[A-Za-z0-9_-]{40,}$/);
  await page.locator('.token-name', { hasText: 'deploy script' }).waitFor();
  await shot('03-settings-token');
  // The settings page comes from the pages module, fetched once (for registering). Its app
  // draws the sidebar; the shell's app draws nothing meanwhile.
  assert.equal(pagesModuleFetches(), 2, requested.join(' '));
  assert.equal(await page.locator('aside.sidebar').count(), 1);
  assert.equal(await page.locator('#pages aside.sidebar').count(), 1);
});

test('a reload keeps you logged in, and the secret is gone', async () => {
  await page.reload();
  await page.locator('#who', { hasText: 'Browser Tester' }).waitFor();
  await page.locator('.token-name', { hasText: 'deploy script' }).waitFor();
  assert.equal(await page.locator('#new-token-secret').count(), 0);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'multitok_refresh');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', 'session cookie is HttpOnly and SameSite=Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('multitok_refresh')), false);
});

test('rename the workspace from settings', async () => {
  await page.fill('input[name=workspace_name]', 'Acme Social');
  await page.locator('#workspace-settings').getByRole('button', { name: 'Save' }).click();
  await page.locator('.notice', { hasText: 'Saved.' }).waitFor();
  await page.locator('#workspace-switcher option:checked', { hasText: 'Acme Social' }).waitFor({ state: 'attached' });
});

test('invite someone without an account; the link registers them into the workspace', async () => {
  const invitee = `invitee-${Date.now()}@example.com`;
  await page.fill('input[name=member_email]', invitee);
  await page.getByRole('button', { name: 'Add member' }).click();
  const linkBox = page.getByLabel('Invitation link');
  await linkBox.waitFor();
  const link = await linkBox.inputValue();
  assert.match(link, /\/register\?invitation=mti_[A-Za-z0-9_-]{40,}$/);
  const other = watch(await (await browser.newContext()).newPage());
  try {
    await other.goto(link);
    await other.getByText('You are invited to join “Acme Social”.').waitFor({ timeout: 15000 });
    assert.equal(await other.inputValue('input[name=email]'), invitee);
    await other.fill('input[name=display_name]', 'Invited Editor');
    await other.fill('input[name=password]', password);
    await other.getByRole('button', { name: 'Create account' }).click();
    await other.locator('#workspace-switcher option', { hasText: 'Acme Social' }).waitFor({ state: 'attached', timeout: 15000 });
  } finally {
    await other.context().close();
  }
});

test('connect a TikTok account through the consent page', async () => {
  await page.getByRole('link', { name: 'Accounts' }).click();
  await page.getByRole('heading', { name: 'Accounts' }).waitFor();
  await page.locator('#connect-account').click();
  await page.getByRole('heading', { name: 'Authorize this app' }).waitFor();
  await shot('05-tiktok-consent');
  await page.getByRole('link', { name: 'Continue as Ana Bakes' }).click();
  await page.locator('.notice', { hasText: 'The account is connected.' }).waitFor();
  await page.locator('.account-name', { hasText: 'Ana Bakes' }).waitFor();
  await page.locator('.badge', { hasText: 'Active' }).waitFor();
  await page.getByRole('button', { name: 'Details' }).click();
  await page.locator('.creator-info', { hasText: 'PUBLIC_TO_EVERYONE' }).waitFor();
  await shot('06-accounts');
});

test('upload a video, surviving a dropped request, and see it in the library', async () => {
  await page.getByRole('link', { name: 'Media' }).click();
  await page.getByRole('heading', { name: 'Media' }).waitFor();
  let dropped = 0;
  await page.route('**/multitok.v1.PublishingService/UploadChunk', (route) => {
    if (dropped === 0) { dropped += 1; return route.abort('connectionreset'); }
    return route.continue();
  });
  await page.setInputFiles('#media-file', path.join(__dirname, 'fixtures', 'clip-720x1280-30fps.mp4'));
  await page.locator('.media-name', { hasText: 'clip-720x1280-30fps.mp4' }).waitFor();
  assert.equal(dropped, 1, 'the first chunk request was dropped and the upload resumed');
  await page.locator('.media-card', { hasText: '720×1280' }).waitFor();
  await page.locator('.upload-status', { hasText: 'done' }).waitFor();
  await page.unroute('**/multitok.v1.PublishingService/UploadChunk');
  await shot('07-media');
});

test('compose for two accounts with different privacy, see it on the calendar, drag it to another day', async () => {
  await page.getByRole('link', { name: 'Accounts' }).click();
  await page.locator('#connect-account').click();
  await page.getByRole('link', { name: 'Continue as Ben Travels' }).click();
  await page.locator('.account-name', { hasText: 'Ben Travels' }).waitFor();

  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const day = (d) => `${next.getUTCFullYear()}-${String(next.getUTCMonth() + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

  await page.getByRole('link', { name: 'Compose' }).click();
  await page.getByRole('heading', { name: 'Compose' }).waitFor();
  const clip = await page.locator('#compose-media option', { hasText: 'clip-720x1280-30fps.mp4' }).getAttribute('value');
  await page.selectOption('#compose-media', clip);
  await page.fill('#compose-caption', 'Fresh bread, two ways #baking');
  await page.locator('input[data-account="ana.bakes"]').check();
  await page.locator('input[data-account="ben.travels"]').check();
  const anaPrivacy = page.locator('select[name="privacy-ana.bakes"]');
  assert.equal(await anaPrivacy.inputValue(), '', 'privacy has no default');
  await anaPrivacy.selectOption('PUBLIC_TO_EVERYONE');
  await page.locator('select[name="privacy-ben.travels"]').selectOption('MUTUAL_FOLLOW_FRIENDS');
  assert.equal(await page.locator('.compose-account input[name=allow_comment]').first().isChecked(), false, 'interactions start off');
  await page.fill('#compose-when', `${day(10)}T10:00`);
  await page.locator('.consent', { hasText: 'Music Usage Confirmation' }).waitFor();
  await shot('08-compose');
  await page.locator('#compose-submit').click();
  await page.waitForURL('**/post?id=*');
  await page.locator('.target-row', { hasText: '@ana.bakes' }).locator('.target-state', { hasText: 'Scheduled' }).waitFor();
  await page.locator('.target-row', { hasText: '@ben.travels' }).locator('.target-state', { hasText: 'Scheduled' }).waitFor();
  await page.locator('.history li', { hasText: 'Scheduled.' }).first().waitFor();

  await page.getByRole('link', { name: 'Calendar' }).click();
  await page.getByRole('heading', { name: 'Calendar' }).waitFor();
  await page.getByRole('button', { name: 'Next' }).click();
  const from = page.locator(`td[data-day="${day(10)}"] .entry`);
  await from.nth(1).waitFor();
  assert.equal(await from.count(), 2, 'one entry per account');
  await shot('09-calendar');
  await from.first().dragTo(page.locator(`td[data-day="${day(12)}"]`));
  const to = page.locator(`td[data-day="${day(12)}"] .entry`);
  await to.nth(1).waitFor();
  assert.equal(await from.count(), 0, 'the whole post moved');
  assert.match(await to.first().innerText(), /10:00/, 'at the same time of day');
  await shot('10-calendar-moved');
  await page.selectOption('#calendar-account', { label: '@ana.bakes' });
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, `td[data-day="${day(12)}"] .entry`);
  assert.match(await to.first().innerText(), /@ana\.bakes/, 'the filter shows one account');
});

/**
 * Keeps, in the page, what happens to the Compose caption field (values set, focus, input
 * events), so a caption lost before the form is sent can be told apart.
 */
async function recordCaptionField() {
  await page.evaluate(() => {
    if (window.captionRecord) return;
    window.captionRecord = [];
    const note = (what) => window.captionRecord.push(`${what} at ${performance.now().toFixed(1)} ms`);
    const value = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
    Object.defineProperty(HTMLTextAreaElement.prototype, 'value', {
      configurable: true,
      get() { return value.get.call(this); },
      set(v) {
        if (this.id === 'compose-caption') note(`set ${JSON.stringify(v)}${this.isConnected ? '' : ' (detached)'} from ${new Error().stack.split('\n').slice(2, 9).join(' < ')}`);
        value.set.call(this, v);
      },
    });
    for (const kind of ['focusin', 'focusout', 'input']) {
      document.addEventListener(kind, (e) => {
        if (e.target.id === 'compose-caption') note(`${kind} ${JSON.stringify(e.target.value)} ${kind === 'focusout' ? `to ${e.relatedTarget && e.relatedTarget.outerHTML.slice(0, 80)} from ${new Error().stack.split('\n').slice(2, 9).join(' < ')}` : ''}`);
      }, true);
    }
  });
}

/** Schedules the clip for @ana.bakes (private) at `at` (UTC) from Compose; ends on its Post page. */
async function scheduleClip(caption, at) {
  await page.getByRole('link', { name: 'Compose' }).click();
  await page.getByRole('heading', { name: 'Compose' }).waitFor();
  await recordCaptionField();
  const clip = await page.locator('#compose-media option', { hasText: 'clip-720x1280-30fps.mp4' }).getAttribute('value');
  await page.selectOption('#compose-media', clip);
  await page.fill('#compose-caption', caption);
  await page.locator('input[data-account="ana.bakes"]').check();
  await page.locator('select[name="privacy-ana.bakes"]').selectOption('SELF_ONLY');
  await page.fill('#compose-zone', 'UTC');
  await page.fill('#compose-when', at.toISOString().slice(0, 19));
  const shown = await page.inputValue('#compose-caption');
  const record = await page.evaluate(() => window.captionRecord.splice(0).join(' | '));
  assert.equal(shown, caption, `the form keeps the typed caption; the field: ${record}`);
  await page.locator('#compose-submit').click();
  await page.waitForURL('**/post?id=*');
  await waitOrExplain(page.getByText(caption));
}

test('a post scheduled a few seconds ahead goes live on the Post page without a reload', async () => {
  await scheduleClip('Going live in a moment', new Date(Date.now() + 6000));
  const url = page.url();
  const badge = page.locator('.target-row', { hasText: '@ana.bakes' }).locator('.target-state');
  await badge.filter({ hasText: 'Scheduled' }).waitFor();
  await badge.filter({ hasText: 'Published' }).waitFor({ timeout: 60000 });
  assert.equal(page.url(), url, 'no navigation or reload happened');
  // The worker's status check or TikTok's webhook, whichever comes first, records it.
  await page.locator('.history li', { hasText: /Published on TikTok\.|TikTok reported the post published\./ }).waitFor();
  await shot('11-post-published');
});

test('leaving a page with live updates closes its stream, so later pages still load', async () => {
  // A post still waiting keeps its Post page's stream open. Over HTTP/1.1 a browser holds six
  // connections per server: eight visits whose streams stayed open would stall every later call.
  await scheduleClip('Waiting for next week', new Date(Date.now() + 7 * 86400000));
  for (let i = 0; i < 8; i++) {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goBack();
    await waitOrExplain(page.getByText('Waiting for next week'));
  }
  // Left sooner and sooner, also before the stream's answer has arrived: a fetch still waiting
  // for its answer is aborted too.
  for (let i = 0; i < 10; i++) {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.goBack();
    await page.waitForTimeout(25 * (9 - i));
  }
  await waitOrExplain(page.getByText('Waiting for next week'));
  assert.equal(await page.locator('aside.sidebar').count(), 1);
});

/** Clicks `button` and answers the file it downloads: its name and bytes. */
async function downloaded(button) {
  const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
}

test('the dashboard and analytics pages draw charts with data, the heatmap shows, exports and chart images download', async () => {
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  // The account was synced when it was connected; WatchDashboard brings its counts.
  const followers = page.locator('.metric', { hasText: 'Followers' }).locator('.metric-value');
  await expectText(followers, (t) => t !== '0');
  const chart = page.locator('canvas[aria-label="Followers across accounts by day"]');
  await chart.waitFor();
  const box = await chart.boundingBox();
  // hover() scrolls the chart into view first; past the plot's right edge reads the last day.
  await chart.hover({ position: { x: box.width - 2, y: box.height / 2 } });
  const readout = chart.locator('xpath=..').locator('.readout');
  await expectText(readout, (t) => /Followers: \d/.test(t));
  assert.ok(await inked(chart) > 200, 'the chart drew axes and data');
  // The chart follows its container: a narrower window draws it again, narrower.
  const wide = await chart.evaluate((c) => c.width);
  await page.setViewportSize({ width: 390, height: 720 });
  await page.waitForFunction((w) => {
    const c = document.querySelector('canvas[aria-label="Followers across accounts by day"]');
    return c && c.width < w;
  }, wide);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.waitForFunction((w) => document.querySelector('canvas[aria-label="Followers across accounts by day"]').width === w, wide);
  await page.locator('section', { hasText: 'Top posts' }).waitFor();
  await shot('12-dashboard');

  await page.getByRole('link', { name: 'Analytics' }).click();
  await page.getByRole('heading', { name: 'Analytics' }).waitFor();
  await page.locator('.heatmap table td').first().waitFor();
  assert.equal(await page.locator('.heatmap tbody td').count(), 7 * 24);
  const series = page.locator('canvas[aria-label="Followers over time"]');
  await series.waitFor();
  assert.ok(await inked(series) > 200);
  await shot('13-analytics');
  const daily = await downloaded(page.getByRole('button', { name: 'Daily counts (CSV)' }));
  assert.match(daily.name, /^multitok-account-days-.*\.csv$/);
  const csv = daily.bytes.toString('utf8');
  assert.match(csv, /^account_id,account_name,day,followers/);
  assert.ok(csv.trim().split('\n').length >= 2, 'at least one day of data');
  const heatmapPng = await downloaded(
    page.locator('section', { hasText: 'Best times to post' }).getByRole('button', { name: 'Chart (PNG)' }));
  assert.match(heatmapPng.name, /^multitok-best-times-.*\.png$/);
  assert.equal(heatmapPng.bytes.subarray(1, 4).toString(), 'PNG');

  await page.getByRole('button', { name: 'Compare' }).click();
  await page.locator('canvas[aria-label="Accounts compared"]').waitFor();
  await page.locator('table.data tbody tr').first().waitFor();
  await shot('14-compare');
  const comparePng = await downloaded(page.getByRole('button', { name: 'Chart (PNG)' }));
  assert.match(comparePng.name, /^multitok-compare-followers-.*\.png$/);
  assert.equal(comparePng.bytes.subarray(1, 4).toString(), 'PNG');
});

test('sign-in and the dashboard come with the first load alone', async () => {
  const other = watch(await (await browser.newContext()).newPage());
  const fetched = [];
  other.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  try {
    await other.goto(`${BASE}/login`);
    await other.fill('input[name=email]', email);
    await other.fill('input[name=password]', password);
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await other.locator('.metric').first().waitFor();
    assert.deepEqual(fetched.filter((p) => p.startsWith('/multitok-web-pages') || p.startsWith('/pages-')), []);
  } finally {
    await other.context().close();
  }
});

test('log out ends the session, also after a reload', async () => {
  await page.locator('#logout').click();
  await page.waitForURL('**/login');
  await page.reload();
  await page.getByRole('heading', { name: 'Log in to Multitok' }).waitFor();
  await shot('04-logged-out');
});
