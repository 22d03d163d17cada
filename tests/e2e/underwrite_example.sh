#!/usr/bin/env bash
# underwrite_example.sh: `gridsplit underwrite` on the bundled examples (docs/underwrite.md):
# examples/underwrite/deal.yaml (the demo fleet's West Texas and Ashburn) and campus-deal.yaml
# (one site with both classes). Both runs exit 0; cashflow.csv has one row per site, class and
# year plus the totals, every number finite, the totals equal to the sum of the sites; the
# summary parses, every NPV and cost is finite, an IRR is a number only with status "ok"; the
# campus's contract comparison is present with split cheaper than one firm contract and both
# mistakes dearer; the same inputs give byte-identical outputs. Needs nothing from ../shared.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_underwrite.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal.yaml" --out "$tmp/deal" > "$tmp/deal.txt"
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/campus-deal.yaml" --out "$tmp/campus" > "$tmp/campus.txt"
"$GS_BIN" underwrite "$GS_SRC/examples/underwrite/deal.yaml" --out "$tmp/again" > /dev/null
cmp "$tmp/deal/cashflow.csv" "$tmp/again/cashflow.csv"
cmp "$tmp/deal/summary.json" "$tmp/again/summary.json"
grep -q "site west-texas" "$tmp/deal.txt"
grep -q "contract split" "$tmp/campus.txt"

python3 - "$tmp" <<'PY'
import csv, json, math, sys
tmp = sys.argv[1]

def check(run, sites, years, mixed):
    rows = list(csv.DictReader(open(f"{tmp}/{run}/cashflow.csv")))
    nums = [k for k in rows[0] if k not in ("site", "class", "year")]
    for r in rows:
        for k in nums:
            assert r[k] != "" and math.isfinite(float(r[k])), (run, r["site"], r["year"], k)
    by = {}
    for r in rows:
        by.setdefault((r["site"], r["class"]), []).append(r)
    for s in sites:
        assert len(by[(s, "total")]) == years + 1, (run, s)
    assert len(by[("all", "total")]) == years + 1
    for y in range(years + 1):
        tot = sum(float(by[(s, "total")][y]["net_usd"]) for s in sites)
        deal = float(by[("all", "total")][y]["net_usd"])
        assert abs(tot - deal) <= 1e-6 * max(1.0, abs(deal)) + 0.05 * len(sites), (run, y, tot, deal)
    j = json.load(open(f"{tmp}/{run}/summary.json"))
    assert j["horizon_years"] == years
    def metrics(m, where):
        assert math.isfinite(m["npv_usd"]), where
        assert math.isfinite(m["cost_usd_per_mwh"]) and m["cost_usd_per_mwh"] > 0, where
        assert math.isfinite(m["cost_usd_per_gpu_hour"]) and m["cost_usd_per_gpu_hour"] > 0, where
        irr = m["irr"]
        assert (irr["rate"] is not None) == (irr["status"] == "ok"), where
        if irr["rate"] is not None:
            assert math.isfinite(irr["rate"]), where
    metrics(j["total"], "total")
    assert [s["id"] for s in j["sites"]] == sites
    for s in j["sites"]:
        metrics(s["total"], s["id"])
        for k in ("training", "inference"):
            if k in s:
                metrics(s[k], s["id"] + "." + k)
        if s["id"] in mixed:
            c = s["contracts"]
            assert c["split"]["saving_vs_firm_usd"] > 0, c
            assert c["all_interruptible"]["saving_vs_firm_usd"] < 0, c
            assert c["mustrun_training"]["saving_vs_firm_usd"] < 0, c
        else:
            assert s["contracts"] is None
    assert all(a["source"] for a in j["assumptions"])

check("deal", ["west-texas", "ashburn"], 20, [])
check("campus", ["dallas"], 20, ["dallas"])
PY
echo "underwrite_example: ok"
