// flex_check.mjs: open a `gridsplit flex` report in headless Chromium with the network cut off and
// check it renders: no console or page errors, no request other than file://, the revenue stack,
// the curtailment timeline and the must-run comparison drawn (coloured pixels on their canvases),
// the tables filled. Saves a full-page screenshot.
//
// usage: node tests/browser/flex_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport } from './lib.mjs';

await checkReport('flex_check', { checks: async (page, fail) => {
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
  return `${info.rows} rows, ${info.events} events, timeline ${info.timeline}`;
} });
