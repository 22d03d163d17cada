// report_check.mjs: open a gridsplit HTML report in headless Chromium with the network cut off
// and check it renders: no console or page errors, no request other than file://, every chart
// drawn (non-blank, coloured pixels on its canvas), drag-to-zoom synchronised across the time
// charts and reset, the summary table filled. Saves a full-page screenshot.
//
// usage: node tests/browser/report_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport } from './lib.mjs';

await checkReport('report_check', { timeout: 120000, waitingFor: 'charts', checks: async (page, fail, { loadMs }) => {
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

  await page.evaluate(() => window.scrollTo(0, 0));  // the screenshot from the top
  return `${expected.length} charts, ${rows} table rows, ${info.n} points per series` +
         `${info.agg > 1 ? ` (means of ${info.agg} steps)` : ''}, drawn in ${loadMs} ms`;
} });
