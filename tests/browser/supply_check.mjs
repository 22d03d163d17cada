// supply_check.mjs: open a `gridsplit supply` report in headless Chromium, 1400 px wide, with the
// network cut off and check it renders: no console or page errors, no request other than
// file://, the title and the data escaped (no markup from them, exactly the page's three
// scripts), the KPIs and the source filled, supply against load and the battery's state of
// charge drawn over the whole period (coloured pixels on their uPlot canvases), the coverage
// bars drawn with every method's figure, the methods table and the warnings filled, the footer
// naming hourly.csv and summary.json, nothing wider than the window; then it works the controls:
// another method in each selector redraws its chart, the two time charts zoom together, the
// coverage axis goes to 0 %. Saves a full-page screenshot.
//
// usage: node tests/browser/supply_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error collection and the screenshot: lib.mjs)
import { checkReport } from './lib.mjs';

const WIDTH = 1400;

await checkReport('supply_check', { viewport: { width: WIDTH, height: 900 }, checks: async (page, fail, ctx) => {
  const info = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    const h = d.hourly || {}, hm = h.methods || {};
    const has = (a) => Array.isArray(a) && a.some((v) => typeof v === 'number' && isFinite(v));
    return {
      title: d.title, n: h.n || 0, methods: d.methods.map((m) => ({ id: m.id, coverage: m.coverage })),
      soc: d.methods.filter((m) => hm[m.id] && has(hm[m.id].soc_mwh)).map((m) => m.id),
      hourly: d.methods.filter((m) => hm[m.id] && (has(hm[m.id].load_mw) || has(hm[m.id].grid_mw))).map((m) => m.id),
      warnings: (d.warnings || []).length,
    };
  });
  const coloured = (sel) => page.evaluate((s) => {
    const c = document.querySelector(s);
    if (!c) return -1;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 60) n++;
    return n;
  }, sel);

  // escaping: the title and the data put no markup in the page
  const dom = await page.evaluate(() => ({
    scripts: document.scripts.length, h1: document.querySelector('h1').textContent,
    h1kids: document.querySelector('h1').children.length, title: document.title,
    foot: document.querySelector('footer').textContent,
  }));
  if (dom.scripts !== 3) fail(`expected the page's 3 scripts, found ${dom.scripts} (escaping broken?)`);
  if (dom.h1kids !== 0) fail('the title made elements inside <h1> (not escaped)');
  if (!dom.h1.trim()) fail('no title in <h1>');
  if (!dom.title.endsWith('gridsplit supply')) fail(`document title: ${dom.title}`);
  if (!/hourly\.csv/.test(dom.foot) || !/summary\.json/.test(dom.foot)) fail(`footer does not name hourly.csv and summary.json: ${dom.foot}`);

  // header
  const kpis = await page.$$eval('#kpis dd', (dds) => dds.map((e) => e.textContent.trim()));
  if (kpis.length !== 6) fail(`expected 6 KPIs, found ${kpis.length}`);
  const emptyKpi = kpis.findIndex((t) => !t);
  if (emptyKpi >= 0) fail(`KPI ${emptyKpi} is empty`);
  if ((await page.$$eval('#meta dd', (dds) => dds.length)) < 2) fail('source and period not shown');

  // time charts
  if (info.n > 0) {
    const n1 = await coloured('#balance canvas');
    if (!(n1 > 500)) fail(`supply against load is blank (${n1} coloured pixels)`);
    const pts = await page.evaluate(() => window.gsSupply.timeCharts[0].data[0].length);
    if (pts !== info.n) fail(`supply against load has ${pts} points, expected ${info.n}`);
    if (info.soc.length) {
      const n2 = await coloured('#soc canvas');
      if (!(n2 > 500)) fail(`battery state of charge is blank (${n2} coloured pixels)`);
    } else if (!(await page.$('#soc .note'))) fail('no battery chart and no note saying why');
  }

  // coverage bars, with every method's figure
  const nb = await coloured('#coverage canvas');
  if (!info.methods.length) {
    if (!(await page.$('#coverage .note'))) fail('no method and no note saying so');
  } else if (!(nb > 200 * info.methods.length)) fail(`coverage bars are blank (${nb} coloured pixels)`);
  const aria = await page.$eval('#coverage canvas', (c) => c.getAttribute('aria-label')).catch(() => '');
  for (const m of info.methods) {
    if (m.coverage == null) continue;
    const want = (100 * m.coverage).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + ' %';
    if (!aria.includes(want)) fail(`coverage bars do not give ${m.id} ${want}`);
  }

  // methods table and warnings
  const rows = await page.$$eval('#methods-table tbody tr.method', (trs) => trs.map((r) => ({
    id: r.dataset.id, cov: r.querySelector('td').textContent })));
  if (rows.length !== info.methods.length) fail(`methods table: ${rows.length} rows for ${info.methods.length} methods`);
  rows.forEach((r, i) => {
    const m = info.methods.find((x) => x.id === r.id);
    if (!m) { fail(`methods table: unknown row ${r.id}`); return; }
    const want = m.coverage == null ? '\u2014' : (100 * m.coverage).toFixed(2);
    if (r.cov !== want) fail(`methods table: ${r.id} coverage ${r.cov}, expected ${want}`);
  });
  const w = await page.$$eval('#warnings li', (lis) => lis.map((l) => l.className));
  if (w.length !== Math.max(1, info.warnings) || (!info.warnings && w[0] !== 'none')) fail(`warnings list: ${w.length} items for ${info.warnings} warnings`);

  // readable at 1400 px: nothing wider than the window, no KPI cut off
  const wide = await page.evaluate((W) => {
    const out = [];
    if (document.documentElement.scrollWidth > W) out.push(`page is ${document.documentElement.scrollWidth} px wide`);
    document.querySelectorAll('canvas').forEach((c) => {
      const r = c.getBoundingClientRect();
      if (r.right > W + 0.5) out.push(`a canvas ends at ${Math.round(r.right)} px`);
    });
    document.querySelectorAll('.table-wrap').forEach((e) => {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`a table needs ${e.scrollWidth} px, has ${e.clientWidth}`);
    });
    document.querySelectorAll('#kpis dd, #meta dd').forEach((e) => {
      if (e.scrollWidth > e.clientWidth + 1) out.push(`"${e.textContent}" is cut off`);
    });
    return out;
  }, WIDTH);
  wide.forEach((m) => fail(`not readable at ${WIDTH} px: ${m}`));

  // controls: another method in each selector, zoom together, coverage axis from 0 (then back,
  // so the screenshot shows the report as it opens)
  const first = await page.evaluate(() => [document.getElementById('balance-method').value,
                                           document.getElementById('soc-method').value]);
  if (info.hourly.length > 1) {
    const other = await page.$eval('#balance-method', (s) => [...s.options].map((o) => o.value).find((v) => v && v !== s.value));
    await page.selectOption('#balance-method', other);
    const lab = await page.evaluate(() => window.gsSupply.timeCharts[0].series.slice(1).map((s) => s.label).join('|'));
    const name = await page.$eval(`#balance-method option[value="${other}"]`, (o) => o.textContent.split(' \u00b7 ')[0]);
    if (!lab.includes(name)) fail(`choosing ${other} did not redraw supply against load (${lab})`);
    if (!((await coloured('#balance canvas')) > 500)) fail(`supply against load blank after choosing ${other}`);
  }
  if (info.soc.length > 1) {
    const other = await page.$eval('#soc-method', (s) => [...s.options].map((o) => o.value).find((v) => v !== s.value));
    await page.selectOption('#soc-method', other);
    const lab = await page.evaluate(() => window.gsSupply.timeCharts[1].series[1].label);
    const name = await page.$eval(`#soc-method option[value="${other}"]`, (o) => o.textContent.split(' \u00b7 ')[0]);
    if (!lab.includes(name)) fail(`choosing ${other} did not redraw the battery chart (${lab})`);
    if (!((await coloured('#soc canvas')) > 500)) fail(`battery chart blank after choosing ${other}`);
  }
  if (info.n > 48 && info.soc.length) {
    // (uPlot commits a new scale in a microtask: read it back after one)
    const sync = await page.evaluate(async () => {
      const [a, b] = window.gsSupply.timeCharts;
      const x = a.data[0];
      const tick = () => new Promise((r) => setTimeout(r, 0));
      a.setScale('x', { min: x[24], max: x[48] });
      await tick();
      const r = [b.scales.x.min, b.scales.x.max, x[24], x[48]];
      window.gsSupply.resetZoom();
      await tick();
      return r.concat([b.scales.x.min, x[0]]);
    });
    if (sync[0] !== sync[2] || sync[1] !== sync[3]) fail(`the time charts do not zoom together: ${sync}`);
    if (sync[4] !== sync[5]) fail(`reset zoom did not show the whole period: ${sync}`);
  }
  const zero = await page.$eval('#coverage-zero', (c) => !c.disabled);
  if (zero) {
    await page.check('#coverage-zero');
    const floor = await page.$eval('#coverage', (b) => b.dataset.axisFloor);
    if (floor !== '0') fail(`coverage axis did not go to 0 % (${floor})`);
    await page.uncheck('#coverage-zero');
  }
  if (info.hourly.length > 1) await page.selectOption('#balance-method', first[0]);
  if (info.soc.length > 1) await page.selectOption('#soc-method', first[1]);
  await page.evaluate(() => window.scrollTo(0, 0));
  return `${info.n} hours, ${info.methods.length} methods (${info.soc.length} with a battery state), ` +
         `${info.warnings} warnings, drawn in ${ctx.loadMs} ms`;
} });
