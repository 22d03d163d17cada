/* map.js: the world map shared by the gridsplit reports (web/site.html, web/route.html): an
 * equirectangular canvas (latitudes LAT_TOP..LAT_BOTTOM, longitudes -180..180) with a light
 * graticule and the land of world-atlas land-110m (TopoJSON, decoded with topojson-client,
 * which must be inlined before this script). gsMap.draw() sizes the canvas to its CSS width
 * (device pixel ratio included), paints sea, graticule and land, and returns the projection
 * for the caller's own layers; gsMap.label() writes text with a white halo. Land is filled
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

  window.gsMap = { draw: draw, label: label, LAT_TOP: LAT_TOP, LAT_BOTTOM: LAT_BOTTOM, LAND_FILL: LAND_FILL };
})();
