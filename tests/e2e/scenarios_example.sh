#!/usr/bin/env bash
# scenarios_example.sh: `gridsplit scenarios` on the demo fleet (no series: nothing from
# ../shared) with examples/underwrite/deal.yaml (West Texas and Ashburn underwritten), the three
# presets and examples/scenarios/training-decline.yaml (docs/scenarios.md). Pins: one CSV row per
# scenario, year, site and class; every row's arithmetic (demand = capacity x index, served =
# min(demand, capacity), unserved and spare the rest, interconnection share = demand /
# interconnect_mw, convertible + stranded = spare on training rows, no flexibility on inference
# rows); the presets' 2030 indexes derived by hand from the catalogue's figures; NPVs only for
# the deal's sites, npv_vs_flat_usd their difference from the flat trajectory; no NaN or
# infinity anywhere; --format json prints summary.json's very bytes; reruns are byte-identical;
# idle training capacity convertible within the chat service's 150 ms, and stranded at the
# campuses beyond a 15 ms --rtt-budget (West Texas 26.2 ms, mid-Norway 22.1 ms), not at those
# within it (Iowa 10.9 ms, Quebec 11.1 ms). A leased hall (examples/underwrite/deal-colocation.yaml)
# earns its rent whatever the scenario.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_scenarios.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
F="$GS_SRC/examples/demo/fleet.yaml"
D="$GS_SRC/examples/underwrite/deal.yaml"
S=(--scenario training-plateau --scenario both-grow --scenario mix
   --scenario "$GS_SRC/examples/scenarios/training-decline.yaml")

"$GS_BIN" scenarios "$F" --deal "$D" "${S[@]}" --out "$tmp/a" > "$tmp/a.txt"
"$GS_BIN" scenarios "$F" --deal "$D" "${S[@]}" --out "$tmp/b" --format json > "$tmp/b.json"
cmp "$tmp/a/scenarios.csv" "$tmp/b/scenarios.csv"
cmp "$tmp/a/summary.json" "$tmp/b/summary.json"
cmp "$tmp/a/summary.json" "$tmp/b.json"
grep -q "scenario training-decline:" "$tmp/a.txt"
grep -q "all within the latency budget of large demand (none stranded)" "$tmp/a.txt"
"$GS_BIN" scenarios "$F" --scenario "$GS_SRC/examples/scenarios/training-decline.yaml" \
    --rtt-budget 15 --out "$tmp/c" > "$tmp/c.txt"
grep -q "stranded-asset risk: up to" "$tmp/c.txt"
grep -q "west-texas .* 26.2 ms > 15 ms: cannot serve it" "$tmp/c.txt"

python3 - "$tmp" <<'PY'
import csv, json, math, sys
tmp = sys.argv[1]

def no_nan(c):
    raise AssertionError("non-finite number in summary.json: " + c)

j = json.load(open(f"{tmp}/a/summary.json"), parse_constant=no_nan)
rows = list(csv.DictReader(open(f"{tmp}/a/scenarios.csv")))
assert j["from_year"] == 2025 and j["years"] == 20 and j["horizon_years"] == 20, j["years"]
ids = [s["id"] for s in j["scenarios"]]
assert ids == ["training-plateau", "both-grow", "mix", "training-decline"], ids
sites = {s["id"]: s for s in j["sites"]}
ncls = sum(len(s["classes"]) for s in j["sites"])
assert len(rows) == len(ids) * 20 * ncls, (len(rows), ncls)

def f(r, k):
    return float(r[k]) if r[k] != "" else None

for r in rows:
    for k in r:
        if r[k] not in ("",) and k not in ("scenario", "site", "class"):
            assert math.isfinite(float(r[k])), (r, k)
    cap, idx, dem = f(r, "capacity_mw"), f(r, "index"), f(r, "demand_mw")
    assert abs(dem - cap * idx) <= 2e-3 + 5e-4 * idx, r  # capacity rounded to 1 kW
    assert abs(f(r, "served_mw") - min(dem, cap)) <= 2e-3, r
    assert abs(f(r, "served_mw") + f(r, "unserved_mw") - dem) <= 3e-3, r
    assert abs(f(r, "spare_mw") - (cap - f(r, "served_mw"))) <= 3e-3, r
    ic = sites[r["site"]]["interconnect_mw"]
    assert abs(f(r, "interconnect_share") - dem / ic) <= 1e-4, r
    if r["class"] == "training":
        assert abs(f(r, "convertible_mw") + f(r, "stranded_mw") - f(r, "spare_mw")) <= 3e-3, r
        assert f(r, "flex_usd") is not None and f(r, "utilisation") is not None, r
    else:
        assert r["flex_usd"] == "" and r["convertible_mw"] == "" and r["stranded_mw"] == "", r
    # the demo fleet has no demand series: no zone headroom
    assert r["headroom_share"] == "", r
    # no deal for these sites' inference utilisation: only the deal's sites have one
    if r["class"] == "inference" and r["site"] != "ashburn":
        assert r["utilisation"] == "", r

