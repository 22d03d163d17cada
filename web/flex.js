/* flex.js: draws the `gridsplit flex` report from the inline JSON block #gs-data: KPIs, the
 * revenue stack per cluster and product (canvas), the hourly curtailment timeline (uPlot, inlined
 * before this script), the two mistakes and the tables. Strings from the data go in with
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
  function table(id, head, rows) {
    var t = document.getElementById(id);
    var tr = el("tr");
    head.forEach(function (h, i) { tr.appendChild(el("th", i < 2 ? "l" : null, h)); });
    t.tHead.appendChild(tr);
    rows.forEach(function (r) {
      var row = el("tr");
      r.forEach(function (c, i) {
        var td = el("td", i < 2 ? "l" : null, c == null ? "\u2014" : c);
        row.appendChild(td);
      });
      t.tBodies[0].appendChild(row);
    });
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

  /* stacked bars: each bar a list of {key, value}; positives stack up, negatives down */
  function bars(box, labels, stacks, nets) {
    var k = canvasFor(box, 340), g = k.g, W = k.w, H = k.h;
    var left = 70, right = 10, top = 14, bottom = 90;
    var max = 0, min = 0;
    stacks.forEach(function (s) {
      var p = 0, n = 0;
      s.forEach(function (x) { if (x.value > 0) p += x.value; else n += x.value; });
      max = Math.max(max, p); min = Math.min(min, n);
    });
    if (max === min) { max = 1; }
    var span = max - min, ph = H - top - bottom;
    function y(v) { return top + (max - v) / span * ph; }
    g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
    g.strokeStyle = "#e3e6eb"; g.fillStyle = "#5f6b7a"; g.font = "11px system-ui, sans-serif";
    for (var i = 0; i <= 4; i++) {
      var v = min + span * i / 4;
      g.beginPath(); g.moveTo(left, y(v)); g.lineTo(W - right, y(v)); g.stroke();
      g.fillText(usd(v), 4, y(v) + 4);
    }
    var n = labels.length, bw = Math.min(60, (W - left - right) / Math.max(1, n) * 0.6);
    labels.forEach(function (lab, i) {
      var cx = left + (i + 0.5) * (W - left - right) / n;
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
      g.save(); g.translate(cx, H - bottom + 8); g.rotate(Math.PI / 5);
      g.fillStyle = "#1d2330"; g.fillText(lab, 0, 0); g.restore();
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
         rows.map(function (r) { return r.cluster + " \u00b7 " + r.product + (r.currency !== "USD" ? " (" + r.currency + ")" : ""); }),
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
         mb.rows.map(function (r) { return r.cluster; }),
         mb.rows.map(function (r) { return [{ key: "availability", value: r.flexible_revenue_usd || 0 }, { key: "cost", value: -(r.flexible_cost_usd || 0) }]; }),
         mb.rows.map(function (r) { return r.left_on_table_usd || 0; }));
    table("mb-table", ["cluster", "", "flexible revenue", "flexible cost", "flexible net", "must-run net", "left on the table", "MW-h delivered in grid events"],
          mb.rows.map(function (r) { return [r.cluster, "", usd(r.flexible_revenue_usd), usd(r.flexible_cost_usd), usd(r.flexible_net_usd),
                                             usd(r.mustrun_net_usd), usd(r.left_on_table_usd), num(r.delivered_in_events_mw_h, 1)]; }));

    /* mistake (a) */
    var ma = d.mistakes.inference_offered_like_training;
    document.getElementById("ma-sub").textContent = ma.what;
    if (!ma.rows.length) document.getElementById("ma-sub").textContent += ". No inference cluster sits in a zone with a reserve product in this run.";
    table("ma-table", ["cluster \u00b7 product", "why it is refused", "MW-h offered", "availability", "deployments", "requests lost", "value lost", "penalty if not shed", "net"],
          ma.rows.map(function (r) { return [r.cluster + " \u00b7 " + r.product, r.refused_because, num(r.offered_mw_h, 0),
                                             r.availability_usd == null ? "not priced" : usd(r.availability_usd), r.deployments,
                                             num(r.requests_lost, 0), usd(r.revenue_lost_usd),
                                             r.penalty_if_not_delivered_usd == null ? "not priced" : usd(r.penalty_if_not_delivered_usd),
                                             r.net_usd == null ? "\u2014" : usd(r.net_usd)]; }));

    table("rows-table", ["cluster", "product", "revenue", "availability", "energy", "avoided", "curtailment cost", "penalty", "net", "MW-h offered", "hours curtailed", "MWh shed", "excluded h"],
          d.rows.map(function (r) { return [r.cluster, r.product, usd(r.revenue_usd), usd(r.availability_usd), usd(r.energy_usd), usd(r.avoided_usd),
                                            usd(r.curtailment_cost_usd), usd(r.penalty_usd), usd(r.net_usd), num(r.offered_mw_h, 0),
                                            num(r.hours_curtailed, 2), num(r.mwh_shed, 1), num(r.excluded_price_h, 0)]; }));
    table("events-table", ["event", "type \u00b7 scope", "start", "product", "target MW", "achieved MW", "shortfall MW", "MWh shed", "cost", "value", "levers"],
          d.events.map(function (e) { return [e.id, e.type + " \u00b7 " + e.scope, e.start, e.product, num(e.target_mw, 1), num(e.achieved_mw, 1),
                                              num(e.shortfall_mw, 1), num(e.mwh_shed, 1), usd(e.cost_usd), usd(e.value_usd), e.levers || e.note]; }));
    var ul = document.getElementById("excl");
    d.excluded.forEach(function (x) { ul.appendChild(el("li", null, x.why)); });
    document.body.dataset.gsReady = "1";
  }
  try { main(); } catch (e) {
    document.body.dataset.gsError = String(e && e.message || e);
    var box = document.getElementById("gs-error"); box.hidden = false; box.textContent = "The report failed to draw: " + e;
  }
})();
