// lib.mjs: the part the browser checks (report_check, flex_check, site_check, route_check,
// dashboard_check, supply_check) share.
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
// checkUrl(name, opts) does the same for a page served over HTTP (the daemon's dashboard): the
// caller parses its own command line and passes url (http://127.0.0.1:PORT/...) and shot; the
// network is on, but only requests to the URL's origin (and data:/blob:) are let through: any
// other is blocked and fails the check. Before waiting for the ready flag it calls
// opts.init(page, fail, ctx) when given (to type a token, say; when it returns false, the wait
// for the ready flag is skipped: init has failed already). ctx = { url, origin, shot,
// consoleErrors } (checks get loadMs too): consoleErrors is the live list of console errors
// (init may drop entries it expected, such as the 401 before a token was typed). Repeated
// console errors are reported once, with a count.
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
                                          waitingFor = 'the page', dialogs = false,
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
  await run(name, {
    href: pathToFileURL(report).href, shot, viewport, timeout, waitingFor, dialogs, checks,
    offline: true, allowed: (url) => LOCAL.test(url), what: 'the report', target: report,
    blockedMsg: 'the report tried to reach the network', ctx: { report, shot },
  });
}

// The same for a page served over HTTP (see the top). url: the page; shot: the screenshot path;
// init: called after the page loaded, before waiting for the ready flag. Other options as above.
export async function checkUrl(name, { url, shot, viewport = { width: 1400, height: 900 }, timeout = 60000,
                                       waitingFor = 'the page', dialogs = false, init, checks }) {
  let origin;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`not http(s): ${u.protocol}`);
    origin = u.origin;
  } catch (e) {
    console.error(`${name}: bad URL ${url}: ${e.message}`);
    process.exit(2);
  }
  shot = path.resolve(shot);
  const sameOrigin = (u) => {
    if (LOCAL.test(u)) return true;
    try { return new URL(u).origin === origin; } catch { return false; }
  };
  await run(name, {
    href: url, shot, viewport, timeout, waitingFor, dialogs, checks, init: init || (async () => {}),
    offline: false, allowed: sameOrigin, what: 'the page', target: url,
    blockedMsg: `the page requested something outside ${origin}`, ctx: { url, origin, shot }, http: true,
  });
}

