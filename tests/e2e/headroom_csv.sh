#!/bin/bash
# headroom on a generic hourly CSV: a hand-checkable year (flat 1000 MW, peaks of 1100, a 4-hour
# block at 1080), the cleaning of a sentinel, a zero and a gap with their report.
set -u
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
python3 - "$out/d.csv" <<'PY' || exit 77
import sys, datetime
t0 = datetime.datetime(2023, 1, 1)
with open(sys.argv[1], "w") as f:
    f.write("time,load_mw,other\n")
    for i in range(8760):
        v = 1000
        if i in (9 * 24 + 12, 181 * 24 + 12): v = 1100
        if 212 * 24 + 14 <= i <= 212 * 24 + 17: v = 1080
        if i == 300: v = 2147480000       # sentinel
        if i == 301: v = 0                # non-positive
        if i == 400: continue             # gap
        f.write("%s,%s,x\n" % ((t0 + datetime.timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"), v))
PY
"$GS_BIN" headroom --csv "$out/d.csv" --column load_mw --rates 0.03,1 --report-changes "$out/ch.csv" > "$out/h.json" || { echo "headroom failed"; exit 1; }
python3 - "$out/h.json" "$out/ch.csv" <<'PY' || exit 1
import json, sys
h = json.load(open(sys.argv[1]))
assert h["threshold_mw"] == {"summer": 1100.0, "winter": 1100.0}, h["threshold_mw"]
assert h["from"] == 2023 and h["to"] == 2023
r = h["results"]
assert abs(r[0]["headroom_mw"] - 80 / 3.372) < 0.051, r[0]      # 2 + 4 (1 - 20/L) = 2.628
assert r[0]["curtailed_hours_per_year"] == 6 and r[0]["mean_event_hours"] == 2
assert abs(r[1]["headroom_mw"] - 875480 / (8760 * 0.99)) < 0.051, r[1]
assert h["cleaned_hours"] == 3, h["cleaned_by_kind"]
lines = open(sys.argv[2]).read().split("\n")
assert lines[0] == "zone,time_utc,kind,original_mw,replaced_mw"
assert lines[1].startswith("load_mw,2023-01-13T12:00:00Z,sentinel,2147480000"), lines[1]
assert lines[2].startswith("load_mw,2023-01-13T13:00:00Z,non-positive,0"), lines[2]
assert lines[3] == "load_mw,2023-01-17T16:00:00Z,missing,,1000.000", lines[3]
PY
# several zones in one run: --csv once per zone, each named by its file; the same figures as
# one file alone, in a JSON array (and a markdown table by default)
cp "$out/d.csv" "$out/north.csv"
cp "$out/d.csv" "$out/south.csv.gz.tmp" && gzip -c "$out/d.csv" > "$out/south.csv.gz"
"$GS_BIN" headroom --csv "$out/north.csv" --csv "$out/south.csv.gz" --column load_mw --rates 0.03,1 --format json > "$out/two.json" || { echo "headroom over two files failed"; exit 1; }
python3 - "$out/h.json" "$out/two.json" <<'PY' || exit 1
import json, sys
one, two = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert isinstance(two, list) and [z["zone"] for z in two] == ["north", "south"], [z.get("zone") for z in two]
for z in two:
    assert z["results"] == one["results"] and z["threshold_mw"] == one["threshold_mw"], z["zone"]
    assert z["cleaned_hours"] == one["cleaned_hours"]
PY
"$GS_BIN" headroom --csv "$out/north.csv" --csv "$out/south.csv.gz" --column load_mw > "$out/two.md" || { echo "markdown over two files failed"; exit 1; }
grep -q '^| north |' "$out/two.md" && grep -q '^| south |' "$out/two.md" || { echo "markdown lacks a zone row"; cat "$out/two.md"; exit 1; }
echo ok
