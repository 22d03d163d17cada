/* supply.js: draws the `gridsplit supply` report (web/supply.html) from the inline JSON block
 * #gs-data (the summary with its hourly block, src/write/supply_out.c): the KPIs, supply against
 * load over the year with a chosen method's shifted load and grid draw (uPlot, inlined before
 * this script), the battery's state of charge for a chosen method (uPlot; both time charts zoom
 * together), the coverage of each method side by side (canvas bars grouped by family), the
 * methods table, the parameters and the warnings. Every string from the data goes in with
 * textContent, never as HTML; any number may be null. Sets body[data-gs-ready] when done (tests
 * wait on it), body[data-gs-error] on failure. */
(function () {
  "use strict";

  var FAMILY = {
    baseline: { label: "Baseline", color: "#7d8694" },
    compat: { label: "Compatibility (CarbonExplorer's rules)", color: "#e5792a" },
    optimal: { label: "Optimal (LP)", color: "#2f6db5" },
    training: { label: "Training-aware", color: "#7b5ea7" }
  };
  var OTHER = { label: "Other", color: "#8c6d31" };
  var C = { ren: "#2e8b57", renFill: "rgba(46,139,87,0.22)", load: "#1d2330", grid: "#c0392b",
            gridFill: "rgba(192,57,43,0.28)" };
  var FONT = "11px system-ui, sans-serif", LFONT = "600 11px system-ui, sans-serif";

  var timeCharts = [];  /* uPlot instances sharing the x range */
  var syncing = false;
  var X0 = 0, X1 = 1;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function ok(v) { return typeof v === "number" && isFinite(v); }
  function num(v, d) {
    if (!ok(v)) return "\u2014";
    return (v + 0).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function pct(share, d) { return ok(share) ? num(100 * share, d == null ? 2 : d) + " %" : "\u2014"; }
  function mwh(v) {
    if (!ok(v)) return "\u2014";
    if (Math.abs(v) >= 1e5) return num(v / 1000, 1) + " GWh";
    return num(v, Math.abs(v) >= 100 ? 0 : 1) + " MWh";
  }
  function mw(v) {
    if (!ok(v)) return "\u2014";
    var a = Math.abs(v);
    return num(v, a >= 100 ? 1 : a >= 1 ? 2 : 3) + " MW";
  }
  function family(f) { return FAMILY[f] || OTHER; }
  function famLabel(f) { return FAMILY[f] ? FAMILY[f].label : (f ? String(f) : OTHER.label); }
  function base(p) { return p ? String(p).split(/[\\/]/).pop() : null; }
  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /* an array of n numbers or nulls from whatever the data holds (missing, short, non-numbers) */
  function col(a, n) {
    var out = new Array(n);
    for (var i = 0; i < n; i++) out[i] = a && ok(a[i]) ? a[i] : null;
    return out;
  }
  function hasValues(a) {
    if (!Array.isArray(a)) return false;
    for (var i = 0; i < a.length; i++) if (ok(a[i])) return true;
    return false;
  }

  /* methods grouped by family, families in order of first appearance (the display order) */
  function groups(methods) {
    var order = [], by = {};
    methods.forEach(function (m) {
      var f = m.family || "";
      if (!by[f]) { by[f] = []; order.push(f); }
      by[f].push(m);
    });
    return order.map(function (f) { return { family: f, methods: by[f] }; });
  }

  function best(methods, pred) {
    var b = null;
    methods.forEach(function (m) {
      if (ok(m.coverage) && (!pred || pred(m)) && (!b || m.coverage > b.coverage)) b = m;
    });
    return b;
  }

  /* ---------- header ---------- */
  function pair(dl, k, v, small) {
    var w = el("div");
    w.appendChild(el("dt", null, k));
    var dd = el("dd", null, v);
    if (small) dd.appendChild(el("small", null, small));
    w.appendChild(dd);
    dl.appendChild(w);
  }

  function header(d) {
    var s = d.source || {}, meta = document.getElementById("meta");
    pair(meta, s.kind === "fleet" ? "Fleet" : "Case", base(s.file) || "\u2014");
    if (s.site) pair(meta, "Site", s.site);
    if (s.zone) pair(meta, "Zone", s.zone);
    if (ok(s.wind_mw) || ok(s.solar_mw))
      pair(meta, "Built", [ok(s.wind_mw) ? num(s.wind_mw, 0) + " MW wind" : null,
                           ok(s.solar_mw) ? num(s.solar_mw, 0) + " MW solar" : null]
             .filter(Boolean).join(" + "));
    if (s.supply_file) pair(meta, "Supply", base(s.supply_file));
    if (s.from || s.to)
      pair(meta, "Period", String(s.from || "?").slice(0, 16).replace("T", " ") + " \u2192 " +
           String(s.to || "?").slice(0, 16).replace("T", " ") + " UTC");
    pair(meta, "Carbon intensity", s.carbon_file ? base(s.carbon_file) : "none");

    var k = document.getElementById("kpis"), L = d.load || {}, S = d.supply || {};
    var h = d.hourly || {};
    var hours = ok(s.hours) ? s.hours : ok(h.n) ? h.n : null;
    pair(k, "Hours", num(hours, 0));
    pair(k, "Load energy", mwh(L.energy_mwh), ok(L.mean_mw) ? "mean " + mw(L.mean_mw) : null);
    pair(k, "Renewable supply", mwh(S.energy_mwh), ok(S.peak_mw) ? "peak " + mw(S.peak_mw) : null);
    var ms = d.methods || [];
    var none = ms.filter(function (m) { return m.id === "none"; })[0] ||
               ms.filter(function (m) { return m.family === "baseline"; })[0];
    pair(k, "Coverage, renewables only", pct(none && none.coverage));
    var b = best(ms);
    pair(k, "Best coverage", pct(b && b.coverage), b ? b.name || b.id : null);
    var bt = d.battery_247 || {};
    var c = ok(bt.compat_mwh) ? num(bt.compat_mwh, 1) : "\u2014";
    var x = ok(bt.exact_mwh) ? num(bt.exact_mwh, 1) : "\u2014";
    pair(k, "24/7 battery", ok(bt.compat_mwh) || ok(bt.exact_mwh) ? c + " \u00b7 " + x + " MWh" : "\u2014",
         ok(bt.compat_mwh) || ok(bt.exact_mwh) ? "CarbonExplorer's \u00b7 exact" : "not computed");
  }

  /* ---------- time charts ---------- */
  function times(h, n) {
    var x = new Array(n);
    if (Array.isArray(h.t_s) && h.t_s.length >= n) {
      for (var i = 0; i < n; i++) x[i] = h.t_s[i];
      return x;
    }
    var t0 = Date.parse(h.start);
    if (!isFinite(t0)) throw new Error("hourly.start is not a time: " + h.start);
    var step = ok(h.step_s) && h.step_s > 0 ? h.step_s : 3600;
    for (var k = 0; k < n; k++) x[k] = t0 / 1000 + k * step;
    return x;
  }

  function tzDate(ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); }
  function timeValue(u, ts) {
    if (ts == null) return "\u2014";
    var t = new Date(ts * 1e3);
    return t.getUTCFullYear() + "-" + pad2(t.getUTCMonth() + 1) + "-" + pad2(t.getUTCDate()) + " " +
      pad2(t.getUTCHours()) + ":" + pad2(t.getUTCMinutes()) + " UTC";
  }
  function axisNum(u, vals) {
    return vals.map(function (v) { return v == null ? "" : v.toLocaleString("en-US", { maximumFractionDigits: 3 }); });
  }
  function width(box) { return Math.max(320, Math.floor(box.getBoundingClientRect().width)); }

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

  /* a time chart in box (replacing the one there); keeps the x range of the others */
  function timeChart(box, slot, series, data, yLabel, yRange) {
    var old = timeCharts[slot], range = null;
    timeCharts.forEach(function (o) { if (o && !range) range = { min: o.scales.x.min, max: o.scales.x.max }; });
    if (old) old.destroy();
    box.textContent = "";
    var opts = {
      width: width(box), height: 320, tzDate: tzDate,
      cursor: { sync: { key: "gs-supply" }, drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, y: { range: yRange } },
      legend: { live: true },
      series: [{ label: "time (UTC)", value: timeValue }].concat(series),
      axes: [
        { size: 44, font: FONT, labelFont: LFONT },
        { label: yLabel, labelSize: 22, size: 62, values: axisNum, font: FONT, labelFont: LFONT }
      ],
      hooks: { setScale: [onSetScale] }
    };
    var u = new uPlot(opts, data, box);
    timeCharts[slot] = u;
    if (range && range.min != null && range.max != null) u.setScale("x", range);
    box.dataset.chartReady = "1";
    return u;
  }

  function yFromZero(u, min, max) { return [Math.min(0, ok(min) ? min : 0), ok(max) && max > 0 ? max * 1.05 : 1]; }

  function select(id, options, chosen, onChange) {
    var s = document.getElementById(id);
    s.textContent = "";
    options.forEach(function (o) {
      var op = el("option", null, o.label);
      op.value = o.value;
      if (o.value === chosen) op.selected = true;
      s.appendChild(op);
    });
    s.addEventListener("change", function () { onChange(s.value); });
    return s;
  }

  function noData(box, text) {
    box.textContent = "";
    box.appendChild(el("p", "note", text));
  }

  function charts(d) {
    var h = d.hourly, ms = d.methods || [];
    var bal = document.getElementById("balance"), soc = document.getElementById("soc");
    var n = h && ok(h.n) ? Math.max(0, Math.floor(h.n)) : 0;
    if (!h || !n) {
      noData(bal, "No hourly figures in this report: hourly.csv holds them.");
      noData(soc, "No hourly figures in this report: hourly.csv holds them.");
      document.getElementById("balance-method").disabled = true;
      document.getElementById("soc-method").disabled = true;
      document.getElementById("reset-zoom").disabled = true;
      return;
    }
    var x = times(h, n);
    X0 = x[0];
    X1 = x[n - 1] > x[0] ? x[n - 1] : x[0] + 1;
    var ren = col(h.ren_mw, n), load = col(h.load_mw, n);
    var hm = h.methods || {};
    var byId = {};
    ms.forEach(function (m) { byId[m.id] = m; });

    /* chart 1: supply against load, with a chosen method */
    var withHourly = ms.filter(function (m) {
      var q = hm[m.id];
      return q && (hasValues(q.load_mw) || hasValues(q.grid_mw));
    });
    var firstBal = best(withHourly, function (m) { return hasValues(hm[m.id].load_mw); }) || best(withHourly) ||
      withHourly[0];
    var balOpts = [{ value: "", label: "none (supply and load only)" }].concat(withHourly.map(function (m) {
      return { value: m.id, label: (m.name || m.id) + " \u00b7 " + pct(m.coverage) };
    }));
    function drawBalance(id) {
      var m = byId[id], q = m ? hm[id] : null;
      var series = [
        { label: "renewables", stroke: C.ren, fill: C.renFill, width: 1, value: function (u, v) { return mw(v); } },
        { label: "load", stroke: C.load, width: 1.5, value: function (u, v) { return mw(v); } }
      ];
      var data = [x, ren, load];
      if (q && hasValues(q.load_mw)) {
        series.push({ label: "load after shifting (" + (m.name || m.id) + ")", stroke: family(m.family).color,
                      width: 1.5, dash: [5, 3], value: function (u, v) { return mw(v); } });
        data.push(col(q.load_mw, n));
      }
      if (q && hasValues(q.grid_mw)) {
        series.push({ label: "from the grid (" + (m.name || m.id) + ")", stroke: C.grid, fill: C.gridFill, width: 1,
                      value: function (u, v) { return mw(v); } });
        data.push(col(q.grid_mw, n));
      }
      timeChart(bal, 0, series, data, "MW", yFromZero);
    }
    select("balance-method", balOpts, firstBal ? firstBal.id : "", drawBalance);
    drawBalance(firstBal ? firstBal.id : "");

    /* chart 2: battery state of charge */
    var withSoc = ms.filter(function (m) { return hm[m.id] && hasValues(hm[m.id].soc_mwh); });
    var sub = document.getElementById("soc-sub");
    if (!withSoc.length) {
      document.getElementById("soc-method").disabled = true;
      noData(soc, "No method of this run has a battery with an hourly state (a battery of 0 MWh, or none asked for).");
    } else {
      var drawSoc = function (id) {
        var m = byId[id];
        if (!m) return;
        var s = col(hm[id].soc_mwh, n), cap = ok(m.battery_mwh) ? m.battery_mwh : null;
        var series = [{ label: "state of charge (" + (m.name || m.id) + ")", stroke: family(m.family).color,
                        fill: family(m.family).color + "33", width: 1, value: function (u, v) { return ok(v) ? num(v, 1) + " MWh" : "\u2014"; } }];
        var data = [x, s];
        if (cap != null) {
          var capLine = new Array(n);
          for (var i = 0; i < n; i++) capLine[i] = cap;
          series.push({ label: "capacity", stroke: "#5f6b7a", width: 1, dash: [6, 4], points: { show: false },
                        value: function () { return num(cap, 1) + " MWh"; } });
          data.push(capLine);
        }
        var full = 0, empty = 0, cnt = 0;
        for (var j = 0; j < n; j++) {
          if (s[j] == null) continue;
          cnt++;
          if (cap != null && s[j] >= cap * 0.999) full++;
          if (s[j] <= (cap || 1) * 0.001) empty++;
        }
        sub.textContent = "Energy in the battery at the end of each hour, in MWh" +
          (cap != null ? "; the dashed line is its capacity (" + num(cap, 1) + " MWh)" : "") + ". " +
          (cnt ? "Full " + pct(full / cnt, 1) + " of the hours, empty " + pct(empty / cnt, 1) + "." : "");
        timeChart(soc, 1, series, data, "MWh", yFromZero);
      };
      var firstSoc = best(withSoc) || withSoc[0];
      select("soc-method", withSoc.map(function (m) {
        return { value: m.id, label: (m.name || m.id) + " \u00b7 " + pct(m.coverage) };
      }), firstSoc.id, drawSoc);
      drawSoc(firstSoc.id);
    }

    document.getElementById("reset-zoom").addEventListener("click", resetZoom);
    [bal, soc].forEach(function (b) { b.addEventListener("dblclick", resetZoom); });
  }

  function resetZoom() {
    timeCharts.forEach(function (u) { if (u) u.setScale("x", { min: X0, max: X1 }); });
  }

  /* ---------- coverage bars ---------- */
  function niceFloor(ms) {
    var lo = 1;
    ms.forEach(function (m) { if (ok(m.coverage)) lo = Math.min(lo, m.coverage); });
    lo = Math.max(0, lo) * 100;
    if (lo < 50) return { floor: 0, step: 10 };
    var f = lo - Math.max((100 - lo) * 0.25, 0.05);
    var steps = [0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20];
    for (var i = 0; i < steps.length; i++) {
      var fl = Math.floor(f / steps[i]) * steps[i];
      if ((100 - fl) / steps[i] <= 8) return { floor: Math.max(0, fl), step: steps[i] };
    }
    return { floor: 0, step: 10 };
  }

  function coverage(d) {
    var ms = (d.methods || []).slice(), box = document.getElementById("coverage");
    var zero = document.getElementById("coverage-zero");
    var leg = document.getElementById("coverage-legend");
    var gs = groups(ms);
    gs.forEach(function (g) {
      var s = el("span"), i = el("i");
      i.style.background = family(g.family).color;
      s.appendChild(i);
      s.appendChild(document.createTextNode(famLabel(g.family)));
      leg.appendChild(s);
    });
    if (!ms.length) { noData(box, "No method in this run."); zero.disabled = true; return; }
    var nice = niceFloor(ms);
    if (nice.floor === 0) { zero.checked = true; zero.disabled = true; }
    var top = best(ms);
    var sub = document.getElementById("coverage-sub");
    var baseSub = sub.textContent;

    function draw() {
      var axis = zero.checked ? { floor: 0, step: 10 } : nice;
      sub.textContent = baseSub + (axis.floor > 0 ? " The axis starts at " + num(axis.floor, axis.step < 1 ? 2 : 0) +
                                   " % to show the differences; tick the box for 0 %." : "");
      box.textContent = "";
      var rowH = 30, headH = 28, padT = 8, axisH = 26;
      var H = padT + gs.length * headH + ms.length * rowH + axisH;
      var W = Math.max(600, Math.floor(box.getBoundingClientRect().width) || 1200);
      var c = document.createElement("canvas"), dpr = window.devicePixelRatio || 1;
      c.width = W * dpr; c.height = H * dpr;
      c.style.width = W + "px"; c.style.height = H + "px";
      c.setAttribute("role", "img");
      c.setAttribute("aria-label", "Coverage of each method: " + ms.map(function (m) {
        return (m.name || m.id) + " " + pct(m.coverage);
      }).join("; "));
      box.appendChild(c);
      var g = c.getContext("2d");
      g.scale(dpr, dpr);
      g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
      g.font = "13px system-ui, sans-serif";
      var labW = 0;
      ms.forEach(function (m) { labW = Math.max(labW, g.measureText(m.name || m.id || "").width); });
      labW += 28;
      g.font = LFONT;
      gs.forEach(function (grp) { labW = Math.max(labW, g.measureText(famLabel(grp.family).toUpperCase()).width + 16); });
      labW = Math.min(Math.ceil(labW), Math.floor(W * 0.36));
      var right = 230, x0 = labW, x1 = W - right;
      function X(p) { return x0 + (Math.max(axis.floor, Math.min(100, p)) - axis.floor) / (100 - axis.floor) * (x1 - x0); }
      var yEnd = H - axisH;
      /* grid and ticks */
      g.strokeStyle = "#e3e6eb"; g.fillStyle = "#5f6b7a"; g.font = FONT; g.textAlign = "center";
      for (var t = axis.floor; t <= 100 + 1e-9; t += axis.step) {
        var xx = Math.round(X(t)) + 0.5;
        g.beginPath(); g.moveTo(xx, padT); g.lineTo(xx, yEnd); g.stroke();
        g.fillText(num(t, axis.step < 1 ? (axis.step < 0.1 ? 2 : 1) : 0) + " %", xx, yEnd + 16);
      }
      var y = padT;
      gs.forEach(function (grp) {
        g.textAlign = "left"; g.fillStyle = "#5f6b7a"; g.font = LFONT;
        g.fillText(famLabel(grp.family).toUpperCase(), 4, y + headH - 9);
        y += headH;
        grp.methods.forEach(function (m) {
          var col2 = family(m.family).color;
          g.textAlign = "left"; g.fillStyle = "#1d2330"; g.font = "13px system-ui, sans-serif";
          var name = m.name || m.id || "";
          while (name.length > 3 && g.measureText(name).width > labW - 22) name = name.slice(0, -2);
          if (name !== (m.name || m.id || "")) name += "\u2026";
          g.fillText(name, 14, y + rowH / 2 + 4);
          var label;
          if (ok(m.coverage)) {
            var p = 100 * m.coverage, xe = X(p);
            g.fillStyle = col2;
            g.fillRect(x0, y + 5, Math.max(1, xe - x0), rowH - 10);
            label = pct(m.coverage) + (ok(m.grid_mwh) ? "  \u00b7  grid " + num(m.grid_mwh, 0) + " MWh" : "");
            g.font = (m === top ? "600 " : "") + "13px system-ui, sans-serif";
            g.fillStyle = "#1d2330";
            g.fillText(label, xe + 8, y + rowH / 2 + 4);
          } else {
            g.fillStyle = "#5f6b7a";
            g.fillText("coverage unknown", x0 + 8, y + rowH / 2 + 4);
          }
          y += rowH;
        });
      });
      g.strokeStyle = "#1d2330";
      g.beginPath(); g.moveTo(x0 + 0.5, padT); g.lineTo(x0 + 0.5, yEnd); g.stroke();
      box.dataset.chartReady = "1";
      box.dataset.axisFloor = String(axis.floor);
    }
    zero.addEventListener("change", draw);
    draw();
    return draw;
  }

  /* ---------- tables ---------- */
  function methodsTable(d) {
    var ms = d.methods || [], t = document.getElementById("methods-table");
    var none = ms.filter(function (m) { return m.id === "none"; })[0];
    var top = best(ms);
    var hr = el("tr");
    [["Method"], ["Coverage", "%", 1], ["Gain", "points over renewables only", 1], ["From the grid", "MWh", 1],
     ["Emissions", "t CO\u2082", 1], ["Battery", "MWh", 1], ["Flexible load", "%", 1], ["How it was computed"]]
      .forEach(function (h) {
        var th = el("th", h[2] ? "num" : null, h[0]);
        th.scope = "col";
        if (h[1]) { th.appendChild(el("br")); th.appendChild(el("span", "unit", h[1])); }
        hr.appendChild(th);
      });
    t.tHead.appendChild(hr);
    var body = t.tBodies[0];
    groups(ms).forEach(function (g) {
      var gr = el("tr", "group"), gh = el("th", null, famLabel(g.family));
      gh.colSpan = 8;
      gr.appendChild(gh);
      body.appendChild(gr);
      g.methods.forEach(function (m) {
        var tr = el("tr", m === top ? "best method" : "method");
        tr.dataset.id = m.id || "";
        var th = el("th");
        th.scope = "row";
        var sw = el("span", "swatch");
        sw.style.background = family(m.family).color;
        th.appendChild(sw);
        th.appendChild(document.createTextNode(m.name || m.id || "\u2014"));
        tr.appendChild(th);
        var gain = none && ok(none.coverage) && ok(m.coverage) && m !== none ? 100 * (m.coverage - none.coverage) : null;
        [pct(m.coverage, 2).replace(" %", ""), gain == null ? "\u2014" : (gain >= 0 ? "+" : "") + num(gain, 2),
         num(m.grid_mwh, 1), num(m.emissions_t, 1), num(m.battery_mwh, 1), num(m.flexible_pct, 1)]
          .forEach(function (v) { tr.appendChild(el("td", "num", v)); });
        tr.appendChild(el("td", "note-cell", m.note || ""));
        body.appendChild(tr);
      });
    });
    if (!ms.length) {
      var r = el("tr"), td = el("td", null, "No method in this run.");
      td.colSpan = 8;
      r.appendChild(td);
      body.appendChild(r);
    }

    var p = d.params || {}, L = d.load || {}, S = d.supply || {}, b = d.battery_247 || {};
    var dl = document.getElementById("params");
    function def(k, v) {
      var w = el("div");
      w.appendChild(el("dt", null, k));
      w.appendChild(el("dd", null, v));
      dl.appendChild(w);
    }
    def("Battery", num(p.battery_mwh, 1) + " MWh, rate limit " + num(p.rate, 2) + " (CarbonExplorer's), simulated " +
        num(p.steps_per_hour, 0) + " steps an hour");
    def("Efficiencies", "charging " + num(p.eff_charge, 2) + ", discharging " + num(p.eff_discharge, 2) +
        " (CarbonExplorer's convention: energy out of the battery per MWh delivered)");
    def("Flexible load", num(p.flexible_pct, 1) + " % of each hour's load, moved within a day; capacity limit " + mw(p.max_capacity_mw));
    def("Load", mwh(L.energy_mwh) + ", peak " + mw(L.peak_mw) +
        (ok(L.training_mwh) ? "; training " + mwh(L.training_mwh) + ", inference " + mwh(L.inference_mwh) : ""));
    def("Supply", mwh(S.energy_mwh) + ", peak " + mw(S.peak_mw) +
        (ok(S.wind_mwh) || ok(S.solar_mwh) ? "; wind " + mwh(S.wind_mwh) + ", solar " + mwh(S.solar_mwh) : ""));
    def("24/7 battery", "CarbonExplorer's " + (ok(b.compat_mwh) ? num(b.compat_mwh, 1) + " MWh" : "\u2014") + ", exact " +
        (ok(b.exact_mwh) ? num(b.exact_mwh, 1) + " MWh" : "\u2014") + (b.note ? ": " + b.note : ""));
  }

  function warnings(d) {
    var ul = document.getElementById("warnings"), w = Array.isArray(d.warnings) ? d.warnings : [];
    w.forEach(function (s) { ul.appendChild(el("li", null, s)); });
    if (!w.length) ul.appendChild(el("li", "none", "No warnings."));
  }

  function main() {
    var d = JSON.parse(document.getElementById("gs-data").textContent);
    if (!d || typeof d !== "object") throw new Error("the data block is not a JSON object");
    header(d);
    charts(d);
    var redraw = coverage(d);
    methodsTable(d);
    warnings(d);
    if (typeof ResizeObserver === "function") {
      var lastW = {};
      var ro = new ResizeObserver(function () {
        timeCharts.forEach(function (u) {
          if (!u) return;
          var w = width(u.root.parentNode);
          if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height: u.height });
        });
        var cb = document.getElementById("coverage"), cw = Math.floor(cb.getBoundingClientRect().width);
        if (redraw && lastW.c != null && Math.abs(cw - lastW.c) > 2) redraw();
        lastW.c = cw;
      });
      ro.observe(document.querySelector("main"));
    }
    window.gsSupply = { timeCharts: timeCharts, resetZoom: resetZoom };
  }

  try {
    main();
    document.body.dataset.gsReady = "1";
  } catch (e) {
    var box = document.getElementById("gs-error");
    box.hidden = false;
    box.textContent = "The report failed to draw: " + (e && e.message ? e.message : e);
    document.body.dataset.gsError = String(e && e.message || e);
  }
})();
