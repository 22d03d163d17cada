// report_check.mjs: open a gridsplit HTML report in headless Chromium with the network cut off
// and check it renders: no console or page errors, no request other than file://, every chart
// drawn (non-blank, coloured pixels on its canvas), drag-to-zoom synchronised across the time
// charts and reset, the summary table filled. Saves a full-page screenshot.
//
// usage: node tests/browser/report_check.mjs REPORT.html SCREENSHOT.png
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
  console.error('usage: node report_check.mjs REPORT.html SCREENSHOT.png');
  process.exit(2);
}
const report = path.resolve(reportArg);
const shot = path.resolve(shotArg);
if (!fs.existsSync(report)) {
  console.error(`report_check: no such report: ${report}`);
  process.exit(2);
}

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error(`report_check: cannot load playwright-core from ${src}/web/node_modules: ${e.message}`);
  process.exit(2);
}

const failures = [];
const fail = (msg) => { failures.push(msg); console.error(`FAIL: ${msg}`); };

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gs-report-chromium-'));
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
  console.error(`report_check: cannot start chromium: ${e.message}`);
  fs.rmSync(userDataDir, { recursive: true, force: true });
  process.exit(2);
}

try {
  // Cut the network: anything that is not file:// (or an inline data:/blob: URL) is a failure.
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') || url.startsWith('data:') || url.startsWith('blob:'))
      return route.continue();
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

  const t0 = Date.now();
  await page.goto(pathToFileURL(report).href, { waitUntil: 'load', timeout: 120000 });
  try {
    await page.waitForFunction(() => document.body.dataset.gsReady === '1' || document.body.dataset.gsError,
                               null, { timeout: 120000 });
  } catch (e) {
    fail(`charts did not finish drawing: ${e.message.split('\n')[0]}`);
  }
  const loadMs = Date.now() - t0;
  const err = await page.evaluate(() => document.body.dataset.gsError || null);
  if (err) fail(`the report's script failed: ${err}`);

  // Which charts the data calls for.
  const info = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    return { nsites: d.sites.length, n: d.ts.n, agg: d.ts.agg };
  });
  const expected = ['fleet-ts', 'fleet-day', 'fleet-ldc'];
  for (let s = 0; s < info.nsites; s++) expected.push(`site-${s}-ts`, `site-${s}-day`, `site-${s}-ldc`);

  // Each chart: a canvas with enough coloured (series) pixels; grey axes and grid do not count.
  const pixels = await page.evaluate((ids) => ids.map((id) => {
    const box = document.getElementById(`chart-${id}`);
    if (!box) return { id, error: 'no chart container' };
    const canvas = box.querySelector('canvas');
    if (!canvas) return { id, error: 'no canvas' };
    const { width, height } = canvas;
    if (!width || !height) return { id, error: `empty canvas ${width}x${height}` };
    const px = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let ink = 0, colour = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] < 16) continue;
      ink++;
      const r = px[i], g = px[i + 1], b = px[i + 2];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) colour++;
    }
    return { id, width, height, ink, colour, share: colour / (width * height) };
  }), expected);
  for (const p of pixels) {
    if (p.error) { fail(`chart ${p.id}: ${p.error}`); continue; }
    const min = p.id.endsWith('-ts') ? 0.05 : 0.002;
    if (p.share < min)
      fail(`chart ${p.id} looks blank: ${(100 * p.share).toFixed(2)} % coloured pixels (want >= ${100 * min} %)`);
  }

  // Drag-to-zoom on the fleet chart narrows every time chart; reset restores the period.
  const zoom = await (async () => {
    const over = await page.$('#chart-fleet-ts .u-over');
    if (!over) return 'no .u-over on the fleet chart';
    await over.scrollIntoViewIfNeeded();
    const b = await over.boundingBox();
    const full = await page.evaluate(() => gsReport.timeCharts.map((u) => [u.scales.x.min, u.scales.x.max]));
    await page.mouse.move(b.x + b.width * 0.3, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.45, b.y + b.height / 2, { steps: 5 });
    await page.mouse.up();
    const zoomed = await page.evaluate(() => gsReport.timeCharts.map((u) => [u.scales.x.min, u.scales.x.max]));
    const span0 = full[0][1] - full[0][0];
    for (let i = 0; i < zoomed.length; i++) {
      const span = zoomed[i][1] - zoomed[i][0];
      if (!(span < span0 * 0.5)) return `time chart ${i} did not zoom (span ${span} of ${span0})`;
      if (Math.abs(zoomed[i][0] - zoomed[0][0]) > 1 || Math.abs(zoomed[i][1] - zoomed[0][1]) > 1)
        return `time chart ${i} is not in sync with the fleet chart`;
    }
    // the synchronised cursor: hovering one chart moves the others' cursor
    await page.mouse.move(b.x + b.width * 0.5, b.y + b.height / 2);
    const idx = await page.evaluate(() => gsReport.timeCharts.map((u) => u.cursor.idx));
    if (idx.length > 1 && idx.slice(1).some((v) => v == null)) return `cursor not synchronised: ${JSON.stringify(idx)}`;
    await page.click('#fleet button.reset');
    const reset = await page.evaluate(() => gsReport.timeCharts.map((u) => [u.scales.x.min, u.scales.x.max]));
    for (let i = 0; i < reset.length; i++)
      if (Math.abs(reset[i][0] - full[i][0]) > 1 || Math.abs(reset[i][1] - full[i][1]) > 1)
        return `reset zoom did not restore chart ${i}`;
    await page.mouse.move(0, 0);
    return null;
  })();
  if (zoom) fail(zoom);

  const rows = await page.$$eval('#summary table tbody tr', (trs) => trs.length);
  const wantRows = 3 + 3 * info.nsites;
  if (rows < wantRows) fail(`summary table has ${rows} rows, want ${wantRows}`);

  await page.evaluate(() => window.scrollTo(0, 0));
  fs.mkdirSync(path.dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });

  if (blocked.length) fail(`the report tried to reach the network: ${[...new Set(blocked)].join(', ')}`);
  if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(' | ')}`);

  console.log(`report_check: ${expected.length} charts, ${rows} table rows, ${info.n} points per series` +
              `${info.agg > 1 ? ` (means of ${info.agg} steps)` : ''}, drawn in ${loadMs} ms; screenshot ${shot}`);
} catch (e) {
  fail(`unexpected: ${e.stack || e.message}`);
} finally {
  await context.close().catch(() => {});
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`report_check: ${failures.length} check(s) failed for ${report}`);
  process.exit(1);
}
console.log('report_check: ok');
