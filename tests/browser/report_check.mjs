// report_check.mjs: open a gridsplit HTML report in headless Chromium with the network cut off
// and check it renders: no console or page errors, no request other than file://, every chart
// drawn (non-blank, coloured pixels on its canvas), drag-to-zoom synchronised across the time
// charts and reset, the summary table filled with a row per site and class the site has and the
// energy cost, price and CO2 columns, the clusters table (when the report has one), the policy
// and curtailments section (with GS_REPORT_CURTAILMENTS=1: at least one curtailment drawn, each
// row complete), and everything readable in a 1400 px wide window (lib.mjs checkFits: no table
// wider than its box, no cell wrapping over four lines). Saves a full-page screenshot.
//
// usage: node tests/browser/report_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium),
//        GS_REPORT_CURTAILMENTS=1 (the report is of `simulate --policy flexible` with curtailments)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport, checkFits } from './lib.mjs';

const WIDTH = 1400;
const wantCurtailments = process.env.GS_REPORT_CURTAILMENTS === '1';

await checkReport('report_check', { viewport: { width: WIDTH, height: 900 }, timeout: 120000, waitingFor: 'charts',
                                    checks: async (page, fail, { loadMs }) => {
  // Which charts the data calls for.
  const info = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    const has = (k) => d.sites.some((s) => s.clusters[k] > 0);
    return { nsites: d.sites.length, n: d.ts.n, agg: d.ts.agg, nclusters: d.fleet.nclusters,
             // the summary's rows: the fleet, each class it has, each site and each class the site has
             rows: 1 + [0, 1].filter(has).length + d.sites.reduce((a, s) => a + 1 + s.clusters.filter((c) => c > 0).length, 0) };
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

  // The summary: one row per scope and class present (no rows of zeros for an absent class),
  // and the energy cost, price and CO2 columns drawn in every row.
  const summary = await page.evaluate(() => {
    const head = [...document.querySelectorAll('#summary thead th')].map((th) => th.innerText.replace(/\s+/g, ' ').trim());
    const rows = [...document.querySelectorAll('#summary tbody tr')].map((tr) => tr.children.length);
    return { head, rows };
  });
  const rows = summary.rows.length;
  if (rows !== info.rows) fail(`summary table has ${rows} rows, want ${info.rows} (a row per scope and class present)`);
  for (const col of ['Energy cost USD', 'Price USD/MWh', 'CO2 t'])
    if (!summary.head.includes(col)) fail(`summary table has no "${col}" column: ${JSON.stringify(summary.head)}`);
  const bad = summary.rows.filter((n) => n !== summary.head.length).length;
  if (bad) fail(`${bad} summary row(s) do not have the ${summary.head.length} cells of the header`);

  // The clusters table (reports of `gridsplit simulate`): a row per cluster, every cell drawn.
  const clusters = await page.evaluate(() => {
    const t = document.querySelector('#clusters table');
    if (!t) return null;
    const w = t.querySelectorAll('thead th').length;
    const rows = [...t.querySelectorAll('tbody tr')];
    return { rows: rows.length, short: rows.filter((r) => r.children.length !== w).length,
             visible: t.getBoundingClientRect().height > 0 };
  });
  if (clusters) {
    if (clusters.rows !== info.nclusters) fail(`clusters table has ${clusters.rows} rows, want ${info.nclusters}`);
    if (clusters.short) fail(`${clusters.short} clusters row(s) are missing cells`);
    if (!clusters.visible) fail('the clusters table is not drawn');
  }

  // The policy and curtailments section: always there; under the flexible policy every event or
  // price hour acted on heads its actions, each a full row with a positive cut.
  const curt = await page.evaluate(() => {
    const sec = document.getElementById('curtailments');
    if (!sec) return null;
    const t = sec.querySelector('table.curt');
    const acts = t ? [...t.querySelectorAll('tbody tr:not(.event)')] : [];
    const applied = acts.filter((r) => !r.classList.contains('na'));  // .na: the run was not running
    const cut = (r) => parseFloat(r.children[7] ? r.children[7].textContent.replace(/,/g, '') : 'NaN');
    return { text: sec.textContent.replace(/\s+/g, ' ').trim().slice(0, 120), height: sec.getBoundingClientRect().height,
             events: t ? t.querySelectorAll('tr.event').length : 0, actions: acts.length,
             short: acts.filter((r) => r.children.length !== 10).length,
             applied: applied.length, nocut: applied.filter((r) => !(cut(r) > 0)).length,
             toc: !!document.querySelector('#toc a[href="#curtailments"]') };
  });
  if (!curt) fail('no policy and curtailments section (#curtailments)');
  else {
    if (!(curt.height > 0)) fail('the curtailments section is not drawn');
    if (!curt.toc) fail('the curtailments section has no link in the contents bar');
    if (wantCurtailments) {
      if (!curt.events || !curt.applied) fail(`no curtailment drawn under the flexible policy: "${curt.text}"`);
      if (curt.short) fail(`${curt.short} curtailment row(s) are missing cells`);
      if (curt.nocut) fail(`${curt.nocut} curtailment row(s) cut no MWh`);
    }
  }

  // Readable at 1400 px: nothing wider than the window, no table wider than its box, no cell
  // wrapping over four lines (lib.mjs).
  await checkFits(page, fail, { width: WIDTH });

  await page.evaluate(() => window.scrollTo(0, 0));  // the screenshot from the top
  return `${expected.length} charts, ${rows} table rows, ${clusters ? clusters.rows : 0} clusters, ` +
         `${curt ? curt.events : 0} events with ${curt ? curt.actions : 0} curtailments, ${info.n} points per series` +
         `${info.agg > 1 ? ` (means of ${info.agg} steps)` : ''}, drawn in ${loadMs} ms`;
} });
