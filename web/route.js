/* route.js: draws the gridsplit routing report (web/route.html) from the inline JSON blocks
 * #gs-data (written by src/io/route_report.c from summary.json: sites, regions, flows per
 * (region, site) as mean requests/s over the period, events with the flows each one moved) and
 * #gs-land (world-atlas land-110m, drawn by web/map.js). The map shows the sites (area by
 * request capacity, colour by mean load), the demand regions (area by demand share), the flows
 * (width by mean requests/s) and, in magenta, the flows moved by the selected grid events
 * (width by mean requests/s moved over the event's window, same scale). Then each inference
 * site's MW over the period (bucket means, events shaded) and, per event, each site's MW over
 * the window with the cap (solid) and without it (dashed), the cap as a dotted line; then the
 * tables: events, sites, regions. Every string from the data is inserted with textContent, never as HTML.
 * Sets body[data-gs-ready] when done (tests wait on it), body[data-gs-error] on failure;
 * window.gsRoute.drawn counts what the map drew. */
(function () {
  "use strict";

  var FLOW = "rgba(47,109,181,0.55)", MOVED = "rgba(194,24,91,0.9)", SHED = "rgba(194,24,91,0.9)";
  var REGION_FILL = "rgba(229,121,42,0.22)", REGION_EDGE = "rgba(200,100,30,0.85)";
  var MAX_W = 14;
  var PALETTE = ["#2f6db5", "#e5792a", "#2a9d8f", "#8e5bb5", "#c9a227", "#d1495b", "#5d8a3a", "#6c757d"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  }

  function fmt(v, d) {
    if (v == null || !isFinite(v)) return "\u2014";
    return Number(v).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  /* 23 860 000 000 -> "23.9 G"; small numbers as they are */
  function si(v, d) {
    if (v == null || !isFinite(v)) return "\u2014";
    var a = Math.abs(v);
    if (d == null) d = 1;
    if (a >= 1e12) return fmt(v / 1e12, d) + " T";
    if (a >= 1e9) return fmt(v / 1e9, d) + " G";
    if (a >= 1e6) return fmt(v / 1e6, d) + " M";
    if (a >= 1e3) return fmt(v / 1e3, d) + " k";
    return fmt(v, a >= 10 || a === 0 ? 0 : d);
  }

  function pct(v, d) { return v == null || !isFinite(v) ? "\u2014" : fmt(100 * v, d == null ? 0 : d) + " %"; }

  function utc(s) { return String(s || "").replace("T", " ").replace(/:00Z$/, "Z").replace(/Z$/, " UTC"); }

  /* "2024-07-16 17:00 \u2192 21:00" within a day, else both ends in full (UTC) */
  function window_(from, to) {
    var a = String(from || ""), b = String(to || "");
    var da = a.slice(0, 10), db = b.slice(0, 10), ta = a.slice(11, 16), tb = b.slice(11, 16);
    if (da === db) return da + " " + ta + " \u2192 " + tb;
    return da + " " + ta + " \u2192 " + db + " " + tb;
  }

  function duration(sec) {
    if (!isFinite(sec)) return "\u2014";
    if (sec % 86400 === 0) return fmt(sec / 86400, 0) + " d";
    if (sec % 3600 === 0) return fmt(sec / 3600, 0) + " h";
    if (sec % 60 === 0) return fmt(sec / 60, 0) + " min";
    return fmt(sec, 0) + " s";
  }

  /* load 0..1 -> green .. amber .. red */
  function loadColor(s) {
    if (s == null || !isFinite(s)) return "#98a2b3";
    s = Math.max(0, Math.min(1, s));
    var stops = [[0, [46, 160, 90]], [0.5, [240, 180, 40]], [1, [205, 50, 40]]];
    var a = s <= 0.5 ? stops[0] : stops[1], b = s <= 0.5 ? stops[1] : stops[2];
    var t = (s - a[0]) / (b[0] - a[0]);
    var c = [0, 1, 2].map(function (i) { return Math.round(a[1][i] + t * (b[1][i] - a[1][i])); });
    return "rgb(" + c.join(",") + ")";
  }

  /* ---- the map ------------------------------------------------------------------------- */

  /* a curved line from a to b (bulging to the left of the direction), drawn on both sides of
   * the antimeridian when the short way crosses it; returns the end's direction for arrows */
  function curve(ctx, m, lon1, lat1, lon2, lat2, arrow) {
    var dl = lon2 - lon1;
    if (dl > 180) lon2 -= 360; else if (dl < -180) lon2 += 360;
    [-360, 0, 360].forEach(function (shift) {
      var x1 = m.X(lon1 + shift), y1 = m.Y(lat1), x2 = m.X(lon2 + shift), y2 = m.Y(lat2);
      if (Math.max(x1, x2) < 0 || Math.min(x1, x2) > m.width) return;
      var dx = x2 - x1, dy = y2 - y1, len = Math.sqrt(dx * dx + dy * dy);
      if (len < 2) return;
      var bend = Math.min(0.18 * len, 60);
      var cx = (x1 + x2) / 2 + dy / len * bend, cy = (y1 + y2) / 2 - dx / len * bend;
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.quadraticCurveTo(cx, cy, x2, y2);
      ctx.stroke();
      if (arrow) {
        /* arrowhead at 80 % of the curve, pointing along it */
        var t = 0.8, px = (1 - t) * (1 - t) * x1 + 2 * (1 - t) * t * cx + t * t * x2,
            py = (1 - t) * (1 - t) * y1 + 2 * (1 - t) * t * cy + t * t * y2;
        var tx = 2 * (1 - t) * (cx - x1) + 2 * t * (x2 - cx), ty = 2 * (1 - t) * (cy - y1) + 2 * t * (y2 - cy);
        var tl = Math.sqrt(tx * tx + ty * ty) || 1, ux = tx / tl, uy = ty / tl;
        var s = Math.max(7, ctx.lineWidth * 1.6);
        ctx.save();
        ctx.setLineDash([]);
        ctx.beginPath();
        ctx.moveTo(px + ux * s, py + uy * s);
        ctx.lineTo(px - ux * s * 0.6 - uy * s * 0.7, py - uy * s * 0.6 + ux * s * 0.7);
        ctx.lineTo(px - ux * s * 0.6 + uy * s * 0.7, py - uy * s * 0.6 - ux * s * 0.7);
        ctx.closePath();
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fill();
        ctx.restore();
      }
    });
  }

  function drawMap(canvas, land, data, sel) {
    var m = gsMap.draw(canvas, land);
    var ctx = m.ctx, X = m.X, Y = m.Y;
    var drawn = { flows: 0, moved: 0, sites: 0, regions: 0 };
    var sites = data.sites, regions = data.regions;
    var events = data.events.filter(function (e, i) { return sel.indexOf(i) >= 0; });

    /* one width scale (requests/s) for period flows and moved flows */
    var maxRps = 0;
    data.flows.forEach(function (f) { maxRps = Math.max(maxRps, f[2]); });
    events.forEach(function (e) { e.gained.forEach(function (g) { maxRps = Math.max(maxRps, g[2]); }); });
    function width(rps) { return maxRps > 0 ? Math.max(0.8, MAX_W * rps / maxRps) : 1; }

    /* demand regions: area by demand share */
    regions.forEach(function (r) {
      var rad = 3 + 34 * Math.sqrt(r.share || 0);
      ctx.beginPath();
      ctx.arc(X(r.lon), Y(r.lat), rad, 0, 2 * Math.PI);
      ctx.fillStyle = r.unserved_requests > 0 ? "rgba(200,55,45,0.25)" : REGION_FILL;
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = r.unserved_requests > 0 ? "rgba(180,35,24,0.9)" : REGION_EDGE;
      ctx.stroke();
      drawn.regions++;
    });

    /* flows over the period, thickest first below */
    ctx.lineCap = "round";
    data.flows.slice().sort(function (a, b) { return b[2] - a[2]; }).forEach(function (f) {
      var r = regions[f[0]], s = sites[f[1]];
      ctx.strokeStyle = FLOW;
      ctx.lineWidth = width(f[2]);
      curve(ctx, m, r.lon, r.lat, s.lon, s.lat, false);
      drawn.flows++;
    });

    /* flows moved by the selected events: dashed where the cap took requests away, solid with
     * an arrow where they went */
    events.forEach(function (e) {
      e.shed.forEach(function (g) {
        var r = regions[g[0]], s = sites[g[1]];
        ctx.save();
        ctx.setLineDash([4, 4]);
        ctx.strokeStyle = SHED;
        ctx.lineWidth = 1.5;
        curve(ctx, m, r.lon, r.lat, s.lon, s.lat, false);
        ctx.restore();
      });
      e.gained.forEach(function (g) {
        var r = regions[g[0]], s = sites[g[1]];
        ctx.strokeStyle = MOVED;
        ctx.lineWidth = width(g[2]);
        curve(ctx, m, r.lon, r.lat, s.lon, s.lat, true);
        drawn.moved++;
      });
    });

    /* sites: area by request capacity, colour by mean load; capped sites ringed */
    var maxCap = 0;
    sites.forEach(function (s) { if (s.capacity_rps > maxCap) maxCap = s.capacity_rps; });
    var capped = {};
    events.forEach(function (e) { capped[e.site] = true; });
    sites.forEach(function (s, i) {
      var x = X(s.lon), y = Y(s.lat);
      if (!s.inference) {
        ctx.beginPath();
        ctx.rect(x - 3, y - 3, 6, 6);
        ctx.fillStyle = "#fff";
        ctx.fill();
        ctx.lineWidth = 1.2;
        ctx.strokeStyle = "#98a2b3";
        ctx.stroke();
        return;
      }
      var rad = 5 + 13 * Math.sqrt(maxCap > 0 ? s.capacity_rps / maxCap : 0);
      if (capped[i]) {
        ctx.beginPath(); ctx.arc(x, y, rad + 4.5, 0, 2 * Math.PI);
        ctx.lineWidth = 3; ctx.strokeStyle = MOVED; ctx.stroke();
      }
      ctx.beginPath(); ctx.arc(x, y, rad, 0, 2 * Math.PI);
      ctx.fillStyle = loadColor(s.load_mean); ctx.fill();
      ctx.lineWidth = 1.5; ctx.strokeStyle = "#fff"; ctx.stroke();
      drawn.sites++;
    });
    /* labels last, so no line covers them; sites first, then the regions' where they fit */
    var placer = gsMap.placer(ctx, m);
    sites.forEach(function (s) {
      if (!s.inference) return;
      var rad = 5 + 13 * Math.sqrt(maxCap > 0 ? s.capacity_rps / maxCap : 0);
      placer.obstacle(X(s.lon) - rad, Y(s.lat) - rad, 2 * rad, 2 * rad);
    });
    sites.forEach(function (s, i) {
      if (!s.inference) return;
      var rad = 5 + 13 * Math.sqrt(maxCap > 0 ? s.capacity_rps / maxCap : 0);
      var lines = [{ text: s.id + " " + pct(s.load_mean), font: "600 12px system-ui, sans-serif", color: "#1d2733" }];
      events.forEach(function (e) {
        if (e.site === i) lines.push({ text: "cap " + fmt(e.cap_mw, 0) + " MW", font: "600 11px system-ui, sans-serif", color: "#a0144c" });
      });
      placer.place(X(s.lon), Y(s.lat), rad + 4, lines, true);
    });
    regions.forEach(function (r) {
      var rad = Math.min(3 + 34 * Math.sqrt(r.share || 0), 12);
      placer.place(X(r.lon), Y(r.lat), rad + 2, [{ text: r.id, font: "10px system-ui, sans-serif", color: "#8a4b14" }], false);
    });
    return { drawn: drawn, maxRps: maxRps };
  }

  function legend(box, data, info) {
    box.textContent = "";
    function item(node, text) {
      var s = el("span");
      s.appendChild(node);
      s.appendChild(document.createTextNode(text));
      box.appendChild(s);
    }
    var ramp = el("span", "ramp");
    ramp.style.background = "linear-gradient(90deg," + loadColor(0) + "," + loadColor(0.5) + "," + loadColor(1) + ")";
    var lbl = el("span");
    lbl.appendChild(document.createTextNode("site, mean load 0 %"));
    lbl.appendChild(ramp);
    lbl.appendChild(document.createTextNode("100 % (area: capacity)"));
    box.appendChild(lbl);
    var sq = el("span", "sw");
    sq.style.borderRadius = "0"; sq.style.background = "#fff"; sq.style.border = "1.5px solid #98a2b3";
    sq.style.width = "9px"; sq.style.height = "9px";
    if (data.sites.some(function (s) { return !s.inference; })) item(sq, "site without inference");
    var rg = el("span", "sw");
    rg.style.background = REGION_FILL; rg.style.border = "1px solid " + REGION_EDGE;
    item(rg, "demand region (area: share of demand)");
    if (info.maxRps > 0) {
      [1, 0.25].forEach(function (f) {
        var ln = el("span", "ln");
        ln.style.height = Math.max(1, Math.round(MAX_W * f)) + "px";
        ln.style.background = FLOW;
        item(ln, si(info.maxRps * f) + " req/s");
      });
    }
    if (data.events.length) {
      var mv = el("span", "ln");
      mv.style.height = "4px"; mv.style.background = MOVED;
      item(mv, "moved by the selected events (mean req/s over the window; dashed: flows they cut)");
    }
  }

  /* ---- tables -------------------------------------------------------------------------- */

  function head(table, cols) {
    var tr = el("tr");
    cols.forEach(function (c) {
      var th = el("th", c.num ? "num" : "", c.h);
      if (c.u) { th.appendChild(el("br")); th.appendChild(el("span", "unit", c.u)); }
      if (c.title) th.title = c.title;
      tr.appendChild(th);
    });
    table.querySelector("thead").appendChild(tr);
  }

  function td(row, text, cls, title) {
    var c = el("td", cls || "", text);
    if (title) c.title = title;
    row.appendChild(c);
    return c;
  }

  function eventsTable(table, data, onPick) {
    head(table, [
      { h: "Event" }, { h: "Site" }, { h: "Window", u: "UTC" }, { h: "Cap", u: "MW", num: true },
      { h: "Site draw", u: "MW, no cap \u2192 cap", num: true, title: "the site's mean inference MW over the window, routed without and with the cap" }, { h: "Moved", u: "MW", num: true },
      { h: "Moved to", u: "MW gained" }, { h: "Requests moved", num: true },
      { h: "Latency added", u: "mean / p95 ms", num: true, title: "RTT of the moved requests minus the RTT they had without the cap" },
      { h: "Unserved", u: "added", num: true, title: "requests left unserved because of the cap" }]);
    var tbody = table.querySelector("tbody");
    if (!data.events.length) {
      var row = el("tr");
      var c = td(row, "No grid events in this run (give them with --events FILE).", "empty");
      c.colSpan = 10;
      tbody.appendChild(row);
      return [];
    }
    return data.events.map(function (e, i) {
      var row = el("tr", "pick");
      row.title = "Show this event's moved flows on the map";
      td(row, e.id);
      td(row, data.sites[e.site].id);
      var w = td(row, window_(e.from, e.to));
      w.appendChild(el("div", "detail", e.steps + " steps"));
      td(row, fmt(e.cap_mw, 1), "num");
      td(row, fmt(e.site_mw_without_cap, 1) + " \u2192 " + fmt(e.site_mw_with_cap, 1), "num");
      td(row, fmt(e.mw_moved, 1), "num");
      td(row, e.moved_to.length ? e.moved_to.map(function (t) {
        return (t[0] != null ? data.sites[t[0]].id : "?") + " " + fmt(t[1], 1);
      }).join(", ") : "\u2014", "wrap");
      td(row, si(e.requests_moved), "num");
      td(row, fmt(e.rtt_added_mean_ms, 1) + " / " + fmt(e.rtt_added_p95_ms, 1), "num");
      td(row, si(e.unserved_requests), e.unserved_requests > 0.5 ? "num bad" : "num");
      row.addEventListener("click", function () { onPick(i); });
      tbody.appendChild(row);
      return row;
    });
  }

  function sitesTable(table, data) {
    head(table, [
      { h: "Site" }, { h: "Services" }, { h: "Capacity", u: "req/s", num: true },
      { h: "Load", u: "mean / peak", num: true, title: "requests/s served over capacity (no cap)" },
      { h: "Inference draw", u: "mean / peak MW", num: true, title: "at the grid connection, PUE included" },
      { h: "Daily shape", u: "peak (local) / max:min", num: true, title: "the routed inference draw's daily peak hour in the site's local time and its daily max over min, medians over the days of the period" },
      { h: "Served", u: "requests", num: true }, { h: "Mean rate", u: "req/s", num: true },
      { h: "Unserved", u: "requests of its home regions", num: true },
      { h: "RTT", u: "mean / p95 ms", num: true }]);
    var tbody = table.querySelector("tbody");
    data.sites.forEach(function (s) {
      if (!s.inference) return;
      var row = el("tr");
      var n = td(row, "");
      n.appendChild(el("strong", "", s.id));
      n.appendChild(el("div", "detail", s.name));
      td(row, s.services.join(", "));
      td(row, si(s.capacity_rps), "num");
      var l = td(row, "", "num");
      var pill = el("span", "pill", pct(s.load_mean));
      pill.style.background = loadColor(s.load_mean);
      l.appendChild(pill);
      l.appendChild(document.createTextNode(" / " + pct(s.load_peak)));
      td(row, fmt(s.mw_mean, 1) + " / " + fmt(s.mw_peak, 1), "num");
      var ph = s.peak_hour_local, hm = "\u2014";
      if (ph != null && isFinite(ph)) {
        var mins = Math.round(ph * 60) % 1440;
        hm = String(Math.floor(mins / 60)).padStart(2, "0") + ":" + String(mins % 60).padStart(2, "0");
      }
      td(row, hm + " / " + (s.peak_to_trough == null ? "\u2014" : fmt(s.peak_to_trough, 1) + "\u00d7"), "num");
      td(row, si(s.served_requests), "num");
      td(row, si(s.served_rps_mean), "num");
      td(row, si(s.unserved_requests), s.unserved_requests > 0.5 ? "num bad" : "num");
      td(row, fmt(s.rtt_mean_ms, 1) + " / " + fmt(s.rtt_p95_ms, 1), "num");
      tbody.appendChild(row);
    });
  }

  function regionsTable(table, data) {
    var multi = data.services.length > 1;
    var cols = [{ h: "Region" }];
    if (multi) cols.push({ h: "Service" });
    cols = cols.concat([
      { h: "Home site", title: "pinned: the fleet file names its site; otherwise its nearest site within the budget" },
      { h: "Demand", u: "share / requests", num: true }, { h: "Served", u: "requests", num: true },
      { h: "Unserved", u: "requests", num: true }, { h: "RTT", u: "mean / p95 ms", num: true },
      { h: "Served by", u: "share of its requests (RTT, its source)", title: "RTT source: measured (a measured matrix), cable (the cable-aware model, between continents) or plain (the calibrated plain model)" }]);
    head(table, cols);
    var tbody = table.querySelector("tbody");
    var per = data.regions.map(function () { return []; });
    data.flows.forEach(function (f) { per[f[0]].push(f); });
    data.regions.forEach(function (r, i) {
      var row = el("tr");
      td(row, r.id);
      if (multi) td(row, data.services[r.service].id);
      var h = r.pinned != null ? data.sites[r.pinned].id + " (pinned)" : r.home != null ? data.sites[r.home].id : "none within budget";
      td(row, h);
      td(row, pct(r.share, 1) + " / " + si(r.demand_requests), "num");
      td(row, si(r.served_requests), "num");
      var un = td(row, si(r.unserved_requests) + (r.demand_requests > 0 && r.unserved_requests > 0
        ? " (" + pct(r.unserved_requests / r.demand_requests, 1) + ")" : ""), r.unserved_requests > 0.5 ? "num bad" : "num");
      un.title = "requests no site could take within the budget and capacity";
      td(row, fmt(r.rtt_mean_ms, 1) + " / " + fmt(r.rtt_p95_ms, 1), "num");
      var tot = per[i].reduce(function (a, f) { return a + f[2]; }, 0);
      var c = td(row, "", "wrap");
      var fl = per[i].slice().sort(function (a, b) { return b[2] - a[2]; });
      c.appendChild(document.createTextNode(fl.length ? fl.map(function (f) {
        var sh = tot > 0 ? f[2] / tot : 0;
        return data.sites[f[1]].id + " " + (sh > 0 && sh < 0.005 ? "<1 %" : pct(sh)) + " (" + fmt(f[3], 0) + " ms, " + (f[4] || "plain") + ")";
      }).join(", ") : "\u2014"));
      if (fl.length > 1) {
        var bar = el("div", "split");
        fl.forEach(function (f) {
          var seg = el("i");
          seg.style.width = (100 * f[2] / tot).toFixed(2) + "%";
          seg.style.background = PALETTE[f[1] % PALETTE.length];
          bar.appendChild(seg);
        });
        c.appendChild(bar);
      }
      tbody.appendChild(row);
    });
  }

  /* ---- page ---------------------------------------------------------------------------- */

  function facts(box, data) {
    function fact(k, v) {
      var d = el("div");
      d.appendChild(el("dt", "", k));
      d.appendChild(el("dd", "", v));
      box.appendChild(d);
    }
    fact("Period", utc(data.from) + " \u2192 " + utc(data.to));
    fact("Step", duration(data.step_s) + " \u00d7 " + fmt(data.steps, 0) + " steps");
    data.services.forEach(function (s) {
      fact("Service " + s.id, "latency budget " + fmt(s.latency_budget_ms, 0) + " ms \u00b7 RTT limit " +
           (s.rtt_limit_ms == null ? "none" : fmt(s.rtt_limit_ms, 0) + " ms") + " \u00b7 " + s.regions + " regions");
    });
    fact("Server time", fmt(data.options.server_ms, 0) + " ms of the budget");
    fact("Latency penalty", fmt(data.options.latency_penalty_usd_per_mreq_ms, 3) + " USD per M requests per ms");
    var base = function (p) { return p ? String(p).replace(/^.*\//, "") : null; };
    fact("Round trips", "measured: " + (base(data.options.rtt_matrix) || "none") + " \u00b7 cables: " +
         (base(data.options.cables) || "none") + " \u00b7 else the plain model");
    fact("Data transfer", fmt(data.options.tokens_in, 0) + " + " + fmt(data.options.tokens_out, 0) + " tokens \u00d7 " +
         fmt(data.options.bytes_per_token, 0) + " B per request \u00b7 prices " + (base(data.options.transfer_prices) || "built-in"));
    (data.warnings || []).forEach(function (w) { fact("Warning", w); });
    fact("Grid events", data.events.length ? String(data.events.length) : "none");
  }

  function kpis(box, data) {
    var dem = 0, served = 0, unserved = 0, ms = 0;
    data.services.forEach(function (s) { dem += s.demand_requests || 0; served += s.served_requests || 0; unserved += s.unserved_requests || 0; });
    data.flows.forEach(function (f) { ms += f[2] * f[3]; });
    var rate = data.flows.reduce(function (a, f) { return a + f[2]; }, 0);
    var moved = data.events.reduce(function (a, e) { return a + (e.requests_moved || 0); }, 0);
    function kpi(v, k, warn) {
      var d = el("div", "kpi" + (warn ? " warn" : ""));
      d.appendChild(el("div", "v", v));
      d.appendChild(el("div", "k", k));
      box.appendChild(d);
    }
    kpi(si(served), "requests served");
    kpi(si(unserved) + (dem > 0 && unserved > 0 ? " (" + pct(unserved / dem, 2) + ")" : ""), "requests unserved", unserved > 0.5);
    kpi(fmt(rate > 0 ? ms / rate : NaN, 1) + " ms", "mean round trip of served requests");
    var bysrc = { measured: 0, cable: 0, plain: 0 }, tot = 0;
    data.services.forEach(function (s) {
      Object.keys(bysrc).forEach(function (k) { var v = (s.served_by_rtt_source || {})[k] || 0; bysrc[k] += v; tot += v; });
    });
    var present = Object.keys(bysrc).filter(function (k) { return bysrc[k] > 0; });
    kpi(present.map(function (k) { return pct(tot > 0 ? bysrc[k] / tot : 0, 0); }).join(" \u00b7 ") || "\u2014",
        "served requests by RTT source: " + (present.join(" \u00b7 ") || "none"));
    kpi(data.sites.filter(function (s) { return s.inference; }).length + " / " + data.regions.length, "inference sites / demand regions");
    kpi(si(moved), "requests moved by " + data.events.length + " grid event" + (data.events.length === 1 ? "" : "s"));
  }

  /* ---- MW over time ---------------------------------------------------------------------- */

  /* round steps for an axis: 1, 2 or 5 x 10^n, about n ticks over [lo, hi] */
  function niceTicks(lo, hi, n) {
    var span = hi - lo;
    if (!(span > 0)) return [lo];
    var raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), step = mag;
    [1, 2, 5, 10].some(function (m) { step = m * mag; return step >= raw; });
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
    return out;
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /* time ticks in UTC at round steps: hours, days, weeks or month starts; about n of them */
  function timeTicks(t0, t1, n) {
    var span = t1 - t0, out = [], d;
    if (span > 60 * 86400) {
      var months = Math.max(1, [1, 2, 3, 6, 12].filter(function (m) { return span / (m * 30.44 * 86400) <= n; })[0] || 12);
      d = new Date(t0 * 1000);
      var y = d.getUTCFullYear(), m = d.getUTCMonth();
      for (;;) {
        var t = Date.UTC(y, m, 1) / 1000;
        if (t > t1) break;
        if (t >= t0 && m % months === 0) out.push({ t: t, label: MONTHS[m] + (m === 0 ? " " + y : "") });
        if (++m === 12) { m = 0; y++; }
      }
      return out;
    }
    var steps = [3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600];
    var step = steps.filter(function (s) { return span / s <= n; })[0] || 2592000;
    for (var t2 = Math.ceil(t0 / step) * step; t2 <= t1; t2 += step) {
      d = new Date(t2 * 1000);
      var day = MONTHS[d.getUTCMonth()] + " " + d.getUTCDate();
      out.push({ t: t2, label: step >= 86400 || (d.getUTCHours() === 0 && d.getUTCMinutes() === 0)
                 ? day : pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()) });
    }
    return out;
  }

  /* how many buckets of width w make one point when n of them must fit in about max points: a
   * round span (an hour, 2, 3, 6, 12 h, a day, 2 days, a week, 2 weeks, 30 days) */
  function groupOf(n, w, max) {
    var need = Math.ceil(n / Math.max(1, max));
    if (need <= 1) return 1;
    var spans = [3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000];
    for (var i = 0; i < spans.length; i++)
      if (spans[i] % w === 0 && spans[i] / w >= need) return spans[i] / w;
    return need;
  }

  /* A line chart of MW over time. lines: [{s: {t0, width_s, mw}, color, dash}]; bands:
   * [{from, to}] shaded (UTC seconds); hlines: [{y, color, label}]. Returns what it drew. */
  function drawLines(canvas, lines, bands, hlines, t0, t1) {
    var ctx = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
    var L = 56, R = 14, T = 12, B = 30;
    ctx.clearRect(0, 0, W, H);
    var hi = 0, drawn = 0;
    lines.forEach(function (l) { l.s.mw.forEach(function (v) { if (v != null && v > hi) hi = v; }); });
    hlines.forEach(function (h) { if (h.y > hi) hi = h.y; });
    var yt = niceTicks(0, hi > 0 ? hi * 1.05 : 1, 5), ymax = yt[yt.length - 1] || 1;
    function X(t) { return L + (W - L - R) * (t - t0) / Math.max(1, t1 - t0); }
    function Y(v) { return T + (H - T - B) * (1 - v / ymax); }
    ctx.fillStyle = "rgba(194,24,91,0.08)";
    bands.forEach(function (b) {
      var a = Math.max(X(b.from), L), z = Math.min(X(b.to), W - R);
      if (z > a) ctx.fillRect(a, T, Math.max(1, z - a), H - T - B);
    });
    ctx.font = "11px system-ui, sans-serif";
    ctx.strokeStyle = "#e4e7ec"; ctx.fillStyle = "#667085"; ctx.lineWidth = 1;
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    yt.forEach(function (v) {
      ctx.beginPath(); ctx.moveTo(L, Y(v) + 0.5); ctx.lineTo(W - R, Y(v) + 0.5); ctx.stroke();
      ctx.fillText(fmt(v, v % 1 ? 1 : 0), L - 6, Y(v));
    });
    ctx.save(); ctx.translate(12, T + (H - T - B) / 2); ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center"; ctx.fillText("MW", 0, 0); ctx.restore();
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    var lastRight = -1e9;
    timeTicks(t0, t1, 10).forEach(function (k) {
      var x = X(k.t), w = ctx.measureText(k.label).width;
      ctx.strokeStyle = "#c9ced6";
      ctx.beginPath(); ctx.moveTo(x + 0.5, H - B); ctx.lineTo(x + 0.5, H - B + 4); ctx.stroke();
      if (x - w / 2 > lastRight + 6 && x + w / 2 <= W) { ctx.fillText(k.label, x, H - B + 7); lastRight = x + w / 2; }
    });
    hlines.forEach(function (h) {
      ctx.strokeStyle = h.color; ctx.setLineDash([2, 3]); ctx.lineWidth = 1.2;
      ctx.beginPath(); ctx.moveTo(L, Y(h.y)); ctx.lineTo(W - R, Y(h.y)); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = h.color; ctx.textAlign = "left"; ctx.textBaseline = "bottom";
      ctx.fillText(h.label, L + 4, Y(h.y) - 2);
    });
    /* more buckets than a point every 3 px: groups of g buckets drawn as their mean (the line)
     * over the range of the buckets' values (a light band: the daily swing of a year) */
    var perPx = 3, plotW = W - L - R;
    lines.forEach(function (l) {
      var v = l.s.mw, n = v.length, g = groupOf(n, l.s.width_s, plotW / perPx);
      var pts = [];
      for (var i = 0; i < n; i += g) {
        var sum = 0, k = 0, lo = Infinity, hi2 = -Infinity;
        for (var j = i; j < Math.min(n, i + g); j++) {
          if (v[j] == null) continue;
          sum += v[j]; k++; drawn++;
          if (v[j] < lo) lo = v[j];
          if (v[j] > hi2) hi2 = v[j];
        }
        pts.push(k ? { x: X(l.s.t0 + (i + Math.min(g, n - i) / 2) * l.s.width_s), m: sum / k, lo: lo, hi: hi2 } : null);
      }
      if (g > 1) {
        ctx.globalAlpha = 0.18; ctx.fillStyle = l.color;
        var run = [];
        var flush = function () {
          if (run.length > 1) {
            ctx.beginPath();
            run.forEach(function (p, q) { if (q) ctx.lineTo(p.x, Y(p.hi)); else ctx.moveTo(p.x, Y(p.hi)); });
            for (var q = run.length - 1; q >= 0; q--) ctx.lineTo(run[q].x, Y(run[q].lo));
            ctx.closePath(); ctx.fill();
          }
          run = [];
        };
        pts.forEach(function (p) { if (p) run.push(p); else flush(); });
        flush();
        ctx.globalAlpha = 1;
      }
      ctx.strokeStyle = l.color; ctx.lineWidth = l.dash ? 1.4 : 1.6; ctx.setLineDash(l.dash ? [5, 4] : []);
      ctx.beginPath();
      var pen = false;
      pts.forEach(function (p) {
        if (!p) { pen = false; return; }
        if (pen) ctx.lineTo(p.x, Y(p.m)); else ctx.moveTo(p.x, Y(p.m));
        pen = true;
      });
      ctx.stroke();
    });
    ctx.setLineDash([]);
    var grouped = lines.some(function (l) { return l.s.mw.length * perPx > plotW; });
    return { points: drawn, ymax: ymax, yticks: yt, grouped: grouped };
  }

  function lineLegend(box, items) {
    box.textContent = "";
    items.forEach(function (it) {
      var s = el("span");
      var sw = el("span", it.dash ? "dash" : "ln");
      if (it.dash) sw.style.color = it.color; else { sw.style.height = "3px"; sw.style.background = it.color; }
      s.appendChild(sw);
      s.appendChild(document.createTextNode(it.text));
      box.appendChild(s);
    });
  }

  function secs(iso) { return Date.parse(iso) / 1000; }

  function mwCharts(data) {
    var inf = data.sites.map(function (s, i) { return { s: s, i: i }; }).filter(function (x) { return x.s.inference && x.s.mw_series; });
    var color = {};
    inf.forEach(function (x, k) { color[x.i] = PALETTE[k % PALETTE.length]; });
    var t0 = secs(data.from), t1 = secs(data.to), out = { period: null, event: null };
    var bands = data.events.map(function (e) { return { from: secs(e.from), to: secs(e.to) }; });
    var w = inf.length ? inf[0].s.mw_series.width_s : 0;
    out.period = drawLines(document.getElementById("mw"), inf.map(function (x) { return { s: x.s.mw_series, color: color[x.i] }; }),
                           bands, [], t0, t1);
    lineLegend(document.getElementById("mw-legend"), inf.map(function (x) {
      return { color: color[x.i], text: x.s.id + " (mean " + fmt(x.s.mw_mean, 1) + " MW, peak " + fmt(x.s.mw_peak, 1) + " MW)" };
    }));
    var nb = inf.length ? inf[0].s.mw_series.mw.length : 0, cw = document.getElementById("mw").width - 70;
    var gw = w * groupOf(nb, w, cw / 3);
    document.getElementById("mw-sub").textContent = "Each inference site's draw at its grid connection, routed with the events" +
      (data.events.length ? " (shaded: their windows)" : "") + "; " +
      (out.period.grouped ? "line: mean over " + duration(gw) + ", band: the range of its " + duration(w) + " means (the daily swing)"
                          : "mean over " + duration(w) + " buckets") + " (UTC). " +
      "Its daily shape follows its regions' afternoons unless an event or a full site moves load.";
    if (!data.events.length) return out;
    var card = document.getElementById("ev-mw-card");
    card.hidden = false;
    var cur = 0;
    function draw() {
      var e = data.events[cur], a = secs(e.from), b = secs(e.to), lines = [], items = [];
      (e.mw_series || []).forEach(function (p) {
        if (!p[1]) return;
        var s = data.sites[p[0]];
        lines.push({ s: p[2], color: color[p[0]], dash: true });
        lines.push({ s: p[1], color: color[p[0]] });
        items.push({ color: color[p[0]], text: s.id });
      });
      items.push({ color: "#1f2329", text: "with the cap (solid)" });
      items.push({ color: "#1f2329", dash: true, text: "without it" });
      out.event = drawLines(document.getElementById("ev-mw"), lines, [],
                            [{ y: e.cap_mw, color: "#c2185b", label: "cap " + fmt(e.cap_mw, 1) + " MW at " + data.sites[e.site].id }], a, b);
      lineLegend(document.getElementById("ev-mw-legend"), items);
      document.getElementById("ev-mw-sub").textContent = e.id + ": " + window_(e.from, e.to) + " UTC. " +
        data.sites[e.site].id + " " + fmt(e.site_mw_without_cap, 1) + " MW without the cap, " + fmt(e.site_mw_with_cap, 1) +
        " MW with it (means over the window); " + fmt(e.mw_moved, 1) + " MW moved to the other sites.";
      var box = document.getElementById("ev-mw-pick");
      box.textContent = "";
      if (data.events.length > 1) {
        box.appendChild(el("span", "", "Event:"));
        data.events.forEach(function (x, i) {
          var bt = el("button", "", x.id);
          bt.type = "button";
          bt.setAttribute("aria-pressed", i === cur ? "true" : "false");
          bt.addEventListener("click", function () { cur = i; draw(); if (window.gsRoute) window.gsRoute.mw = out; });
          box.appendChild(bt);
        });
      }
    }
    draw();
    return out;
  }

  function main() {
    var data = JSON.parse(document.getElementById("gs-data").textContent);
    var land = JSON.parse(document.getElementById("gs-land").textContent);
    facts(document.getElementById("facts"), data);
    kpis(document.getElementById("kpis"), data);
    var canvas = document.getElementById("map");
    var sel = data.events.map(function (e, i) { return i; });
    var info = null, rows = [];

    function pickButtons() {
      var box = document.getElementById("event-pick");
      if (data.events.length < 1) return;
      box.hidden = false;
      box.textContent = "";
      box.appendChild(el("span", "", "Moved flows of:"));
      var all = el("button", "", "all events");
      all.type = "button";
      all.setAttribute("aria-pressed", sel.length === data.events.length ? "true" : "false");
      /* (with one event, its own button plays "all") */
      all.addEventListener("click", function () { select(data.events.map(function (e, i) { return i; })); });
      if (data.events.length > 1) box.appendChild(all);
      data.events.forEach(function (e, i) {
        var b = el("button", "", e.id);
        b.type = "button";
        b.setAttribute("aria-pressed", sel.length === 1 && sel[0] === i ? "true" : "false");
        b.addEventListener("click", function () { select([i]); });
        box.appendChild(b);
      });
      var none = el("button", "", "none");
      none.type = "button";
      none.setAttribute("aria-pressed", sel.length === 0 ? "true" : "false");
      none.addEventListener("click", function () { select([]); });
      box.appendChild(none);
    }

    var mw = null;
    function redraw() {
      info = drawMap(canvas, land, data, sel);
      legend(document.getElementById("legend"), data, info);
      rows.forEach(function (r, i) { r.classList.toggle("selected", sel.indexOf(i) >= 0 && sel.length < data.events.length); });
      window.gsRoute = { data: data, drawn: info.drawn, selected: sel.slice(), mw: mw };
    }

    function select(s) {
      sel = s;
      pickButtons();
      redraw();
    }

    var ev = data.events, sub = "Lines: mean requests/s from each demand region to each site over the period (width to scale).";
    if (ev.length) {
      var mv = ev.reduce(function (a, e) { return a + (e.mw_moved || 0); }, 0);
      sub += " Magenta: the requests moved by " + (ev.length === 1 ? "the grid event (" + ev[0].id + ", " + fmt(mv, 1) + " MW moved)" :
             "the " + ev.length + " grid events (pick one below or in the table)") + ", mean requests/s over the event's window.";
    }
    document.getElementById("map-sub").textContent = sub;
    document.getElementById("events-sub").textContent = ev.length
      ? "Each event caps a site's inference draw over a window; the same steps are routed again without caps to measure what it moved. Latency added: RTT of the moved requests minus the RTT they had. Click a row to show its flows on the map."
      : "";
    var nTrain = data.sites.filter(function (s) { return !s.inference; }).length;
    document.getElementById("sites-sub").textContent =
      "Sites running an inference service" + (nTrain ? " (" + nTrain + " without inference not listed)" : "") +
      ". Load: requests/s served over the site's request capacity (GPUs \u00d7 requests/s per GPU), before grid caps. " +
      "Unserved: requests of the regions whose home site it is that no site could take. RTT: of the requests it served.";
    document.getElementById("regions-sub").textContent =
      "Demand over the period and where it was served. RTT: round trip of its served requests (mean and 95th percentile, weighted by requests).";
    pickButtons();
    rows = eventsTable(document.getElementById("events-table"), data, function (i) {
      select(sel.length === 1 && sel[0] === i && data.events.length > 1 ? data.events.map(function (e, k) { return k; }) : [i]);
    });
    sitesTable(document.getElementById("sites-table"), data);
    regionsTable(document.getElementById("regions-table"), data);
    mw = mwCharts(data);
    redraw();
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(redraw, 150);
    });
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
