// lib.mjs: the part the browser checks (report_check, flex_check, site_check, route_check) share.
// checkReport(name, opts) reads `REPORT.html SCREENSHOT.png` from the command line, loads
// playwright-core from web/node_modules, starts headless Chromium (fresh user-data-dir, offline),
// blocks and records every request that is not file:, data: or blob: (and every websocket),
// collects console errors and page errors (and, with dialogs: true, dialogs), opens the report,
// waits for <body data-gs-ready="1"> or data-gs-error, then runs the script's own checks, saves a
// full-page screenshot, fails on any recorded request / console error / dialog, cleans up and
// exits: 0 ok, 1 a check failed, 2 bad usage or the browser could not start.
//
//   checks(page, fail, ctx): the script-specific part. fail(msg) records a failure and goes on;
//   ctx = { report, shot, loadMs } (loadMs: from navigation until the page said it was ready).
//   It may return a summary line, printed as `NAME: SUMMARY; screenshot SHOT` once all the
//   checks have run. An exception it throws is a failure ("unexpected: ...") and skips the
//   screenshot.
//
// env: GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = process.env.GS_SRC || path.resolve(here, '..', '..');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                       '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const LOCAL = /^(file|data|blob):/;

// name: the script's name without .mjs (report_check, ...), used in messages and the temp dir.
// viewport: the window size; timeout: ms for the page load and again for the ready flag;
// waitingFor: what "did not finish drawing" (the page, charts); dialogs: fail on alert/confirm.
export async function checkReport(name, { viewport = { width: 1360, height: 900 }, timeout = 60000,
                                          waitingFor = 'the page', dialogs: failOnDialog = false,
                                          checks }) {
  const [reportArg, shotArg] = process.argv.slice(2);
  if (!reportArg || !shotArg) {
    console.error(`usage: node ${name}.mjs REPORT.html SCREENSHOT.png`);
    process.exit(2);
  }
  const report = path.resolve(reportArg);
  const shot = path.resolve(shotArg);
  if (!fs.existsSync(report)) {
    console.error(`${name}: no such report: ${report}`);
    process.exit(2);
  }
  let chromium;
  try {
    ({ chromium } = createRequire(path.join(src, 'web', 'package.json'))('playwright-core'));
  } catch (e) {
    console.error(`${name}: cannot load playwright-core from ${src}/web/node_modules: ${e.message}`);
    process.exit(2);
  }

  const failures = [];
  const fail = (msg) => { failures.push(msg); console.error(`FAIL: ${msg}`); };
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), `gs-${name.replace(/_check$/, '')}-chromium-`));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      deviceScaleFactor: 1,
      offline: true,
    });
  } catch (e) {
    console.error(`${name}: cannot start chromium: ${e.message}`);
    fs.rmSync(userDataDir, { recursive: true, force: true });
    process.exit(2);
  }

  try {
    // Cut the network: anything that is not file:// (or an inline data:/blob: URL) is a failure.
    const blocked = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (LOCAL.test(url)) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      if (!LOCAL.test(url) && !blocked.includes(url)) blocked.push(url);
    });
    page.on('websocket', (ws) => blocked.push(ws.url()));
    const consoleErrors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });

    const t0 = Date.now();
    await page.goto(pathToFileURL(report).href, { waitUntil: 'load', timeout });
    try {
      await page.waitForFunction(() => document.body.dataset.gsReady === '1' || document.body.dataset.gsError,
                                 null, { timeout });
    } catch (e) {
      fail(`${waitingFor} did not finish drawing: ${e.message.split('\n')[0]}`);
    }
    const loadMs = Date.now() - t0;
    const err = await page.evaluate(() => document.body.dataset.gsError || null);
    if (err) fail(`the report's script failed: ${err}`);

    const summary = await checks(page, fail, { report, shot, loadMs });

    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    if (blocked.length) fail(`the report tried to reach the network: ${[...new Set(blocked)].join(', ')}`);
    if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(' | ')}`);
    if (failOnDialog && dialogs.length) fail(`the page opened dialogs (escaping broken?): ${dialogs.join(' | ')}`);
    console.log(summary ? `${name}: ${summary}; screenshot ${shot}` : `${name}: screenshot ${shot}`);
  } catch (e) {
    fail(`unexpected: ${e.stack || e.message}`);
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`${name}: ${failures.length} check(s) failed for ${report}`);
    process.exit(1);
  }
  console.log(`${name}: ok`);
  process.exit(0);
}
