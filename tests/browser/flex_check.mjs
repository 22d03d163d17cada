// flex_check.mjs: open a `gridsplit flex` report in headless Chromium, 1400 px wide, with the
// network cut off and check it renders and reads: no console or page errors, no request other
// than file://, the revenue stack, the curtailment timeline and the must-run comparison drawn
// (coloured pixels on their canvases), the bar charts' y ticks at round values (a step of 1, 2
// or 5 x 10^n, every tick a multiple of it, zero among them), the tables filled, the warnings
// listed, and everything fits the window (lib.mjs checkFits: no table wider than its box, no cell
// over four lines, no canvas past the edge). Saves a full-page screenshot.
//
// usage: node tests/browser/flex_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport, checkFits } from './lib.mjs';

const WIDTH = 1400;

await checkReport('flex_check', { viewport: { width: WIDTH, height: 900 }, checks: async (page, fail) => {
  const info = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    return { rows: d.rows.length, events: d.events.length, mb: d.mistakes.training_must_run.rows.length,
             ma: d.mistakes.inference_offered_like_training.rows.length,
             warnings: (d.warnings || []).length,
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
    // round ticks: step = m x 10^k with m in {1, 2, 5}; every tick a whole multiple of it
    const t = await page.evaluate((s) => {
      const c = document.querySelector(s);
      return c ? { ticks: JSON.parse(c.dataset.ticks || '[]'), step: Number(c.dataset.step) } : null;
    }, sel);
    if (!t || t.ticks.length < 2) { fail(`${what}: no y ticks recorded`); continue; }
    const k = Math.floor(Math.log10(t.step)), m = t.step / 10 ** k;
    if (![1, 2, 5, 10].some((x) => Math.abs(m - x) < 1e-9)) fail(`${what}: tick step ${t.step} is not 1, 2 or 5 x 10^n`);
    const off = t.ticks.filter((v) => Math.abs(v / t.step - Math.round(v / t.step)) > 1e-6);
    if (off.length) fail(`${what}: ticks ${off.join(', ')} are not multiples of ${t.step}`);
    if (!t.ticks.includes(0)) fail(`${what}: the ticks ${t.ticks.join(', ')} miss zero`);
  }
  if (info.timeline) {
    const n = await coloured('#timeline canvas');
    if (!(n > 50)) fail(`curtailment timeline is blank (${n} coloured pixels)`);
  }
  // table rows: a note (an event's, a refusal) is a row of its own under its line
  const cnt = (id) => page.$$eval(`#${id} tbody tr:not(.note-row)`, (trs) => trs.length);
  if ((await cnt('rows-table')) !== info.rows) fail('cluster x product table not filled');
  if ((await cnt('events-table')) !== info.events) fail('events table not filled');
  if ((await cnt('mb-table')) !== info.mb) fail('must-run table not filled');
  if ((await cnt('ma-table')) !== info.ma) fail('inference table not filled');
  const shown = await page.$$eval('#warnings li', (li) => li.length);
  if (shown !== info.warnings) fail(`${info.warnings} warnings in the data, ${shown} shown`);
  const misfits = await checkFits(page, fail, { width: WIDTH });
  return `${info.rows} rows, ${info.events} events, ${info.warnings} warnings, timeline ${info.timeline}, ` +
         `${misfits} misfits at ${WIDTH} px`;
} });
