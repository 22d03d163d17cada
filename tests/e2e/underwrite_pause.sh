#!/usr/bin/env bash
# underwrite_pause.sh: the work an interruptible class loses when it pauses for its zone's
# coincident peaks (docs/underwrite.md "Capacity and transmission on coincident peaks"), on
# examples/underwrite/campus-deal.yaml (Dallas, ERCOT 4CP, a flat price). By default the hours
# paused are the catalogue's intervals' length, the mean of 2022-2024 for a flat price
# ((1 + 8 + 1) / 3 h); a site's cp_pause_hours_per_year replaces them: training's GPU-hours are
# gpus x utilisation x (8760 - curtailed - paused) to the hour, its energy adds the idle draw of
# the paused hours, its revenue falls by the paused hours' GPU-hours x the price, summary.json
# and the text output say which hours were used, the firm inference hall is untouched, and the
# contract comparison's split costs more by the PV of what the pauses lose. A value out of range
# is refused with its place in the file (exit 2). Needs nothing from ../shared.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite_pause.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
ex="$GS_SRC/examples/underwrite"

sed "s|^fleet: campus.yaml|fleet: $ex/campus.yaml|" "$ex/campus-deal.yaml" > "$tmp/base.yaml"
sed "s|^fleet: campus.yaml|fleet: $ex/campus.yaml|; s|^  - id: dallas|  - id: dallas\n    cp_pause_hours_per_year: 40|" \
    "$ex/campus-deal.yaml" > "$tmp/forty.yaml"
grep -q "cp_pause_hours_per_year: 40" "$tmp/forty.yaml"
"$GS_BIN" underwrite "$tmp/base.yaml" --out "$tmp/base" > "$tmp/base.txt"
"$GS_BIN" underwrite "$tmp/forty.yaml" --out "$tmp/forty" > "$tmp/forty.txt"
grep -q "paused for the peaks when interruptible (h a year, the intervals' length): 3.33 every year" "$tmp/base.txt"
grep -q "paused for the peaks when interruptible (h a year, the deal's cp_pause_hours_per_year): 40.00 every year" "$tmp/forty.txt"

python3 - "$tmp" <<'PY'
import csv, json, sys
tmp = sys.argv[1]
def load(name):
    rows = {(r["class"], int(r["year"])): r for r in csv.DictReader(open(f"{tmp}/{name}/cashflow.csv"))
            if r["site"] == "dallas"}
    return rows, json.load(open(f"{tmp}/{name}/summary.json"))
base, jb = load("base")
forty, jf = load("forty")
def near(a, b, tol, what):
    assert abs(a - b) <= tol * max(1.0, abs(b)), f"{what}: {a} against {b}"
cpb, cpf = jb["sites"][0]["coincident_peaks"], jf["sites"][0]["coincident_peaks"]
assert cpb["pause_source"] == "the peak intervals' length", cpb["pause_source"]
assert cpf["pause_source"].startswith("deal"), cpf["pause_source"]
near(cpb["price_year_firm_share"][0]["pause_hours"], 10 / 3, 1e-4, "mean of 1, 8 and 1 h")
near(cpf["price_year_firm_share"][0]["pause_hours"], 40, 0, "the deal's hours")
idle = cpb["paused_share"]["training"]
t = jb["sites"][0]["training"]
util = t["utilisation"]
# the training hall's grid draw (MW), solved from the base run's year 1; every other year and
# the run with 40 h must then follow the formula
b1 = base[("training", 1)]
grid = float(b1["energy_mwh"]) / (util * (8760 - 43.8 - 10 / 3) + idle * 10 / 3)
for y in (1, 7, 20):
    b, f = base[("training", y)], forty[("training", y)]
    hb, hf = 8760 - 43.8 - 10 / 3, 8760 - 43.8 - 40
    gpus_util = float(b["gpu_hours"]) / hb
    near(float(f["gpu_hours"]), gpus_util * hf, 1e-7, f"year {y} GPU-hours")
    # energy: the working hours at the utilisation's draw, the paused ones at the idle draw
    for r, h, p in ((b, hb, 10 / 3), (f, hf, 40)):
        near(float(r["energy_mwh"]), grid * (util * h + idle * p), 1e-6, f"year {y} energy (the idle share to 4 decimals)")
    near(float(f["revenue_usd"]) / float(b["revenue_usd"]), hf / hb, 1e-7, f"year {y} revenue")
    for k in ("capacity_usd", "flex_usd", "capex_gpu_usd", "maintenance_usd"):
        assert b[k] == f[k], (y, k, b[k], f[k])
    i_b, i_f = base[("inference", y)], forty[("inference", y)]
    assert i_b == i_f, f"year {y}: the firm inference hall moved"
# contracts: split costs more with the longer pauses; firm_all does not move
kb = jb["sites"][0]["contracts"]
kf = jf["sites"][0]["contracts"]
assert kf["firm_all"]["pv_cost_usd"] == kb["firm_all"]["pv_cost_usd"], (kb, kf)
assert kf["split"]["pv_cost_usd"] > kb["split"]["pv_cost_usd"], (kb, kf)
print("underwrite_pause: 3.33 h of the intervals against 40 h given; GPU-hours, revenue and "
      "contracts as the formulas say")
PY

# out of range: refused with its place
sed "s|cp_pause_hours_per_year: 40|cp_pause_hours_per_year: 9000|" "$tmp/forty.yaml" > "$tmp/bad.yaml"
set +e
"$GS_BIN" underwrite "$tmp/bad.yaml" --out "$tmp/bad" > /dev/null 2> "$tmp/bad.err"
rc=$?
set -e
[ "$rc" = 2 ] || { echo "expected exit 2 for 9000 h, got $rc"; cat "$tmp/bad.err"; exit 1; }
line=$(grep -n "cp_pause_hours_per_year: 9000" "$tmp/bad.yaml" | cut -d: -f1)
grep -qF "bad.yaml:$line:30: field 'sites[0].cp_pause_hours_per_year': expected a number in [0, 8760], found 9000" "$tmp/bad.err" || {
    echo "unexpected error:"; cat "$tmp/bad.err"; exit 1; }
echo "underwrite_pause: ok"
