/* report.js: draws the charts of a gridsplit report from the inline JSON block #gs-data with
 * uPlot (inlined before this script). Builds the time axis from start + i x step, the fleet
 * totals, the typical days (site local time via embedded offsets or the browser's tz database)
 * and the stacked areas; load-duration curves come precomputed. Every string from the data is
 * inserted with textContent, never as HTML. Sets body[data-gs-ready] when done (tests wait on it),
 * body[data-gs-error] on failure. */
(function () {
  "use strict";

  var CLASSES = ["training", "inference"];
  var COLOR = { training: "#2f6db5", inference: "#e5792a", total: "#3a3f47" };
  var FILL = { training: "rgba(47,109,181,0.50)", inference: "rgba(229,121,42,0.55)" };
  var SYNC_KEY = "gs-time";

  var charts = [];      /* {id, kind, u, el} */
  var timeCharts = [];  /* uPlot instances sharing the x range */
  var syncing = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function fmtMW(v) {
    if (v == null || !isFinite(v)) return "\u2014";
    var a = Math.abs(v);
    var d = a >= 100 ? 1 : a >= 1 ? 2 : 3;
    return v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d }) + " MW";
  }

  function axisMW(u, vals) {
    return vals.map(function (v) {
      return v == null ? "" : v.toLocaleString("en-US", { maximumFractionDigits: 3 });
    });
  }

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /* Tick labels of a time axis, 24-hour clock, in the zone of tzDate. */
  function timeTicks(tzDate) {
    return function (u, splits, axisIdx, space, incr) {
      return splits.map(function (ts, i) {
        if (ts == null) return "";
        var d = tzDate(ts);
        var day = MONTHS[d.getMonth()] + " " + d.getDate();
        if (incr >= 86400 * 28)
          return MONTHS[d.getMonth()] + (d.getMonth() === 0 || i === 0 ? "\n" + d.getFullYear() : "");
        if (incr >= 86400)
          return day + (i === 0 || (d.getMonth() === 0 && d.getDate() === 1) ? "\n" + d.getFullYear() : "");
        var hm = pad2(d.getHours()) + ":" + pad2(d.getMinutes());
        return (d.getHours() === 0 && d.getMinutes() === 0) || i === 0 ? hm + "\n" + day : hm;
      });
    };
  }

  function timeLegend(tzDate) {
    return function (u, ts) {
      if (ts == null) return "\u2014";
      var d = tzDate(ts);
      return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + " " +
        pad2(d.getHours()) + ":" + pad2(d.getMinutes());
    };
  }

  function validTz(name) {
    if (!name) return false;
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: name });
      return true;
    } catch (e) {
      return false;
    }
  }

  /* A function t (UTC s) -> UTC offset in seconds for a site. */
  function offsetFn(site) {
    if (site.offsets && site.offsets.length) {
      var sp = site.offsets;
      return function (t) {
        var lo = 0, hi = sp.length - 1;
        while (lo < hi) {
          var mid = (lo + hi + 1) >> 1;
          if (sp[mid][0] <= t) lo = mid; else hi = mid - 1;
        }
        return sp[lo][1];
      };
    }
    if (validTz(site.tz)) {
      var dtf = new Intl.DateTimeFormat("en-US", {
        timeZone: site.tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric"
      });
      var at = function (t) {
        var p = {};
        dtf.formatToParts(new Date(t * 1000)).forEach(function (q) { p[q.type] = q.value; });
        var local = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) / 1000;
        return local - t;
      };
      var days = new Map();
      return function (t) {
        var d = Math.floor(t / 86400);
        var e = days.get(d);
        if (e === undefined) {
          var a = at(d * 86400), b = at(d * 86400 + 86399);
          e = a === b ? a : null;
          days.set(d, e);
        }
        if (e !== null) return e;
        var h = Math.floor(t / 3600), k = "h" + h;
        var o = days.get(k);
        if (o === undefined) { o = at(h * 3600); days.set(k, o); }
        return o;
      };
    }
    return null;
  }

  /* Mean MW by local hour of day, per series. */
  function typicalDay(x, series, offset) {
    var out = series.map(function () { return new Array(24).fill(null); });
    var sums = series.map(function () { return new Float64Array(24); });
    var cnts = series.map(function () { return new Float64Array(24); });
    for (var i = 0; i < x.length; i++) {
      var t = x[i];
      var lt = t + (offset ? offset(t) : 0);
      var h = Math.floor((((lt % 86400) + 86400) % 86400) / 3600);
      for (var s = 0; s < series.length; s++) {
        var v = series[s][i];
        if (v != null && isFinite(v)) { sums[s][h] += v; cnts[s][h] += 1; }
      }
    }
    for (var s2 = 0; s2 < series.length; s2++)
      for (var h2 = 0; h2 < 24; h2++)
        if (cnts[s2][h2] > 0) out[s2][h2] = sums[s2][h2] / cnts[s2][h2];
    return out;
  }

  function sumSeries(list, n) {
    var out = new Array(n);
    for (var i = 0; i < n; i++) {
      var acc = 0;
      for (var k = 0; k < list.length; k++) {
        var v = list[k][i];
        if (v == null) { acc = null; break; }
        acc += v;
      }
      out[i] = acc;
    }
    return out;
  }

  function chartWidth(box) {
    return Math.max(280, Math.floor(box.getBoundingClientRect().width));
  }

  function yRange(u, min, max) {
    var hi = max > 0 ? max * 1.06 : 1;
    return [Math.min(0, min), hi];
  }

  function register(id, kind, u, box) {
    charts.push({ id: id, kind: kind, u: u, el: box });
    box.dataset.chartReady = "1";
  }

  function onSetScale(u, key) {
    if (key !== "x" || syncing) return;
    syncing = true;
    var sx = u.scales.x;
    timeCharts.forEach(function (o) {
      if (o !== u && (o.scales.x.min !== sx.min || o.scales.x.max !== sx.max))
        o.setScale("x", { min: sx.min, max: sx.max });
    });
    syncing = false;
  }

  /* Resolution levels of a time chart: the embedded series, then means over 15 min, 1 h, 3 h,
   * ... When zoomed out, the chart shows the finest level with at most one point per pixel, so
   * a stacked area never mixes the min/max envelope of one class with the mean of the other.
   * Levels are computed on first use. */
  var LEVEL_S = [900, 3600, 10800, 21600, 43200, 86400, 604800];

  function makeLevels(x, raw, step) {
    var levels = [{ k: 1, step: step, x: x, raw: raw }];
    LEVEL_S.forEach(function (d) {
      if (d > step && d % step === 0) levels.push({ k: d / step, step: d, x: null, raw: null });
    });
    return levels;
  }

  function levelData(L, base) {
    if (L.x) return L;
    var n = base.x.length, k = L.k, m = Math.ceil(n / k);
    L.x = new Array(m);
    L.raw = base.raw.map(function () { return new Array(m); });
    for (var j = 0; j < m; j++) {
      L.x[j] = base.x[j * k];
      for (var s = 0; s < base.raw.length; s++) {
        var src = base.raw[s], sum = 0, cnt = 0;
        for (var i = j * k, e = Math.min(n, (j + 1) * k); i < e; i++) {
          var v = src[i];
          if (v != null) { sum += v; cnt++; }
        }
        L.raw[s][j] = cnt ? sum / cnt : null;
      }
    }
    return L;
  }

  function pickLevel(levels, span, widthPx) {
    for (var i = 0; i < levels.length; i++)
      if (span / levels[i].step <= Math.max(200, 2 * widthPx)) return i;
    return levels.length - 1;
  }

  function durLabel(sec) {
    if (sec % 604800 === 0) return sec / 604800 + " wk";
    if (sec % 86400 === 0) return sec / 86400 + " d";
    if (sec % 3600 === 0) return sec / 3600 + " h";
    if (sec % 60 === 0) return sec / 60 + " min";
    return sec + " s";
  }

  /* Stacked area of MW by class over time: training at the bottom, inference on top. */
  function stackedChart(box, id, x, raw, tzName, tzLabel, step, baseNote) {
    var levels = makeLevels(x, raw, step);
    var st = { lvl: -1, raw: raw, cum2: null, busy: false };
    var badge = box.parentNode.querySelector(".res");
    var zone = validTz(tzName) ? tzName : "Etc/UTC";
    var tzDate = function (ts) { return uPlot.tzDate(new Date(ts * 1e3), zone); };

    function dataOf(i) {
      var L = levelData(levels[i], levels[0]);
      st.lvl = i;
      st.raw = L.raw;
      st.cum2 = sumSeries(L.raw, L.x.length);
      if (badge) badge.textContent = i === 0 ? baseNote : "zoomed out: means over " + durLabel(L.step);
      return [L.x, L.raw[0], st.cum2, st.cum2];
    }

    function adjust(u) {
      var sx = u.scales.x;
      if (sx.min == null || sx.max == null) return;
      var i = pickLevel(levels, sx.max - sx.min, u.bbox.width / (window.devicePixelRatio || 1));
      if (i === st.lvl || st.busy) return;
      var min = sx.min, max = sx.max, was = syncing;
      st.busy = true;
      syncing = true;  /* the intermediate full range must not reach the other charts */
      try {
        u.setData(dataOf(i), true);
        u.setScale("x", { min: min, max: max });
      } finally {
        syncing = was;
        st.busy = false;
      }
    }

    var width = chartWidth(box);
    var first = dataOf(pickLevel(levels, n0span(x), width - 70));
    var opts = {
      width: width,
      height: 300,
      tzDate: tzDate,
      cursor: { sync: { key: SYNC_KEY }, drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, y: { range: yRange } },
      legend: { live: true },
      series: [
        { label: "time (" + tzLabel + ")", value: timeLegend(tzDate) },
        {
          label: "training", stroke: COLOR.training, fill: FILL.training, width: 1,
          value: function (u, v, si, idx) { return idx == null ? "\u2014" : fmtMW(st.raw[0][idx]); }
        },
        {
          label: "inference", stroke: COLOR.inference, fill: FILL.inference, width: 1,
          value: function (u, v, si, idx) { return idx == null ? "\u2014" : fmtMW(st.raw[1][idx]); }
        },
        {
          label: "total", stroke: COLOR.total, width: 0, points: { show: false },
          paths: function () { return null; },
          value: function (u, v, si, idx) { return idx == null ? "\u2014" : fmtMW(st.cum2[idx]); }
        }
      ],
      bands: [{ series: [2, 1], fill: FILL.inference }],
      axes: [
        { label: "time (" + tzLabel + ")", labelSize: 22, size: 44, values: timeTicks(tzDate), labelFont: "600 11px system-ui, sans-serif", font: "11px system-ui, sans-serif" },
        { label: "MW", labelSize: 22, size: 60, values: axisMW, labelFont: "600 11px system-ui, sans-serif", font: "11px system-ui, sans-serif" }
      ],
      hooks: {
        setScale: [function (u, key) {
          if (key !== "x") return;
          onSetScale(u, key);
          adjust(u);
        }],
        setSize: [function (u) { adjust(u); }]
      }
    };
    var u = new uPlot(opts, first, box);
    if (x.length > 1) u.setScale("x", { min: x[0], max: x[x.length - 1] });
    timeCharts.push(u);
    register(id, "ts", u, box);
    u.gsLevel = function () { return levels[st.lvl].step; };
    return u;
  }

  function n0span(x) { return x.length > 1 ? x[x.length - 1] - x[0] : 1; }

  function lineChart(box, id, xs, ys, xOpts, kind) {
    var series = [{ label: xOpts.label }];
    ys.forEach(function (s) {
      series.push({
        label: s.label, stroke: COLOR[s.key], width: s.key === "total" ? 1.5 : 2,
        dash: s.key === "total" ? [6, 4] : undefined,
        points: { show: kind === "day", size: 5 },
        value: function (u, v) { return fmtMW(v); }
      });
    });
    var opts = {
      width: chartWidth(box),
      height: 250,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: false, range: xOpts.range }, y: { range: yRange } },
      series: series,
      axes: [
        { label: xOpts.label, labelSize: 22, values: xOpts.values, incrs: xOpts.incrs, labelFont: "600 11px system-ui, sans-serif", font: "11px system-ui, sans-serif" },
        { label: "MW", labelSize: 22, size: 60, values: axisMW, labelFont: "600 11px system-ui, sans-serif", font: "11px system-ui, sans-serif" }
      ]
    };
    series[0].value = xOpts.legendValue;
    var u = new uPlot(opts, [xs].concat(ys.map(function (s) { return s.data; })), box);
    register(id, kind, u, box);
    return u;
  }

  function dayChart(box, id, day, tzLabel) {
    var hours = [];
    for (var h = 0; h < 24; h++) hours.push(h);
    var total = sumSeries(day, 24);
    return lineChart(box, id, hours, [
      { key: "training", label: "training", data: day[0] },
      { key: "inference", label: "inference", data: day[1] },
      { key: "total", label: "total", data: total }
    ], {
      label: "hour of day (" + tzLabel + ")",
      range: function () { return [0, 23]; },
      incrs: [1, 2, 3, 6],
      values: function (u, vals) { return vals.map(function (v) { return pad2(v) + ":00"; }); },
      legendValue: function (u, v) { return v == null ? "\u2014" : pad2(v) + ":00\u2013" + pad2(v) + ":59"; }
    }, "day");
  }

  function ldcChart(box, id, ldc, n) {
    var pct = [];
    for (var k = 0; k < n; k++) pct.push(n > 1 ? (100 * k) / (n - 1) : 0);
    return lineChart(box, id, pct, [
      { key: "training", label: "training", data: ldc[0] },
      { key: "inference", label: "inference", data: ldc[1] },
      { key: "total", label: "total", data: ldc[2] }
    ], {
      label: "% of time at or above",
      range: function () { return [0, 100]; },
      incrs: [5, 10, 20, 25, 50],
      values: function (u, vals) { return vals.map(function (v) { return v + " %"; }); },
      legendValue: function (u, v) { return v == null ? "\u2014" : v.toFixed(1) + " %"; }
    }, "ldc");
  }

  function figure(parent, title, sub, id, withReset) {
    var fig = el("figure", "fig");
    var head = el("figcaption", "fig-head");
    var tt = el("div", "fig-title");
    tt.appendChild(el("h3", null, title));
    if (sub) tt.appendChild(el("p", "sub", sub));
    head.appendChild(tt);
    if (withReset) {
      var side = el("div", "fig-side");
      side.appendChild(el("span", "res"));
      var b = el("button", "reset", "Reset zoom");
      b.type = "button";
      b.title = "Show the whole period on every time chart (double-click a chart does the same)";
      b.addEventListener("click", resetZoom);
      side.appendChild(b);
      head.appendChild(side);
    }
    fig.appendChild(head);
    var box = el("div", "chart");
    box.id = "chart-" + id;
    box.dataset.chart = id;
    fig.appendChild(box);
    parent.appendChild(fig);
    return box;
  }

  var X0 = 0, X1 = 0;
  function resetZoom() {
    timeCharts.forEach(function (u) { u.setScale("x", { min: X0, max: X1 }); });
  }

  function section(root, anchor, title, subs) {
    var sec = el("section", "card");
    sec.id = anchor;
    var head = el("div", "card-head");
    head.appendChild(el("h2", null, title));
    subs.forEach(function (s) { if (s) head.appendChild(el("p", "sub", s)); });
    sec.appendChild(head);
    root.appendChild(sec);
    var toc = document.querySelector("#toc .wrap");
    if (toc && anchor !== "fleet") {
      var a = el("a", null, title);
      a.href = "#" + anchor;
      toc.appendChild(a);
    }
    return sec;
  }

  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }

  function build() {
    var data = JSON.parse(document.getElementById("gs-data").textContent);
    var ts = data.ts;
    var n = ts.n;
    var x = new Array(n);
    for (var i = 0; i < n; i++) x[i] = ts.start_s + i * ts.step_s;
    X0 = n ? x[0] : 0;
    X1 = n ? x[n - 1] : 1;
    var root = document.getElementById("charts");
    var resNote = ts.agg > 1 ? "means over " + durLabel(ts.step_s) + " (see the note above)" : null;
    var baseNote = ts.agg > 1 ? "means over " + durLabel(ts.step_s) : durLabel(ts.step_s) + " steps";
    var dragHint = "Drag across a chart to zoom all time charts; double-click or Reset zoom to see the whole period.";

    /* fleet */
    var fleetRaw = CLASSES.map(function (c, k) {
      return sumSeries(data.sites.map(function (s) { return s.mw[k]; }), n);
    });
    var sec = section(root, "fleet", "Fleet: " + (data.fleet.name || "fleet"), [
      plural(data.fleet.nsites, "site") + ", " + plural(data.fleet.nclusters, "cluster") + ". Power at the grid connections, summed over sites.",
      resNote ? "Time series: " + resNote + "." : null
    ]);
    stackedChart(figure(sec, "Power by class", dragHint + " Times in UTC.", "fleet-ts", true),
                 "fleet-ts", x, fleetRaw, "Etc/UTC", "UTC", ts.step_s, baseNote);
    var row = el("div", "grid2");
    sec.appendChild(row);
    dayChart(figure(row, "Typical day", "Mean MW by hour of day, UTC (sites span time zones).", "fleet-day"),
             "fleet-day", typicalDay(x, fleetRaw, null), "UTC");
    ldcChart(figure(row, "Load-duration curves", "MW sorted from highest to lowest against the share of time.", "fleet-ldc"),
             "fleet-ldc", data.fleet_ldc, data.ldc_n);

    /* sites */
    data.sites.forEach(function (s, si) {
      var off = offsetFn(s);
      var tzOk = validTz(s.tz);
      var tzLabel = off ? (s.tz || "local") : "UTC";
      var facts = [s.id];
      if (s.zone) facts.push("zone " + s.zone);
      if (s.tz) facts.push(s.tz);
      if (s.interconnect_mw > 0) facts.push("interconnection " + fmtMW(s.interconnect_mw));
      var cl = CLASSES.map(function (c, k) {
        return s.clusters[k] ? plural(s.clusters[k], c + " cluster") + " (" + s.gpus[k].toLocaleString("en-US") + " GPUs)" : null;
      }).filter(function (t) { return t; }).join(", ") || "no clusters";
      var ssec = section(root, "site-" + si, s.name || s.id, [facts.join(" \u00b7 "), cl]);
      var tzNote = tzOk ? "Times in the site's local time (" + s.tz + ")." : "Times in UTC (site time zone unknown).";
      stackedChart(figure(ssec, "Power by class", dragHint + " " + tzNote, "site-" + si + "-ts", true),
                   "site-" + si + "-ts", x, s.mw, tzOk ? s.tz : "Etc/UTC", tzOk ? s.tz : "UTC", ts.step_s, baseNote);
      var r2 = el("div", "grid2");
      ssec.appendChild(r2);
      dayChart(figure(r2, "Typical day", "Mean MW by hour of day, " + (off ? "local time (" + tzLabel + ")" : "UTC (time zone unknown)") + ".", "site-" + si + "-day"),
               "site-" + si + "-day", typicalDay(x, s.mw, off), off ? "local" : "UTC");
      ldcChart(figure(r2, "Load-duration curves", "MW sorted from highest to lowest against the share of time.", "site-" + si + "-ldc"),
               "site-" + si + "-ldc", s.ldc, data.ldc_n);
    });
    var toc = document.querySelector("#toc .wrap");
    if (toc) {
      var a = el("a", null, "Summary");
      a.href = "#summary";
      toc.appendChild(a);
      /* the tables written with the page: clusters, runs, curtailments */
      document.querySelectorAll("section.card[data-toc]").forEach(function (sc) {
        var b = el("a", null, sc.dataset.toc);
        b.href = "#" + sc.id;
        toc.appendChild(b);
      });
    }

    if (typeof ResizeObserver === "function") {
      var ro = new ResizeObserver(function () {
        charts.forEach(function (c) {
          var w = chartWidth(c.el);
          if (Math.abs(w - c.u.width) > 2) c.u.setSize({ width: w, height: c.u.height });
        });
      });
      charts.forEach(function (c) { ro.observe(c.el.parentNode); });
    }
  }

  try {
    build();
    window.gsReport = { charts: charts, timeCharts: timeCharts, resetZoom: resetZoom };
    document.body.dataset.gsReady = "1";
  } catch (e) {
    var box = document.getElementById("gs-error");
    if (box) {
      box.hidden = false;
      box.textContent = "The charts could not be drawn: " + (e && e.message ? e.message : e);
    }
    document.body.dataset.gsError = String(e && e.message ? e.message : e);
    console.error(e);
  }
})();
