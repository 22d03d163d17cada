#!/usr/bin/env bash
# underwrite_5cp.sh: PJM's capacity obligation on the five coincident peaks (docs/underwrite.md
# "PJM capacity obligation on the five coincident peaks"). `gridsplit underwrite` on
# examples/underwrite/deal-2020-2024.yaml derives, for each price year 2020-2024, the five
# highest daily peak hours of June-September of PJM's RTO load (EIA-930 Mid-Atlantic, days in
# America/New_York), at most one per day; summary.json lists them for Ashburn (PJM-DOM,
# basis 5cp): pinned here, hour and MW. EIA-930 stamps an hour at its end (docs/underwrite.md):
# each peak runs from an hour before the file's stamp to the stamp, and the file's row stamped
# at the peak's end (read back with `gridsplit series`) holds its MW. The inference share
# charged each year is its simulated draw in those hours over its mean x utilisation (in
# (0, 1]), and the capacity charge of year 1 is the catalogue's 162,155 USD/MW-year x grid
# draw x that share. Skipped (77) without ../shared/data.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
: "${GS_SHARED:?GS_SHARED must name the shared data folder}"
[ -f "$GS_SHARED/data/eia930/release_2025_Jan_include_subregions/regions/MIDA.csv.zst" ] ||
    { echo "no EIA-930 Mid-Atlantic series in $GS_SHARED/data: skipped"; exit 77; }
[ -d "$GS_SHARED/data/prices/US-MIDA-PJM" ] || { echo "no $GS_SHARED/data/prices: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_5cp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal-2020-2024.yaml" --out "$tmp/out" > "$tmp/out.txt"
grep -q "capacity on PJM-DOM coincident peaks" "$tmp/out.txt"
"$GS_BIN" series "$GS_SHARED/data/eia930/release_2025_Jan_include_subregions/regions/MIDA.csv.zst" \
    --format eia930 > "$tmp/mida.csv" 2> "$tmp/mida.err"
python3 - "$tmp/out" "$tmp/mida.csv" <<'PY'
import csv, json, sys
out = sys.argv[1]
stamped = {r["timestamp"]: r["value"] for r in csv.DictReader(open(sys.argv[2]))}  # the file's own stamps
s = json.load(open(out + "/summary.json"))
ash = next(x for x in s["sites"] if x["id"] == "ashburn")
cp = ash["coincident_peaks"]
assert cp["zone"] == "PJM-DOM" and cp["basis"] == "5cp", cp
want = {
    2020: [("2020-07-20T20:00:00Z", 143752), ("2020-07-09T21:00:00Z", 143084), ("2020-07-27T20:00:00Z", 142961), ("2020-07-06T18:00:00Z", 141506), ("2020-07-29T21:00:00Z", 140481)],
    2021: [("2021-08-24T21:00:00Z", 149536), ("2021-08-12T20:00:00Z", 148339), ("2021-06-29T20:00:00Z", 146902), ("2021-08-26T19:00:00Z", 146475), ("2021-07-06T20:00:00Z", 146417)],
    2022: [("2022-07-20T21:00:00Z", 147918), ("2022-07-21T21:00:00Z", 145751), ("2022-07-22T21:00:00Z", 144836), ("2022-08-08T19:00:00Z", 143626), ("2022-08-03T21:00:00Z", 142607)],
    2023: [("2023-07-27T21:00:00Z", 147194), ("2023-09-05T21:00:00Z", 146326), ("2023-07-28T21:00:00Z", 144782), ("2023-09-06T21:00:00Z", 141334), ("2023-09-04T21:00:00Z", 138682)],
    2024: [("2024-07-16T21:00:00Z", 151816), ("2024-07-15T20:00:00Z", 151085), ("2024-08-01T21:00:00Z", 148900), ("2024-08-28T21:00:00Z", 147855), ("2024-06-21T21:00:00Z", 147486)],
}
got = {y["year"]: y for y in cp["years"]}
assert sorted(got) == sorted(want), sorted(got)
for yr, hours in want.items():
    y = got[yr]
    assert y["intervals"] == 5, y
    assert [(h["from"], h["rto_load_mw"]) for h in y["peaks"]] == hours, (yr, y["peaks"])
    for h in y["peaks"]:
        # one hour, ending at the stamp of the file's row that holds the peak
        assert int(h["from"][11:13]) + 1 == int(h["to"][11:13]) and h["from"][:10] == h["to"][:10], h
        assert float(stamped[h["to"]]) == h["rto_load_mw"], (h, stamped[h["to"]])
    days = {h["from"][:10] for h in y["peaks"]}
    assert len(days) == 5  # at most one per day (UTC date here differs from New York's only after 20:00 EDT)
    assert 0 < y["inference_share"] <= 1, y
# the charge: year 1 (price year 2020) = 162,155 x grid MW x 2020's share
rows = [r for r in csv.DictReader(open(out + "/cashflow.csv")) if r["site"] == "ashburn" and r["class"] == "inference"]
r1 = next(r for r in rows if int(r["year"]) == 1)
grid = ash["inference"]["it_mw"] * 1.30  # Ashburn's PUE in the fleet
share = got[2020]["inference_share"]  # rounded to 4 digits in summary.json
cap = float(r1["capacity_usd"])
exp = 162155 * grid * share
assert abs(cap - exp) <= 1e-3 * exp, (cap, exp)
print("5cp ok:", {y: got[y]["inference_share"] for y in sorted(got)}, "year-1 capacity", round(cap))
PY
# Ashburn holds inference only, which is firm and never pauses: hours paused for its peaks are
# a mistake in the deal, refused at their line (exit 2), not dropped
ex="$GS_SRC/examples/underwrite"
sed "s|^fleet: fleet-2020-2024.yaml|fleet: $ex/fleet-2020-2024.yaml|; s|^  - id: ashburn|  - id: ashburn\n    cp_pause_hours_per_year: 20|" \
    "$ex/deal-2020-2024.yaml" > "$tmp/pause.yaml"
grep -q "cp_pause_hours_per_year: 20" "$tmp/pause.yaml"
set +e
"$GS_BIN" underwrite "$tmp/pause.yaml" --out "$tmp/pause" > /dev/null 2> "$tmp/pause.err"
rc=$?
set -e
line=$(grep -n "  - id: ashburn" "$tmp/pause.yaml" | cut -d: -f1)
[ "$rc" = 2 ] && grep -qF "pause.yaml:$line:5: field 'sites[1].cp_pause_hours_per_year': expected a site with training load" "$tmp/pause.err" || {
    echo "expected exit 2 naming Ashburn's cp_pause_hours_per_year, got $rc:"; cat "$tmp/pause.err"; exit 1; }
echo "5cp ok: hours paused on an inference-only site refused"
