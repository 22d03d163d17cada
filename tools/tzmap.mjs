// tzmap.mjs: build-time generator of the embedded time-zone boundary table (tzmap.bin), run by
// CMake with node. Usage: node tools/tzmap.mjs PATH/TO/@photostructure/tz-lookup/tz.js OUT.bin
//
// The npm package @photostructure/tz-lookup (CC0-1.0; the zone polygons of Evan Siroky's
// timezone-boundary-builder, compressed) ships one function whose data is a quadtree: a 48 x 24
// grid of 7.5-degree cells, each a leaf (an IANA zone) or four children (NW, NE, SW, SE), coded
// in base 56 as two characters per slot in one string literal, plus the array of zone names.
// This script reads both out of tz.js, decodes the tree into absolute node indexes, checks that
// its own walk of the decoded tree (the same arithmetic as gs_tzmap_lookup in src/net/regions.c)
// gives the package's answer on a 0.25-degree grid, every grid edge and 200,000 pseudo-random
// points (the build fails otherwise: a new package format must be looked at, never guessed), and
// writes a little-endian binary that tools/embed.c embeds and src/read/population.c reads:
//
//   offset  type            field
//   0       char[8]         "GSTZMAP1"
//   8       u32             nx (48), grid columns from lon -180 eastwards
//   12      u32             ny (24), grid rows from lat 90 southwards
//   16      u32             nnodes
//   20      u32             nzones
//   24      u32             pole: zone at lat 90 (the package answers "Etc/GMT" there)
//   28      u32             names_bytes: zone names, each NUL-terminated
//   32      u32             source_bytes: provenance text, NUL-terminated
//   36      u16[nx*ny]      top grid, row-major; a slot is 0x8000 | zone (a leaf) or a node index
//   ...     u16[4*nnodes]   children of each node: NW, NE, SW, SE; a child node's index is
//                           always greater than its parent's (so every walk ends)
//   ...     names, then source text
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

function fail(msg) {
    console.error(`tzmap: ${msg}`);
    process.exit(1);
}

if (process.argv.length !== 4) fail("usage: node tools/tzmap.mjs TZ_LOOKUP/tz.js OUT.bin");
const tzjs = resolve(process.argv[2]);
const out = resolve(process.argv[3]);
const src = readFileSync(tzjs, "utf8");
const pkg = JSON.parse(readFileSync(join(dirname(tzjs), "package.json"), "utf8"));
const tzlookup = createRequire(import.meta.url)(tzjs);
if (typeof tzlookup !== "function") fail(`${tzjs} does not export a function`);

// The format's constants, as the package's decoder uses them; any change is a new format.
const NX = 48, NY = 24, BASE = 56, ZERO = 35 * BASE + 35, TOP = 2 * NX * NY, END = BASE * BASE;
for (const c of ["360.00000000000006", "180.00000000000003", `${ZERO}`, `${TOP}`, `${END}`])
    if (!src.includes(c)) fail(`${tzjs}: the decoder no longer uses the constant ${c}: a new format`);

// The data: the longest string literal, all characters in '#'..'Z' (base-56 digits).
const lits = [...src.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]);
const data = lits.reduce((a, b) => (b.length > a.length ? b : a), "");
if (!/^[#-Z]+$/.test(data) || data.length < TOP || (data.length - TOP) % 8 !== 0)
    fail(`${tzjs}: no quadtree string of ${TOP} + 8 x nodes base-56 characters`);
// The zone names: the one array literal of strings.
const arrays = src.match(/\[("[^"\\]*"(?:,"[^"\\]*")*)\]/g) || [];
if (arrays.length !== 1) fail(`${tzjs}: expected one array of zone names, found ${arrays.length}`);
const zones = JSON.parse(arrays[0]);
if (zones.length < 300 || zones.length >= 0x8000 || !zones.every((z) => /^[A-Za-z0-9_+\-/]+$/.test(z)))
    fail(`${tzjs}: the zone names do not look like IANA names`);
const pole = zones.indexOf("Etc/GMT");
if (pole < 0) fail(`${tzjs}: no Etc/GMT zone (the answer at the north pole)`);

const nnodes = (data.length - TOP) / 8;
if (nnodes >= 0x8000) fail(`${nnodes} nodes do not fit 15 bits`);
const digit = (k) => BASE * data.charCodeAt(k) + data.charCodeAt(k + 1) - ZERO;
const LEAF0 = END - zones.length;
// slot k (a character offset) of node `owner` (-1 for the top grid) -> u16
function slot(k, owner) {
    const v = digit(k);
    if (v < 0 || v >= END) fail(`bad digit at ${k}`);
    if (v >= LEAF0) return 0x8000 | (v - LEAF0);
    const child = owner + v + 1;
    if (child <= owner || child >= nnodes) fail(`slot ${k}: child ${child} out of [${owner + 1}, ${nnodes})`);
    return child;
}
const top = new Uint16Array(NX * NY);
for (let i = 0; i < NX * NY; i++) top[i] = slot(2 * i, -1);
const nodes = new Uint16Array(4 * nnodes);
for (let n = 0; n < nnodes; n++)
    for (let c = 0; c < 4; c++) nodes[4 * n + c] = slot(TOP + 8 * n + 2 * c, n);

// The walk gs_tzmap_lookup does, on the decoded table.
function walk(lat, lon) {
    if (lat >= 90) return zones[pole];
    let s = (NX * (180 + lon)) / 360.00000000000006, u = (NY * (90 - lat)) / 180.00000000000003;
    let x = Math.trunc(s), y = Math.trunc(u), depth = 0;
    let v = top[y * NX + x];
    while (!(v & 0x8000)) {
        u = (2 * (u - y)) % 2;
        y = Math.trunc(u);
        s = (2 * (s - x)) % 2;
        x = Math.trunc(s);
        v = nodes[4 * v + 2 * y + x];
        if (++depth > 40) fail(`walk deeper than 40 levels at ${lat},${lon}`);
    }
    return zones[v & 0x7fff];
}
let checked = 0;
function check(lat, lon) {
    const want = tzlookup(lat, lon), got = walk(lat, lon);
    if (want !== got) fail(`decoded table gives ${got} at ${lat},${lon}, the package ${want}`);
    checked++;
}
for (let lat = -90; lat <= 90; lat += 0.25) for (let lon = -180; lon <= 180; lon += 0.25) check(lat, lon);
let seed = 12345; // a fixed LCG: the same points every build
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
for (let i = 0; i < 200000; i++) check(180 * rnd() - 90, 360 * rnd() - 180);

const enc = new TextEncoder();
const names = enc.encode(zones.map((z) => z + "\0").join(""));
const source = enc.encode(
    `${pkg.name} ${pkg.version} (${pkg.license}; timezone-boundary-builder polygons), ` +
        `${nnodes} nodes, ${zones.length} zones\0`);
const head = Buffer.alloc(36);
head.write("GSTZMAP1", 0, "latin1");
[NX, NY, nnodes, zones.length, pole, names.length, source.length].forEach((v, i) => head.writeUInt32LE(v, 8 + 4 * i));
const le16 = (a) => {
    const b = Buffer.alloc(2 * a.length);
    a.forEach((v, i) => b.writeUInt16LE(v, 2 * i));
    return b;
};
const blob = Buffer.concat([head, le16(top), le16(nodes), Buffer.from(names), Buffer.from(source)]);
writeFileSync(out + ".tmp", blob);
renameSync(out + ".tmp", out);
console.log(`tzmap: ${pkg.name} ${pkg.version}: ${nnodes} nodes, ${zones.length} zones, ` +
    `${blob.length} bytes; ${checked} points agree with the package`);
