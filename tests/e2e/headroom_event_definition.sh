#!/bin/bash
# e2e (issue 8, 2): headroom's mean curtailment event against the published one. The Duke study
# gives 1.7 / 2.1 / 2.5 / 4.5 h at 0.25 / 0.5 / 1 / 5 %; ours, an event being a run of
# consecutive curtailed hours, is about twice that. docs/headroom.md ("Event durations") shows
# why with numbers: counted year by year and per on/off change (two per event) the same hours
# give the published figures to 0.07 h. This test reruns the doc's command (the 22 EIA-930
# series as gridsplit reads them, `bench_headroom --dump`, then bench/headroom_numpy.py
# --published-durations) and pins the doc's table; and pins gridsplit's own ERCOT row of the
# doc's results table (5.12 / 6.35 / 6.80 / 9.65 h). Needs ../shared's EIA-930 files, the bench
# binary and Debian's python3-numpy: without them it fails in CI and skips (77) elsewhere.
set -u
D="${GS_SHARED:-/work/shared}/data/eia930"
SRC=${GS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BENCH="${GS_BUILD:-$(dirname "$GS_BIN")}/bench_headroom"
PY=/usr/bin/python3
missing=""
[ -d "$D/release_2020_Oct" ] || missing="EIA-930 data at $D"
[ -x "$BENCH" ] || missing="$missing ${missing:+and }$BENCH"
$PY -c 'import numpy' 2>/dev/null || missing="$missing ${missing:+and }Debian's python3-numpy"
if [ -n "$missing" ]; then
    echo "missing: $missing"
    [ -n "${CI:-}" ] && exit 1
    exit 77
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
GS_SHARED="${GS_SHARED:-/work/shared}" "$BENCH" --dump "$out/ba22" > "$out/dump.log" 2>&1 || {
    echo "bench_headroom --dump failed: $(tail -3 "$out/dump.log")"; exit 1; }
zones="PJM MISO ERCOT SPP CAISO NYISO ISO-NE SOCO TVA FPL DEC DEF DEP SCP DESC BPA AZPS SRP PACE PSCO PACW PGE"
files=()
for z in $zones; do files+=("$out/ba22/$z.csv"); done
$PY "$SRC/bench/headroom_numpy.py" --fill-only --published-durations "${files[@]}" \
    > "$out/numpy.json" 2> "$out/durations.txt" || { echo "numpy script failed: $(tail -3 "$out/durations.txt")"; exit 1; }
cat "$out/durations.txt"
"$GS_BIN" headroom --eia930 "$D" --ba ERCOT --from 2016 --to 2024 --format markdown > "$out/ercot.md" ||
    { echo "headroom ERCOT failed"; exit 1; }
$PY - "$out/durations.txt" "$out/ercot.md" "$SRC/docs/headroom.md" <<'PY' || exit 1
import json, re, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r"(.+?)\s{2,}([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$", line)
    if m:
        rows[m.group(1).strip()] = [float(x) for x in m.groups()[1:]]
def row(name):
    assert name in rows, f"no '{name}' line in the script's output: {list(rows)}"
    return rows[name]
published = [1.7, 2.1, 2.5, 4.5]
per_change = row("h per on/off, by year")
# the doc's claim: the report's figures to 0.07 h at every rate
for p, v in zip(published, per_change):
    assert abs(p - v) <= 0.07 + 1e-9, f"per on/off change {per_change} vs published {published}"
# the doc's table (docs/headroom.md, "Event durations"), to its rounding
doc = open(sys.argv[3]).read()
table = {}
for m in re.finditer(r"^\| ([\d.]+) % \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", doc, re.M):
    table[float(m.group(1))] = [float(x) for x in m.groups()[1:]]
assert sorted(table) == [0.25, 0.5, 1, 5], f"the doc's table not found: {table}"
runs, by_year = row("event h (runs, period)"), row("event h (runs, by year)")
for i, rate in enumerate([0.25, 0.5, 1, 5]):
    pub, r, y, c = table[rate]
    assert pub == published[i]
    for name, got, want in (("runs", runs[i], r), ("by year", by_year[i], y), ("per change", per_change[i], c)):
        assert abs(got - want) <= 0.005 + 1e-9, f"{rate} %: {name} {got} but the doc says {want}"
# ours is the stated definition: about twice the published figure
for p, r in zip(published, runs):
    assert 1.8 <= r / p <= 2.7, f"runs {runs} vs published {published}"
# gridsplit's own ERCOT row of the doc's results table (its command, --format markdown):
# 5.12 / 6.35 / 6.80 / 9.65 h
ercot = re.compile(r"^\| ERCOT \| ERCO \|(.*)$", re.M)
events = lambda text: [c.strip() for c in ercot.search(text).group(1).split("|")][10:14]
got, want = events(open(sys.argv[2]).read()), events(doc)
assert got == want, f"ERCOT mean event hours {got}, the doc says {want}"
print("ok: per on/off change", per_change, "vs published", published, "; ERCOT", got)
PY
