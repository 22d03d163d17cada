// site_check.mjs: open a `gridsplit site` report in headless Chromium with the network cut off
// and check it renders: no console or page errors, no request other than file:// (or data:),
// the map canvas shows land (enough land-coloured pixels) and the candidate markers, the score
// table has one row per candidate, the placement table one row per K run when placement ran.
// Saves a full-page screenshot.
//
// usage: node tests/browser/site_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport } from './lib.mjs';

await checkReport('site_check', { checks: async (page, fail) => {
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
  return `${info.cls}, ${rows} candidates, ${info.runs} placement runs, land ${(100 * px.land).toFixed(1)} % of the map`;
} });
