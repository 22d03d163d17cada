/* flex.js: draws the `gridsplit flex` report from the inline JSON block #gs-data: KPIs, the
 * run's warnings, the revenue stack per cluster and product (canvas: y ticks at round steps of
 * 1, 2 or 5 x 10^n, listed in the canvas's data-ticks; x labels on two lines, or slanted with
 * the margins they need, never cut), the hourly curtailment timeline (uPlot, inlined before this
 * script), the two mistakes and the tables (long text, an event's note or a refusal, on a row of
 * its own under its line, so the tables fit a 1400 px window). Strings from the data go in with
 * textContent, never as HTML. Sets body[data-gs-ready] when done, body[data-gs-error] on failure. */
(function () {
  "use strict";
  var COLORS = { availability: "#2f6db5", energy: "#5fa8d3", avoided: "#7b5ea7", cost: "#c0392b", penalty: "#8e2418" };
  var SITE_COLORS = ["#2f6db5", "#e5792a", "#2e8b57", "#7b5ea7", "#c0392b", "#17a2b8", "#8c6d31", "#555"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }
  function usd(v) {
    if (v == null || !isFinite(v)) return "\u2014";
    var a = Math.abs(v), s = v < 0 ? "-" : "";
    if (a >= 1e6) return s + "$" + (a / 1e6).toFixed(2) + "M";
    if (a >= 1e3) return s + "$" + (a / 1e3).toFixed(1) + "k";
    return s + "$" + a.toFixed(0);
  }
  function num(v, d) {
    if (v == null || !isFinite(v)) return "\u2014";
    return v.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  /* head: column titles; kinds: one letter a column, "i" an id (left, on one line), "t" text
   * (left, may wrap), "n" a number (right, one line); rows: arrays of cells, a cell text or
   * [lines, second line in grey] with lines a text or a list of texts (one a line: the parts of
   * a merged event id); notes[i]: text on a row of its own under row i (spanning the table) */
  function table(id, head, kinds, rows, notes) {
    var t = document.getElementById(id);
    var cls = function (i) { var k = kinds.charAt(i); return k === "i" ? "l id" : k === "t" ? "l" : null; };
    var tr = el("tr");
    head.forEach(function (h, i) { tr.appendChild(el("th", cls(i) ? "l" : null, h)); });
    t.tHead.appendChild(tr);
    rows.forEach(function (r, k) {
      var row = el("tr");
      var note = notes && notes[k];
      if (note) row.className = "has-note";
      r.forEach(function (c, i) {
        var td = el("td", cls(i));
        var main = Array.isArray(c) ? c[0] : c;
        (Array.isArray(main) ? main : [main]).forEach(function (m, j) {
          if (j) td.appendChild(el("br"));
          td.appendChild(document.createTextNode(m == null ? "\u2014" : String(m)));
        });
        if (Array.isArray(c) && c[1]) { td.appendChild(el("br")); td.appendChild(el("span", "sub2", c[1])); }
        row.appendChild(td);
      });
      t.tBodies[0].appendChild(row);
      if (note) {
        var nr = el("tr", "note-row"), td = el("td", "l", note);
        td.colSpan = head.length;
        nr.appendChild(td);
        t.tBodies[0].appendChild(nr);
      }
    });
  }
  /* an event id, merged ones ("A+B") one part a line */
  function idLines(id) {
    var p = String(id).split("+");
    return p.map(function (x, i) { return i < p.length - 1 ? x + "+" : x; });
  }
  /* "2023-06-20T21:00:00Z" -> "2023-06-20 21:00"; a span of seconds -> "2 h", "45 min" */
  function when(iso) { return iso ? iso.slice(0, 10) + " " + iso.slice(11, 16) : null; }
  function span(a, b) {
    var s = (Date.parse(b) - Date.parse(a)) / 1000;
    if (!isFinite(s)) return null;
    if (s >= 3600 && s % 3600 === 0) return (s / 3600) + " h";
    if (s >= 3600) return (s / 3600).toFixed(1) + " h";
    return Math.round(s / 60) + " min";
  }

  /* A round step for about n ticks over span: 1, 2 or 5 x 10^k. */
  function niceStep(range, n) {
    if (!(range > 0)) return 1;
    var raw = range / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  }
  /* A tick label: every tick in the unit of the largest (M, k or none), with as many decimals
   * as the step needs. */
  function tickLabel(v, step, top) {
    if (v === 0) return "$0";
    var div = top >= 1e6 ? 1e6 : top >= 1e3 ? 1e3 : 1, unit = div === 1e6 ? "M" : div === 1e3 ? "k" : "";
    var d = Math.max(0, Math.ceil(-Math.log10(step / div) - 1e-9));
    var x = Math.abs(v) / div;
    return (v < 0 ? "-" : "") + "$" + x.toFixed(d) + unit;
  }
  function canvasFor(box, h) {
    var c = document.createElement("canvas");
    var w = Math.max(600, box.clientWidth || 1200);
    var dpr = window.devicePixelRatio || 1;
    c.width = w * dpr; c.height = h * dpr;
    c.style.width = w + "px"; c.style.height = h + "px";
    box.appendChild(c);
    var g = c.getContext("2d");
    g.scale(dpr, dpr);
    return { c: c, g: g, w: w, h: h };
  }

  /* stacked bars: each bar a list of {key, value}; positives stack up, negatives down. labels:
   * one per bar, each [first line, second line] (or a string). The y axis runs between round
   * ticks (niceStep); the x labels go on two lines under their bar when they fit its slot, else
   * slanted, with the bottom and left margins they need. */
  function bars(box, labels, stacks, nets) {
    var W0 = Math.max(600, box.clientWidth || 1200);
    var meas = document.createElement("canvas").getContext("2d");
    var FONT = "11px system-ui, sans-serif";
    meas.font = FONT;
    var lines = labels.map(function (l) { return Array.isArray(l) ? l.filter(function (x) { return x; }) : [String(l)]; });
    var widest = 0;
    lines.forEach(function (ls) { ls.forEach(function (t) { widest = Math.max(widest, meas.measureText(t).width); }); });
    var max = 0, min = 0;
    stacks.forEach(function (s, i) {
      var p = 0, n = 0;
      s.forEach(function (x) { if (x.value > 0) p += x.value; else n += x.value; });
      max = Math.max(max, p); min = Math.min(min, n);
      if (nets) { max = Math.max(max, nets[i]); min = Math.min(min, nets[i]); }
    });
    if (max === min) { max = 1; }
    var step = niceStep(max - min, 5);
    var lo = Math.floor(min / step + 1e-9) * step, hi = Math.ceil(max / step - 1e-9) * step;
    if (hi <= lo) hi = lo + step;
    var ticks = [];
    for (var q = Math.round(lo / step); q <= Math.round(hi / step); q++) ticks.push(q * step === 0 ? 0 : q * step);
    var top_ = Math.max(Math.abs(lo), Math.abs(hi));
    meas.font = FONT;
    var tickW = 0;
    ticks.forEach(function (v) { tickW = Math.max(tickW, meas.measureText(tickLabel(v, step, top_)).width); });
    var n = labels.length, right = 10, left = Math.ceil(tickW) + 12;
    var slot = (W0 - left - right) / Math.max(1, n);
    var flat = widest <= slot - 6, ANG = Math.PI / 4, lh = 13;
    var bottom = flat ? 8 + lh * 2 + 4 : Math.ceil(8 + widest * Math.sin(ANG) + lh * 2 * Math.cos(ANG)) + 6;
    if (!flat) left = Math.max(left, Math.ceil(widest * Math.cos(ANG) - slot / 2) + 4);
    slot = (W0 - left - right) / Math.max(1, n);
    var plotH = 250, k = canvasFor(box, plotH + 14 + bottom), g = k.g, W = k.w, H = k.h;
    k.c.dataset.ticks = JSON.stringify(ticks);
    k.c.dataset.step = String(step);
    var top = 14, ph = H - top - bottom, yspan = hi - lo;
    function y(v) { return top + (hi - v) / yspan * ph; }
    g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
    g.strokeStyle = "#e3e6eb"; g.fillStyle = "#5f6b7a"; g.font = FONT;
    g.textAlign = "right";
    ticks.forEach(function (v) {
      g.beginPath(); g.moveTo(left, y(v)); g.lineTo(W - right, y(v)); g.stroke();
      g.fillText(tickLabel(v, step, top_), left - 6, y(v) + 4);
    });
    g.textAlign = "left";
    var bw = Math.min(60, slot * 0.6);
    labels.forEach(function (lab, i) {
      var cx = left + (i + 0.5) * slot;
      var up = 0, dn = 0;
      stacks[i].forEach(function (x) {
        if (!x.value) return;
        g.fillStyle = COLORS[x.key];
        if (x.value > 0) { g.fillRect(cx - bw / 2, y(up + x.value), bw, y(up) - y(up + x.value)); up += x.value; }
        else { g.fillRect(cx - bw / 2, y(dn), bw, y(dn + x.value) - y(dn)); dn += x.value; }
      });
      if (nets) {
        g.fillStyle = "#1d2330"; g.beginPath(); g.arc(cx, y(nets[i]), 4, 0, 2 * Math.PI); g.fill();
      }
      g.fillStyle = "#1d2330";
      if (flat) {
        g.textAlign = "center";
        lines[i].forEach(function (t, j) { g.fillText(t, cx, H - bottom + 8 + 10 + j * lh); });
        g.textAlign = "left";
      } else {
        /* slanted up to the bar: the text ends under it */
        g.save(); g.translate(cx, H - bottom + 8); g.rotate(-ANG); g.textAlign = "right";
        lines[i].forEach(function (t, j) { g.fillText(t, 0, 9 + j * lh); });
        g.restore();
      }
    });
    g.strokeStyle = "#1d2330"; g.beginPath(); g.moveTo(left, y(0)); g.lineTo(W - right, y(0)); g.stroke();
  }

  function legend(id, keys) {
    var l = document.getElementById(id);
    keys.forEach(function (k) {
      var s = el("span"); var i = el("i"); i.style.background = COLORS[k]; s.appendChild(i);
      s.appendChild(document.createTextNode(k)); l.appendChild(s);
    });
  }

  function main() {
    var d = JSON.parse(document.getElementById("gs-data").textContent);
    var t = d.totals;
    var kp = document.getElementById("kpis");
    [["period", d.period.from.slice(0, 10) + " \u2192 " + d.period.to.slice(0, 10)], ["policy", d.policy],
     ["revenue", usd(t.revenue_usd)], ["curtailment cost", usd(t.curtailment_cost_usd + t.penalty_usd)],
     ["net", usd(t.net_usd)], ["MWh shed", num(t.mwh_shed, 1)], ["hours curtailed", num(t.hours_curtailed, 1)],
     ["events", t.events]].forEach(function (p) {
      var w = el("div"); w.appendChild(el("dt", null, p[0])); w.appendChild(el("dd", null, p[1])); kp.appendChild(w);
    });

    /* revenue stack: rows with anything */
    var rows = d.rows.filter(function (r) { return r.revenue_usd || r.curtailment_cost_usd || r.penalty_usd; });
    if (!rows.length) rows = d.rows.slice(0, 12);
    bars(document.getElementById("stack"),
         rows.map(function (r) { return [r.cluster, r.product + (r.currency && r.currency !== "USD" ? " (" + r.currency + ")" : "")]; }),
         rows.map(function (r) {
           return [{ key: "availability", value: r.availability_usd || 0 }, { key: "energy", value: r.energy_usd || 0 },
                   { key: "avoided", value: r.avoided_usd || 0 }, { key: "cost", value: -(r.curtailment_cost_usd || 0) },
                   { key: "penalty", value: -(r.penalty_usd || 0) }];
         }), rows.map(function (r) { return r.net_usd || 0; }));
    legend("stack-legend", ["availability", "energy", "avoided", "cost", "penalty"]);

    /* timeline */
    var tl = d.timeline, box = document.getElementById("timeline");
    if (!tl || !tl.sites.length) {
      box.appendChild(el("p", "note", "Nothing was curtailed or sold in the period."));
    } else {
      var n = tl.sites[0].curtailed_mw.length, xs = new Array(n);
      for (var i = 0; i < n; i++) xs[i] = tl.start_s + i * tl.step_s;
      var data = [xs], series = [{}];
      tl.sites.forEach(function (s, k) {
        var col = SITE_COLORS[k % SITE_COLORS.length];
        data.push(s.curtailed_mw); series.push({ label: s.site + " curtailed MW", stroke: col, width: 1.5, fill: col + "55" });
        data.push(s.reserved_mw); series.push({ label: s.site + " reserve MW", stroke: col, width: 1, dash: [4, 4] });
      });
      new uPlot({ width: Math.max(600, box.clientWidth || 1200), height: 320, series: series,
                  axes: [{}, { label: "MW" }], scales: { x: { time: true } } }, data, box);
    }

    /* mistake (b) */
    var mb = d.mistakes.training_must_run;
    document.getElementById("mb-sub").textContent = mb.what;
    bars(document.getElementById("mb-chart"),
         mb.rows.map(function (r) { return [r.cluster]; }),
         mb.rows.map(function (r) { return [{ key: "availability", value: r.flexible_revenue_usd || 0 }, { key: "cost", value: -(r.flexible_cost_usd || 0) }]; }),
         mb.rows.map(function (r) { return r.left_on_table_usd || 0; }));
    table("mb-table", ["cluster", "", "flexible revenue", "flexible cost", "flexible net", "must-run net", "left on the table", "MW-h delivered in grid events"], "iinnnnnn",
          mb.rows.map(function (r) { return [r.cluster, "", usd(r.flexible_revenue_usd), usd(r.flexible_cost_usd), usd(r.flexible_net_usd),
                                             usd(r.mustrun_net_usd), usd(r.left_on_table_usd), num(r.delivered_in_events_mw_h, 1)]; }));

    /* mistake (a) */
    var ma = d.mistakes.inference_offered_like_training;
    document.getElementById("ma-sub").textContent = ma.what;
    if (!ma.rows.length) document.getElementById("ma-sub").textContent += ". No inference cluster sits in a zone with a reserve product in this run.";
    table("ma-table", ["cluster", "product", "MW-h offered", "availability", "deployments", "requests lost", "value lost", "penalty if not shed", "net"], "iinnnnnnn",
          ma.rows.map(function (r) { return [r.cluster, r.product, num(r.offered_mw_h, 0),
                                             r.availability_usd == null ? "not priced" : usd(r.availability_usd), r.deployments,
                                             num(r.requests_lost, 0), usd(r.revenue_lost_usd),
                                             r.penalty_if_not_delivered_usd == null ? "not priced" : usd(r.penalty_if_not_delivered_usd),
                                             r.net_usd == null ? "\u2014" : usd(r.net_usd)]; }),
          ma.rows.map(function (r) { return r.refused_because ? "Refused because: " + r.refused_because : ""; }));

    table("rows-table", ["cluster", "product", "revenue", "availability", "energy", "avoided", "curtailment cost", "penalty", "net", "MW-h offered", "hours curtailed", "MWh shed", "hours unpriced"], "iinnnnnnnnnnn",
          d.rows.map(function (r) { return [r.cluster, r.product, usd(r.revenue_usd), usd(r.availability_usd), usd(r.energy_usd), usd(r.avoided_usd),
                                            usd(r.curtailment_cost_usd), usd(r.penalty_usd), usd(r.net_usd), num(r.offered_mw_h, 0),
                                            num(r.hours_curtailed, 2), num(r.mwh_shed, 1), num(r.excluded_price_h, 0)]; }));
    table("events-table", ["event", "start (UTC)", "product", "target MW", "achieved MW", "shortfall MW", "MWh shed", "cost", "value", "levers"], "iiinnnnnnt",
          d.events.map(function (e) { return [[idLines(e.id), e.type + " \u00b7 " + e.scope], [when(e.start), span(e.start, e.end)], e.product,
                                              num(e.target_mw, 1), num(e.achieved_mw, 1), num(e.shortfall_mw, 1), num(e.mwh_shed, 1),
                                              usd(e.cost_usd), usd(e.value_usd), e.levers || "\u2014"]; }),
          d.events.map(function (e) { return e.note || ""; }));
    var wl = document.getElementById("warnings");
    (d.warnings || []).forEach(function (w) { wl.appendChild(el("li", null, w)); });
    document.getElementById("warn-card").hidden = !(d.warnings && d.warnings.length);
    var ul = document.getElementById("excl");
    d.excluded.forEach(function (x) { ul.appendChild(el("li", null, x.why)); });
    document.body.dataset.gsReady = "1";
  }
  try { main(); } catch (e) {
    document.body.dataset.gsError = String(e && e.message || e);
    var box = document.getElementById("gs-error"); box.hidden = false; box.textContent = "The report failed to draw: " + e;
  }
})();
