// dashboard_check.mjs: open the live dashboard of a running `gridsplit serve` in headless
// Chromium and check it: only the daemon's origin is reached, no console or page error, no
// dialog (hostile job names stay text), the page says it is ready (typing the read token into its
// form when the daemon asks for one), every site of /v1/load shows its MW by class as the API
// gives them, the jobs table has one row per job with each name as plain text and each
// unclassified job's reason, a 24 h chart (or an honest "no data yet") per site. With --event ID
// it waits for that event to be listed with its state shown (one of --state when given), opens
// its report and checks the report's jobs table; with --actions also for at least one action of
// that event in the action log. Saves a full-page screenshot.
//
// usage: node tests/browser/dashboard_check.mjs URL [SCREENSHOT.png] [--token TOKEN]
//                 [--event ID [--state STATE[,STATE...]] [--actions]] [--width PX]
//   URL         the daemon's page, http://127.0.0.1:PORT/
//   SCREENSHOT  where to save the screenshot (default: dashboard_check.png here)
//   --token     the read token, typed into the page's token form if the daemon asks for one
//               (or env GS_DASH_TOKEN, which keeps it out of the process list)
//   --event ID  wait for grid event ID in the events list; --state: for one of these states;
//   --actions   and for at least one action of it in the action log
//   --width PX  the window width (default 1400; height 900)
// env:   GS_DASH_TIMEOUT (seconds to wait for the event, its state and its actions; default 30),
//        GS_DASH_TOKEN, GS_SRC (repo root; default: two levels up), CHROMIUM (default /usr/bin/chromium)
// exit:  0 ok, 1 a check failed, 2 bad usage or the browser could not start
// (the browser, the origin filter, the error collection and the screenshot: lib.mjs)
import { checkUrl } from './lib.mjs';

const NAME = 'dashboard_check';
const USAGE = `usage: node ${NAME}.mjs URL [SCREENSHOT.png] [--token TOKEN] ` +
              '[--event ID [--state STATE[,STATE...]] [--actions]] [--width PX]';

function usage(msg) {
  if (msg) console.error(`${NAME}: ${msg}`);
  console.error(USAGE);
  process.exit(2);
}

const opts = { token: process.env.GS_DASH_TOKEN || null, event: null, states: null, actions: false, width: 1400 };
const pos = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => {
    if (i + 1 >= argv.length) usage(`${a} needs a value`);
    return argv[++i];
  };
  if (a === '--token') opts.token = val();
  else if (a === '--event') opts.event = val();
  else if (a === '--state') opts.states = val().split(',').map((s) => s.trim()).filter(Boolean);
  else if (a === '--actions') opts.actions = true;
  else if (a === '--width') opts.width = Number(val());
  else if (a === '-h' || a === '--help') usage();
  else if (a.startsWith('--')) usage(`unknown option ${a}`);
  else pos.push(a);
}
if (pos.length < 1 || pos.length > 2) usage();
const [url, shot = 'dashboard_check.png'] = pos;
if (opts.event != null && !/^\d+$/.test(opts.event)) usage(`--event wants an event id (a number), got ${JSON.stringify(opts.event)}`);
if ((opts.states || opts.actions) && opts.event == null) usage('--state and --actions need --event');
if (!(opts.width >= 320 && opts.width <= 4000)) usage('--width wants 320..4000 pixels');
const waitS = process.env.GS_DASH_TIMEOUT ? Number(process.env.GS_DASH_TIMEOUT) : 30;
if (!(waitS > 0)) usage(`GS_DASH_TIMEOUT wants seconds > 0, got ${JSON.stringify(process.env.GS_DASH_TIMEOUT)}`);
const waitMs = waitS * 1000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const first = (e) => String(e && e.message || e).split('\n')[0];

// GET an API path from inside the page (same origin, the token when there is one)
async function apiGet(page, p) {
  return page.evaluate(async ({ p, token }) => {
    const r = await fetch(p, { cache: 'no-store', headers: token ? { Authorization: `Bearer ${token}` } : {} });
    const text = await r.text();
    if (!r.ok) throw new Error(`GET ${p}: HTTP ${r.status} ${text.slice(0, 200)}`);
    return JSON.parse(text);
  }, { p, token: opts.token });
}

