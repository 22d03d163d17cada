// site_check.mjs: open a `gridsplit site` report in headless Chromium with the network cut off
// and check it renders: no console or page errors, no request other than file:// (or data:),
// the map canvas shows land (enough land-coloured pixels) and the candidate markers, the score
// table has one row per candidate, the placement table one row per K run when placement ran.
// Saves a full-page screenshot.
//
// usage: node tests/browser/site_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
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
  console.error('usage: node site_check.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const report = path.resolve(reportArg);
const shot = path.resolve(shotArg);
if (!fs.existsSync(report)) {
  console.error(`site_check: no such report: ${report}`);
  process.exit(2);
}
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error(`site_check: cannot load playwright-core from ${src}/web/node_modules: ${e.message}`);
  process.exit(2);
}

const failures = [];
const fail = (msg) => { failures.push(msg); console.error(`FAIL: ${msg}`); };
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-site-chromium-'));
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
  console.error(`site_check: cannot start chromium: ${e.message}`);
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
    return { n: d.candidates.length, runs: d.placement ? d.placement.runs.length : 0,
             chosen: d.candidates.filter((c) => c.chosen).length, cls: d.class };
  });
  // land: the fill colour #c9d3bf (201,211,191), within a small tolerance; markers: saturated pixels
  const px = await page.evaluate(() => {
    const c = document.getElementById('map');
    const { width, height } = c;
    const d = c.getContext('2d').getImageData(0, 0, width, height).data;
    let land = 0, marker = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      if (Math.abs(r - 201) < 8 && Math.abs(g - 211) < 8 && Math.abs(b - 191) < 8) land++;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 90) marker++;
    }
    return { width, height, land: land / (width * height), marker };
  });
  if (!(px.land > 0.12)) fail(`map shows too little land: ${(100 * px.land).toFixed(1)} % of pixels (want > 12 %)`);
  if (!(px.marker > 50)) fail(`map shows no site markers (${px.marker} saturated pixels)`);
  const rows = await page.$$eval('#score-table tbody tr', (trs) => trs.length);
  if (rows !== info.n) fail(`score table has ${rows} rows, want ${info.n}`);
  const cells = await page.$$eval('#score-table thead th', (ths) => ths.length);
  if (cells < 8) fail(`score table shows ${cells} columns: the components are missing`);
  if (info.runs) {
    const prow = await page.$$eval('#placement-table tbody tr', (trs) => trs.length);
    if (prow !== info.runs) fail(`placement table has ${prow} rows, want ${info.runs}`);
    if (!info.chosen) fail('placement ran but no candidate is marked chosen');
  }
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  if (blocked.length) fail(`the report tried to reach the network: ${[...new Set(blocked)].join(', ')}`);
  if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(' | ')}`);
  console.log(`site_check: ${info.cls}, ${rows} candidates, ${info.runs} placement runs, land ${(100 * px.land).toFixed(1)} % of the map; screenshot ${shot}`);
} catch (e) {
  fail(`unexpected: ${e.stack || e.message}`);
} finally {
  await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`site_check: ${failures.length} check(s) failed for ${report}`);
  process.exit(1);
}
console.log('site_check: ok');
