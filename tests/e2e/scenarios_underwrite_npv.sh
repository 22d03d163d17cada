#!/usr/bin/env bash
# scenarios_underwrite_npv.sh: one site under one deal has one NPV, whichever command values it.
# `gridsplit scenarios --deal` resolves the deal as `gridsplit underwrite` does
# (src/cli/dealrun.c: headroom, and the capacity shares of zones charged on their coincident
# peaks, ERCOT 4CP), so each site's `flat` NPV (every demand index 1) less its PV of
# flexibility revenue (scenarios values that from the market catalogue) must equal underwrite's
# site NPV on the same deal with flex_usd_per_mw_year 0, to the dollar. Run on
# examples/underwrite/campus.yaml (a Dallas campus: training and a simulated inference hall in
# ERCOT's 4CP) and on the real example of docs/scenarios.md (examples/real/fleet.yaml with
# examples/scenarios/deal.yaml: West Texas in ERCOT); the latter needs ../shared/data: without
# it, skipped (77), an error under CI.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
GS_SHARED=${GS_SHARED:-$GS_SRC/../shared}
export GS_SHARED
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_scen_uw_npv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# compare FLEET DEAL_SOURCE NAME: the deal with its fleet made absolute and flexibility 0
compare() {
    local fleet=$1 src=$2 name=$3
    { echo "fleet: $fleet"; echo "flex_usd_per_mw_year: 0"
      grep -v -e '^fleet:' -e '^flex_usd_per_mw_year:' "$src"; } > "$tmp/$name.yaml"
    "$GS_BIN" underwrite "$tmp/$name.yaml" --out "$tmp/$name-uw" > /dev/null
    "$GS_BIN" scenarios "$fleet" --deal "$tmp/$name.yaml" --out "$tmp/$name-sc" > /dev/null
    python3 - "$tmp/$name-uw/summary.json" "$tmp/$name-sc/summary.json" "$name" <<'PY'
import json, sys
u, s, name = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
uw = {x["id"]: x["total"]["npv_usd"] for x in u["sites"]}
n = 0
for x in s["sites"]:
    if not x["flat"]:
        continue
    got = x["flat"]["npv_usd"] - x["flat"]["pv_flex_usd"]
    assert abs(got - uw[x["id"]]) <= 1.0, \
        f"{name} {x['id']}: scenarios {got:.2f} against underwrite {uw[x['id']]:.2f}"
    n += 1
assert n == len(uw), f"{name}: {n} sites valued by scenarios, {len(uw)} by underwrite"
cp = [x for x in u["sites"] if x.get("coincident_peaks")]
assert cp, f"{name}: no site charged on coincident peaks: the test would not test 4CP"
print(f"scenarios_underwrite_npv: {name}: {n} sites, the same NPV")
PY
}

compare "$GS_SRC/examples/underwrite/campus.yaml" "$GS_SRC/examples/underwrite/campus-deal.yaml" campus
if [ ! -d "$GS_SHARED/data/eia930" ]; then
    if [ -n "${CI:-}" ] && [ "$CI" != false ] && [ "$CI" != 0 ]; then
        echo "scenarios_underwrite_npv: no $GS_SHARED/data/eia930 under CI"; exit 1
    fi
    echo "scenarios_underwrite_npv: no $GS_SHARED/data/eia930: the real example skipped"; exit 77
fi
compare "$GS_SRC/examples/real/fleet.yaml" "$GS_SRC/examples/scenarios/deal.yaml" real
echo "scenarios_underwrite_npv: ok"