# the presets in 2030, by hand from data/catalog/scenarios.yaml
s0, s1 = 0.366667, 0.7
odds = lambda s: s / (1 - s)
idx = {(sc["id"], y["year"]): (y["training"]["index"], y["inference"]["index"])
       for sc in j["scenarios"] for y in sc["years"]}
want = {
    "training-plateau": (1.0, odds(s1) / odds(s0)),
    "both-grow": (1.65 ** 5 * (1 - s1) / (1 - s0), 1.65 ** 5 * s1 / s0),
}
want["mix"] = tuple(math.sqrt(a * b) for a, b in zip(want["training-plateau"], want["both-grow"]))
want["training-decline"] = ((1 - 0.259259) ** 2, 1.321 ** 5)
for k, (t, i) in want.items():
    gt, gi = idx[(k, 2030)]
    assert abs(gt - t) < 1e-5 and abs(gi - i) < 1e-5, (k, gt, t, gi, i)
    assert idx[(k, 2044)] == idx[(k, 2030)], k  # held after 2030

# values: the deal's two sites only
for sc in j["scenarios"]:
    for s in sc["sites"]:
        if s["id"] in ("west-texas", "ashburn"):
            v, flat = s["value"], sites[s["id"]]["flat"]
            assert math.isfinite(v["npv_usd"]) and math.isfinite(flat["npv_usd"])
            assert abs(s["npv_vs_flat_usd"] - (v["npv_usd"] - flat["npv_usd"])) < 0.02, s
            assert (v["irr"]["rate"] is not None) == (v["irr"]["status"] == "ok")
        else:
            assert s["value"] is None and s["npv_vs_flat_usd"] is None, s
by = {(sc["id"], s["id"]): s for sc in j["scenarios"] for s in sc["sites"]}
# training flat in the plateau: West Texas worth what it is worth flat (to the cent)
assert abs(by[("training-plateau", "west-texas")]["npv_vs_flat_usd"]) < 0.02
# demand above capacity lifts utilisation (to the catalogue's 0.95): worth more; falling demand less
assert by[("both-grow", "west-texas")]["npv_vs_flat_usd"] > 0
assert by[("training-decline", "west-texas")]["npv_vs_flat_usd"] < 0

# the decline leaves training capacity idle, within the 150 ms of the chat service everywhere
dec = [r for r in rows if r["scenario"] == "training-decline" and r["class"] == "training"]
assert any(f(r, "spare_mw") > 1 for r in dec)
assert all(f(r, "stranded_mw") == 0 for r in dec)
for s in j["sites"]:
    c = s["conversion"]
    if "training" in s["classes"]:
        assert c["convertible"] and c["rtt_ms"] <= c["limit_ms"] == 150, s["id"]
    else:
        assert c is None

# with a 15 ms budget: stranded beyond it, convertible within
c = json.load(open(f"{tmp}/c/summary.json"), parse_constant=no_nan)
conv = {s["id"]: s["conversion"]["convertible"] for s in c["sites"] if s["conversion"]}
assert conv == {"west-texas": False, "iowa": True, "quebec": True, "mid-norway": False}, conv
rc = list(csv.DictReader(open(f"{tmp}/c/scenarios.csv")))
for r in rc:
    if r["class"] == "training" and r["year"] == "2030":
        spare = f(r, "spare_mw")
        assert spare > 1, r
        strand, cv = f(r, "stranded_mw"), f(r, "convertible_mw")
        if conv[r["site"]]:
            assert cv == spare and strand == 0, r
        else:
            assert strand == spare and cv == 0, r
print("ok: %d rows, %d scenarios" % (len(rows), len(ids)))
PY

# a leased hall earns its rent whatever the scenario (docs/scenarios.md): the campus with its
# inference hall leased gains nothing when only inference grows (training-plateau), and the
# same as the campus's training gains when training grows too
"$GS_BIN" scenarios "$GS_SRC/examples/underwrite/campus.yaml" \
    --deal "$GS_SRC/examples/underwrite/deal-colocation.yaml" --out "$tmp/lease" > /dev/null
python3 - "$tmp/lease/summary.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
d = {sc["id"]: sc["sites"][0]["npv_vs_flat_usd"] for sc in j["scenarios"]}
assert abs(d["training-plateau"]) < 1, d
assert d["both-grow"] > 1e8 and abs(d["both-grow"] - d["mix"]) < 1, d
assert abs(d["both-grow"] / 1e6 - 441.0) < 0.05, d   # docs/scenarios.md
print("ok: leased hall +%.1f M under training-plateau, +%.1f M under both-grow"
      % (d["training-plateau"] / 1e6, d["both-grow"] / 1e6))
PY
