/* underwrite.js: draws the `gridsplit underwrite` report (web/underwrite.html) from the inline
 * JSON block #gs-data (summary.json's content with every cash-flow row: src/write/
 * underwrite_out.c gs_uw_report_json): the KPIs, the cash flows of a chosen site and class year
 * by year (canvas: stacked in and out, net and its running total) with their table, NPV per
 * site and class (canvas bars and a table), the contract comparison, the tornado (canvas), the
 * spread over price years (canvas: every scenario, P10-P90, P50), time to power, the coincident
 * peaks (the shares, and each site's peak hours year by year in UTC and on the ISO's clock) and
 * the assumptions; flexibility revenue per site and price year with its source (canvas
 * and table) and, where inference earns per request, demand against what the capacity serves
 * by year (canvas, table, sources). Every string from the data goes in with textContent, never as
 * HTML; any number may be null. Each chart's canvas carries an aria-label with its figures.
 * Sets body[data-gs-ready] when done (tests wait on it), body[data-gs-error] on failure. */
(function () {
  "use strict";

  var C = { rev: "#2f6db5", flex: "#2e8b57", capex: "#5f6b7a", energy: "#e5792a", cap: "#c0392b",
            opex: "#b8c0cc", net: "#1d2330", low: "#9dbbe3", high: "#2f6db5", band: "#9dbbe3",
            dot: "#1d2330", pos: "#2f6db5", neg: "#c0392b" };
  var FONT = "11px system-ui, sans-serif", LFONT = "600 11px system-ui, sans-serif",
      TFONT = "13px system-ui, sans-serif";
  var redraws = [];

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
  function usd(v) {
    if (!ok(v)) return "\u2014";
    var a = Math.abs(v);
    if (a >= 1e9) return num(v / 1e9, 2) + " bn USD";
    if (a >= 1e6) return num(v / 1e6, 1) + " M USD";
    return num(v, 0) + " USD";
  }
  function musd(v) { return ok(v) ? num(v / 1e6, 1) : "\u2014"; }
  function pct(share, d) { return ok(share) ? num(100 * share, d == null ? 2 : d) + " %" : "\u2014"; }
  function base(p) { return p ? String(p).split(/[\\/]/).pop() : null; }
  function arr(a) { return Array.isArray(a) ? a : []; }

  function pair(dl, k, v, small) {
    var w = el("div");
    w.appendChild(el("dt", null, k));
    var dd = el("dd", null, v);
    if (small) dd.appendChild(el("small", null, small));
    w.appendChild(dd);
    dl.appendChild(w);
  }

  function irrText(m) {
    var i = m && m.irr;
    if (!i) return "\u2014";
    if (i.status === "ok") return pct(i.rate);
    if (i.status === "multiple_roots") return "several roots";
    if (i.status === "no_root") return "no root";
    if (i.status === "no_sign_change") return "no sign change";
    return "\u2014";
  }
  function payback(m) { return m && ok(m.payback_years) ? num(m.payback_years, 2) + " years" : "not reached"; }

  /* the rows of the report: every site and class present, each site's total, the deal */
  function units(d) {
    var out = [];
    arr(d.sites).forEach(function (s) {
      ["training", "inference"].forEach(function (k) {
        if (s[k]) out.push({ site: s.id, cls: k, label: s.id + " " + k, m: s[k] });
      });
      out.push({ site: s.id, cls: "total", label: s.id + " total", m: s.total, total: true });
    });
    out.push({ site: "all", cls: "total", label: "deal total", m: d.total, total: true, deal: true });
    return out;
  }

  /* ---------- header ---------- */
  function header(d) {
    var meta = document.getElementById("meta");
    pair(meta, "Deal", base(d.deal) || "\u2014");
    pair(meta, "Fleet", base(d.fleet) || "\u2014");
    pair(meta, "Horizon", ok(d.horizon_years) ? d.horizon_years + " years" : "\u2014");
    pair(meta, "Discount rate", pct(d.discount_rate, 1));
    pair(meta, "Sites", arr(d.sites).map(function (s) { return s.id; }).join(", ") || "\u2014");
    var k = document.getElementById("kpis"), t = d.total || {};
    pair(k, "Deal NPV", usd(t.npv_usd));
    pair(k, "IRR", irrText(t), t.irr ? t.irr.status : null);
    pair(k, "Payback", payback(t));
    pair(k, "Cost", ok(t.cost_usd_per_mwh) ? num(t.cost_usd_per_mwh, 2) + " USD/MWh" : "\u2014",
         ok(t.cost_usd_per_gpu_hour) ? num(t.cost_usd_per_gpu_hour, 3) + " USD/GPU-hour" : null);
    var sp = d.spread && d.spread.total && d.spread.total.npv_usd;
    pair(k, "NPV P10 \u2013 P90", sp ? usd(sp.p10) + " \u2013 " + usd(sp.p90) : "\u2014",
         d.spread ? d.spread.scenarios + " price-year scenarios" : null);
    var top = d.tornado && arr(d.tornado.bars)[0];
    pair(k, "Largest input", top ? top.input : "\u2014", top ? "swing " + usd(top.swing_usd) : null);
  }

  /* ---------- canvas helpers ---------- */
  function canvas(box, H, label) {
    box.textContent = "";
    var W = Math.max(600, Math.floor(box.getBoundingClientRect().width) || 1200);
    var c = document.createElement("canvas"), dpr = window.devicePixelRatio || 1;
    c.width = W * dpr; c.height = H * dpr;
    c.style.width = W + "px"; c.style.height = H + "px";
    c.setAttribute("role", "img");
    c.setAttribute("aria-label", label);
    box.appendChild(c);
    var g = c.getContext("2d");
    g.scale(dpr, dpr);
    g.fillStyle = "#fff"; g.fillRect(0, 0, W, H);
    return { g: g, W: W, H: H, c: c };
  }
  function empty(box, text) {
    box.textContent = "";
    box.appendChild(el("p", "empty", text));
    box.dataset.chartReady = "1";
  }
  /* a round step for an axis spanning span in about n ticks */
  function niceStep(span, n) {
    var raw = span / Math.max(1, n), p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return (m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10) * p;
  }
  function axisUsd(v, step) {
    var a = Math.abs(step);
    if (a >= 1e9) return num(v / 1e9, a >= 1e10 ? 0 : 1) + " bn";
    if (a >= 1e6) return num(v / 1e6, a >= 1e7 ? 0 : 1) + " M";
    return num(v, 0);
  }
  function clip(g, s, w) {
    s = String(s);
    if (g.measureText(s).width <= w) return s;
    while (s.length > 3 && g.measureText(s + "\u2026").width > w) s = s.slice(0, -1);
    return s + "\u2026";
  }
  /* horizontal value axis over [lo, hi] from x0 to x1: returns X(v) and draws grid lines */
  function hAxis(g, lo, hi, x0, x1, yTop, yBot) {
    if (!(hi > lo)) { hi = lo + 1; }
    var pad = (hi - lo) * 0.04;
    lo -= pad; hi += pad;
    var step = niceStep(hi - lo, 6);
    function X(v) { return x0 + (v - lo) / (hi - lo) * (x1 - x0); }
    g.strokeStyle = "#e3e6eb"; g.fillStyle = "#5f6b7a"; g.font = FONT; g.textAlign = "center";
    for (var t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
      var xx = Math.round(X(t)) + 0.5;
      g.beginPath(); g.moveTo(xx, yTop); g.lineTo(xx, yBot); g.stroke();
      g.fillText(axisUsd(t, step), xx, yBot + 14);
    }
    if (lo < 0 && hi > 0) {
      g.strokeStyle = "#1d2330";
      var z = Math.round(X(0)) + 0.5;
      g.beginPath(); g.moveTo(z, yTop); g.lineTo(z, yBot); g.stroke();
    }
    return X;
  }

  /* ---------- cash flows ---------- */
  function cashflow(d) {
    var cf = d.cashflow || {}, cols = arr(cf.columns), series = arr(cf.series);
    var idx = {};
    cols.forEach(function (c, i) { idx[c] = i; });
    function v(row, c) { var x = row[idx[c]]; return ok(x) ? x : 0; }
    function parts(row) {
      return {
        revenue: v(row, "revenue_usd"), flex: v(row, "flex_usd"),
        capex: v(row, "capex_facility_usd") + v(row, "capex_gpu_usd") + v(row, "capex_interconnect_usd"),
        energy: v(row, "energy_usd"), cap: v(row, "capacity_usd"),
        opex: v(row, "maintenance_usd") + v(row, "staff_usd") + v(row, "insurance_usd") + v(row, "tax_usd"),
        net: v(row, "net_usd")
      };
    }
    var box = document.getElementById("cashflow"), sel = document.getElementById("cashflow-series");
    var legend = document.getElementById("cashflow-legend");
    legend.textContent = "";
    [["revenue", C.rev], ["flexibility revenue", C.flex], ["capital", C.capex], ["energy", C.energy],
     ["capacity and transmission", C.cap], ["other operating costs", C.opex], ["net (dots), cumulative (line)", C.net]]
      .forEach(function (p) {
        var s = el("span"), i = el("i");
        i.style.background = p[1];
        s.appendChild(i); s.appendChild(document.createTextNode(p[0]));
        legend.appendChild(s);
      });
    if (!series.length || idx.net_usd == null) { empty(box, "No cash-flow rows in the data."); return; }
    sel.textContent = "";
    series.forEach(function (s, i) {
      var o = el("option", null, s.site === "all" ? "deal total" : s.site + " " + s["class"]);
      o.value = String(i);
      sel.appendChild(o);
    });
    sel.value = String(series.length - 1);

    function draw() {
      var s = series[+sel.value] || series[series.length - 1], rows = arr(s.rows);
      var P = rows.map(parts), cum = 0, cums = P.map(function (p) { cum += p.net; return cum; });
      var top = 0, bot = 0;
      P.forEach(function (p, i) {
        top = Math.max(top, p.revenue + p.flex, p.net, cums[i]);
        bot = Math.min(bot, -(p.capex + p.energy + p.cap + p.opex), p.net, cums[i]);
      });
      var H = 360, padL = 70, padR = 16, padT = 12, padB = 34;
      var label = (s.site === "all" ? "deal total" : s.site + " " + s["class"]) + " net by year (M USD): " +
        P.map(function (p, i) { return "year " + rows[i][0] + " " + musd(p.net); }).join("; ");
      var k = canvas(box, H, label), g = k.g;
      var x0 = padL, x1 = k.W - padR, y0 = padT, y1 = H - padB;
      if (!(top > bot)) top = bot + 1;
      var pad = (top - bot) * 0.05;
      var hi = top + pad, lo = bot - pad;
      function Y(val) { return y0 + (hi - val) / (hi - lo) * (y1 - y0); }
      var step = niceStep(hi - lo, 6);
      g.font = FONT; g.textAlign = "right"; g.fillStyle = "#5f6b7a"; g.strokeStyle = "#e3e6eb";
      for (var t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
        var yy = Math.round(Y(t)) + 0.5;
        g.beginPath(); g.moveTo(x0, yy); g.lineTo(x1, yy); g.stroke();
        g.fillText(axisUsd(t, step), x0 - 6, yy + 4);
      }
      var n = P.length, bw = (x1 - x0) / Math.max(1, n);
      P.forEach(function (p, i) {
        var cx = x0 + bw * i, w = Math.max(2, bw * 0.7), l = cx + (bw - w) / 2;
        var acc = 0;
        [["revenue", C.rev], ["flex", C.flex]].forEach(function (q) {
          var val = p[q[0]];
          if (val > 0) { g.fillStyle = q[1]; g.fillRect(l, Y(acc + val), w, Y(acc) - Y(acc + val)); acc += val; }
        });
        acc = 0;
        [["capex", C.capex], ["energy", C.energy], ["cap", C.cap], ["opex", C.opex]].forEach(function (q) {
          var val = p[q[0]];
          if (val > 0) { g.fillStyle = q[1]; g.fillRect(l, Y(acc), w, Y(acc - val) - Y(acc)); acc -= val; }
        });
        if (n <= 30 || i % 2 === 0) {
          g.fillStyle = "#5f6b7a"; g.textAlign = "center"; g.font = FONT;
          g.fillText(String(rows[i][0]), cx + bw / 2, y1 + 14);
        }
      });
      g.strokeStyle = "#1d2330"; g.beginPath();
      g.moveTo(x0, Math.round(Y(0)) + 0.5); g.lineTo(x1, Math.round(Y(0)) + 0.5); g.stroke();
      g.strokeStyle = C.net; g.lineWidth = 1.5; g.beginPath();
      cums.forEach(function (c, i) {
        var x = x0 + bw * (i + 0.5);
        if (i) g.lineTo(x, Y(c)); else g.moveTo(x, Y(c));
      });
      g.stroke(); g.lineWidth = 1;
      P.forEach(function (p, i) {
        g.fillStyle = C.net; g.beginPath();
        g.arc(x0 + bw * (i + 0.5), Y(p.net), 3.5, 0, 2 * Math.PI); g.fill();
      });
      g.fillStyle = "#5f6b7a"; g.textAlign = "left"; g.font = LFONT;
      g.fillText("USD", 4, padT + 8);
      g.textAlign = "center"; g.fillText("year", (x0 + x1) / 2, H - 4);
      box.dataset.chartReady = "1";
      box.dataset.series = s.site + "/" + s["class"];
      table(rows, P, cums);
    }
    function table(rows, P, cums) {
      var t = document.getElementById("cashflow-table");
      var head = t.tHead, body = t.tBodies[0];
      head.textContent = ""; body.textContent = "";
      var hr = el("tr");
      ["year", "price (USD/MWh)", "energy (GWh)", "revenue", "flexibility", "capital", "energy",
       "capacity", "other costs", "net", "cumulative"].forEach(function (h, i) {
        hr.appendChild(el("th", i ? "num" : null, h + (i >= 3 ? " (M USD)" : "")));
      });
      head.appendChild(hr);
      rows.forEach(function (r, i) {
        var p = P[i], tr = el("tr");
        tr.appendChild(el("td", null, String(r[0])));
        var price = r[idx.price_usd_per_mwh], mwh = r[idx.energy_mwh];
        [num(price, 2), ok(mwh) ? num(mwh / 1000, 1) : "\u2014", musd(p.revenue), musd(p.flex),
         musd(-p.capex), musd(-p.energy), musd(-p.cap), musd(-p.opex), musd(p.net), musd(cums[i])]
          .forEach(function (x, j) {
            var td = el("td", "num", x);
            if ((j === 8 && p.net < 0) || (j === 9 && cums[i] < 0)) td.className = "num neg";
            tr.appendChild(td);
          });
        body.appendChild(tr);
      });
    }
    sel.addEventListener("change", draw);
    draw();
    redraws.push(draw);
  }

  /* ---------- NPV per site and class ---------- */
  function npv(d) {
    var U = units(d), box = document.getElementById("npv");
    if (!U.length) { empty(box, "No site in the data."); return; }
    function draw() {
      var rowH = 28, padT = 8, axisH = 24, H = padT + U.length * rowH + axisH;
      var k = canvas(box, H, "NPV: " + U.map(function (u) { return u.label + " " + usd(u.m && u.m.npv_usd); }).join("; "));
      var g = k.g, labW = 190, right = 120, x0 = labW, x1 = k.W - right;
      var lo = 0, hi = 0;
      U.forEach(function (u) { var x = u.m && u.m.npv_usd; if (ok(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); } });
      var X = hAxis(g, lo, hi, x0, x1, padT, H - axisH);
      U.forEach(function (u, i) {
        var y = padT + i * rowH, x = u.m && u.m.npv_usd;
        g.font = u.total ? "600 13px system-ui, sans-serif" : TFONT;
        g.fillStyle = "#1d2330"; g.textAlign = "left";
        g.fillText(clip(g, u.label, labW - 12), 6, y + rowH / 2 + 4);
        if (!ok(x)) return;
        g.fillStyle = x >= 0 ? (u.deal ? "#1f3a68" : u.total ? C.rev : C.low) : C.neg;
        var a = X(Math.min(0, x)), b = X(Math.max(0, x));
        g.fillRect(a, y + 5, Math.max(1, b - a), rowH - 10);
        g.fillStyle = "#1d2330"; g.font = TFONT;
        g.textAlign = "left";
        g.fillText(usd(x), Math.max(b, X(0)) + 6, y + rowH / 2 + 4);
      });
      box.dataset.chartReady = "1";
    }
    draw();
    redraws.push(draw);
    var t = document.getElementById("npv-table");
    var hr = el("tr");
    ["site and class", "contract", "NPV", "IRR", "payback", "cost (USD/MWh)", "cost (USD/GPU-hour)",
     "PV cost", "PV revenue", "revenue from"].forEach(function (h, i) { hr.appendChild(el("th", i > 1 && i < 9 ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    U.forEach(function (u) {
      var m = u.m || {}, tr = el("tr", u.total ? "total" : null);
      tr.dataset.unit = u.label;
      tr.appendChild(el("th", null, u.label));
      tr.appendChild(el("td", null, m.contract || ""));
      [usd(m.npv_usd), irrText(m), payback(m), num(m.cost_usd_per_mwh, 2), num(m.cost_usd_per_gpu_hour, 3),
       usd(m.pv_cost_usd), usd(m.pv_revenue_usd)].forEach(function (x) { tr.appendChild(el("td", "num", x)); });
      var rv = el("td", "revenue-basis", u.total ? "" : revenueBasis(m.revenue));
      tr.appendChild(rv);
      t.tBodies[0].appendChild(tr);
    });
  }

  /* what a class's revenue is paid on (summary.json's sites[].<class>.revenue) */
  function revenueBasis(r) {
    if (!r) return "";
    if (r.basis === "request") return "requests served (per request)";
    if (r.basis === "colocation")
      return "lease: " + num(r.leased_kw, 0) + " kW at " + num(r.usd_per_kw_month, 2) + " USD per kW-month, " +
        (r.escalation >= 0 ? "+" : "") + num(100 * r.escalation, 1) + " % a year; energy paid by the " +
        (r.energy_pass_through ? "tenant" : "operator");
    return "GPU-hours sold";
  }

  /* ---------- contracts ---------- */
  var CONTRACTS = [["firm_all", "one firm contract"], ["split", "two under one roof"],
                   ["all_interruptible", "mistake 1: all interruptible"], ["mustrun_training", "mistake 2: must-run training"]];
  function contracts(d) {
    var box = document.getElementById("contracts"), t = document.getElementById("contracts-table");
    var mixed = arr(d.sites).filter(function (s) { return s.contracts; });
    if (!mixed.length) {
      empty(box, "No site of this deal holds both classes: there is no contract to compare (each class is contracted alone: training interruptible, inference firm).");
      return;
    }
    var rows = [];
    mixed.forEach(function (s) {
      CONTRACTS.forEach(function (c) {
        var e = s.contracts[c[0]] || {};
        rows.push({ site: s.id, id: c[0], name: c[1], pv: e.pv_cost_usd, saving: e.saving_vs_firm_usd });
      });
    });
    function draw() {
      var rowH = 28, padT = 8, axisH = 24, H = padT + rows.length * rowH + axisH;
      var k = canvas(box, H, "Contract PV cost: " + rows.map(function (r) { return r.site + " " + r.id + " " + usd(r.pv); }).join("; "));
      var g = k.g, labW = 290, right = 230, x0 = labW, x1 = k.W - right, hi = 0;
      rows.forEach(function (r) { if (ok(r.pv)) hi = Math.max(hi, r.pv); });
      var X = hAxis(g, 0, hi, x0, x1, padT, H - axisH);
      rows.forEach(function (r, i) {
        var y = padT + i * rowH;
        g.font = TFONT; g.fillStyle = "#1d2330"; g.textAlign = "left";
        g.fillText(clip(g, r.site + ": " + r.name, labW - 12), 6, y + rowH / 2 + 4);
        if (!ok(r.pv)) return;
        g.fillStyle = r.id === "split" ? C.flex : r.id === "firm_all" ? C.capex : C.neg;
        g.fillRect(X(0), y + 5, Math.max(1, X(r.pv) - X(0)), rowH - 10);
        g.fillStyle = "#1d2330";
        g.fillText(usd(r.pv) + (r.id === "firm_all" ? "" : "  (" + (r.saving >= 0 ? "saves " : "costs ") +
                   usd(Math.abs(r.saving)) + ")"), X(r.pv) + 6, y + rowH / 2 + 4);
      });
      box.dataset.chartReady = "1";
    }
    draw();
    redraws.push(draw);
    var hr = el("tr");
    ["site", "contract", "PV cost", "saving vs one firm contract"].forEach(function (h, i) { hr.appendChild(el("th", i > 1 ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r.site));
      tr.appendChild(el("td", null, r.id + " (" + r.name + ")"));
      tr.appendChild(el("td", "num", usd(r.pv)));
      tr.appendChild(el("td", "num" + (r.saving < 0 ? " neg" : ""), usd(r.saving)));
      t.tBodies[0].appendChild(tr);
    });
  }

  /* ---------- tornado ---------- */
  function endText(b, which) {
    var x = b[which];
    if (!ok(x)) return "\u2014";
    return b.kind === "scale" ? "x" + String(x) : (x >= 0 ? "+" : "") + String(x);
  }
  function tornado(d) {
    var box = document.getElementById("tornado"), T = d.tornado, bars = T ? arr(T.bars) : [];
    if (!bars.length) { empty(box, "No tornado in the data."); return; }
    var baseNpv = T.base_npv_usd;
    function draw() {
      var rowH = 30, padT = 8, axisH = 24, H = padT + bars.length * rowH + axisH;
      var k = canvas(box, H, "Tornado, deal NPV " + usd(baseNpv) + ": " + bars.map(function (b) {
        return b.input + " " + usd(b.npv_low_usd) + " to " + usd(b.npv_high_usd) + " (swing " + usd(b.swing_usd) + ")";
      }).join("; "));
      var g = k.g, labW = 300, right = 150, x0 = labW, x1 = k.W - right;
      var lo = baseNpv, hi = baseNpv;
      bars.forEach(function (b) {
        [b.npv_low_usd, b.npv_high_usd].forEach(function (x) { if (ok(x)) { lo = Math.min(lo, x); hi = Math.max(hi, x); } });
      });
      var X = hAxis(g, lo, hi, x0, x1, padT, H - axisH);
      bars.forEach(function (b, i) {
        var y = padT + i * rowH;
        g.font = TFONT; g.fillStyle = "#1d2330"; g.textAlign = "left";
        g.fillText(clip(g, (i + 1) + ". " + b.input + "  (" + endText(b, "low") + " / " + endText(b, "high") + ")", labW - 12), 6, y + rowH / 2 + 4);
        [["npv_low_usd", C.low], ["npv_high_usd", C.high]].forEach(function (e) {
          var x = b[e[0]];
          if (!ok(x) || !ok(baseNpv)) return;
          var a = X(Math.min(x, baseNpv)), c = X(Math.max(x, baseNpv));
          g.fillStyle = e[1];
          g.fillRect(a, y + 5, Math.max(1, c - a), rowH - 10);
        });
        g.fillStyle = "#1d2330"; g.textAlign = "left";
        g.fillText(usd(b.swing_usd), x1 + 8, y + rowH / 2 + 4);
      });
      if (ok(baseNpv)) {
        g.strokeStyle = "#1d2330"; g.setLineDash([4, 3]);
        var xb = Math.round(X(baseNpv)) + 0.5;
        g.beginPath(); g.moveTo(xb, padT); g.lineTo(xb, H - axisH); g.stroke();
        g.setLineDash([]);
      }
      g.fillStyle = "#5f6b7a"; g.font = LFONT; g.textAlign = "left";
      g.fillText("swing", x1 + 8, H - 8);
      box.dataset.chartReady = "1";
    }
    draw();
    redraws.push(draw);
    document.getElementById("tornado-sub").appendChild(document.createTextNode(
      " Light: the input at its low end; dark: at its high end."));
    var t = document.getElementById("tornado-table"), hr = el("tr");
    ["input", "low / high", "NPV at low", "NPV at high", "swing", "source of the range"].forEach(function (h, i) {
      hr.appendChild(el("th", i > 1 && i < 5 ? "num" : null, h));
    });
    t.tHead.appendChild(hr);
    bars.forEach(function (b) {
      var tr = el("tr");
      tr.appendChild(el("th", null, b.input));
      tr.appendChild(el("td", null, endText(b, "low") + " / " + endText(b, "high")));
      [usd(b.npv_low_usd), usd(b.npv_high_usd), usd(b.swing_usd)].forEach(function (x) { tr.appendChild(el("td", "num", x)); });
      tr.appendChild(el("td", "note-cell", b.source || ""));
      t.tBodies[0].appendChild(tr);
    });
  }

  /* ---------- spread over price years ---------- */
  function spread(d) {
    var box = document.getElementById("spread"), S = d.spread;
    if (!S) { empty(box, "No spread in the data."); return; }
    var rows = [];
    arr(S.sites).forEach(function (s) {
      ["training", "inference", "total"].forEach(function (k) {
        if (s[k]) rows.push({ label: s.id + " " + k, e: s[k], starts: arr(s.start_price_year), total: k === "total" });
      });
    });
    if (S.total) rows.push({ label: "deal total", e: S.total, starts: [], total: true });
    var sub = document.getElementById("spread-sub");
    sub.textContent = "The underwriting run once per scenario (" + (S.mode === "hold"
      ? "hold: each price year for the whole horizon" : "rotate: every site starting at another price year, the years then cycling") +
      ", " + S.scenarios + " scenario" + (S.scenarios === 1 ? "" : "s") + "); each dot one scenario, the bar from P10 to P90, the tick P50.";
    function draw() {
      var rowH = 30, padT = 8, axisH = 24, H = padT + rows.length * rowH + axisH;
      var k = canvas(box, H, "Spread of NPV over price years: " + rows.map(function (r) {
        var p = r.e.npv_usd || {};
        return r.label + " P10 " + usd(p.p10) + " P50 " + usd(p.p50) + " P90 " + usd(p.p90);
      }).join("; "));
      /* one axis for every row: each scenario's NPV less its row's P50, so that spreads of
       * sites of any size compare */
      var g = k.g, labW = 200, right = 330, x0 = labW, x1 = k.W - right, lo = 0, hi = 0;
      rows.forEach(function (r) {
        var m = (r.e.npv_usd || {}).p50;
        arr(r.e.scenario_npv_usd).forEach(function (x) { if (ok(x) && ok(m)) { lo = Math.min(lo, x - m); hi = Math.max(hi, x - m); } });
      });
      if (!(hi > lo)) { lo = -1e6; hi = 1e6; }
      var XR = hAxis(g, lo, hi, x0, x1, padT, H - axisH);
      g.fillStyle = "#5f6b7a"; g.font = LFONT; g.textAlign = "left";
      g.fillText("NPV \u2212 P50 (USD)", 6, H - 10);
      rows.forEach(function (r, i) {
        var y = padT + i * rowH, p = r.e.npv_usd || {}, m = p.p50;
        var X = function (v) { return XR(v - m); };
        if (!ok(m)) return;
        g.font = r.total ? "600 13px system-ui, sans-serif" : TFONT; g.fillStyle = "#1d2330"; g.textAlign = "left";
        g.fillText(clip(g, r.label, labW - 12), 6, y + rowH / 2 + 4);
        if (ok(p.p10) && ok(p.p90)) {
          g.fillStyle = C.band;
          g.fillRect(X(p.p10), y + 8, Math.max(2, X(p.p90) - X(p.p10)), rowH - 16);
        }
        if (ok(p.p50)) {
          g.fillStyle = "#1f3a68";
          g.fillRect(Math.round(X(p.p50)) - 1, y + 4, 3, rowH - 8);
        }
        arr(r.e.scenario_npv_usd).forEach(function (x) {
          if (!ok(x)) return;
          g.fillStyle = C.dot; g.beginPath(); g.arc(X(x), y + rowH / 2, 3, 0, 2 * Math.PI); g.fill();
        });
        g.fillStyle = "#1d2330"; g.font = TFONT;
        g.fillText("P50 " + usd(p.p50) + " (" + usd(p.p10) + " \u2013 " + usd(p.p90) + ")", x1 + 8, y + rowH / 2 + 4);
      });
      box.dataset.chartReady = "1";
    }
    draw();
    redraws.push(draw);
    var t = document.getElementById("spread-table"), hr = el("tr");
    ["site and class", "NPV P10", "NPV P50", "NPV P90", "USD/MWh P10", "USD/MWh P50", "USD/MWh P90", "scenarios (start year: NPV)"]
      .forEach(function (h, i) { hr.appendChild(el("th", i && i < 7 ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    rows.forEach(function (r) {
      var p = r.e.npv_usd || {}, c = r.e.cost_usd_per_mwh || {}, tr = el("tr", r.total ? "total" : null);
      tr.appendChild(el("th", null, r.label));
      [usd(p.p10), usd(p.p50), usd(p.p90), num(c.p10, 2), num(c.p50, 2), num(c.p90, 2)].forEach(function (x) {
        tr.appendChild(el("td", "num", x));
      });
      tr.appendChild(el("td", "note-cell", arr(r.e.scenario_npv_usd).map(function (x, i) {
        var y = r.starts[i];
        return (y ? y : "#" + (i + 1)) + ": " + usd(x);
      }).join(", ")));
      t.tBodies[0].appendChild(tr);
    });
  }

  /* ---------- time to power ---------- */
  function power(d) {
    var P = arr(d.time_to_power), t = document.getElementById("power-table"), notes = document.getElementById("power-notes");
    var hr = el("tr");
    ["site", "years saved", "flexible draw (MW)", "headroom (MW)", "NPV curtailable now", "NPV firm now",
     "NPV firm, later", "value of the earlier start", "of which contract", "of which timing"]
      .forEach(function (h, i) { hr.appendChild(el("th", i ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    if (!P.length) {
      var tr0 = el("tr"), td0 = el("td", null, "No time-to-power figures in the data.");
      td0.colSpan = 10; tr0.appendChild(td0); t.tBodies[0].appendChild(tr0);
      return;
    }
    P.forEach(function (p) {
      var tr = el("tr");
      tr.appendChild(el("th", null, p.id));
      var hr2 = ok(p.headroom_mw) ? num(p.headroom_mw, 0) + (p.fits === true ? " (fits)" : p.fits === false ? " (does not fit)" : "") : "unknown";
      var vals = [p.valued ? num(p.years_saved, 1) : "not valued", num(p.flexible_mw, 1), hr2];
      if (p.valued)
        vals = vals.concat([usd(p.npv_curtailable_usd), usd(p.npv_firm_usd), usd(p.npv_firm_delayed_usd),
                            usd(p.value_usd), usd(p.contract_usd), usd(p.timing_usd)]);
      else
        vals = vals.concat([usd(p.npv_curtailable_usd), usd(p.npv_firm_usd), "\u2014", "\u2014", "\u2014", "\u2014"]);
      vals.forEach(function (x) { tr.appendChild(el("td", "num", x)); });
      t.tBodies[0].appendChild(tr);
      var w = el("div");
      w.appendChild(el("dt", null, p.id + " headroom"));
      w.appendChild(el("dd", null, p.headroom_source || "none"));
      notes.appendChild(w);
    });
  }

  /* ---------- flexibility revenue ---------- */
  function flexRows(d) {
    var rows = [];
    arr(d.sites).forEach(function (s) {
      var f = s.flexibility;
      if (!f || f.source === "none") return;
      arr(f.price_years).forEach(function (y) {
        rows.push({ site: s.id, year: y.price_year, v: y.usd_per_mw_year, y: y, source: f.source });
      });
    });
    return rows;
  }
  function flex(d) {
    var rows = flexRows(d), box = document.getElementById("flex"), t = document.getElementById("flex-table");
    var hr = el("tr");
    ["site", "price year", "USD per MW-year", "source", "revenue", "curtailment cost", "net",
     "hours curtailed", "MWh shed", "products"].forEach(function (h, i) {
      hr.appendChild(el("th", i > 1 && i !== 3 && i !== 9 ? "num" : null, h));
    });
    t.tHead.appendChild(hr);
    if (!rows.length) {
      empty(box, "No site of this deal has training load: no flexibility revenue.");
      var tr0 = el("tr"), td0 = el("td", null, "No training load.");
      td0.colSpan = 10; tr0.appendChild(td0); t.tBodies[0].appendChild(tr0);
      return;
    }
    function label(r) { return r.site + " " + (r.year != null ? r.year : "flat"); }
    function draw() {
      var rowH = 26, padT = 8, axisH = 24, H = padT + rows.length * rowH + axisH;
      var k = canvas(box, H, "Flexibility revenue, USD per MW-year: " + rows.map(function (r) {
        return label(r) + " " + num(r.v, 0) + " (" + r.source + ")";
      }).join("; "));
      var g = k.g, labW = 190, right = 150, x0 = labW, x1 = k.W - right, lo = 0, hi = 0;
      rows.forEach(function (r) { if (ok(r.v)) { lo = Math.min(lo, r.v); hi = Math.max(hi, r.v); } });
      var X = hAxis(g, lo, hi, x0, x1, padT, H - axisH);
      rows.forEach(function (r, i) {
        var y = padT + i * rowH;
        g.font = TFONT; g.fillStyle = "#1d2330"; g.textAlign = "left";
        g.fillText(clip(g, label(r), labW - 12), 6, y + rowH / 2 + 4);
        if (!ok(r.v)) return;
        g.fillStyle = r.v >= 0 ? (r.source === "deal" ? C.low : C.flex) : C.neg;
        var a = X(Math.min(0, r.v)), b = X(Math.max(0, r.v));
        g.fillRect(a, y + 5, Math.max(1, b - a), rowH - 10);
        g.fillStyle = "#1d2330";
        g.fillText(num(r.v, 0) + " USD", Math.max(b, X(0)) + 6, y + rowH / 2 + 4);
      });
      box.dataset.chartReady = "1";
    }
    draw();
    redraws.push(draw);
    rows.forEach(function (r) {
      var tr = el("tr"), y = r.y;
      tr.appendChild(el("th", null, r.site));
      tr.appendChild(el("td", null, r.year != null ? String(r.year) : "flat"));
      tr.appendChild(el("td", "num", num(r.v, 0)));
      tr.appendChild(el("td", "src-cell", y.source || ""));
      [usd(y.revenue_usd), usd(y.cost_usd), usd(y.net_usd), num(y.hours_curtailed, 1), num(y.mwh_shed, 1)]
        .forEach(function (x) { tr.appendChild(el("td", "num", r.source === "flex engine" ? x : "—")); });
      tr.appendChild(el("td", "note-cell", y.products || ""));
      t.tBodies[0].appendChild(tr);
    });
  }

  /* ---------- revenue per request ---------- */
  function requests(d) {
    var box = document.getElementById("requests"), t = document.getElementById("requests-table");
    var sel = document.getElementById("requests-site"), notes = document.getElementById("requests-notes");
    var legend = document.getElementById("requests-legend");
    var S = arr(d.sites).filter(function (s) { return s.inference && s.inference.revenue && s.inference.revenue.basis === "request"; });
    var hr = el("tr");
    ["year", "demand peak (requests/s)", "demand mean", "served", "unserved", "utilisation", "USD per 1000 requests", "revenue"]
      .forEach(function (h, i) { hr.appendChild(el("th", i ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    if (!S.length) {
      empty(box, "No site of this deal earns per request: inference revenue is per GPU-hour at a utilisation.");
      sel.disabled = true;
      var tr0 = el("tr"), td0 = el("td", null, "Inference revenue per GPU-hour.");
      td0.colSpan = 8; tr0.appendChild(td0); t.tBodies[0].appendChild(tr0);
      return;
    }
    S.forEach(function (s, i) { var o = el("option", null, s.id); o.value = String(i); sel.appendChild(o); });
    [["demand (mean)", C.energy], ["served", C.rev], ["capacity", C.net]].forEach(function (q) {
      var sp = el("span"), sw = el("i"); sw.style.background = q[1]; sp.appendChild(sw);
      sp.appendChild(document.createTextNode(q[0])); legend.appendChild(sp);
    });
    var cur = 0;
    function revOf(s, y) {
      var cf = arr(d.cashflow && d.cashflow.series).filter(function (c) { return c.site === s.id && c.class === "inference"; })[0];
      var ix = arr(d.cashflow && d.cashflow.columns).indexOf("revenue_usd");
      var row = cf && arr(cf.rows)[y];
      return row && ix >= 0 ? row[ix] : null;
    }
    function draw() {
      var s = S[cur], q = s.inference.revenue, Y = arr(q.years);
      box.dataset.site = s.id;
      var H = 260, padL = 80, padR = 20, padT = 12, padB = 30;
      var k = canvas(box, H, "Requests/s at " + s.id + ", capacity " + num(q.capacity_requests_per_s, 0) + ": " +
        Y.map(function (y) { return "year " + y.year + " demand " + num(y.mean_requests_per_s, 0) + " served " + num(y.served_requests_per_s, 0); }).join("; "));
      var g = k.g, x0 = padL, x1 = k.W - padR, y0 = padT, y1 = H - padB, hi = q.capacity_requests_per_s || 1;
      Y.forEach(function (y) { if (ok(y.mean_requests_per_s)) hi = Math.max(hi, y.mean_requests_per_s); });
      hi *= 1.08;
      var step = niceStep(hi, 5);
      function YY(v) { return y1 - v / hi * (y1 - y0); }
      function XX(i) { return x0 + (Y.length > 1 ? i / (Y.length - 1) : 0.5) * (x1 - x0); }
      g.font = FONT; g.strokeStyle = "#e3e6eb"; g.fillStyle = "#5f6b7a"; g.textAlign = "right";
      for (var v = 0; v <= hi; v += step) {
        var yy = Math.round(YY(v)) + 0.5;
        g.beginPath(); g.moveTo(x0, yy); g.lineTo(x1, yy); g.stroke();
        g.fillText(num(v, 0), x0 - 6, yy + 4);
      }
      g.textAlign = "center";
      Y.forEach(function (y, i) { if (Y.length <= 12 || i % 2 === 0) g.fillText(String(y.year), XX(i), y1 + 16); });
      function line(key, colour, width) {
        g.strokeStyle = colour; g.lineWidth = width; g.beginPath();
        Y.forEach(function (y, i) { var v = key ? y[key] : q.capacity_requests_per_s; if (!ok(v)) return; if (i) g.lineTo(XX(i), YY(v)); else g.moveTo(XX(i), YY(v)); });
        g.stroke(); g.lineWidth = 1;
      }
      line("mean_requests_per_s", C.energy, 2.5);
      line("served_requests_per_s", C.rev, 2.5);
      line(null, C.net, 1.5);
      box.dataset.chartReady = "1";
      t.tBodies[0].textContent = "";
      Y.forEach(function (y) {
        var tr = el("tr");
        tr.appendChild(el("th", null, String(y.year)));
        [num(y.peak_requests_per_s, 0), num(y.mean_requests_per_s, 0), num(y.served_requests_per_s, 0),
         pct(y.unserved_share, 1), pct(y.utilisation, 1), num(y.usd_per_1000_requests, 4), usd(revOf(s, y.year))]
          .forEach(function (x) { tr.appendChild(el("td", "num", x)); });
        t.tBodies[0].appendChild(tr);
      });
      notes.textContent = "";
      [["price", q.price_source], ["capacity", q.capacity_source], ["demand", q.demand_source],
       ["growth", q.growth_source], ["shape", q.shape_source],
       ["a busy GPU-hour earns", ok(q.usd_per_busy_gpu_hour) ? num(q.usd_per_busy_gpu_hour, 2) + " USD" : null]]
        .forEach(function (p) {
          if (!p[1]) return;
          var w = el("div");
          w.appendChild(el("dt", null, p[0]));
          w.appendChild(el("dd", null, p[1]));
          notes.appendChild(w);
        });
    }
    sel.addEventListener("change", function () { cur = +sel.value || 0; draw(); });
    draw();
    redraws.push(draw);
  }

  /* ---------- coincident peaks ---------- */
  function peaks(d) {
    var t = document.getElementById("peaks-table"), hr = el("tr");
    ["site", "zone", "year of the peaks", "peak intervals", "training firm", "inference firm", "how"]
      .forEach(function (h, i) { hr.appendChild(el("th", i > 2 && i < 6 ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    var any = false;
    arr(d.sites).forEach(function (s) {
      var cp = s.coincident_peaks;
      if (!cp) return;
      arr(cp.years).forEach(function (y) {
        any = true;
        var tr = el("tr");
        tr.appendChild(el("th", null, s.id));
        tr.appendChild(el("td", null, cp.zone || ""));
        tr.appendChild(el("td", null, y.year ? String(y.year) : "flat"));
        tr.appendChild(el("td", "num", ok(y.intervals) ? String(y.intervals) : "\u2014"));
        tr.appendChild(el("td", "num", pct(y.training_share, 1)));
        tr.appendChild(el("td", "num", pct(y.inference_share, 1)));
        tr.appendChild(el("td", "note-cell", y.note || cp.note || ""));
        t.tBodies[0].appendChild(tr);
      });
      var tr2 = el("tr");
      tr2.appendChild(el("th", null, s.id));
      tr2.appendChild(el("td", null, "paused"));
      tr2.appendChild(el("td", null, ""));
      tr2.appendChild(el("td", "num", ""));
      tr2.appendChild(el("td", "num", pct(cp.paused_share && cp.paused_share.training, 1)));
      tr2.appendChild(el("td", "num", pct(cp.paused_share && cp.paused_share.inference, 1)));
      tr2.appendChild(el("td", "note-cell", "an interruptible class pauses for the peaks: its GPUs idle"));
      t.tBodies[0].appendChild(tr2);
    });
    if (!any) {
      var tr0 = el("tr"), td0 = el("td", null, "No site of this deal is in a zone that charges on its coincident peaks: capacity and transmission are charged per MW of peak draw (training relieved on its interruptible contract).");
      td0.colSpan = 7; tr0.appendChild(td0); t.tBodies[0].appendChild(tr0);
    }
    peakHours(d);
  }

  /* each site's peak hours year by year, in UTC and on the ISO's own clock (summary.json's
   * coincident_peaks.tz, the catalogue's peak_tz: PJM publishes its 5CP in Eastern Prevailing
   * Time as hours ending, ERCOT its 4CP in Central Prevailing Time), so that they can be checked
   * against the ISO's lists; UTC only where the catalogue names no clock */
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function utcText(iso) {
    var t = new Date(iso);
    if (isNaN(t.getTime())) return null;
    return { day: t.getUTCFullYear() + "-" + two(t.getUTCMonth() + 1) + "-" + two(t.getUTCDate()),
             hm: two(t.getUTCHours()) + ":" + two(t.getUTCMinutes()) };
  }
  function localText(iso, tz) {
    var t = new Date(iso);
    if (!tz || isNaN(t.getTime())) return null;
    try {
      var p = {};
      new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" })
        .formatToParts(t).forEach(function (x) { p[x.type] = x.value; });
      if (!p.year || !p.hour) return null;
      return { day: p.year + "-" + p.month + "-" + p.day, h: +p.hour, m: p.minute,
               hm: two(+p.hour) + ":" + p.minute, zone: p.timeZoneName || "" };
    } catch (e) { return null; }
  }
  function span(from, to) {
    var s = (new Date(to) - new Date(from)) / 60000;
    if (!(s > 0)) return "\u2014";
    return s % 60 === 0 ? num(s / 60, 0) + (s === 60 ? " hour" : " hours") : num(s, 0) + " minutes";
  }
  function peakHours(d) {
    var box = document.getElementById("peak-hours");
    if (!box) return;
    var n = 0;
    arr(d.sites).forEach(function (s, si) {
      var cp = s.coincident_peaks;
      if (!cp || !arr(cp.years).some(function (y) { return arr(y.peaks).length; })) return;
      var five = cp.basis === "5cp", tz = cp.tz || null;
      if (tz && !localText("2024-07-01T00:00:00Z", tz)) tz = null;
      box.appendChild(el("h3", "peak-site", s.id + " \u2014 " + (cp.zone || "") + " " +
        (five ? "5CP: the RTO's five highest daily peak hours of June-September" :
                "4CP: the ISO's peak interval of each month June-September")));
      var wrap = el("div", "table-wrap"), t = el("table", "stats peak-hours");
      t.id = "peak-hours-" + si;
      t.dataset.site = s.id;
      var hr = el("tr");
      [["#", "num"], ["local day", null], [tz ? "local time (" + tz + ")" : "local time", null],
       [five ? "hour ending (local)" : "interval ending (local)", "num"], ["UTC", null],
       [five ? "RTO load (MW, EIA-930)" : "interval", five ? "num" : null]]
        .forEach(function (h) { hr.appendChild(el("th", h[1], h[0])); });
      t.appendChild(el("thead")).appendChild(hr);
      var tb = t.appendChild(el("tbody"));
      arr(cp.years).forEach(function (y) {
        var g = el("tr", "group"), gh = el("th", null,
          (y.year ? String(y.year) : "flat") + ": " + arr(y.peaks).length + (five ? " hours" : " intervals") +
          (ok(y.pause_hours) && s.training ? "; training (interruptible) pauses " + num(y.pause_hours, 2) + " h" +
            (cp.pause_source ? " (" + cp.pause_source + ")" : "") : ""));
        gh.colSpan = 6;
        g.appendChild(gh);
        tb.appendChild(g);
        arr(y.peaks).forEach(function (h, k) {
          var tr = el("tr"), a = utcText(h.from), b = utcText(h.to),
              la = localText(h.from, tz), lb = localText(h.to, tz);
          tr.dataset.peak = String(y.year) + "-" + (k + 1);
          tr.appendChild(el("td", "num", String(k + 1)));
          tr.appendChild(el("td", null, la ? la.day : "\u2014"));
          tr.appendChild(el("td", null, la && lb ? la.hm + "\u2013" + (lb.day !== la.day && lb.h === 0 && lb.m === "00" ? "24:00" : lb.hm) + " " + lb.zone : "\u2014"));
          var he = lb ? (lb.h === 0 && lb.m === "00" ? 24 : lb.h) : null;
          tr.appendChild(el("td", "num", lb ? (five ? "HE " + he : lb.hm + " " + lb.zone) : "\u2014"));
          tr.appendChild(el("td", null, a && b ? a.day + " " + a.hm + "\u2013" + b.hm + " UTC" : (h.from || "") + " \u2013 " + (h.to || "")));
          tr.appendChild(el("td", five ? "num" : null, five ? num(h.rto_load_mw, 0) : span(h.from, h.to)));
          tb.appendChild(tr);
          n++;
        });
      });
      wrap.appendChild(t);
      box.appendChild(wrap);
      if (tz) box.appendChild(el("p", "sub", "Local times on the ISO's clock (" + tz + ")" +
        (five ? "; PJM lists its 5CP as hours ending (HE 18 = 17:00-18:00). The hours come from EIA-930, whose stamps mark the end of each hour, so each hour starts one hour before its EIA-930 stamp." :
                "; the intervals are the grid-event catalogue's (data/catalog/grid_events.yaml): a 15-minute interval, or the window that holds it where only the hour is known.")));
    });
    box.dataset.rows = String(n);
    if (!n) box.appendChild(el("p", "sub", "No peak hours to list: no site is charged on coincident peaks that the data name."));
  }

  /* ---------- assumptions ---------- */
  function assumptions(d) {
    var t = document.getElementById("assumptions-table"), hr = el("tr");
    ["figure", "value", "source"].forEach(function (h, i) { hr.appendChild(el("th", i === 1 ? "num" : null, h)); });
    t.tHead.appendChild(hr);
    arr(d.assumptions).forEach(function (a) {
      var tr = el("tr");
      tr.appendChild(el("th", null, a.name));
      tr.appendChild(el("td", "num", ok(a.value) ? String(a.value) : "\u2014"));
      tr.appendChild(el("td", "note-cell", a.source || ""));
      t.tBodies[0].appendChild(tr);
    });
  }

  function main() {
    var d = JSON.parse(document.getElementById("gs-data").textContent);
    if (!d || typeof d !== "object") throw new Error("the data block is not a JSON object");
    header(d);
    cashflow(d);
    npv(d);
    flex(d);
    requests(d);
    contracts(d);
    tornado(d);
    spread(d);
    power(d);
    peaks(d);
    assumptions(d);
    if (typeof ResizeObserver === "function") {
      var lastW = null;
      var ro = new ResizeObserver(function () {
        var w = Math.floor(document.querySelector("main").getBoundingClientRect().width);
        if (lastW != null && Math.abs(w - lastW) > 2) redraws.forEach(function (f) { f(); });
        lastW = w;
      });
      ro.observe(document.querySelector("main"));
    }
    window.gsUnderwrite = { redraw: function () { redraws.forEach(function (f) { f(); }); } };
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
