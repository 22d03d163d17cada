// flex_check.mjs: open a `gridsplit flex` report in headless Chromium with the network cut off and
// check it renders: no console or page errors, no request other than file://, the revenue stack,
// the curtailment timeline and the must-run comparison drawn (coloured pixels on their canvases),
// the tables filled. Saves a full-page screenshot.
//
// usage: node tests/browser/flex_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = process.env.GS_SRC || path.resolve(here, '..', '..');
const require = createRequire(path.join(src, 'web', 'package.json'));

const [reportArg, shotArg] = process.argv.slice(2);
if (!reportArg || !shotArg) {
  console.error('usage: node flex_check.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const report = path.resolve(reportArg);
const shot = path.resolve(shotArg);
if (!fs.existsSync(report)) {
  console.error(`flex_check: no such report: ${report}`);
  process.exit(2);
}
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error(`flex_check: cannot load playwright-core from ${src}/web/node_modules: ${e.message}`);
  process.exit(2);
}

const failures = [];
const fail = (msg) => { failures.push(msg); console.error(`FAIL: ${msg}`); };
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-flex-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
    offline: true,
  });
} catch (e) {
  console.error(`flex_check: cannot start chromium: ${e.message}`);
  fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(2);
}

try {
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  const page = context.pages()[0] || await context.newPage();
  page.on('request', (req) => {
    const url = req.url();
    if (!/^(file|data|blob):/.test(url) && !blocked.includes(url)) blocked.push(url);
  });
  page.on('websocket', (ws) => blocked.push(ws.url()));
  const consoleErrors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));

  await page.goto(pathToFileURL(report).href, { waitUntil: 'load', timeout: 60000 });
  try {
    await page.waitForFunction(() => document.body.dataset.gsReady === '1' || document.body.dataset.gsError,
                               null, { timeout: 60000 });
  } catch (e) {
    fail(`the page did not finish drawing: ${e.message.split('\n')[0]}`);
  }
  const err = await page.evaluate(() => document.body.dataset.gsError || null);
  if (err) fail(`the report's script failed: ${err}`);
  const info = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    return { rows: d.rows.length, events: d.events.length, mb: d.mistakes.training_must_run.rows.length,
             ma: d.mistakes.inference_offered_like_training.rows.length,
             timeline: !!(d.timeline && d.timeline.sites.length) };
  });
  const coloured = (sel) => page.evaluate((s) => {
    const c = document.querySelector(s);
    if (!c) return -1;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
    return n;
  }, sel);
  for (const [sel, what] of [['#stack canvas', 'revenue stack'], ['#mb-chart canvas', 'must-run comparison']]) {
    const n = await coloured(sel);
    if (!(n > 200)) fail(`${what} chart is blank (${n} coloured pixels)`);
  }
  if (info.timeline) {
    const n = await coloured('#timeline canvas');
    if (!(n > 50)) fail(`curtailment timeline is blank (${n} coloured pixels)`);
  }
  const cnt = (id) => page.$$eval(`#${id} tbody tr`, (trs) => trs.length);
  if ((await cnt('rows-table')) !== info.rows) fail('cluster x product table not filled');
  if ((await cnt('events-table')) !== info.events) fail('events table not filled');
  if ((await cnt('mb-table')) !== info.mb) fail('must-run table not filled');
  if ((await cnt('ma-table')) !== info.ma) fail('inference table not filled');
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  if (blocked.length) fail(`the report tried to reach the network: ${[...new Set(blocked)].join(', ')}`);
  if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(' | ')}`);
  console.log(`flex_check: ${info.rows} rows, ${info.events} events, timeline ${info.timeline}; screenshot ${shot}`);
} catch (e) {
  fail(`unexpected: ${e.stack || e.message}`);
} finally {
  await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`flex_check: ${failures.length} check(s) failed for ${report}`);
  process.exit(1);
}
console.log('flex_check: ok');