// retry fn (returning a list of problems) until it returns none or time runs out
async function settle(fn, ms) {
  const until = Date.now() + ms;
  let problems;
  for (;;) {
    problems = await fn();
    if (!problems.length || Date.now() > until) return problems;
    await sleep(400);
  }
}

let authNote = 'reads open';

await checkUrl(NAME, {
  url, shot, viewport: { width: opts.width, height: 900 }, timeout: Math.max(60000, waitMs), dialogs: true,
  waitingFor: 'the dashboard',

  // The daemon may ask for a read token: type it into the page's form, as a person would.
  init: async (page, fail, { consoleErrors }) => {
    const state = () => page.evaluate(() => (document.body.dataset.gsReady === '1' ? 'ready'
      : document.body.dataset.gsError ? 'error' : document.body.dataset.gsAuth === 'needed' ? 'auth' : ''));
    try {
      await page.waitForFunction(() => document.body.dataset.gsReady === '1' || document.body.dataset.gsError ||
                                       document.body.dataset.gsAuth === 'needed', null, { timeout: Math.max(60000, waitMs) });
    } catch {
      return;  // the wait for the ready flag reports it
    }
    if ((await state()) !== 'auth') return;
    const drop401 = () => {
      for (let i = consoleErrors.length - 1; i >= 0; i--)
        if (/status of 401/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
    };
    if (!opts.token) {
      fail('the daemon asks for a read token: pass --token TOKEN or set GS_DASH_TOKEN');
      drop401();
      return false;
    }
    if (!(await page.isVisible('#auth-token'))) fail('the daemon asks for a token but the token field is not visible');
    await page.fill('#auth-token', opts.token);
    await page.click('#auth button[type="submit"]');
    try {
      await page.waitForFunction(() => document.body.dataset.gsReady === '1' || document.body.dataset.gsError ||
                                       /refused/.test(document.getElementById('auth-msg').textContent),
                                 null, { timeout: Math.max(60000, waitMs) });
    } catch { return; }
    if ((await state()) !== 'ready') {
      const msg = await page.textContent('#auth-msg');
      fail(`the token was not accepted: ${msg}`);
      drop401();
      return false;
    }
    // the 401s before the token was typed were expected; any later one is not
    drop401();
    const kept = await page.evaluate(() => sessionStorage.getItem('gridsplit.dashboard.token'));
    if (kept !== opts.token) fail('the typed token is not kept in sessionStorage');
    authNote = 'token typed into the form';
  },

  checks: async (page, fail, { loadMs }) => {
    const ready = await page.evaluate(() => document.body.dataset.gsReady === '1');
    if (!ready) {
      const banner = await page.evaluate(() => document.body.dataset.gsFetchError || document.getElementById('banner')?.textContent);
      if (banner) fail(`the dashboard's error banner: ${banner}`);
      return 'not ready';
    }

    // Sites and jobs against /v1/load. The page polls every 2 s and the daemon's figures move
    // with its own poll, so the page is compared with each of the last answers the check read
    // (the one with the page's "at" first) until one agrees, for up to 15 s.
    const readPage = () => page.evaluate(() => {
      const sites = {};
      document.querySelectorAll('#site-list .site').forEach((card) => {
        const s = { name: card.querySelector('.site-name').textContent, mw: {}, text: {} };
        card.querySelectorAll('.mw > div').forEach((d) => {
          s.mw[d.dataset.class] = d.dataset.mw;
          s.text[d.dataset.class] = d.querySelector('.v').textContent;
        });
        sites[card.dataset.site] = s;
      });
      const jobs = Array.from(document.querySelectorAll('#jobs-table tbody tr')).map((tr) => ({
        id: tr.dataset.jobId, name: tr.querySelector('.name').textContent, why: tr.querySelector('.why').textContent,
        cls: tr.dataset.class }));
      return { at: document.getElementById('sites').dataset.at, sites, jobs,
               empty: !document.getElementById('sites-empty').hidden };
    });
    const siteDiff = (load, shown) => {
      const p = [];
      for (const s of load.sites) {
        const id = String(s.site), got = shown.sites[id];
        if (!got) { p.push(`site ${id} is not shown`); continue; }
        if (got.name !== String(s.name ?? id)) p.push(`site ${id}: name shown ${JSON.stringify(got.name)}, API ${JSON.stringify(s.name)}`);
        for (const c of ['training', 'inference', 'unclassified']) {
          const want = s.mw ? s.mw[c] : undefined;
          if (want == null) continue;
          if (got.mw[c] === undefined || Math.abs(Number(got.mw[c]) - want) > 1e-9)
            p.push(`site ${id} ${c}: shows ${got.mw[c]} MW, API ${want}`);
          else if (!/\d/.test(got.text[c])) p.push(`site ${id} ${c}: no number shown (${JSON.stringify(got.text[c])})`);
        }
      }
      const extra = Object.keys(shown.sites).filter((id) => !load.sites.some((s) => String(s.site) === id));
      if (extra.length) p.push(`sites shown that the API does not list: ${extra.join(', ')}`);
      if (!load.sites.length && !shown.empty) p.push('no site and no "no data yet" note');
      return p;
    };
    const jobDiff = (load, shown) => {
      const p = [], rows = shown.jobs;
      if (rows.length !== load.jobs.length) p.push(`jobs table has ${rows.length} rows, /v1/load lists ${load.jobs.length} jobs`);
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const j of load.jobs) {
        const r = byId.get(String(j.id));
        if (!r) { p.push(`job ${j.id} has no row`); continue; }
        if (r.name !== String(j.name ?? '')) p.push(`job ${j.id}: name shown ${JSON.stringify(r.name)}, API ${JSON.stringify(j.name)}`);
        const unc = j.classified === false || !j.class;
        if (unc && r.cls !== 'unclassified') p.push(`job ${j.id} is unclassified but shown as ${r.cls}`);
        if (unc && j.reason && r.why !== String(j.reason)) p.push(`job ${j.id}: reason shown ${JSON.stringify(r.why)}, API ${JSON.stringify(j.reason)}`);
        if (!unc && r.cls !== j.class) p.push(`job ${j.id}: class shown ${r.cls}, API ${j.class}`);
      }
      return p;
    };
    const answers = [];   // the last /v1/load answers, newest first
    let load = null;
    const loadProblems = await settle(async () => {
      answers.unshift(await apiGet(page, '/v1/load'));
      answers.length = Math.min(answers.length, 40);
      const shown = await readPage();
      const order = answers.filter((a) => String(a.at) === shown.at).concat(answers.filter((a) => String(a.at) !== shown.at));
      let best = null;
      for (const a of order) {
        const p = siteDiff(a, shown).concat(jobDiff(a, shown));
        if (!p.length) { load = a; return []; }
        if (!best) best = p;
      }
      load = answers[0];
      return best;
    }, 15000);
    loadProblems.slice(0, 12).forEach(fail);
    if (loadProblems.length > 12) fail(`... and ${loadProblems.length - 12} more differences from /v1/load`);

    // Nothing from the API became markup.
    const injected = await page.evaluate(() => ({
      els: document.querySelectorAll('img, iframe, object, embed, svg, link[rel="import"]').length,
      scripts: document.scripts.length }));
    if (injected.els || injected.scripts !== 2)
      fail(`markup injected from API strings: ${injected.els} img/iframe/object/embed/svg, ${injected.scripts} scripts (want 2)`);

    // The 24 h charts: a drawn canvas per site, or the honest note.
    const charts = await page.evaluate(() => Array.from(document.querySelectorAll('#history-list figure')).map((f) => {
      const c = f.querySelector('canvas');
      const note = f.querySelector('.empty');
      let colour = 0;
      if (c && c.width && c.height) {
        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < px.length; i += 4)
          if (px[i + 3] > 16 && Math.max(px[i], px[i + 1], px[i + 2]) - Math.min(px[i], px[i + 1], px[i + 2]) > 60) colour++;
      }
      return { site: f.dataset.site, canvas: !!c && !f.querySelector('.chart').hidden, colour,
               note: note && !note.hidden ? note.textContent : null };
    }));
    let drawn = 0;
    for (const s of load.sites) {
      const c = charts.find((x) => x.site === String(s.site));
      if (!c) fail(`no 24 h chart for site ${s.site}`);
      else if (c.canvas && c.colour > 30) drawn++;
      else if (c.canvas) fail(`the 24 h chart of site ${s.site} looks blank (${c.colour} coloured pixels)`);
      else if (!c.note) fail(`site ${s.site}: neither a chart nor a "no data yet" note`);
    }

    // The event, its state, its report, its actions.
    let evNote = '';
    if (opts.event != null) {
      const id = opts.event, t0 = Date.now();
      const want = opts.states ? ` in state ${opts.states.join(' or ')}` : '';
      let st = null;
      try {
        const h = await page.waitForFunction(({ id, states }) => {
          const tr = document.querySelector(`tr.ev-row[data-event-id="${id}"]`);
          const t = tr && tr.querySelector('.state .badge').textContent.trim();
          return t && (!states || states.includes(t)) ? t : null;
        }, { id, states: opts.states }, { timeout: waitMs, polling: 200 });
        st = await h.jsonValue();
      } catch (e) {
        const now = await page.evaluate((id) => {
          const tr = document.querySelector(`tr.ev-row[data-event-id="${id}"]`);
          return tr ? tr.querySelector('.state .badge').textContent : null;
        }, id);
        fail(`event ${id} not shown${want} within ${waitS} s (${now == null ? 'not listed' : `shown as ${now}`})`);
      }
      if (st) {
        evNote = `; event ${id} ${st} after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
        // its report: open it, wait for it, compare its jobs with /v1/events/ID
        await page.click(`tr.ev-row[data-event-id="${id}"] button.open`);
        try {
          await page.waitForSelector(`.report[data-event-id="${id}"][data-loaded="1"]`, { timeout: 15000 });
          const repProblems = await settle(async () => {
            const rep = await apiGet(page, `/v1/events/${id}`);
            const shown = await page.evaluate((id) => {
              const r = document.querySelector(`.report[data-event-id="${id}"]`);
              return { jobs: r.querySelectorAll('.rep-jobs tbody tr').length, acts: r.querySelectorAll('.rep-actions tbody tr').length,
                       canvas: !!r.querySelector('.chart canvas'), note: r.querySelector('.fig .empty').hidden ? null : 'note' };
            }, id);
            const p = [];
            const nj = Array.isArray(rep.jobs) ? rep.jobs.length : 0, na = Array.isArray(rep.actions) ? rep.actions.length : 0;
            if (shown.jobs !== nj) p.push(`event ${id}'s report shows ${shown.jobs} jobs, /v1/events/${id} has ${nj}`);
            if (shown.acts !== na) p.push(`event ${id}'s report shows ${shown.acts} actions, /v1/events/${id} has ${na}`);
            const nt = Array.isArray(rep.timeline) ? rep.timeline.length : 0;
            if (nt && !shown.canvas) p.push(`event ${id}'s report has ${nt} timeline points but no chart`);
            if (!nt && !shown.note) p.push(`event ${id}'s report has no timeline and no "no data yet" note`);
            return p;
          }, 8000);
          repProblems.forEach(fail);
          evNote += ', report open';
        } catch (e) {
          fail(`event ${id}'s report did not load: ${first(e)}`);
        }
      }
      if (opts.actions) {
        try {
          const h = await page.waitForFunction((id) => document.querySelectorAll(`#actions-table tbody tr[data-event-id="${id}"]`).length,
                                               id, { timeout: Math.max(1000, waitMs - (Date.now() - t0)), polling: 200 });
          evNote += `, ${await h.jsonValue()} action(s) logged`;
        } catch {
          fail(`no action of event ${id} in the action log within ${waitS} s`);
        }
      }
    }

    const counts = await page.evaluate(() => ({
      events: document.querySelectorAll('tr.ev-row').length, actions: document.querySelectorAll('#actions-table tbody tr').length }));
    await page.evaluate(() => window.scrollTo(0, 0));
    return `${load.sites.length} sites, ${load.jobs.length} jobs, ${counts.events} events, ${counts.actions} actions, ` +
           `${drawn} charts drawn; ${authNote}; ready in ${loadMs} ms${evNote}`;
  },
});
