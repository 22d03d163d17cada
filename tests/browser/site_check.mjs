// site_check.mjs: open a `gridsplit site` report in headless Chromium with the network cut off
// and check it renders: no console or page errors, no request other than file:// (or data:),
// the map canvas shows land (enough land-coloured pixels) and the candidate markers, the score
// table has one row per candidate, the placement table one row per K run when placement ran;
// with a placement, the "why" table has a filled row for each chosen site (and each
// better-ranked candidate left out) and every chosen site is labelled on the map; no two map
// labels overlap; a training map draws no demand regions; the page reads at 1400 px
// (lib.mjs checkFits). Saves a full-page screenshot.
//
// usage: node tests/browser/site_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport, checkFits } from './lib.mjs';

await checkReport('site_check', { viewport: { width: 1400, height: 900 }, checks: async (page, fail) => {
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
  // labels: never overlapping; every chosen site labelled; the training map without regions
  const lab = await page.evaluate(() => {
    const g = window.gsSite.drawn, d = window.gsSite.data;
    const why = [...document.querySelectorAll('#why-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
    return { labels: g.labels, left: g.left, regions: g.regions, chosen: d.candidates.filter((c) => c.chosen).map((c) => c.id),
             whyShown: !document.getElementById('why').hidden, why };
  });
  for (let a = 0; a < lab.labels.length; a++)
    for (let b = a + 1; b < lab.labels.length; b++) {
      const p = lab.labels[a], q = lab.labels[b];
      if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) fail(`map labels overlap: "${p.text}" and "${q.text}"`);
    }
  for (const id of lab.chosen)
    if (!lab.labels.some((l) => l.text.endsWith(` ${id}`))) fail(`chosen site ${id} has no label on the map`);
  if (info.cls === 'training' && lab.regions !== 0) fail(`the training map draws ${lab.regions} demand regions`);
  if (lab.chosen.length) {
    if (!lab.whyShown) fail('the "why these sites" table is hidden');
    for (const id of lab.chosen) {
      const row = lab.why.find((c) => c[1] === id);
      if (!row) fail(`no "why" row for chosen site ${id}`);
      else if (!/serves [\d.]+ MW of demand/.test(row[row.length - 1])) fail(`"why" of ${id} says: ${row[row.length - 1]}`);
    }
    lab.why.forEach((c) => { if (c.some((x) => x === '')) fail(`"why" row has empty cells: ${JSON.stringify(c)}`); });
  }
  await checkFits(page, fail, { width: 1400 });

  return `${info.cls}, ${rows} candidates, ${info.runs} placement runs, land ${(100 * px.land).toFixed(1)} % of the map`;
} });
