// underwrite_check.mjs: open a `gridsplit underwrite` report in headless Chromium, 1400 px wide,
// with the network cut off and check it renders: no console or page errors, no request other
// than file://, the title and the data escaped (no markup from them, exactly the page's two
// scripts), the six KPIs filled, every chart drawn (coloured pixels on the canvases of the cash
// flows, NPV per site and class, the tornado, the spread over price years, and the contracts
// where a site holds both classes, else a note saying why not), each chart's figures in its
// aria-label (every site and class's NPV, every tornado input in the data's order with its
// swing, every P50, each site's flexibility revenue per price year with its source, the first
// site paid per request's year-1 demand and served requests), the tables filled (the
// flexibility table's source column as summary.json says it, one row per year of demand) (a row per year, per site and class, per tornado input,
// per spread row, per site's time to power, per assumption; each coincident-peak site's hours:
// one row per year and per peak hour, in UTC as summary.json says, the RTO load for 5CP, the
// pause hours), nothing wider than the window and
// no table cut; then another series in the cash-flow selector redraws the chart and the table.
// Saves a full-page screenshot.
//
// usage: node tests/browser/underwrite_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport } from './lib.mjs';

const WIDTH = 1400;

function usd(v) {
  if (typeof v !== 'number' || !isFinite(v)) return '\u2014';
  const f = (x, d) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const a = Math.abs(v);
  if (a >= 1e9) return f(v / 1e9, 2) + ' bn USD';
  if (a >= 1e6) return f(v / 1e6, 1) + ' M USD';
  return f(v, 0) + ' USD';
}

