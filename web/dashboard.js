/* dashboard.js: the live dashboard of `gridsplit serve` (web/dashboard.html). Every 2 s it reads
 * /v1/load (sites and jobs now), /v1/load?from=&to= (the 24 h history, fetched once, then only
 * what is new), /v1/events and /v1/actions?after= (only new actions, plus those still waiting for
 * their outcome), and the report /v1/events/{id} of every event whose report is open. Rendering
 * is keyed by id and changes only the cells whose text changed: no redraw flicker, open reports
 * stay open. A failed fetch shows the banner and the next poll retries; a 401 shows the token
 * form (the token lives in sessionStorage, sent as Authorization: Bearer). Every string from the
 * API goes in with textContent, never as HTML. Sets body[data-gs-ready] after the first complete
 * render, body[data-gs-error] on a fatal (rendering) error, body[data-gs-auth]="needed" while a
 * token is missing or refused. */
(function () {
  "use strict";

  var POLL_MS = 2000;
  var FETCH_TIMEOUT_MS = 15000;
  var HISTORY_S = 86400;
  var ACTION_PAGE = 200;
  var ACTION_PAGES_PER_POLL = 20;
  var MAX_ACTIONS = 2000;
  var INTENT_RECHECK_MS = 15 * 60 * 1000;   /* re-read actions still at "intent" this long */
  var OLD_LOAD_S = 180;                      /* warn when the daemon's load is older */
  var TOKEN_KEY = "gridsplit.dashboard.token";

  var CLASSES = ["training", "inference", "unclassified"];
  var COLOR = { training: "#2f6db5", inference: "#e5792a", unclassified: "#6b7685",
                target: "#c0392b", achieved: "#2e8b57" };
  var ACTIVE = { acting: 1, active: 1, restoring: 1 };
  var UPCOMING = { received: 1, planned: 1 };
  var DASH = [6, 4];

  var S = {
    load: null,          /* last /v1/load */
    loadOk: false, eventsOk: false, actionsOk: false, historyOk: false,
    events: [],          /* last /v1/events list */
    actions: new Map(),  /* id -> action */
    actionMax: 0,
    hist: new Map(),     /* site -> {t: [ms], v: {cls: []}, m: {cls: []}, idx: Map(ms -> i)} */
    histLastMs: null,    /* newest sample time seen (ms) */
    histDirty: new Set(),
    errors: {},          /* endpoint -> message */
    lastOk: null,        /* Date of the last poll with no error */
    needToken: false,
    ready: false,
    fatal: null,
    memToken: null,
    open: new Map()      /* event id -> {row, panel, report, chart, final} */
  };

  /* ---------- small helpers ---------- */

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  /* set a node's text only when it changed (no relayout, selection kept) */
  function setText(node, text) {
    text = text == null ? "" : String(text);
    if (node.textContent !== text) node.textContent = text;
  }

  function setClass(node, cls) {
    if (node.className !== cls) node.className = cls;
  }

  function str(v) { return v == null ? "" : String(v); }

  function num(v) {
    var x = typeof v === "number" ? v : v == null || v === "" ? NaN : Number(v);
    return isFinite(x) ? x : null;
  }

  var NF = {};   /* number formats by decimals: making one is slow, using one is fast */

  function fmt(v, d) {
    v = num(v);
    if (v == null) return "\u2014";
    if (v === 0) v = 0;   /* no "-0" */
    var f = NF[d] || (NF[d] = new Intl.NumberFormat("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }));
    return f.format(v);
  }

  function mwDigits(v) {
    var a = Math.abs(num(v) || 0);
    return a >= 100 ? 1 : a >= 1 ? 2 : 3;
  }

  function fmtMW(v) {
    return num(v) == null ? "\u2014" : fmt(v, mwDigits(v)) + " MW";
  }

  function fmtUSD(v) {
    v = num(v);
    if (v == null) return "\u2014";
    var a = Math.abs(v), s = v < 0 ? "-" : "";
    if (a >= 1e6) return s + "$" + fmt(a / 1e6, 2) + "M";
    if (a >= 1e4) return s + "$" + fmt(a / 1e3, 1) + "k";
    return s + "$" + fmt(a, a >= 100 ? 0 : 2);
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  function parseT(s) {
    if (s == null || s === "") return null;
    var t = Date.parse(String(s));
    return isFinite(t) ? t : null;
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* local clock time; with the date when not today */
  function fmtTime(s, secs) {
    var t = parseT(s);
    if (t == null) return s == null || s === "" ? "\u2014" : String(s);
    var d = new Date(t), now = new Date();
    var hm = pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + (secs === false ? "" : ":" + pad2(d.getSeconds()));
    if (d.toDateString() === now.toDateString()) return hm;
    return MONTHS[d.getMonth()] + " " + d.getDate() + " " + hm;
  }

  function fmtDur(s) {
    s = Math.round(Math.abs(s));
    if (s < 90) return s + " s";
    if (s < 5400) return Math.round(s / 60) + " min";
    if (s < 172800) return (s / 3600).toFixed(1).replace(/\.0$/, "") + " h";
    return Math.round(s / 86400) + " d";
  }

  function fmtMs(v) {
    v = num(v);
    if (v == null) return "\u2014";
    return v >= 10000 ? fmt(v / 1000, 1) + " s" : fmt(v, 0) + " ms";
  }

  function clsName(c) { return c === "training" || c === "inference" ? c : "unclassified"; }

  /* a table head from [label, numeric?] pairs */
  function head(table, cols) {
    var tr = el("tr");
    cols.forEach(function (c) {
      var th = el("th", c[1] ? "num" : null, c[0]);
      th.scope = "col";
      tr.appendChild(th);
    });
    table.tHead.appendChild(tr);
  }

  function showEmpty(id, text) {
    var p = $(id);
    if (text) { setText(p, text); p.hidden = false; } else if (!p.hidden) p.hidden = true;
  }

  /* ---------- the token ---------- */

  function getToken() {
    try { return window.sessionStorage.getItem(TOKEN_KEY) || S.memToken; } catch (e) { return S.memToken; }
  }

  function setToken(t) {
    S.memToken = t || null;
    try {
      if (t) window.sessionStorage.setItem(TOKEN_KEY, t); else window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage refused (private mode): the token lives in memory for this page */ }
  }

  /* ---------- fetching ---------- */

  function AuthError(msg) { this.message = msg; this.auth = true; }

  function api(path) {
    var ctl = typeof AbortController === "function" ? new AbortController() : null;
    var timer = ctl ? setTimeout(function () { ctl.abort(); }, FETCH_TIMEOUT_MS) : null;
    var headers = { Accept: "application/json" };
    var tok = getToken();
    if (tok) headers.Authorization = "Bearer " + tok;
    return fetch(path, { headers: headers, cache: "no-store", credentials: "omit", signal: ctl ? ctl.signal : undefined })
      .then(function (r) {
        return r.text().then(function (body) {
          var j = null;
          try { j = body ? JSON.parse(body) : null; } catch (e) { j = undefined; }
          var why = j && typeof j.error === "string" ? j.error : "";
          if (r.status === 401 || r.status === 403)
            throw new AuthError(tok ? "the daemon refused the token (HTTP " + r.status + (why ? ": " + why : "") + ")"
                                    : "the daemon asks for a read token");
          if (!r.ok) throw new Error("HTTP " + r.status + (why ? ": " + why : ""));
          if (j === undefined) throw new Error("the answer is not JSON");
          if (!j || typeof j !== "object") throw new Error("the answer is not a JSON object");
          return j;
        });
      }, function (e) {
        throw new Error(e && e.name === "AbortError" ? "no answer within " + FETCH_TIMEOUT_MS / 1000 + " s"
                                                     : "cannot reach the daemon (" + (e && e.message || e) + ")");
      })
      .then(function (j) { if (timer) clearTimeout(timer); return j; },
            function (e) { if (timer) clearTimeout(timer); throw e; });
  }

  /* run one endpoint's poll; record its error (or clear it); never rejects */
  function step(name, label, fn) {
    return fn().then(function () {
      delete S.errors[name];
    }, function (e) {
      if (e && e.auth) S.needToken = true;
      else if (e && e.render) fatal(e.render);
      S.errors[name] = { label: label, msg: e && e.message ? e.message : String(e), auth: !!(e && e.auth) };
    });
  }

  /* a rendering bug is fatal (flagged for the tests) but polling goes on */
  function rendering(fn) {
    return function (j) {
      try { return fn(j); } catch (e) {
        var err = new Error("drawing failed: " + (e && e.message || e));
        err.render = err.message;
        if (window.console && console.error) console.error(e);
        throw err;
      }
    };
  }

  function fatal(msg) {
    if (S.fatal) return;
    S.fatal = msg;
    document.body.dataset.gsError = msg;
  }

  /* ---------- /v1/load: header, sites, jobs ---------- */

  function pollLoad() {
    return api("/v1/load").then(rendering(function (j) {
      if (!Array.isArray(j.sites) || !Array.isArray(j.jobs))
        throw new Error("/v1/load: expected \"sites\" and \"jobs\" arrays");
      S.load = j;
      S.loadOk = true;
      renderHeader(j);
      renderSites(j);
      renderJobs(j.jobs);
    }));
  }

  function classObj(o) {
    o = o && typeof o === "object" ? o : {};
    return { training: num(o.training), inference: num(o.inference), unclassified: num(o.unclassified) };
  }

  function renderHeader(j) {
    var tot = { training: 0, inference: 0, unclassified: 0 };
    j.sites.forEach(function (s) {
      var mw = classObj(s.mw);
      CLASSES.forEach(function (c) { tot[c] += mw[c] || 0; });
    });
    CLASSES.forEach(function (c) {
      setText($("kpi-" + c), j.sites.length ? fmtMW(tot[c]) : "\u2014");
    });
    var running = 0, susp = 0, pend = 0;
    j.jobs.forEach(function (x) {
      if (x.state === "running") running++; else if (x.state === "suspended") susp++; else if (x.state === "pending") pend++;
    });
    setText($("kpi-jobs"), j.jobs.length + " \u00b7 " + running + " running" + (susp ? ", " + susp + " suspended" : "") +
            (pend ? ", " + pend + " pending" : ""));
    var t = j.telemetry || {};
    var parts = [fmt(t.nodes_measured, 0) + " measured"];
    if (num(t.nodes_stale)) parts.push(fmt(t.nodes_stale, 0) + " stale");
    if (num(t.nodes_silent)) parts.push(fmt(t.nodes_silent, 0) + " silent");
    parts.push("MQTT " + (t.mqtt ? str(t.mqtt) : "?"));
    var dd = $("kpi-telemetry");
    setText(dd, "nodes: " + parts.join(", "));
    setClass(dd, num(t.nodes_silent) ? "bad" : num(t.nodes_stale) || t.mqtt === "disconnected" ? "warn" : "");
    dd.title = "nodes measured " + str(t.nodes_measured) + ", stale " + str(t.nodes_stale) + ", silent " +
               str(t.nodes_silent) + "; MQTT " + str(t.mqtt);
  }

  var siteCards = new Map();   /* site id -> parts */

  function srcBadge(src) {
    src = str(src) || "unknown";
    return { text: src, cls: "badge src src-" + (src === "measured" || src === "modelled" || src === "mixed" ? src : "other") };
  }

  function makeSiteCard(id) {
    var p = {};
    var root = el("article", "site");
    root.dataset.site = id;
    var h = el("div", "site-head");
    var h3 = el("h3");
    p.name = el("span", "site-name");
    p.meta = el("span", "site-meta");
    h3.appendChild(p.name);
    h3.appendChild(p.meta);
    h.appendChild(h3);
    p.src = el("span", "badge");
    h.appendChild(p.src);
    root.appendChild(h);

    p.bar = el("div", "bar");
    p.bar.setAttribute("role", "img");
    p.segs = {};
    CLASSES.forEach(function (c) {
      var m = el("span", "seg " + c + " measured"), o = el("span", "seg " + c + " modelled");
      p.bar.appendChild(m); p.bar.appendChild(o);
      p.segs[c] = { m: m, o: o };
    });
    root.appendChild(p.bar);

    var dl = el("dl", "mw");
    p.mw = {};
    CLASSES.concat(["total"]).forEach(function (c) {
      var w = el("div", "mw-" + c);
      w.dataset.class = c;
      var dt = el("dt");
      if (c !== "total") {
        var sw = el("span", "swatch " + c);
        sw.setAttribute("aria-hidden", "true");
        dt.appendChild(sw);
      }
      dt.appendChild(document.createTextNode(c));
      var dd = el("dd");
      var fig = el("span", "fig-mw"), v = el("span", "v"), u = el("span", "u", "\u00a0MW"), sub = el("span", "how");
      fig.appendChild(v); fig.appendChild(u);
      dd.appendChild(fig); dd.appendChild(sub);
      w.appendChild(dt); w.appendChild(dd);
      dl.appendChild(w);
      p.mw[c] = { w: w, v: v, sub: sub };
    });
    root.appendChild(dl);

    var tw = el("div", "table-wrap");
    var t = el("table", "stats mini");
    p.caption = el("caption", "sr");
    t.appendChild(p.caption);
    t.appendChild(el("thead")); t.appendChild(el("tbody"));
    head(t, [["Class"], ["Jobs running", 1], ["Jobs suspended", 1], ["Racks", 1], ["GPUs busy / all", 1]]);
    p.rows = {};
    CLASSES.forEach(function (c) {
      var tr = el("tr");
      tr.dataset.class = c;
      var th = el("th");
      th.scope = "row";
      var sw = el("span", "swatch " + c);
      sw.setAttribute("aria-hidden", "true");
      th.appendChild(sw);
      th.appendChild(document.createTextNode(c));
      tr.appendChild(th);
      var cells = [];
      for (var i = 0; i < 4; i++) { var td = el("td", "num"); tr.appendChild(td); cells.push(td); }
      t.tBodies[0].appendChild(tr);
      p.rows[c] = cells;
    });
    tw.appendChild(t);
    root.appendChild(tw);
    p.root = root;
    return p;
  }

  function renderSites(j) {
    var list = $("site-list");
    var seen = new Set();
    var totals = j.sites.map(function (s) {
      var mw = classObj(s.mw);
      return (mw.training || 0) + (mw.inference || 0) + (mw.unclassified || 0);
    });
    var scale = Math.max.apply(null, [0].concat(totals));
    j.sites.forEach(function (s, k) {
      var id = str(s.site);
      seen.add(id);
      var p = siteCards.get(id);
      if (!p) { p = makeSiteCard(id); siteCards.set(id, p); }
      if (list.children[k] !== p.root) list.insertBefore(p.root, list.children[k] || null);
      setText(p.name, str(s.name) || id);
      setText(p.meta, id + (s.zone ? " \u00b7 " + str(s.zone) : ""));
      var b = srcBadge(s.source);
      setText(p.src, b.text);
      setClass(p.src, b.cls);
      p.src.title = s.source === "measured" ? "every class measured by telemetry" :
                    s.source === "modelled" ? "no fresh telemetry: modelled from jobs and fleet" :
                    s.source === "mixed" ? "part measured, part modelled" : "";
      setText(p.caption, "Jobs, racks and GPUs by class at " + (str(s.name) || id));
      var mw = classObj(s.mw), mm = classObj(s.measured_mw);
      var label = [];
      CLASSES.forEach(function (c) {
        var v = mw[c], m = mm[c] == null ? 0 : Math.min(mm[c], v == null ? 0 : v);
        var q = p.mw[c];
        q.w.dataset.mw = v == null ? "" : String(v);
        q.w.dataset.measuredMw = mm[c] == null ? "" : String(mm[c]);
        setText(q.v, v == null ? "\u2014" : fmt(v, mwDigits(v)));
        var how;
        if (v == null) how = "no data";
        else if (!v) how = "";
        else if (mm[c] != null && mm[c] >= v - 1e-9) how = "measured";
        else if (!mm[c]) how = "modelled";
        else how = fmt(mm[c], mwDigits(mm[c])) + " measured";
        setText(q.sub, how);
        setClass(q.sub, "how" + (how === "modelled" ? " modelled" : how ? " measured" : ""));
        var wM = scale > 0 ? 100 * m / scale : 0, wO = scale > 0 ? 100 * Math.max(0, (v || 0) - m) / scale : 0;
        p.segs[c].m.style.width = wM.toFixed(3) + "%";
        p.segs[c].o.style.width = wO.toFixed(3) + "%";
        label.push(c + " " + fmtMW(v) + (how ? " (" + how + ")" : ""));
      });
      var total = totals[k];
      setText(p.mw.total.v, fmt(total, mwDigits(total)));
      p.mw.total.w.dataset.mw = String(total);
      p.bar.setAttribute("aria-label", label.join(", "));
      var jobs = classObj(s.jobs), susp = classObj(s.suspended), racks = s.racks || {}, gpus = s.gpus || {},
          busy = s.gpus_busy || {};
      CLASSES.forEach(function (c) {
        var cells = p.rows[c];
        setText(cells[0], fmt(jobs[c], 0));
        setText(cells[1], fmt(susp[c], 0));
        setText(cells[2], c === "unclassified" && racks[c] == null ? "\u2014" : fmt(racks[c], 0));
        setText(cells[3], c === "unclassified" && gpus[c] == null ? "\u2014" :
                fmt(busy[c], 0) + " / " + fmt(gpus[c], 0));
      });
    });
    siteCards.forEach(function (p, id) {
      if (!seen.has(id)) { p.root.remove(); siteCards.delete(id); }
    });
    showEmpty("sites-empty", j.sites.length ? "" : "No data yet: the daemon has not reported any site (its first poll may still be running).");
    var at = parseT(j.at);
    $("sites").dataset.at = str(j.at);
    var sub = at == null ? "" : "as of " + fmtTime(j.at);
    if (at != null && (Date.now() - at) / 1000 > OLD_LOAD_S) sub += " (" + fmtDur((Date.now() - at) / 1000) + " old)";
    S.loadAge = sub;
  }

  /* jobs table */
  var jobRows = new Map();     /* id -> {tr, c: {key: cell}, ...} */
  var JOB_COLS = [["ID", 1, "id"], ["Name", 0, "name"], ["Class", 0, "cls"], ["State", 0, "state"], ["MW", 1, "mw"],
                  ["Source", 0, "src"], ["Tier", 1, "tier"], ["Site \u00b7 cluster", 0, "where"], ["GPUs", 1, "gpus"],
                  ["Window", 0, "window"], ["Checkpoint", 0, "ckpt"], ["Partition", 0, "part"], ["Nodes", 0, "nodes"]];

  function jobKey(x) { return str(x.id); }

  function makeJobRow() {
    var tr = el("tr");
    var c = {};
    JOB_COLS.forEach(function (col) {
      var name = col[2] === "name";
      var td = el(name ? "th" : "td", col[1] ? "num" : null);
      if (name) { td.scope = "row"; td.className = "name"; }
      tr.appendChild(td);
      c[col[2]] = td;
    });
    /* class cell: swatch + text + reason */
    var sw = el("span", "swatch");
    sw.setAttribute("aria-hidden", "true");
    var ct = el("span", "cls-text"), why = el("span", "why");
    c.cls.appendChild(sw); c.cls.appendChild(ct); c.cls.appendChild(why);
    var st = el("span", "badge");
    c.state.appendChild(st);
    return { tr: tr, c: c, sw: sw, ct: ct, why: why, st: st };
  }

  function renderJobs(jobs) {
    var body = $("jobs-table").tBodies[0];
    var seen = new Set();
    var prev = null;
    jobs.forEach(function (x) {
      var id = jobKey(x);
      if (seen.has(id)) return;   /* a duplicate id: show the first */
      seen.add(id);
      var r = jobRows.get(id);
      if (!r) { r = makeJobRow(); jobRows.set(id, r); r.tr.dataset.jobId = id; }
      var c = r.c;
      var cls = x.classified === false || !x.class ? "unclassified" : clsName(x.class);
      r.tr.dataset.class = cls;
      r.tr.dataset.state = str(x.state);
      setText(c.id, id);
      setText(c.name, str(x.name));
      setClass(r.sw, "swatch " + cls);
      setText(r.ct, cls);
      setText(r.why, cls === "unclassified" ? (x.reason ? str(x.reason) : "no reason given") : "");
      setText(r.st, str(x.state) || "?");
      setClass(r.st, "badge job-" + (/^[a-z_]+$/.test(str(x.state)) ? x.state : "other"));
      setText(c.mw, num(x.mw) == null ? "\u2014" : fmt(x.mw, mwDigits(x.mw)));
      c.mw.dataset.mw = num(x.mw) == null ? "" : String(x.mw);
      setText(c.src, x.measured ? "measured" : "modelled");
      setClass(c.src, x.measured ? "src-cell measured" : "src-cell modelled");
      c.src.title = x.source ? "source: " + str(x.source) : "";
      setText(c.tier, num(x.tier) == null ? "\u2014" : fmt(x.tier, 2));
      setText(c.where, (x.site == null ? "\u2014" : str(x.site)) + (x.cluster == null ? "" : " \u00b7 " + str(x.cluster)));
      setText(c.gpus, fmt(x.gpus, 0));
      setText(c.window, x.window == null || x.window === "" ? "\u2014" : str(x.window));
      setText(c.ckpt, x.ckpt == null || x.ckpt === "" ? "\u2014" : str(x.ckpt));
      setText(c.part, str(x.partition) || "\u2014");
      setText(c.nodes, str(x.nodes) || "\u2014");
      r.search = (id + " " + str(x.name) + " " + str(x.partition) + " " + str(x.state) + " " + str(x.site) + " " +
                  str(x.cluster) + " " + cls + " " + str(x.reason)).toLowerCase();
      /* keep the API's order, moving a row only when it is out of place */
      var want = prev ? prev.nextSibling : body.firstChild;
      if (want !== r.tr) body.insertBefore(r.tr, want);
      prev = r.tr;
    });
    jobRows.forEach(function (r, id) {
      if (!seen.has(id)) { r.tr.remove(); jobRows.delete(id); }
    });
    filterJobs();
    var unc = 0;
    jobs.forEach(function (x) { if (x.classified === false || !x.class) unc++; });
    showEmpty("jobs-empty", jobs.length ? "" : "No jobs: the scheduler reports none.");
    $("jobs-table").parentNode.hidden = !jobs.length;
    setText($("jobs-sub"), "Every job the scheduler reports (" + jobs.length + "), with the class the daemon gave it" +
            (unc ? "; " + unc + " unclassified, with the reason" : "") + ".");
  }

  function filterJobs() {
    var q = $("jobs-filter").value.trim().toLowerCase(), c = $("jobs-class").value;
    var shown = 0;
    jobRows.forEach(function (r) {
      var hide = !!((q && r.search.indexOf(q) < 0) || (c && r.tr.dataset.class !== c));
      if (r.tr.hidden !== hide) r.tr.hidden = hide;
      if (!hide) shown++;
    });
    setText($("jobs-count"), q || c ? shown + " of " + jobRows.size + " shown" : "");
  }

  /* ---------- 24 h history ---------- */

  function iso(ms) { return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z"); }

  function pollHistory() {
    if (!S.load) return Promise.resolve();
    var nowMs = parseT(S.load.at) || Date.now();
    var fromMs = S.histLastMs == null ? nowMs - HISTORY_S * 1000 : S.histLastMs;
    var toMs = Math.max(nowMs, fromMs + 1000);
    return api("/v1/load?from=" + encodeURIComponent(iso(fromMs)) + "&to=" + encodeURIComponent(iso(toMs)))
      .then(rendering(function (j) {
        if (!Array.isArray(j.samples)) throw new Error("/v1/load?from=&to=: expected a \"samples\" array");
        mergeSamples(j.samples);
        trimHistory(nowMs - HISTORY_S * 1000);
        S.historyOk = true;
        renderHistory();
      }));
  }

  function siteHist(site) {
    var h = S.hist.get(site);
    if (!h) {
      h = { t: [], v: {}, m: {}, idx: new Map(), has: {} };
      CLASSES.forEach(function (c) { h.v[c] = []; h.m[c] = []; });
      S.hist.set(site, h);
    }
    return h;
  }

  function mergeSamples(samples) {
    samples.forEach(function (s) {
      var t = parseT(s.at), c = clsName(s.class), v = num(s.mw);
      if (t == null || s.site == null) return;
      var site = str(s.site);
      var h = siteHist(site);
      var i = h.idx.get(t);
      if (i === undefined) {
        if (!h.t.length || t > h.t[h.t.length - 1]) {
          i = h.t.length;
          h.t.push(t);
          CLASSES.forEach(function (k) { h.v[k].push(null); h.m[k].push(null); });
        } else {
          /* out of order: insert in place, renumber */
          var lo = 0, hi = h.t.length;
          while (lo < hi) { var mid = (lo + hi) >> 1; if (h.t[mid] < t) lo = mid + 1; else hi = mid; }
          i = lo;
          h.t.splice(i, 0, t);
          CLASSES.forEach(function (k) { h.v[k].splice(i, 0, null); h.m[k].splice(i, 0, null); });
          for (var q = i + 1; q < h.t.length; q++) h.idx.set(h.t[q], q);
        }
        h.idx.set(t, i);
      }
      h.v[c][i] = v;
      h.m[c][i] = !!s.measured;
      if (v != null) h.has[c] = true;
      S.histDirty.add(site);
      if (S.histLastMs == null || t > S.histLastMs) S.histLastMs = t;
    });
  }

  function trimHistory(minMs) {
    S.hist.forEach(function (h, site) {
      var n = 0;
      while (n < h.t.length && h.t[n] < minMs) n++;
      if (!n) return;
      h.t.splice(0, n);
      CLASSES.forEach(function (k) { h.v[k].splice(0, n); h.m[k].splice(0, n); });
      h.idx = new Map();
      h.t.forEach(function (t, i) { h.idx.set(t, i); });
      S.histDirty.add(site);
    });
  }

  /* split one series into measured and modelled parts that join at the changes */
  function splitMeasured(vals, flags) {
    var n = vals.length, a = new Array(n), b = new Array(n), anyA = false, anyB = false;
    for (var i = 0; i < n; i++) {
      var v = vals[i];
      a[i] = null; b[i] = null;
      if (v == null) continue;
      if (flags[i]) { a[i] = v; anyA = true; } else { b[i] = v; anyB = true; }
    }
    for (var k = 1; k < n; k++) {
      if (vals[k] == null || vals[k - 1] == null || !flags[k] === !flags[k - 1]) continue;
      /* a change between k-1 and k: draw the segment in the later kind */
      if (flags[k]) a[k - 1] = vals[k - 1]; else b[k - 1] = vals[k - 1];
    }
    return { measured: a, modelled: b, anyMeasured: anyA, anyModelled: anyB };
  }

  var histCharts = new Map();   /* site -> {box, fig, chart, sig, note} */

  function chartsAvailable() { return typeof window.uPlot === "function"; }

  function chartWidth(box) { return Math.max(260, Math.floor(box.getBoundingClientRect().width || 600)); }

  function tickLabels() {
    return function (u, splits, axisIdx, space, incr) {
      return splits.map(function (ts, i) {
        if (ts == null) return "";
        var d = new Date(ts * 1000);
        var hm = pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + (incr < 60 ? ":" + pad2(d.getSeconds()) : "");
        return i === 0 || (d.getHours() === 0 && d.getMinutes() === 0) ? hm + "\n" + MONTHS[d.getMonth()] + " " + d.getDate() : hm;
      });
    };
  }

  function legendTime(u, ts) {
    if (ts == null) return "\u2014";
    var d = new Date(ts * 1000);
    return MONTHS[d.getMonth()] + " " + d.getDate() + " " + pad2(d.getHours()) + ":" + pad2(d.getMinutes()) + ":" + pad2(d.getSeconds());
  }

  function legendMW(u, v) { return v == null ? "\u2014" : fmtMW(v); }

  function axisMW(u, vals) {
    var f = NF.axis || (NF.axis = new Intl.NumberFormat("en-US", { maximumFractionDigits: 3 }));
    return vals.map(function (v) { return v == null ? "" : f.format(v); });
  }

  function makeChart(box, series, data, height) {
    var opts = {
      width: chartWidth(box), height: height,
      series: [{ value: legendTime }].concat(series),
      /* a series of one or two samples (a daemon just started) keeps a readable two-minute axis
         instead of uPlot's automatic years-wide one */
      scales: { x: { time: true, range: function (u, min, max) {
                  if (min == null || max == null) return [min, max];
                  return max - min < 120 ? [max - 120, max + 5] : [min, max]; } },
                y: { range: function (u, min, max) { return [Math.min(0, min), max > 0 ? max * 1.08 : 1]; } } },
      axes: [{ values: tickLabels(), space: 72, grid: { stroke: "#eef0f3" } },
             { label: "MW", values: axisMW, size: 56, grid: { stroke: "#eef0f3" } }],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true }
    };
    return new window.uPlot(opts, data, box);
  }

  function renderHistory() {
    var list = $("history-list");
    var sites = S.load ? S.load.sites.map(function (s) { return str(s.site); }) : [];
    S.hist.forEach(function (h, site) { if (sites.indexOf(site) < 0) sites.push(site); });
    var names = {};
    if (S.load) S.load.sites.forEach(function (s) { names[str(s.site)] = str(s.name) || str(s.site); });
    var any = false;
    sites.forEach(function (site, k) {
      var h = S.hist.get(site);
      var c = histCharts.get(site);
      if (!c) {
        c = { fig: el("figure", "fig"), chart: null, sig: "" };
        c.fig.dataset.site = site;
        c.cap = el("figcaption");
        c.box = el("div", "chart");
        c.note = el("p", "empty");
        c.fig.appendChild(c.cap); c.fig.appendChild(c.box); c.fig.appendChild(c.note);
        histCharts.set(site, c);
        S.histDirty.add(site);
      }
      if (list.children[k] !== c.fig) list.insertBefore(c.fig, list.children[k] || null);
      setText(c.cap, (names[site] || site) + (names[site] && names[site] !== site ? " (" + site + ")" : ""));
      var n = h ? h.t.length : 0;
      if (n) any = true;
      if (!S.histDirty.has(site) && c.chart) return;
      if (!n) {
        setText(c.note, "No data yet: no load sample recorded for this site in the last 24 h.");
        c.note.hidden = false;
        if (c.chart) { c.chart.destroy(); c.chart = null; c.sig = ""; }
        c.box.hidden = true;
        return;
      }
      if (!chartsAvailable()) {
        setText(c.note, "Chart unavailable: /assets/uPlot.iife.min.js did not load.");
        c.note.hidden = false;
        return;
      }
      var xs = h.t.map(function (t) { return t / 1000; });
      var data = [xs], series = [], sig = [];
      CLASSES.forEach(function (cl) {
        if (!h.has[cl]) return;
        var sp = splitMeasured(h.v[cl], h.m[cl]);
        if (sp.anyMeasured) {
          data.push(sp.measured); sig.push(cl + "m");
          series.push({ label: cl + " measured", stroke: COLOR[cl], width: 1.75, value: legendMW, spanGaps: false });
        }
        if (sp.anyModelled) {
          data.push(sp.modelled); sig.push(cl + "o");
          series.push({ label: cl + " modelled", stroke: COLOR[cl], width: 1.5, dash: DASH, value: legendMW, spanGaps: false });
        }
      });
      sig = sig.join(",");
      c.note.hidden = true;
      c.box.hidden = false;
      if (c.chart && c.sig === sig) {
        var sx = c.chart.scales.x, zoomed = c.zoomed;
        c.chart.setData(data, !zoomed);
        if (zoomed && sx.min != null) c.chart.setScale("x", { min: sx.min, max: sx.max });
      } else {
        if (c.chart) c.chart.destroy();
        c.box.textContent = "";
        c.chart = makeChart(c.box, series, data, 230);
        c.sig = sig;
        c.zoomed = false;
        watchZoom(c);
      }
      c.box.dataset.points = String(n);
    });
    histCharts.forEach(function (c, site) {
      if (sites.indexOf(site) < 0) { if (c.chart) c.chart.destroy(); c.fig.remove(); histCharts.delete(site); }
    });
    S.histDirty.clear();
    showEmpty("history-empty", sites.length ? "" : "No data yet: no site and no load sample.");
    if (!any && sites.length) showEmpty("history-empty", "No data yet: the daemon has recorded no load sample in the last 24 h.");
    else if (sites.length) showEmpty("history-empty", "");
  }

  /* a user zoom (drag) survives the 2 s updates; a double-click resets it */
  function watchZoom(c) {
    var over = c.chart.over;
    over.addEventListener("mouseup", function () {
      setTimeout(function () {
        var sx = c.chart.scales.x, xs = c.chart.data[0];
        c.zoomed = xs.length > 1 && (sx.min > xs[0] + 1e-6 || sx.max < xs[xs.length - 1] - 1e-6);
      }, 0);
    });
    over.addEventListener("dblclick", function () { c.zoomed = false; });
  }

  /* ---------- events ---------- */

  var EVENT_COLS = [["ID", 1], ["State"], ["Window"], ["Scope \u00b7 kind"], ["Target", 1], ["Achieved", 1],
                    ["Source"], ["Report"]];
  var eventRows = new Map();   /* id -> {tr, cells, st, ..., btn} */

  function pollEvents() {
    return api("/v1/events").then(rendering(function (j) {
      if (!Array.isArray(j.events)) throw new Error("/v1/events: expected an \"events\" array");
      S.events = j.events;
      S.eventsOk = true;
      renderEvents(j.events);
    }));
  }

  function eventPhase(e) {
    if (ACTIVE[e.state]) return "active";
    if (UPCOMING[e.state]) return "upcoming";
    return "past";
  }

  function stateBadgeClass(state) {
    return "badge ev-" + (/^[a-z_]+$/.test(str(state)) ? state : "other");
  }

  function windowText(e) {
    var s = parseT(e.start), f = parseT(e.end), now = Date.now();
    var txt = fmtTime(e.start, false) + " \u2192 " + fmtTime(e.end, false);
    var rel = "";
    if (s != null && now < s) rel = "starts in " + fmtDur((s - now) / 1000);
    else if (f != null && now < f && s != null && now >= s) rel = "ends in " + fmtDur((f - now) / 1000);
    else if (f != null && now >= f) rel = "ended " + fmtDur((now - f) / 1000) + " ago";
    return { txt: txt, rel: rel };
  }

  function makeEventRow(id) {
    var tr = el("tr", "ev-row");
    tr.dataset.eventId = id;
    var cells = EVENT_COLS.map(function (c, i) {
      var td = el(i === 0 ? "th" : "td", c[1] ? "num" : null);
      if (i === 0) td.scope = "row";
      tr.appendChild(td);
      return td;
    });
    var st = el("span", "badge");
    cells[1].classList.add("state");
    cells[1].appendChild(st);
    var wt = el("span", "w-txt"), wr = el("span", "w-rel");
    cells[2].appendChild(wt); cells[2].appendChild(wr);
    var what = el("span", "what"), note = el("span", "ev-note");
    cells[3].appendChild(what); cells[3].appendChild(note);
    var av = el("span", "v"), ap = el("span", "pct");
    cells[5].appendChild(av); cells[5].appendChild(ap);
    var btn = el("button", "open", "Show report");
    btn.type = "button";
    btn.setAttribute("aria-expanded", "false");
    btn.setAttribute("aria-controls", "report-" + id);
    btn.addEventListener("click", function () { toggleReport(id); });
    cells[7].appendChild(btn);
    return { tr: tr, cells: cells, st: st, wt: wt, wr: wr, what: what, note: note, av: av, ap: ap, btn: btn };
  }

  function sortEvents(list) {
    var rank = { active: 0, upcoming: 1, past: 2 };
    return list.slice().sort(function (a, b) {
      var pa = eventPhase(a), pb = eventPhase(b);
      if (pa !== pb) return rank[pa] - rank[pb];
      var sa = parseT(a.start) || 0, sb = parseT(b.start) || 0;
      if (pa === "past") return sb - sa || (num(b.id) || 0) - (num(a.id) || 0);
      return sa - sb || (num(a.id) || 0) - (num(b.id) || 0);
    });
  }

  function renderEvents(events) {
    var now = $("events-now").tBodies[0], past = $("events-past").tBodies[0];
    var seen = new Set(), nNow = 0, nPast = 0, nActive = 0;
    var prevNow = null, prevPast = null;
    sortEvents(events).forEach(function (e) {
      var id = str(e.id);
      if (!id || seen.has(id)) return;
      seen.add(id);
      var r = eventRows.get(id);
      if (!r) { r = makeEventRow(id); eventRows.set(id, r); }
      var ph = eventPhase(e);
      r.tr.dataset.state = str(e.state);
      r.tr.dataset.phase = ph;
      r.event = e;
      var c = r.cells;
      setText(c[0], id);
      setText(c[6], str(e.source) + (e.ext_id ? " \u00b7 " + str(e.ext_id) : ""));
      setText(r.st, str(e.state) || "?");
      setClass(r.st, stateBadgeClass(e.state));
      var w = windowText(e);
      setText(r.wt, w.txt);
      setText(r.wr, w.rel);
      r.wt.title = str(e.start) + " \u2192 " + str(e.end);
      setText(r.what, (str(e.scope) || "\u2014") + " \u00b7 " + (str(e.kind) || "\u2014"));
      setText(r.note, str(e.note));
      setText(c[4], fmtMW(e.target_mw));
      setText(r.av, e.achieved_mw == null ? (ph === "upcoming" ? "not yet" : "\u2014") : fmtMW(e.achieved_mw));
      var tg = num(e.target_mw), ac = num(e.achieved_mw);
      setText(r.ap, tg && ac != null ? fmt(100 * ac / tg, 0) + " % of target" : "");
      setClass(r.ap, "pct" + (tg && ac != null ? (ac >= tg - 1e-9 ? " good" : ph === "past" ? " bad" : "") : ""));
      if (ph === "past") nPast++; else nNow++;
      if (ph === "active") nActive++;
      var body = ph === "past" ? past : now;
      var prev = ph === "past" ? prevPast : prevNow;
      var want = prev ? prev.nextSibling : body.firstChild;
      if (want !== r.tr) body.insertBefore(r.tr, want);
      if (ph === "past") prevPast = r.tr; else prevNow = r.tr;
      var o = S.open.get(id);
      if (o) o.state = e.state;
    });
    eventRows.forEach(function (r, id) {
      if (!seen.has(id)) {
        r.tr.remove();
        closeReport(id);
        eventRows.delete(id);
      }
    });
    showEmpty("events-now-empty", nNow ? "" : "No active or upcoming grid event.");
    showEmpty("events-past-empty", nPast ? "" : events.length ? "None finished yet." : "No grid event received yet.");
    $("events-now").parentNode.hidden = !nNow;
    $("events-past").parentNode.hidden = !nPast;
    var k = $("kpi-events");
    setText(k, nActive + " active, " + (nNow - nActive) + " upcoming");
    setClass(k, nActive ? "warn" : "");
    /* deep link: #event-ID opens that event's report once it is listed */
    if (S.wantOpen && eventRows.has(S.wantOpen)) {
      var want = S.wantOpen;
      S.wantOpen = null;
      if (!S.open.has(want)) toggleReport(want);
    }
  }

  /* ---------- an event's report (a panel below the tables, newest opened first) ---------- */

  function toggleReport(id) {
    var r = eventRows.get(id);
    if (!r) return;
    if (S.open.has(id)) {
      closeReport(id);
      return;
    }
    var sec = el("section", "report");
    sec.id = "report-" + id;
    sec.dataset.eventId = id;
    sec.setAttribute("aria-labelledby", "report-h-" + id);
    var hd = el("div", "rep-head");
    var h = el("h3", null, "Event " + id);
    h.id = "report-h-" + id;
    var close = el("button", "close", "Close");
    close.type = "button";
    close.setAttribute("aria-label", "Close the report of event " + id);
    close.addEventListener("click", function () { closeReport(id); r.btn.focus(); });
    hd.appendChild(h); hd.appendChild(close);
    sec.appendChild(hd);
    var panel = el("div", "rep-body");
    sec.appendChild(panel);
    var box = $("reports");
    box.insertBefore(sec, box.firstChild);
    r.btn.setAttribute("aria-expanded", "true");
    setText(r.btn, "Hide report");
    var o = { id: id, sec: sec, title: h, panel: panel, parts: null, chart: null, loaded: false, done: false,
              state: r.event && r.event.state };
    S.open.set(id, o);
    panel.appendChild(el("p", "empty", "Loading the report\u2026"));
    if (sec.scrollIntoView) sec.scrollIntoView({ block: "nearest" });
    loadReport(o).then(function () { renderStatus(); });
  }

  function closeReport(id) {
    var o = S.open.get(id), r = eventRows.get(id);
    if (o && o.chart) o.chart.destroy();
    if (o) o.sec.remove();
    S.open.delete(id);
    delete S.errors["report-" + id];
    if (r) {
      r.btn.setAttribute("aria-expanded", "false");
      setText(r.btn, "Show report");
    }
  }

  function loadReport(o) {
    if (o.busy) return Promise.resolve();
    o.busy = true;
    return step("report-" + o.id, "GET /v1/events/" + o.id, function () {
      return api("/v1/events/" + encodeURIComponent(o.id)).then(rendering(function (j) {
        if (!S.open.has(o.id)) return;
        renderReport(o, j);
        o.loaded = true;
        /* a finished event's report no longer changes: one more read after it finished, then stop */
        if (!ACTIVE[j.state] && !UPCOMING[j.state]) o.done = true;
      }));
    }).then(function () { o.busy = false; });
  }

  var REPORT_JOB_COLS = [["Job", 1], ["Name"], ["Lever"], ["MW before", 1], ["MW after", 1], ["MW shed", 1],
                         ["Cost", 1], ["Tier", 1], ["Throughput", 1], ["Restored"]];

  function makeReport(o) {
    var p = {};
    o.panel.textContent = "";
    p.summary = el("dl", "rep-summary");
    o.panel.appendChild(p.summary);
    var grid = el("div", "rep-grid");
    var fig = el("figure", "fig");
    fig.appendChild(el("figcaption", null, "Target and achieved reduction (MW)"));
    p.box = el("div", "chart");
    p.note = el("p", "empty");
    p.note.hidden = true;
    fig.appendChild(p.box);
    fig.appendChild(p.note);
    grid.appendChild(fig);
    o.panel.appendChild(grid);

    o.panel.appendChild(el("h4", null, "Jobs moved"));
    p.jobsEmpty = el("p", "empty");
    o.panel.appendChild(p.jobsEmpty);
    var w1 = el("div", "table-wrap");
    p.jobs = el("table", "stats rep-jobs");
    p.jobs.appendChild(el("caption", "sr", "Jobs moved by event " + o.id));
    p.jobs.appendChild(el("thead")); p.jobs.appendChild(el("tbody"));
    head(p.jobs, REPORT_JOB_COLS);
    w1.appendChild(p.jobs);
    o.panel.appendChild(w1);

    o.panel.appendChild(el("h4", null, "Actions"));
    p.actsEmpty = el("p", "empty");
    o.panel.appendChild(p.actsEmpty);
    var w2 = el("div", "table-wrap");
    p.acts = el("table", "stats rep-actions");
    p.acts.appendChild(el("caption", "sr", "Actions of event " + o.id));
    p.acts.appendChild(el("thead")); p.acts.appendChild(el("tbody"));
    head(p.acts, ACTION_COLS);
    w2.appendChild(p.acts);
    o.panel.appendChild(w2);
    return p;
  }

  function renderReport(o, j) {
    var p = o.parts || (o.parts = makeReport(o));
    setText(o.title, "Event " + o.id + ": " + (str(j.scope) || "?") + " \u00b7 " + (str(j.kind) || "?") + " \u00b7 " + (str(j.state) || "?"));
    /* summary */
    var pairs = [["State", str(j.state) || "?"], ["Received", fmtTime(j.received)],
                 ["Window", fmtTime(j.start) + " \u2192 " + fmtTime(j.end)], ["Scope", str(j.scope)],
                 ["Kind", str(j.kind)], ["Target", fmtMW(j.target_mw)], ["Achieved", fmtMW(j.achieved_mw)],
                 ["Source", str(j.source) + (j.ext_id ? " \u00b7 " + str(j.ext_id) : "")]];
    if (j.note) pairs.push(["Note", str(j.note)]);
    while (p.summary.children.length > pairs.length) p.summary.lastChild.remove();
    pairs.forEach(function (q, i) {
      var w = p.summary.children[i];
      if (!w) { w = el("div"); w.appendChild(el("dt")); w.appendChild(el("dd")); p.summary.appendChild(w); }
      setText(w.firstChild, q[0]); setText(w.lastChild, q[1]);
    });

    /* timeline chart */
    var tl = Array.isArray(j.timeline) ? j.timeline.filter(function (x) { return parseT(x.at) != null; }) : [];
    tl.sort(function (a, b) { return parseT(a.at) - parseT(b.at); });
    if (!tl.length) {
      setText(p.note, "No data yet: the timeline starts when the event does.");
      p.note.hidden = false;
      p.box.hidden = true;
    } else if (!chartsAvailable()) {
      setText(p.note, "Chart unavailable: /assets/uPlot.iife.min.js did not load.");
      p.note.hidden = false;
    } else {
      p.note.hidden = true;
      p.box.hidden = false;
      var xs = tl.map(function (x) { return parseT(x.at) / 1000; });
      var tg = tl.map(function (x) { return num(x.target_mw); });
      var sp = splitMeasured(tl.map(function (x) { return num(x.achieved_mw); }),
                             tl.map(function (x) { return !!x.measured; }));
      /* the target holds until the next point: a stepped line */
      var stepped = window.uPlot.paths && window.uPlot.paths.stepped ? window.uPlot.paths.stepped({ align: 1 }) : undefined;
      var data = [xs, tg];
      var series = [{ label: "target", stroke: COLOR.target, width: 2, dash: [2, 3], value: legendMW, paths: stepped }];
      var sig = "t";
      if (sp.anyMeasured) {
        data.push(sp.measured);
        series.push({ label: "achieved measured", stroke: COLOR.achieved, width: 2, value: legendMW });
        sig += "m";
      }
      if (sp.anyModelled) {
        data.push(sp.modelled);
        series.push({ label: "achieved modelled", stroke: COLOR.achieved, width: 2, dash: DASH, value: legendMW });
        sig += "o";
      }
      if (o.chart && o.sig === sig) o.chart.setData(data);
      else {
        if (o.chart) o.chart.destroy();
        p.box.textContent = "";
        o.chart = makeChart(p.box, series, data, 220);
        o.sig = sig;
      }
      p.box.dataset.points = String(tl.length);
    }

    /* jobs moved */
    var jobs = Array.isArray(j.jobs) ? j.jobs : [];
    var jb = p.jobs.tBodies[0];
    while (jb.rows.length > jobs.length) jb.lastChild.remove();
    jobs.forEach(function (x, i) {
      var tr = jb.rows[i];
      if (!tr) {
        tr = el("tr");
        REPORT_JOB_COLS.forEach(function (c, k) {
          var td = el(k === 1 ? "th" : "td", c[1] ? "num" : null);
          if (k === 1) { td.scope = "row"; td.className = "name"; }
          tr.appendChild(td);
        });
        jb.appendChild(tr);
      }
      tr.dataset.jobId = str(x.id);
      var c = tr.cells, b = num(x.mw_before), a = num(x.mw_after);
      setText(c[0], str(x.id));
      setText(c[1], str(x.name));
      setText(c[2], str(x.lever) || "\u2014");
      setText(c[3], fmtMW(b));
      setText(c[4], fmtMW(a));
      setText(c[5], b != null && a != null ? fmtMW(b - a) : "\u2014");
      setText(c[6], fmtUSD(x.cost_usd));
      setText(c[7], num(x.tier) == null ? "\u2014" : fmt(x.tier, 2));
      setText(c[8], num(x.throughput) == null ? "\u2014" : fmt(x.throughput, 3));
      setText(c[9], x.restored_at ? fmtTime(x.restored_at) : "not yet");
    });
    p.jobs.parentNode.hidden = !jobs.length;
    setText(p.jobsEmpty, jobs.length ? "" : "No job moved.");
    p.jobsEmpty.hidden = !!jobs.length;

    /* actions of the event */
    var acts = Array.isArray(j.actions) ? j.actions.slice() : [];
    acts.sort(function (a, b) { return (num(b.id) || 0) - (num(a.id) || 0); });
    var ab = p.acts.tBodies[0];
    while (ab.rows.length > acts.length) ab.lastChild.remove();
    acts.forEach(function (x, i) {
      var tr = ab.rows[i];
      if (!tr) { tr = makeActionRow().tr; ab.appendChild(tr); }
      fillActionRow(tr, x);
    });
    p.acts.parentNode.hidden = !acts.length;
    setText(p.actsEmpty, acts.length ? "" : "No action taken.");
    p.actsEmpty.hidden = !!acts.length;
    o.sec.dataset.loaded = "1";
  }

  function pollReports() {
    var list = [];
    S.open.forEach(function (o) {
      if (!o.done || (o.state && (ACTIVE[o.state] || UPCOMING[o.state]))) {
        o.done = false;
        list.push(loadReport(o));
      }
    });
    return Promise.all(list);
  }

  /* ---------- actions ---------- */

  var ACTION_COLS = [["ID", 1], ["Time"], ["Event", 1], ["Job"], ["Lever"], ["Phase"], ["Took", 1], ["State after"], ["Detail"]];
  var actionRows = new Map();  /* id -> tr */

  function makeActionRow() {
    var tr = el("tr");
    ACTION_COLS.forEach(function (c, k) {
      var td = el(k === 0 ? "th" : "td", c[1] ? "num" : null);
      if (k === 0) td.scope = "row";
      tr.appendChild(td);
    });
    var jid = el("span", "jid"), jn = el("span", "jname");
    tr.cells[3].appendChild(jid); tr.cells[3].appendChild(jn);
    tr.cells[5].appendChild(el("span", "badge"));
    return { tr: tr };
  }

  function fillActionRow(tr, a) {
    var c = tr.cells;
    tr.dataset.actionId = str(a.id);
    tr.dataset.eventId = str(a.event_id);
    tr.dataset.phase = str(a.phase);
    setText(c[0], str(a.id));
    setText(c[1], fmtTime(a.intent_at));
    c[1].title = "intent " + str(a.intent_at) + (a.outcome_at ? ", outcome " + str(a.outcome_at) : "");
    setText(c[2], a.event_id == null ? "\u2014" : str(a.event_id));
    setText(c[3].firstChild, str(a.job_id));
    setText(c[3].lastChild, a.job_name == null || a.job_name === "" ? "" : str(a.job_name));
    setText(c[4], str(a.lever) || "\u2014");
    var b = c[5].firstChild;
    setText(b, str(a.phase) || "?");
    setClass(b, "badge ph-" + (/^[a-z_]+$/.test(str(a.phase)) ? a.phase : "other"));
    setText(c[6], a.phase === "intent" && a.elapsed_ms == null ? "\u2026" : fmtMs(a.elapsed_ms));
    setText(c[7], str(a.state_after) || "\u2014");
    setText(c[8], str(a.detail));
  }

  function pollActions() {
    var changed = [], seen = new Set();
    function take(list) {
      var last = null;
      list.forEach(function (a) {
        var id = num(a && a.id);
        if (id == null) return;
        seen.add(id);
        var old = S.actions.get(id);
        S.actions.set(id, a);
        if (!old || JSON.stringify(old) !== JSON.stringify(a)) changed.push(id);
        if (last == null || id > last) last = id;
        if (id > S.actionMax) S.actionMax = id;
      });
      return last;
    }
    function get(from) {
      return api("/v1/actions?after=" + encodeURIComponent(String(from)) + "&limit=" + ACTION_PAGE).then(function (j) {
        if (!Array.isArray(j.actions)) throw new Error("/v1/actions: expected an \"actions\" array");
        return j.actions;
      });
    }
    /* the new ones, page by page (a bounded number of pages per poll) */
    function page(from, n) {
      return get(from).then(function (list) {
        var last = take(list);
        if (list.length >= ACTION_PAGE && last != null && last > from && n + 1 < ACTION_PAGES_PER_POLL) return page(last, n + 1);
      });
    }
    /* an action read at "intent" gets its outcome later under the same id: read the oldest
     * recent one again (one page from it) */
    function recheck() {
      var nowMs = Date.now(), oldest = null;
      S.actions.forEach(function (a, id) {
        if (a.phase !== "intent" || seen.has(id)) return;
        var t = parseT(a.intent_at);
        if (t != null && nowMs - t > INTENT_RECHECK_MS) return;
        if (oldest == null || id < oldest) oldest = id;
      });
      if (oldest == null) return null;
      return get(oldest - 1).then(take);
    }
    return page(S.actionMax, 0).then(recheck).then(rendering(function () {
      S.actionsOk = true;
      renderActions(changed);
    }));
  }

  function renderActions(changed) {
    var body = $("actions-table").tBodies[0];
    /* newest first; keep the newest MAX_ACTIONS */
    if (S.actions.size > MAX_ACTIONS) {
      var ids = Array.from(S.actions.keys()).sort(function (a, b) { return a - b; });
      ids.slice(0, ids.length - MAX_ACTIONS).forEach(function (id) {
        S.actions.delete(id);
        var tr = actionRows.get(id);
        if (tr) { tr.remove(); actionRows.delete(id); }
      });
    }
    changed.sort(function (a, b) { return a - b; });
    changed.forEach(function (id) {
      var a = S.actions.get(id);
      if (!a) return;
      var tr = actionRows.get(id);
      if (!tr) {
        tr = makeActionRow().tr;
        actionRows.set(id, tr);
        /* place it: before the first row with a smaller id (rows are newest first) */
        var before = body.firstChild;
        while (before && Number(before.dataset.actionId) > id) before = before.nextSibling;
        body.insertBefore(tr, before);
      }
      fillActionRow(tr, a);
    });
    var n = S.actions.size;
    showEmpty("actions-empty", n ? "" : "No action yet: the daemon has not moved any job.");
    $("actions-table").parentNode.hidden = !n;
    setText($("actions-sub"), "What the daemon did to jobs, newest first (" + n + (n >= MAX_ACTIONS ? ", the newest kept here" : "") +
            "): the intent is written before acting, the outcome as the scheduler read it back after.");
  }

  /* ---------- status, banner, token form ---------- */

  function renderStatus() {
    var all = Object.keys(S.errors).map(function (k) { return S.errors[k]; });
    var errs = all.filter(function (e) { return !e.auth; });
    var banner = $("banner");
    var auth = $("auth");
    var authErrs = S.needToken;
    if (authErrs) {
      auth.hidden = false;
      document.body.dataset.gsAuth = "needed";
      setText($("auth-msg"), getToken() ? "The daemon refused this token. Type the read token again." : "");
      $("auth-forget").hidden = !getToken();
    } else if (!auth.hidden) {
      auth.hidden = true;
      delete document.body.dataset.gsAuth;
    }
    if (S.fatal || errs.length) {
      banner.textContent = "";
      var lines = [];
      if (S.fatal) lines.push("The dashboard failed to draw: " + S.fatal + ".");
      errs.forEach(function (e) { lines.push(e.label + " failed: " + e.msg + "."); });
      lines.push("Retrying every " + POLL_MS / 1000 + " s" + (S.lastOk ? "; last complete update " + fmtTime(S.lastOk.toISOString()) : "; no complete update yet") + ".");
      lines.forEach(function (l) { banner.appendChild(el("div", null, l)); });
      banner.hidden = false;
      document.body.dataset.gsFetchError = errs.map(function (e) { return e.label + ": " + e.msg; }).join("; ");
    } else if (!banner.hidden) {
      banner.hidden = true;
      delete document.body.dataset.gsFetchError;
    }
    /* sections with nothing loaded yet say what they wait for */
    var pending = S.needToken ? "Waiting for a read token." : errs.length ? "Not loaded yet: see the error above." : "Loading\u2026";
    if (!S.loadOk) ["sites-empty", "history-empty", "jobs-empty"].forEach(function (id) { showEmpty(id, pending); });
    else if (!S.historyOk) showEmpty("history-empty", pending);
    if (!S.eventsOk) ["events-now-empty", "events-past-empty"].forEach(function (id) { showEmpty(id, pending); });
    if (!S.actionsOk) showEmpty("actions-empty", pending);
    var st = $("status");
    var txt;
    if (S.needToken) txt = "Waiting for a read token";
    else if (errs.length && !S.lastOk) txt = "Cannot load yet, retrying";
    else if (errs.length) txt = "Last complete update " + fmtTime(S.lastOk.toISOString()) + ", retrying";
    else if (S.lastOk) txt = "Live \u00b7 updated " + fmtTime(S.lastOk.toISOString()) + (S.loadAge ? " \u00b7 load " + S.loadAge : "");
    else txt = "Connecting to the daemon\u2026";
    setText($("status-text"), txt);
    setClass(st, "status " + (S.needToken || errs.length ? "bad" : S.lastOk ? "ok" : ""));
  }

  function markReady() {
    if (S.ready || !(S.loadOk && S.eventsOk && S.actionsOk && S.historyOk)) return;
    S.ready = true;
    if (!S.fatal) document.body.dataset.gsReady = "1";
  }

  /* ---------- the loop ---------- */

  var timer = null, running = false;

  function tick() {
    timer = null;
    if (running) return;
    running = true;
    var started = Date.now(), token = getToken();
    S.needToken = false;
    var jobs = [
      step("load", "GET /v1/load", pollLoad).then(function () {
        if (S.errors.load) return;
        return step("history", "GET /v1/load?from=&to= (24 h history)", pollHistory);
      }),
      step("events", "GET /v1/events", pollEvents),
      step("actions", "GET /v1/actions", pollActions),
      pollReports()
    ];
    Promise.all(jobs).then(function () {
      running = false;
      if (!Object.keys(S.errors).length) S.lastOk = new Date();
      renderStatus();
      markReady();
      /* without a (valid) token every read fails: wait for the form instead of polling (unless
       * a token was typed while this poll ran) */
      if (!S.needToken) schedule(Math.max(250, POLL_MS - (Date.now() - started)));
      else if (getToken() !== token) schedule(0);
    }, function (e) {
      running = false;
      fatal("poll loop: " + (e && e.message || e));
      renderStatus();
      schedule(POLL_MS);
    });
  }

  function schedule(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, ms);
  }

  function setup() {
    head($("jobs-table"), JOB_COLS);
    head($("events-now"), EVENT_COLS);
    head($("events-past"), EVENT_COLS);
    head($("actions-table"), ACTION_COLS);
    $("jobs-filter").addEventListener("input", filterJobs);
    $("jobs-class").addEventListener("change", filterJobs);
    $("auth").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var v = $("auth-token").value.trim();
      if (!v) return;
      setToken(v);
      $("auth-token").value = "";
      setText($("auth-msg"), "Checking\u2026");
      if (!running) schedule(0);
    });
    $("auth-forget").addEventListener("click", function () {
      setToken(null);
      $("auth-forget").hidden = true;
      setText($("auth-msg"), "Token forgotten; trying without one\u2026");
      if (!running) schedule(0);
    });
    var rt = null;
    window.addEventListener("resize", function () {
      if (rt) clearTimeout(rt);
      rt = setTimeout(function () {
        histCharts.forEach(function (c) { if (c.chart) c.chart.setSize({ width: chartWidth(c.box), height: 230 }); });
        S.open.forEach(function (o) { if (o.chart) o.chart.setSize({ width: chartWidth(o.parts.box), height: 220 }); });
      }, 150);
    });
    /* #event-ID in the address opens that event's report once it is listed */
    var m = /^#event-(\d+)$/.exec(location.hash || "");
    if (m) S.wantOpen = m[1];
    if (!chartsAvailable()) showEmpty("history-empty", "Charts unavailable: /assets/uPlot.iife.min.js did not load.");
    /* for the browser test and for debugging in the console */
    window.gsDashboard = { state: S, poll: function () { if (!running) schedule(0); } };
    tick();
  }

  try { setup(); } catch (e) {
    fatal("start-up: " + (e && e.message || e));
    var b = $("banner");
    if (b) { b.hidden = false; b.textContent = "The dashboard failed to start: " + (e && e.message || e); }
  }
})();
