// route_check.mjs: open a `gridsplit route` report (report.html) in headless Chromium with the
// network cut off and check it renders: no console or page errors, no dialog (escaping), no
// request other than file:// (or data:/blob:), the map shows land (land-coloured pixels), the
// flows (blue line pixels, one drawn per (region, site) pair of the data) and, when an event
// moved requests, the moved flows (magenta pixels); the header names the fleet, the period,
// the step, the budget and RTT limit; the events, sites and regions tables have one filled row
// per event / inference site / region, each region naming the RTT source of what served it;
// clicking an event row selects it; the MW chart draws one line per inference site over the
// period, and with events the event chart draws each site with and without the cap, its y axis
// reaching the cap, both on round ticks; the page reads at 1400 px (lib.mjs checkFits). Saves a
// full-page screenshot.
//
// usage: node tests/browser/route_check.mjs REPORT.html SCREENSHOT.png
// env:   GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the network cut, the error and dialog collection and the screenshot: lib.mjs)
import { checkReport, checkFits } from './lib.mjs';

await checkReport('route_check', { dialogs: true, viewport: { width: 1400, height: 900 }, checks: async (page, fail) => {
  const info = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    return {
      fleet: d.fleet, from: d.from, nEvents: d.events.length, nFlows: d.flows.length,
      nRegions: d.regions.length, nInference: d.sites.filter((s) => s.inference).length,
      gained: d.events.reduce((a, e) => a + e.gained.length, 0),
      budget: d.services.map((s) => s.latency_budget_ms),
      h1: document.querySelector('h1').textContent, title: document.title,
      facts: document.getElementById('facts').textContent,
      drawn: window.gsRoute ? window.gsRoute.drawn : null,
    };
  });
  if (info.h1 !== info.fleet) fail(`header shows ${JSON.stringify(info.h1)}, want the fleet ${JSON.stringify(info.fleet)}`);
  if (!info.title.startsWith(info.fleet)) fail(`title ${JSON.stringify(info.title)} does not start with the fleet's name`);
  for (const word of ['Period', 'Step', 'latency budget', 'RTT limit'])
    if (!info.facts.includes(word)) fail(`header lacks "${word}": ${info.facts}`);
  if (!info.facts.includes(info.from.slice(0, 10))) fail(`header lacks the period start ${info.from}`);

  // land #c9d3bf (201,211,191); flows: blue lines (b well above r and g); moved flows: magenta
  const px = await page.evaluate(() => {
    const c = document.getElementById('map');
    const { width, height } = c;
    const d = c.getContext('2d').getImageData(0, 0, width, height).data;
    let land = 0, flow = 0, moved = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      if (Math.abs(r - 201) < 8 && Math.abs(g - 211) < 8 && Math.abs(b - 191) < 8) land++;
      if (b - r > 50 && b - g > 15) flow++;
      if (r - g > 110 && b - g > 35) moved++;
    }
    return { width, height, land: land / (width * height), flow, moved };
  });
  if (!(px.land > 0.12)) fail(`map shows too little land: ${(100 * px.land).toFixed(1)} % of pixels (want > 12 %)`);
  if (!info.nFlows) fail('the report has no flows');
  if (!info.drawn || info.drawn.flows !== info.nFlows) fail(`map drew ${info.drawn && info.drawn.flows} flows, want ${info.nFlows}`);
  if (!(px.flow > 300)) fail(`map shows no flow lines (${px.flow} blue pixels)`);
  if (info.gained) {
    if (!info.drawn || info.drawn.moved !== info.gained) fail(`map drew ${info.drawn && info.drawn.moved} moved flows, want ${info.gained}`);
    if (!(px.moved > 100)) fail(`map shows no moved flows (${px.moved} magenta pixels)`);
  }

  // tables: one filled row per event / inference site / region
  const rows = await page.evaluate(() => {
    const r = (id) => [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()));
    return { events: r('events-table'), sites: r('sites-table'), regions: r('regions-table') };
  });
  const filled = (name, list, want) => {
    if (list.length !== want) fail(`${name} table has ${list.length} rows, want ${want}`);
    list.forEach((cells, i) => {
      if (cells.length < 5 || cells.some((c) => c === '')) fail(`${name} table row ${i} has empty cells: ${JSON.stringify(cells)}`);
    });
  };
  if (info.nEvents) filled('events', rows.events, info.nEvents);
  else if (rows.events.length !== 1) fail('events table: want one row saying there are no events');
  filled('sites', rows.sites, info.nInference);
  filled('regions', rows.regions, info.nRegions);
  if (!info.nInference) fail('no inference site in the report');
  if (!info.nRegions) fail('no demand region in the report');

  // every region says where its RTTs come from (the regions table's "Served by" column)
  rows.regions.forEach((cells, i) => {
    if (!cells.some((c) => /\b(measured|cable|plain)\b/.test(c))) fail(`regions table row ${i} names no RTT source: ${JSON.stringify(cells)}`);
  });

  // MW over time: one line per inference site over the period; per event, with and without
  const mw = await page.evaluate(() => {
    const g = window.gsRoute && window.gsRoute.mw;
    const d = JSON.parse(document.getElementById('gs-data').textContent);
    const lit = (id) => {
      const c = document.getElementById(id);
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4) if (px[i + 3] > 0 && (Math.abs(px[i] - px[i + 1]) > 40 || Math.abs(px[i + 1] - px[i + 2]) > 40)) n++;
      return n;
    };
    return {
      period: g && g.period, event: g && g.event, legend: document.querySelectorAll('#mw-legend > span').length,
      points: d.sites.filter((s) => s.inference).reduce((a, s) => a + (s.mw_series ? s.mw_series.mw.filter((v) => v != null).length : 0), 0),
      cap: d.events.length ? d.events[0].cap_mw : null, evHidden: document.getElementById('ev-mw-card').hidden,
      litPeriod: lit('mw'), litEvent: lit('ev-mw'),
    };
  });
  if (!mw.period || mw.period.points !== mw.points || !(mw.points > 0)) fail(`MW chart drew ${mw.period && mw.period.points} points, want ${mw.points}`);
  if (mw.legend !== info.nInference) fail(`MW chart legend has ${mw.legend} sites, want ${info.nInference}`);
  if (!(mw.litPeriod > 500)) fail(`MW chart shows too few coloured pixels (${mw.litPeriod})`);
  const round = (ticks) => ticks.every((v) => { const m = Math.pow(10, Math.floor(Math.log10(Math.abs(v) || 1)) - 1); return Math.abs(v / m - Math.round(v / m)) < 1e-9 && [1, 2, 5].some((k) => Math.abs((ticks[1] - ticks[0]) / k / Math.pow(10, Math.round(Math.log10((ticks[1] - ticks[0]) / k))) - 1) < 1e-9); });
  if (!mw.period || !round(mw.period.yticks)) fail(`MW chart ticks are not round: ${mw.period && mw.period.yticks}`);
  if (info.nEvents) {
    if (mw.evHidden) fail('the events chart is hidden although there are events');
    if (!mw.event || !(mw.event.points > 0)) fail(`the events chart drew ${mw.event && mw.event.points} points`);
    if (!mw.event || !(mw.event.ymax >= mw.cap)) fail(`the events chart's axis (${mw.event && mw.event.ymax} MW) does not reach the cap ${mw.cap}`);
    if (!(mw.litEvent > 300)) fail(`the events chart shows too few coloured pixels (${mw.litEvent})`);
  } else if (!mw.evHidden) fail('the events chart shows without events');

  await checkFits(page, fail, { width: 1400 });

  // picking an event selects it
  if (info.nEvents) {
    await page.click('#events-table tbody tr:first-child');
    const sel = await page.evaluate(() => window.gsRoute.selected);
    if (JSON.stringify(sel) !== '[0]') fail(`clicking the first event selected ${JSON.stringify(sel)}`);
  }

  return `${info.nFlows} flows, ${info.nEvents} events (${info.gained} moved flows), ` +
         `${info.nInference} sites, ${info.nRegions} regions, land ${(100 * px.land).toFixed(1)} %, ` +
         `flow pixels ${px.flow}, moved pixels ${px.moved}`;
} });
