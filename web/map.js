/* map.js: the world map shared by the gridsplit reports (web/site.html, web/route.html): an
 * equirectangular canvas (latitudes LAT_TOP..LAT_BOTTOM, longitudes -180..180) with a light
 * graticule and the land of world-atlas land-110m (TopoJSON, decoded with topojson-client,
 * which must be inlined before this script). gsMap.draw() sizes the canvas to its CSS width
 * (device pixel ratio included), paints sea, graticule and land, and returns the projection
 * for the caller's own layers; gsMap.label() writes text with a white halo; gsMap.placer() places
 * labels where they overlap neither each other nor the obstacles given. Land is filled
 * with #c9d3bf: the browser checks count those pixels. */
(function () {
  "use strict";

  var LAT_TOP = 84, LAT_BOTTOM = -58;
  var LAND_FILL = "#c9d3bf", LAND_EDGE = "#9aa88f", SEA = "#dfeaf3";

  function draw(canvas, land) {
    var cssW = canvas.clientWidth || 1200;
    var cssH = Math.round(cssW * (LAT_TOP - LAT_BOTTOM) / 360);
    var dpr = window.devicePixelRatio || 1;
    canvas.style.height = cssH + "px";
    canvas.width = Math.round(cssW * dpr);
    canvas.height = Math.round(cssH * dpr);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    function X(lon) { return (lon + 180) / 360 * cssW; }
    function Y(lat) { return (LAT_TOP - lat) / (LAT_TOP - LAT_BOTTOM) * cssH; }

    ctx.fillStyle = SEA;
    ctx.fillRect(0, 0, cssW, cssH);
    ctx.strokeStyle = "rgba(120,140,160,0.25)";
    ctx.lineWidth = 1;
    for (var g = -150; g <= 180; g += 30) { ctx.beginPath(); ctx.moveTo(X(g), 0); ctx.lineTo(X(g), cssH); ctx.stroke(); }
    for (var h = -30; h <= 60; h += 30) { ctx.beginPath(); ctx.moveTo(0, Y(h)); ctx.lineTo(cssW, Y(h)); ctx.stroke(); }

    /* land: rings of every polygon; a jump across the antimeridian starts a new sub-path */
    var geo = topojson.feature(land, land.objects.land);
    var feats = geo.type === "FeatureCollection" ? geo.features : [geo];
    ctx.beginPath();
    feats.forEach(function (f) {
      var gm = f.geometry;
      if (!gm) return;
      var polys = gm.type === "Polygon" ? [gm.coordinates] : gm.type === "MultiPolygon" ? gm.coordinates : [];
      polys.forEach(function (poly) {
        poly.forEach(function (ring) {
          var prev = null;
          ring.forEach(function (p) {
            if (prev === null || Math.abs(p[0] - prev[0]) > 180) ctx.moveTo(X(p[0]), Y(p[1]));
            else ctx.lineTo(X(p[0]), Y(p[1]));
            prev = p;
          });
        });
      });
    });
    ctx.fillStyle = LAND_FILL;
    ctx.fill("evenodd");
    ctx.strokeStyle = LAND_EDGE;
    ctx.lineWidth = 0.6;
    ctx.stroke();
    return { ctx: ctx, X: X, Y: Y, width: cssW, height: cssH };
  }

  /* text with a white halo so it reads over land, sea and lines */
  function label(ctx, text, x, y, opts) {
    opts = opts || {};
    ctx.save();
    ctx.font = opts.font || "11px system-ui, sans-serif";
    ctx.textAlign = opts.align || "left";
    ctx.textBaseline = opts.baseline || "alphabetic";
    ctx.lineJoin = "round";
    ctx.lineWidth = opts.halo || 3;
    ctx.strokeStyle = "rgba(255,255,255,0.85)";
    ctx.strokeText(text, x, y);
    ctx.fillStyle = opts.color || "#1d2733";
    ctx.fillText(text, x, y);
    ctx.restore();
  }

  /* A greedy label placer: each label tries the right, left, below and above of its point, the
   * four diagonals, then the same a little further out, and takes the first spot inside the map and free of earlier labels and
   * obstacles; force: keep the first spot when none is free. placed() lists the boxes of the
   * labels drawn ({x, y, w, h, text}: the browser checks test they do not overlap). */
  function placer(ctx, m) {
    var boxes = [], placed = [];
    function free(b) {
      if (b.x < 0 || b.y < 0 || b.x + b.w > m.width || b.y + b.h > m.height) return false;
      return boxes.every(function (o) { return b.x + b.w <= o.x || o.x + o.w <= b.x || b.y + b.h <= o.y || o.y + o.h <= b.y; });
    }
    return {
      obstacle: function (x, y, w, h) { boxes.push({ x: x, y: y, w: w, h: h }); },
      place: function (x, y, off, lines, force) {
        var lh = 13, h = lines.length * lh, w = 0;
        lines.forEach(function (l) { ctx.font = l.font; w = Math.max(w, ctx.measureText(l.text).width); });
        var spots = [];
        [off, off + 14].forEach(function (o) { /* near the point, then a little further out */
          var d = o * 0.7;
          spots.push({ x: x + o, y: y - h / 2, align: "left" }, { x: x - o - w, y: y - h / 2, align: "right" },
                     { x: x - w / 2, y: y + o, align: "center" }, { x: x - w / 2, y: y - o - h, align: "center" },
                     { x: x + d, y: y - d - h, align: "left" }, { x: x + d, y: y + d, align: "left" },
                     { x: x - d - w, y: y - d - h, align: "right" }, { x: x - d - w, y: y + d, align: "right" });
        });
        var pick = null;
        spots.some(function (sp) {
          var b = { x: sp.x - 1, y: sp.y - 1, w: w + 2, h: h + 2 };
          if (free(b)) { pick = sp; boxes.push(b); return true; }
          return false;
        });
        if (!pick && force) { pick = spots[0]; boxes.push({ x: pick.x, y: pick.y, w: w, h: h }); }
        if (!pick) return false;
        placed.push({ x: pick.x, y: pick.y, w: w, h: h, text: lines.map(function (l) { return l.text; }).join(" ") });
        lines.forEach(function (l, k) {
          var tx = pick.align === "left" ? pick.x : pick.align === "right" ? pick.x + w : pick.x + w / 2;
          label(ctx, l.text, tx, pick.y + k * lh + lh / 2, { font: l.font, color: l.color, align: pick.align, baseline: "middle" });
        });
        return true;
      },
      placed: function () { return placed.slice(); }
    };
  }

  window.gsMap = { draw: draw, label: label, placer: placer, LAT_TOP: LAT_TOP, LAT_BOTTOM: LAT_BOTTOM, LAND_FILL: LAND_FILL };
})();