async function run(name, { href, shot, viewport, timeout, waitingFor, dialogs: failOnDialog, checks, init,
                           offline, allowed, what, target, blockedMsg, ctx, http = false }) {
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
      offline,
    });
  } catch (e) {
    console.error(`${name}: cannot start chromium: ${e.message}`);
    fs.rmSync(userDataDir, { recursive: true, force: true });
    process.exit(2);
  }

  try {
    // Cut the network: anything not allowed (for a report: not file://, data: or blob:) is a failure.
    const blocked = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (allowed(url)) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    const page = context.pages()[0] || await context.newPage();
    page.on('request', (req) => {
      const url = req.url();
      if (!allowed(url) && !blocked.includes(url)) blocked.push(url);
    });
    page.on('websocket', (ws) => blocked.push(ws.url()));
    const consoleErrors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
    page.on('pageerror', (err) => consoleErrors.push(`page error: ${err.message}`));
    const dialogs = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });

    const t0 = Date.now();
    const resp = await page.goto(href, { waitUntil: 'load', timeout });
    let wait = true;
    if (http && resp && !resp.ok()) { fail(`GET ${href} answered HTTP ${resp.status()}`); wait = false; }
    if (wait && init) wait = await init(page, fail, { ...ctx, consoleErrors }) !== false;  // (init: checkUrl only)
    if (wait) {
      try {
        await page.waitForFunction(() => document.body.dataset.gsReady === '1' || document.body.dataset.gsError,
                                   null, { timeout });
      } catch (e) {
        fail(`${waitingFor} did not finish drawing: ${e.message.split('\n')[0]}`);
      }
    }
    const loadMs = Date.now() - t0;
    const err = await page.evaluate(() => document.body.dataset.gsError || null);
    if (err) fail(`${what === 'the report' ? "the report's" : `${what}'s`} script failed: ${err}`);

    const summary = await checks(page, fail, init ? { ...ctx, loadMs, consoleErrors } : { ...ctx, loadMs });

    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });
    if (blocked.length) fail(`${blockedMsg}: ${[...new Set(blocked)].join(', ')}`);
    if (consoleErrors.length && http) {
      const n = new Map();
      for (const m of consoleErrors) n.set(m, (n.get(m) || 0) + 1);
      fail(`console errors: ${[...n].map(([m, k]) => (k > 1 ? `${m} (x${k})` : m)).join(' | ')}`);
    } else if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(' | ')}`);
    if (failOnDialog && dialogs.length) fail(`the page opened dialogs (escaping broken?): ${dialogs.join(' | ')}`);
    console.log(summary ? `${name}: ${summary}; screenshot ${shot}` : `${name}: screenshot ${shot}`);
  } catch (e) {
    fail(`unexpected: ${e.stack || e.message}`);
  } finally {
    await context.close().catch(() => {});
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`${name}: ${failures.length} check(s) failed for ${target}`);
    process.exit(1);
  }
  console.log(`${name}: ok`);
  process.exit(0);
}

// checkFits(page, fail, { width, maxLines }): the report reads at `width` px (issue 8, 5: "the
// tables fit a 1400 px wide window"): the page is no wider than the window; no canvas or svg ends
// past it; every table fits its container (no horizontal scroll inside it and no table wider than
// the container); no table cell is taller than maxLines lines of its own text (ids wrapping over
// five lines); no element marked .kpi/dd is cut off. Each problem is one fail() naming what and
// how wide. Returns the number of problems. Call it with the viewport at that width.
export async function checkFits(page, fail, { width = 1400, maxLines = 4 } = {}) {
  const out = await page.evaluate(({ W, maxLines }) => {
    const out = [];
    const desc = (e) => (e.id ? `#${e.id}` : e.className ? `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]}`
                                                    : e.tagName.toLowerCase());
    if (document.documentElement.scrollWidth > W) out.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    document.querySelectorAll('canvas, svg').forEach((c) => {
      const r = c.getBoundingClientRect();
      if (r.width > 0 && r.right > W + 0.5) out.push(`${desc(c)} ends at ${Math.round(r.right)} px`);
    });
    document.querySelectorAll('table').forEach((t) => {
      const box = t.parentElement;
      const tw = t.getBoundingClientRect().width;
      if (box && box.scrollWidth > box.clientWidth + 1) out.push(`table in ${desc(box)} needs ${box.scrollWidth} px, has ${box.clientWidth}`);
      else if (box && tw > box.clientWidth + 1) out.push(`table in ${desc(box)} is ${Math.round(tw)} px, its box ${box.clientWidth}`);
      let tall = 0, worst = '';
      t.querySelectorAll('td, th').forEach((c) => {
        const lh = parseFloat(getComputedStyle(c).lineHeight) || parseFloat(getComputedStyle(c).fontSize) * 1.2;
        const pad = parseFloat(getComputedStyle(c).paddingTop) + parseFloat(getComputedStyle(c).paddingBottom);
        if (c.textContent.trim() && (c.clientHeight - pad) / lh > maxLines + 0.5) { tall++; if (!worst) worst = c.textContent.trim().slice(0, 40); }
      });
      if (tall) out.push(`${tall} cell(s) of a table in ${desc(box || t)} wrap over ${maxLines} lines ("${worst}")`);
    });
    document.querySelectorAll('.kpi, dd').forEach((e) => {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`"${e.textContent.trim().slice(0, 40)}" is cut off`);
    });
    return out;
  }, { W: width, maxLines });
  out.forEach((m) => fail(`not readable at ${width} px: ${m}`));
  return out.length;
}
