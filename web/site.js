/* site.js: draws the gridsplit site report (web/site.html) from the inline JSON blocks #gs-data
 * (scores, regions, placement) and #gs-land (world-atlas land-110m TopoJSON): the world map of
 * web/map.js (gsMap, inlined before this script) with the demand regions (circles by share;
 * green when a chosen site serves them within the budget), the candidate sites coloured by
 * score (chosen ones ringed), and the tables (training: the energy cost's flexibility breakdown
 * per market product). Every string from the data is inserted with
 * textContent, never as HTML. Sets body[data-gs-ready] when done (tests wait on it),
 * body[data-gs-error] on failure. */
(function () {
  "use strict";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function fmt(v, d) {
    if (v == null || !isFinite(v)) return "\u2014";
    v = Number(v) + 0; /* no "-0" */
    return Number(v).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  function fmtRaw(c) {
    if (c.raw == null) return "no data";
    switch (c.unit) {
      case "share": return fmt(100 * c.raw, 1) + " %";
      case "USD/MW": return fmt(c.raw / 1e6, 2) + " MUSD/MW";
      case "MW": return fmt(c.raw, c.raw >= 100 ? 0 : 1) + " MW";
      case "years": return fmt(c.raw, 1) + " years";
      default: return fmt(c.raw, c.raw >= 100 ? 0 : 1) + " " + c.unit;
    }
  }

  /* score 0..1 -> red .. amber .. green */
  function scoreColor(s) {
    if (s == null || !isFinite(s)) return "#999";
    s = Math.max(0, Math.min(1, s));
    var stops = [[0, [200, 55, 45]], [0.5, [235, 170, 40]], [1, [40, 150, 70]]];
    var a = stops[0], b = stops[2];
    if (s <= 0.5) { a = stops[0]; b = stops[1]; } else { a = stops[1]; b = stops[2]; }
    var t = (s - a[0]) / (b[0] - a[0]);
    var c = [0, 1, 2].map(function (i) { return Math.round(a[1][i] + t * (b[1][i] - a[1][i])); });
    return "rgb(" + c.join(",") + ")";
  }

  function drawMap(canvas, land, data) {
    var m = gsMap.draw(canvas, land);
    var ctx = m.ctx, X = m.X, Y = m.Y;

    var byId = {};
    data.candidates.forEach(function (c) { byId[c.id] = c; });
    var run = null;
    if (data.placement && data.placement.runs)
      data.placement.runs.forEach(function (r) { if (r.k === data.placement.k) run = r; });

    /* coverage: lines from each served region to the chosen site serving it */
    if (run) {
      ctx.strokeStyle = "rgba(40,150,70,0.55)";
      ctx.lineWidth = 1.2;
      data.regions.forEach(function (r, i) {
        var sid = run.assign[i];
        if (!sid || !byId[sid]) return;
        var c = byId[sid];
        if (Math.abs(c.lon - r.lon) > 180) return;
        ctx.beginPath(); ctx.moveTo(X(r.lon), Y(r.lat)); ctx.lineTo(X(c.lon), Y(c.lat)); ctx.stroke();
      });
    }
    /* demand regions: area by share (inference only: training does not follow users) */
    var regions = data.class === "training" ? [] : data.regions;
    regions.forEach(function (r, i) {
      var rad = 3 + 38 * Math.sqrt(r.share);
      var served = run ? (run.served_share[i] || 0) : null;
      ctx.beginPath();
      ctx.arc(X(r.lon), Y(r.lat), rad, 0, 2 * Math.PI);
      ctx.fillStyle = served == null ? "rgba(229,121,42,0.30)" : served > 0.999 ? "rgba(40,150,70,0.35)" :
                      served > 0 ? "rgba(235,170,40,0.40)" : "rgba(200,55,45,0.30)";
      ctx.fill();
      ctx.strokeStyle = served == null ? "rgba(229,121,42,0.9)" : served > 0.999 ? "rgba(30,120,55,0.9)" :
                        served > 0 ? "rgba(180,120,20,0.9)" : "rgba(170,40,35,0.9)";
      ctx.lineWidth = 1;
      ctx.stroke();
    });
    /* candidates: worst drawn first so the best sit on top */
    var order = data.candidates.slice().sort(function (a, b) { return b.rank - a.rank; });
    ctx.font = "11px system-ui, sans-serif";
    var placer = gsMap.placer(ctx, m);
    order.forEach(function (c) {
      var x = X(c.lon), y = Y(c.lat), rad = c.chosen ? 12.5 : 7.5;
      placer.obstacle(x - rad, y - rad, 2 * rad, 2 * rad);
      if (c.chosen) {
        ctx.beginPath(); ctx.arc(x, y, 11, 0, 2 * Math.PI);
        ctx.lineWidth = 3; ctx.strokeStyle = "#1d2733"; ctx.stroke();
      }
      ctx.beginPath(); ctx.arc(x, y, 6.5, 0, 2 * Math.PI);
      ctx.fillStyle = scoreColor(c.score); ctx.fill();
      ctx.lineWidth = 1.2; ctx.strokeStyle = "#fff"; ctx.stroke();
    });
    /* labels: the chosen sites first, then by rank (the top 5); one that finds no free spot is
     * left out (the table has them all) */
    var want = data.candidates.filter(function (c) { return c.rank <= 5 || c.chosen; }).sort(function (a, b) {
      return (b.chosen ? 1 : 0) - (a.chosen ? 1 : 0) || a.rank - b.rank;
    });
    var left = [];
    want.forEach(function (c) {
      if (!placer.place(X(c.lon), Y(c.lat), (c.chosen ? 12.5 : 7.5) + 2.5, [{ text: "#" + c.rank + " " + c.id, font: "11px system-ui, sans-serif" }], false))
        left.push(c.id);
    });
    return { labels: placer.placed(), left: left, regions: regions.length };
  }

  function legend(box, data, run) {
    function item(color, text, ring) {
      var s = el("span");
      var sw = el("span", "sw");
      sw.style.background = color;
      if (ring) sw.style.boxShadow = "0 0 0 2px #1d2733";
      s.appendChild(sw);
      s.appendChild(document.createTextNode(text));
      box.appendChild(s);
    }
    item(scoreColor(1), "site, score 1");
    item(scoreColor(0.5), "score 0.5");
    item(scoreColor(0), "score 0");
    if (run) item(scoreColor(0.8), "chosen site (K = " + run.k + ")", true);
    if (data.regions.length && data.class !== "training") {
      if (run) {
        item("rgba(40,150,70,0.6)", "region served within " + fmt(data.params.latency_budget_ms, 0) + " ms");
        item("rgba(200,55,45,0.6)", "region not served within the budget");
      } else {
        item("rgba(229,121,42,0.6)", "demand region (area by share)");
      }
    }
  }

  function scoreTable(table, data) {
    var thead = table.querySelector("thead"), tbody = table.querySelector("tbody");
    var comps = data.candidates.length ? data.candidates[0].components : [];
    var tr = el("tr");
    ["Rank", "Site", "Zone", "Score"].forEach(function (h, i) { tr.appendChild(el("th", i === 0 || i === 3 ? "num" : "", h)); });
    comps.forEach(function (c) {
      var th = el("th", "", c.name.replace(/_/g, " "));
      th.appendChild(el("br"));
      th.appendChild(el("span", "unit", c.unit + (c.weight ? "" : " (weight 0)")));
      tr.appendChild(th);
    });
    if (data.placement) tr.appendChild(el("th", "", "Chosen"));
    thead.appendChild(tr);
    data.candidates.forEach(function (c) {
      var row = el("tr", c.chosen ? "chosen" : "");
      row.appendChild(el("td", "num", c.rank));
      var site = el("td");
      site.appendChild(el("strong", "", c.name));
      site.appendChild(el("div", "detail", c.id));
      site.title = c.source || "";
      row.appendChild(site);
      row.appendChild(el("td", "", c.zone));
      var sc = el("td", "num");
      var pill = el("span", "score-pill", fmt(c.score, 3));
      pill.style.background = scoreColor(c.score);
      sc.appendChild(pill);
      if (c.weight_with_data < 0.999 * comps.reduce(function (a, x) { return a + x.weight; }, 0))
        sc.appendChild(el("div", "detail", "on " + fmt(100 * c.weight_with_data, 0) + " % of the weight"));
      row.appendChild(sc);
      c.components.forEach(function (x) {
        var td = el("td", x.raw == null ? "comp nodata" : "comp");
        var raw = el("span", "raw", fmtRaw(x));
        td.appendChild(raw);
        if (x.assumed) td.appendChild(el("span", "assumed-tag", "A"));
        if (x.raw != null) {
          td.appendChild(el("div", "detail", fmt(x.norm, 2) + " \u00d7 " + fmt(x.weight, 2) + " = " + fmt(x.contribution, 3)));
          var bar = el("div", "bar"), fill = el("i");
          fill.style.width = Math.round(100 * x.norm) + "%";
          bar.appendChild(fill);
          td.appendChild(bar);
        }
        td.title = x.note + " | anchors: best " + x.best + ", worst " + x.worst;
        row.appendChild(td);
      });
      if (data.placement) row.appendChild(el("td", "", c.chosen ? "yes" : ""));
      tbody.appendChild(row);
    });
  }

  /* training: the energy cost's breakdown per candidate: gross, the arbitrage proxy, each market
   * product of the zone (value, unit, basis; or why it earns nothing), deployments, net */
  function flexTable(table, data) {
    var thead = table.querySelector("thead"), tbody = table.querySelector("tbody");
    var tr = el("tr");
    ["Rank", "Site", "Component", "Basis", "Price", "Hours sold", "USD/MW-yr offered", "USD/MWh", "Note"].forEach(function (h, i) {
      tr.appendChild(el("th", i === 0 || (i >= 4 && i <= 7) ? "num" : "", h));
    });
    thead.appendChild(tr);
    data.candidates.forEach(function (c) {
      var fl = c.flexibility;
      if (!fl) return;
      var lines = [{ name: "energy cost (mean price × PUE)", basis: "", v: fl.energy_cost_gross_usd_per_mwh, note: "" },
                   { name: "− arbitrage (top-price hours)", basis: fl.arbitrage.basis, v: -fl.arbitrage.usd_per_mwh, note: fl.arbitrage.note }];
      fl.products.forEach(function (p) {
        lines.push({ name: "− " + p.product + " (" + p.kind + ")", basis: p.priced ? (p.basis + (p.label ? ": " + p.label : "")) : "not priced",
                     price: p.price_mean != null ? fmt(p.price_mean, 2) + " " + p.unit : "", hours: p.hours_sold,
                     permw: p.priced ? p.usd_per_mw_year : null, v: p.priced ? -p.usd_per_mwh : null, note: p.note, dim: !p.priced });
      });
      lines.push({ name: "= net energy cost", basis: "", v: fl.energy_cost_net_usd_per_mwh, note: "offered " + fmt(fl.offered_mw, 0) + " MW of a " + fmt(fl.load_mw, 0) + " MW mean load", strong: true });
      lines.forEach(function (l, i) {
        var row = el("tr", l.dim ? "dim" : "");
        row.appendChild(el("td", "num", i === 0 ? c.rank : ""));
        row.appendChild(el("td", "", i === 0 ? c.id : ""));
        row.appendChild(el(l.strong ? "th" : "td", "", l.name));
        row.appendChild(el("td", "soft", l.basis));
        row.appendChild(el("td", "num", l.price || ""));
        row.appendChild(el("td", "num", l.hours != null && l.hours > 0 ? fmt(l.hours, 0) : ""));
        row.appendChild(el("td", "num", l.permw != null ? fmt(l.permw, 0) : ""));
        row.appendChild(el("td", "num", l.v != null ? fmt(l.v, 2) : "—"));
        var note = el("td", "detail soft", l.note ? (l.note.length > 90 ? l.note.slice(0, 90) + "…" : l.note) : "");
        note.title = l.note || "";
        row.appendChild(note);
        tbody.appendChild(row);
      });
    });
  }

  function placementTable(table, data) {
    var thead = table.querySelector("thead"), tbody = table.querySelector("tbody");
    var tr = el("tr");
    ["K", "Sites", "Coverage", "Unserved", "Mean RTT", "Cost", "energy", "latency penalty", "capex", "fixed", "Solve"].forEach(function (h, i) {
      tr.appendChild(el("th", i >= 2 && i <= 9 ? "num" : "", h));
    });
    thead.appendChild(tr);
    data.placement.runs.forEach(function (r) {
      var row = el("tr", r.k === data.placement.k ? "chosen" : "");
      row.appendChild(el("td", "", r.k + (r.k === data.placement.k ? " (asked)" : "")));
      row.appendChild(el("td", "", r.sites.join(", ")));
      row.appendChild(el("td", "num", fmt(100 * r.coverage_share, 1) + " %"));
      row.appendChild(el("td", "num", fmt(r.unserved_mw, 1) + " MW"));
      row.appendChild(el("td", "num", fmt(r.mean_rtt_ms, 1) + " ms"));
      row.appendChild(el("td", "num", fmt(r.cost_usd_per_year / 1e6, 1) + " MUSD/yr"));
      row.appendChild(el("td", "num", fmt(r.energy_usd_per_year / 1e6, 1)));
      row.appendChild(el("td", "num", fmt(r.latency_penalty_usd_per_year / 1e6, 1)));
      row.appendChild(el("td", "num", fmt(r.capex_usd_per_year / 1e6, 1)));
      row.appendChild(el("td", "num", fmt(r.fixed_usd_per_year / 1e6, 1)));
      row.appendChild(el("td", "", r.status));
      tbody.appendChild(row);
    });
  }

  /* why each chosen site, and each candidate ranked above the last chosen one that is not */
  function whyTable(table, run) {
    var thead = table.querySelector("thead"), tbody = table.querySelector("tbody");
    var tr = el("tr");
    [["Rank", "num"], ["Site", ""], ["", ""], ["Serves", "num"], ["only it reaches", "num"], ["Reaches", "num"],
     ["cost from it", "num"], ["paid now", "num"], ["Why", ""]].forEach(function (h) { tr.appendChild(el("th", h[1], h[0])); });
    thead.appendChild(tr);
    (run.why || []).forEach(function (w) {
      var row = el("tr", w.chosen ? "chosen" : "");
      row.appendChild(el("td", "num", "#" + w.rank));
      row.appendChild(el("td", "", w.site));
      row.appendChild(el("td", "", w.chosen ? "chosen" : "not chosen"));
      row.appendChild(el("td", "num", w.chosen ? fmt(w.served_mw, 1) + " MW" : "\u2014"));
      row.appendChild(el("td", "num", w.chosen ? fmt(w.only_mw, 1) + " MW" : "\u2014"));
      row.appendChild(el("td", "num", fmt(w.reach_mw, 1) + " MW"));
      row.appendChild(el("td", "num", fmt(w.cost_usd_per_mw_year / 1e6, 2)));
      row.appendChild(el("td", "num", w.chosen ? "\u2014" : fmt(w.paid_usd_per_mw_year / 1e6, 2)));
      row.appendChild(el("td", "wrap", w.reason));
      tbody.appendChild(row);
    });
  }

  function main() {
    var data = JSON.parse(document.getElementById("gs-data").textContent);
    var land = JSON.parse(document.getElementById("gs-land").textContent);
    var p = data.params;
    document.getElementById("summary").textContent =
      data.candidates.length + " candidates ranked for " + data.class + " \u00b7 need " + fmt(p.need_mw, 0) +
      " MW per site \u00b7 racks " + fmt(p.rack_kw_min, 0) + "\u2013" + fmt(p.rack_kw_max, 0) + " kW" +
      (data.class === "training"
        ? " \u00b7 curtailing the top " + fmt(100 * p.flex_hours_share, 1) + " % price hours \u00b7 headroom at " + fmt(p.headroom_rate_pct, 2) + " % curtailment"
        : " \u00b7 latency budget " + fmt(p.latency_budget_ms, 0) + " ms round trip \u00b7 " + data.regions.length + " demand regions") +
      " \u00b7 prices and carbon of " + data.year;
    var run = null;
    if (data.placement && data.placement.runs)
      data.placement.runs.forEach(function (r) { if (r.k === data.placement.k) run = r; });
    document.getElementById("map-sub").textContent = run
      ? "Chosen sites (K = " + run.k + ") serve " + fmt(100 * run.coverage_share, 1) + " % of demand within " + fmt(p.latency_budget_ms, 0) + " ms; lines join each region to its site."
      : "Candidate sites coloured by score; labels give the rank." + (data.regions.length ? " Circles: demand regions, area by share." : "");
    var canvas = document.getElementById("map");
    var drawn = drawMap(canvas, land, data);
    if (drawn.left.length)
      document.getElementById("map-sub").textContent += " Labels left out where they would overlap: " + drawn.left.join(", ") + ".";
    legend(document.getElementById("legend"), data, run);
    if (data.placement) {
      document.getElementById("placement").hidden = false;
      document.getElementById("placement-sub").textContent =
        "Facility location (COIN-OR Cbc): K sites serving " + fmt(p.demand_mw, 0) + " MW of demand within " + fmt(p.latency_budget_ms, 0) +
        " ms at least cost (energy + " + fmt(p.latency_penalty_usd_per_ms_mw_year, 0) + " USD per ms per MW-year + " +
        fmt(100 * p.capex_annuity, 0) + " %/yr of land and build + " + fmt(p.site_fixed_usd_per_year / 1e6, 1) + " MUSD/yr per site). Costs in MUSD/yr.";
      placementTable(document.getElementById("placement-table"), data);
      if (run && run.why && run.why.length) {
        document.getElementById("why").hidden = false;
        whyTable(document.getElementById("why-table"), run);
      }
    }
    if (data.class === "training" && data.candidates.length && data.candidates[0].flexibility) {
      document.getElementById("flex").hidden = false;
      document.getElementById("flex-sub").textContent =
        "USD per MWh of IT energy. Each hour not curtailed for arbitrage, " + fmt(100 * p.flex_offer_share, 0) +
        " % of the interconnection (at most the load, " + fmt(100 * p.training_utilisation, 0) +
        " % of it) is offered to the zone's priced reserve and capacity products, most valuable first, never twice; deployments cost the GPU-hours lost at " +
        fmt(p.usd_per_gpu_hour, 2) + " USD. Hover a note for the price's period and source.";
      flexTable(document.getElementById("flex-table"), data);
    }
    scoreTable(document.getElementById("score-table"), data);
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { window.gsSite.drawn = drawMap(canvas, land, data); }, 150);
    });
    window.gsSite = { data: data, drawn: drawn };
    document.body.dataset.gsReady = "1";
  }

  try {
    main();
  } catch (e) {
    var box = document.getElementById("gs-error");
    box.hidden = false;
    box.textContent = "The report's script failed: " + e.message;
    document.body.dataset.gsError = e.message || "error";
    console.error(e);
  }
})();