await checkReport('underwrite_check', { viewport: { width: WIDTH, height: 900 }, checks: async (page, fail, ctx) => {
  const d = await page.evaluate(() => JSON.parse(document.getElementById('gs-data').textContent));
  const coloured = (sel) => page.evaluate((s) => {
    const c = document.querySelector(s);
    if (!c) return -1;
    const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) if (Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) n++;
    return n;
  }, sel);
  const aria = (sel) => page.$eval(sel, (c) => c.getAttribute('aria-label')).catch(() => '');
  const count0 = (sel) => page.$$eval(sel, (r) => r.length);

  // escaping and frame
  const dom = await page.evaluate(() => ({
    scripts: document.scripts.length, h1: document.querySelector('h1').textContent,
    h1kids: document.querySelector('h1').children.length, title: document.title,
    foot: document.querySelector('footer').textContent,
  }));
  if (dom.scripts !== 2) fail(`expected the page's 2 scripts, found ${dom.scripts} (escaping broken?)`);
  if (dom.h1kids !== 0) fail('the title made elements inside <h1> (not escaped)');
  if (!dom.h1.trim()) fail('no title in <h1>');
  if (!dom.title.endsWith('gridsplit underwrite')) fail(`document title: ${dom.title}`);
  for (const f of ['cashflow.csv', 'spread.csv', 'tornado.csv', 'summary.json', 'underwrite.xlsx'])
    if (!dom.foot.includes(f)) fail(`footer does not name ${f}`);
  const kpis = await page.$$eval('#kpis dd', (dds) => dds.map((e) => e.textContent.trim()));
  if (kpis.length !== 6) fail(`expected 6 KPIs, found ${kpis.length}`);
  kpis.forEach((t, i) => { if (!t || t === '\u2014') fail(`KPI ${i} is empty`); });
  if (!kpis[0].startsWith(usd(d.total.npv_usd))) fail(`deal NPV KPI ${kpis[0]}, expected ${usd(d.total.npv_usd)}`);

  // the units: every class of every site, each site's total, the deal
  const units = [];
  for (const s of d.sites) {
    for (const k of ['training', 'inference']) if (s[k]) units.push([`${s.id} ${k}`, s[k].npv_usd]);
    units.push([`${s.id} total`, s.total.npv_usd]);
  }
  units.push(['deal total', d.total.npv_usd]);

  // charts
  const charts = ['#cashflow canvas', '#npv canvas', '#tornado canvas', '#spread canvas'];
  const mixed = d.sites.filter((s) => s.contracts).length;
  if (mixed) charts.push('#contracts canvas');
  else if (!(await page.$('#contracts .empty'))) fail('no contracts chart and no note saying why');
  for (const c of charts) {
    // the spread of a deal on flat prices is one scenario: a P50 tick and a narrow band a row
    const least = c.startsWith('#spread') ? 40 * (units.length) : 400;
    const n = await coloured(c);
    if (!(n > least)) fail(`${c} is blank (${n} coloured pixels)`);
  }
  const npvAria = await aria('#npv canvas');
  for (const [label, v] of units) if (!npvAria.includes(`${label} ${usd(v)}`)) fail(`NPV chart does not give ${label} ${usd(v)}`);
  const torAria = await aria('#tornado canvas');
  let at = 0;
  for (const b of d.tornado.bars) {
    const want = `${b.input} ${usd(b.npv_low_usd)} to ${usd(b.npv_high_usd)} (swing ${usd(b.swing_usd)})`;
    const i = torAria.indexOf(want, at);
    if (i < 0) { fail(`tornado does not give, in order, ${want}`); break; }
    at = i + want.length;
  }
  // flexibility revenue: every site with training, each price year's figure and its source
  const flexRows = [];
  for (const s of d.sites) {
    if (!s.flexibility || s.flexibility.source === 'none') continue;
    for (const y of s.flexibility.price_years) flexRows.push([`${s.id} ${y.price_year ?? 'flat'}`, y, s.flexibility.source]);
  }
  if (flexRows.length) {
    if (!((await coloured('#flex canvas')) > 100)) fail('flexibility chart is blank');
    const fa = await aria('#flex canvas');
    const nf = (v) => v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
    for (const [label, y, src] of flexRows)
      if (!fa.includes(`${label} ${nf(y.usd_per_mw_year)} (${src})`)) fail(`flexibility chart does not give ${label} ${nf(y.usd_per_mw_year)} (${src})`);
    const srcCells = await page.$$eval('#flex-table tbody tr td.src-cell', (t) => t.map((e) => e.textContent));
    if (srcCells.length !== flexRows.length) fail(`flexibility table: ${srcCells.length} rows, expected ${flexRows.length}`);
    srcCells.forEach((t, i) => { if (t !== flexRows[i][1].source) fail(`flexibility table row ${i}: source "${t}", expected "${flexRows[i][1].source}"`); });
  } else if (!(await page.$('#flex .empty'))) fail('no flexibility chart and no note saying why');
  // revenue per request: the chart of the first such site and one table row per year
  const reqSites = d.sites.filter((s) => s.inference && s.inference.revenue && s.inference.revenue.basis === 'request');
  if (reqSites.length) {
    if (!((await coloured('#requests canvas')) > 200)) fail('revenue-per-request chart is blank');
    const ra = await aria('#requests canvas');
    const y1 = reqSites[0].inference.revenue.years[0];
    const nf = (v) => v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
    if (!ra.includes(`year 1 demand ${nf(y1.mean_requests_per_s)} served ${nf(y1.served_requests_per_s)}`))
      fail('revenue-per-request chart does not give year 1 demand and served');
    if ((await count0('#requests-table tbody tr')) !== d.horizon_years) fail('revenue-per-request table: not one row per year');
    if (!((await count0('#requests-notes div')) >= 5)) fail('revenue-per-request sources missing');
  } else if (!(await page.$('#requests .empty'))) fail('no revenue-per-request chart and no note saying why');
  const spAria = await aria('#spread canvas');
  if (!spAria.includes(`deal total P10 ${usd(d.spread.total.npv_usd.p10)} P50 ${usd(d.spread.total.npv_usd.p50)}`))
    fail('spread chart does not give the deal total P10 / P50');

  // tables
  const count = (sel) => page.$$eval(sel, (r) => r.length);
  if ((await count('#cashflow-table tbody tr')) !== d.horizon_years + 1) fail('cash-flow table: not one row per year');
  if ((await count('#npv-table tbody tr')) !== units.length) fail('NPV table: not one row per site and class');
  if ((await count('#tornado-table tbody tr')) !== d.tornado.bars.length) fail('tornado table: not one row per input');
  if ((await count('#contracts-table tbody tr')) !== 4 * mixed) fail('contracts table: not four rows per mixed site');
  if ((await count('#power-table tbody tr')) !== d.time_to_power.length) fail('time-to-power table: not one row per site');
  if ((await count('#assumptions-table tbody tr')) !== d.assumptions.length) fail('assumptions table: not one row per figure');
  if (!((await count('#spread-table tbody tr')) >= d.sites.length + 1)) fail('spread table: rows missing');
  if (!((await count('#peaks-table tbody tr')) >= 1)) fail('coincident-peak table is empty');
  // the peak hours: one table per site with peaks, a row per year and one per peak hour, each
  // in UTC as summary.json has it (and the RTO load for 5CP, the pause hours when given)
  const cpSites = d.sites.filter((s) => s.coincident_peaks && (s.coincident_peaks.years || []).some((y) => (y.peaks || []).length));
  const hourTables = await page.$$eval('#peak-hours table', (ts) => ts.map((t) => ({
    site: t.dataset.site,
    years: t.querySelectorAll('tbody tr.group').length,
    rows: [...t.querySelectorAll('tbody tr[data-peak]')].map((r) => [...r.cells].map((c) => c.textContent)),
    groups: [...t.querySelectorAll('tbody tr.group')].map((r) => r.textContent),
  })));
  if (hourTables.length !== cpSites.length) fail(`peak hours: ${hourTables.length} tables, expected one per site with peaks (${cpSites.length})`);
  cpSites.forEach((s, i) => {
    const t = hourTables[i], cp = s.coincident_peaks;
    if (!t) return;
    const peaks = cp.years.flatMap((y) => y.peaks || []);
    if (t.site !== s.id) fail(`peak hours table ${i}: site ${t.site}, expected ${s.id}`);
    if (t.years !== cp.years.length) fail(`peak hours of ${s.id}: ${t.years} year rows, expected ${cp.years.length}`);
    if (t.rows.length !== peaks.length) fail(`peak hours of ${s.id}: ${t.rows.length} rows, expected ${peaks.length}`);
    t.rows.forEach((r, k) => {
      const h = peaks[k];
      if (!h) return;
      const utc = `${h.from.slice(0, 10)} ${h.from.slice(11, 16)}\u2013${h.to.slice(11, 16)} UTC`;
      if (r[4] !== utc) fail(`peak hours of ${s.id} row ${k}: UTC "${r[4]}", expected "${utc}"`);
      if (r[1] === '\u2014' || r[2] === '\u2014') fail(`peak hours of ${s.id} row ${k}: no local time`);
      if (cp.basis === '5cp') {
        const mw = h.rto_load_mw.toLocaleString('en-US', { maximumFractionDigits: 0 });
        if (r[5] !== mw) fail(`peak hours of ${s.id} row ${k}: RTO load "${r[5]}", expected ${mw}`);
        if (!/^HE \d+$/.test(r[3])) fail(`peak hours of ${s.id} row ${k}: hour ending "${r[3]}"`);
      }
    });
    cp.years.forEach((y, k) => {
      const g = t.groups[k] || '';
      if (!g.startsWith(String(y.year))) fail(`peak hours of ${s.id}: year row ${k} "${g}"`);
      // the hours training pauses for the peaks, shown where the site has training (the
      // interruptible class); an inference-only site never pauses
      if (s.training && typeof y.pause_hours === 'number' && !g.includes('pauses ' + y.pause_hours.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' h'))
        fail(`peak hours of ${s.id} ${y.year}: pause hours not shown ("${g}")`);
      if (!s.training && g.includes('pauses'))
        fail(`peak hours of ${s.id} ${y.year}: a pause shown at a site without training ("${g}")`);
    });
  });
  const npvCells = await page.$$eval('#npv-table tbody tr', (trs) => trs.map((r) => [r.dataset.unit, r.querySelectorAll('td')[1].textContent]));
  npvCells.forEach(([u, v], i) => { if (u !== units[i][0] || v !== usd(units[i][1])) fail(`NPV table row ${u}: ${v}, expected ${units[i][0]} ${usd(units[i][1])}`); });
  // what each class's revenue is paid on: a lease names its kW, rent, escalator and who pays
  // the energy (summary.json's sites[].<class>.revenue)
  const basis = await page.$$eval('#npv-table tbody tr', (trs) => trs.map((r) => [r.dataset.unit, (r.querySelector('td.revenue-basis') || {}).textContent]));
  for (const s of d.sites)
    for (const k of ['training', 'inference']) {
      if (!s[k]) continue;
      const got = (basis.find(([u]) => u === `${s.id} ${k}`) || [])[1] || '';
      const r = s[k].revenue || {};
      if (r.basis === 'colocation') {
        const rent = r.usd_per_kw_month.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        if (!got.startsWith('lease: ') || !got.includes(`${rent} USD per kW-month`) ||
            !got.includes(r.energy_pass_through ? 'paid by the tenant' : 'paid by the operator'))
          fail(`NPV table ${s.id} ${k}: lease not shown ("${got}")`);
      } else if (got !== (r.basis === 'request' ? 'requests served (per request)' : 'GPU-hours sold'))
        fail(`NPV table ${s.id} ${k}: revenue basis "${got}" for ${r.basis}`);
    }

  // readable at 1400 px
  const wide = await page.evaluate((W) => {
    const out = [];
    if (document.documentElement.scrollWidth > W) out.push(`page is ${document.documentElement.scrollWidth} px wide`);
    document.querySelectorAll('canvas').forEach((c) => {
      const r = c.getBoundingClientRect();
      if (r.right > W + 0.5) out.push(`a canvas ends at ${Math.round(r.right)} px`);
    });
    document.querySelectorAll('.table-wrap').forEach((e) => {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`table ${e.firstElementChild.id} needs ${e.scrollWidth} px, has ${e.clientWidth}`);
    });
    document.querySelectorAll('#kpis dd, #meta dd').forEach((e) => {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`"${e.textContent}" is cut off`);
    });
    return out;
  }, WIDTH);
  wide.forEach((m) => fail(`not readable at ${WIDTH} px: ${m}`));

  // the cash-flow selector: the first series redraws the chart and its table, then back
  const before = await page.$eval('#cashflow', (b) => b.dataset.series);
  const first = await page.$eval('#cashflow-series', (s) => s.options[0].value);
  await page.selectOption('#cashflow-series', first);
  const after = await page.$eval('#cashflow', (b) => b.dataset.series);
  const want = `${d.cashflow.series[0].site}/${d.cashflow.series[0].class}`;
  if (after !== want || after === before) fail(`choosing the first series drew ${after}, expected ${want} (was ${before})`);
  if (!((await coloured('#cashflow canvas')) > 400)) fail('cash flows blank after choosing another series');
  const net0 = await page.$eval('#cashflow-table tbody tr td:nth-child(10)', (t) => t.textContent);
  const want0 = (d.cashflow.series[0].rows[0][15] / 1e6).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  if (net0 !== want0) fail(`cash-flow table year 0 net ${net0}, expected ${want0}`);
  await page.selectOption('#cashflow-series', String(d.cashflow.series.length - 1));
  await page.evaluate(() => window.scrollTo(0, 0));
  return `${d.sites.length} sites, ${units.length} NPV rows, ${d.tornado.bars.length} tornado inputs, ` +
         `${d.spread.scenarios} price-year scenarios, drawn in ${ctx.loadMs} ms`;
} });
