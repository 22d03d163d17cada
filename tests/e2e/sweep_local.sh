#!/usr/bin/env bash
# sweep_local.sh: `gridsplit sweep` on this machine (docs/sweep.md), from a directory other than
# the sweep file's:
#  1. examples/sweep/underwrite.yaml (18 cases of `underwrite`: a key added to the deal, a site
#     field by selector, a field of the fleet the deal names) exits 0 with one row per case in
#     case order (the last axis fastest), every field filled; two cases are checked against
#     `gridsplit underwrite` run by hand on deal and fleet files edited with sed: the same NPV,
#     IRR and payback; every case's stdout and stderr are kept;
#  2. --jobs 1 and --jobs 2 give byte-identical sweep.csv and sweep.json (and so does a rerun);
#  3. options only (simulate on the demo fleet; a flag axis given or not): the fleet is passed
#     as it is, --quiet is given to each case, the flag only when true;
#  4. a case that fails (horizon_years 5) is reported with its number, its arguments and the
#     end of its stderr, the others go on, the row says "failed (exit 2)" with empty fields,
#     the sweep exits 1; with --fail-fast and one job, the cases after it are "not run";
#  5. the three slices of --slice I/3 run one by one, then --merge, give the one run's table;
#     a case whose status is missing is "not run" and --merge exits 1.
# Needs nothing from ../shared.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_sweep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "sweep_local: FAIL: $*" >&2; exit 1; }

# 1. the underwriting example
"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out a --jobs 2 2> a.err || fail "exit $? ($(cat a.err))"
grep -q "18 cases: 18 ok" a.err || fail "no closing line: $(cat a.err)"
head -1 a/sweep.csv | grep -qx 'case,discount_rate,west_texas_usd_per_mwh,west_texas_gpus,status,npv_usd,irr,payback_years,west_texas_npv_usd,west_texas_usd_per_mwh_all_in' \
    || fail "header: $(head -1 a/sweep.csv)"
[ -s a/cases/0001/stdout.txt ] || fail "case 1's stdout was not kept"
[ -f a/cases/0001/stderr.txt ] || fail "case 1's stderr was not kept"
# case 1 = (0.06, 35, 98304: the fleet's own); case 12 = (0.08, 55, 131072)
mkdir hand
sed '/{id: wt-h100,/s/gpus: 98304,/gpus: 131072,/' "$GS_SRC/examples/demo/fleet.yaml" > hand/fleet12.yaml
[ "$(grep -c "gpus: 131072," hand/fleet12.yaml)" = 1 ] || fail "the fleet's edit by hand did not apply (to the cluster only)"
sed "s#^fleet: .*#fleet: fleet12.yaml#; s/price_usd_per_mwh: 45 /price_usd_per_mwh: 55 /" \
    "$GS_SRC/examples/underwrite/deal.yaml" > hand/deal12.yaml
echo "discount_rate: 0.08" >> hand/deal12.yaml
sed "s#^fleet: .*#fleet: $GS_SRC/examples/demo/fleet.yaml#; s/price_usd_per_mwh: 45 /price_usd_per_mwh: 35 /" \
    "$GS_SRC/examples/underwrite/deal.yaml" > hand/deal1.yaml
echo "discount_rate: 0.06" >> hand/deal1.yaml
grep -q "price_usd_per_mwh: 35 " hand/deal1.yaml || fail "the deal's edit by hand did not apply"
"$GS_BIN" underwrite hand/deal12.yaml --out hand/o12 > /dev/null
"$GS_BIN" underwrite hand/deal1.yaml --out hand/o1 > /dev/null
python3 - a hand <<'PY' || fail "the table differs from the hand runs"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sweep.csv")))
assert len(rows) == 18, len(rows)
want = []
for d in ["0.06", "0.08", "0.10"]:
    for p in ["35", "45", "55"]:
        for g in ["98304", "131072"]:
            want.append((d, p, g))
for i, r in enumerate(rows):
    assert r["case"] == str(i + 1), r
    assert (r["discount_rate"], r["west_texas_usd_per_mwh"], r["west_texas_gpus"]) == want[i], (i, r)
    assert r["status"] == "ok", r
    for k in ("npv_usd", "irr", "payback_years", "west_texas_npv_usd", "west_texas_usd_per_mwh_all_in"):
        float(r[k])
for case, run in ((12, "o12"), (1, "o1")):
    s = json.load(open(f"{sys.argv[2]}/{run}/summary.json"))
    r = rows[case - 1]
    assert float(r["npv_usd"]) == s["total"]["npv_usd"], (case, r["npv_usd"], s["total"]["npv_usd"])
    assert float(r["irr"]) == s["total"]["irr"]["rate"], case
    assert float(r["payback_years"]) == s["total"]["payback_years"], case
    wt = [x for x in s["sites"] if x["id"] == "west-texas"][0]
    assert float(r["west_texas_npv_usd"]) == wt["total"]["npv_usd"], case
# more GPUs, more NPV; a higher discount rate, less
assert float(rows[1]["npv_usd"]) > float(rows[0]["npv_usd"])
assert float(rows[12]["npv_usd"]) < float(rows[0]["npv_usd"])
j = json.load(open(sys.argv[1] + "/sweep.json"))
assert j["cases"] == 18 and j["ok"] == 18 and j["failed"] == 0
assert j["rows"][11]["axes"] == {"discount_rate": 0.08, "west_texas_usd_per_mwh": 55, "west_texas_gpus": 131072}
assert float(rows[11]["npv_usd"]) == j["rows"][11]["fields"]["npv_usd"]
PY

# 2. the same table whatever the number of jobs, and on a rerun
"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out b --jobs 1 --quiet 2> b.err || fail "--jobs 1: $(cat b.err)"
[ ! -s b.err ] || fail "--quiet printed: $(cat b.err)"
cmp a/sweep.csv b/sweep.csv || fail "--jobs 1 and 2 differ (csv)"
cmp a/sweep.json b/sweep.json || fail "--jobs 1 and 2 differ (json)"
"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out a --quiet || fail "rerun"
cmp a/sweep.csv b/sweep.csv || fail "a rerun differs"

# 3. options only (a flag among them): the fleet is passed as it is
cat > sim.yaml <<EOF
command: simulate
input: $GS_SRC/examples/demo/fleet.yaml
args: [--from, "2024-07-01T00:00:00Z", --to, "2024-07-03T00:00:00Z", --no-report]
axes:
  --step: [15min, 1h]
  --no-csv: [true, false]
collect: {energy_mwh: fleet_stats.energy_mwh, steps: steps}
EOF
"$GS_BIN" sweep sim.yaml --out sim --quiet || fail "simulate sweep"
python3 - sim "$GS_SRC" <<'PY' || fail "the simulate sweep"
import csv, json, os, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sweep.csv")))
assert [(r["step"], r["no-csv"]) for r in rows] == [("15min", "true"), ("15min", "false"), ("1h", "true"), ("1h", "false")], rows
assert all(r["status"] == "ok" for r in rows)
assert [r["steps"] for r in rows] == ["192", "192", "48", "48"], rows
e = [float(r["energy_mwh"]) for r in rows]
assert e[0] == e[1] and abs(e[2] / e[0] - 1) < 0.01, e
for c, has in ((1, False), (2, True)):
    assert os.path.exists(f"{sys.argv[1]}/cases/000{c}/out/load.csv") == has, c
st = json.load(open(sys.argv[1] + "/cases/0001/status.json"))
assert st["args"][2] == sys.argv[2] + "/examples/demo/fleet.yaml", st["args"]
assert "--step=15min" in st["args"] and "--no-csv" in st["args"] and "--quiet" in st["args"], st["args"]
st = json.load(open(sys.argv[1] + "/cases/0002/status.json"))
assert "--no-csv" not in st["args"], st["args"]
PY

# 4. a failing case
cat > bad.yaml <<EOF
command: underwrite
input: $GS_SRC/examples/underwrite/deal.yaml
axes:
  horizon_years: [5, 20, 20]
collect: {npv: total.npv_usd}
EOF
set +e
"$GS_BIN" sweep bad.yaml --out bad --jobs 2 2> bad.err
rc=$?
set -e
[ "$rc" = 1 ] || fail "a failed case: exit $rc, want 1 ($(cat bad.err))"
grep -q "gridsplit sweep: case 1 of 3 failed (exit 2): gridsplit underwrite $tmp/bad/cases/0001/deal.yaml --out $tmp/bad/cases/0001/out" bad.err \
    || fail "the failure's report: $(cat bad.err)"
grep -q "  | gridsplit underwrite: .*horizon_years" bad.err || fail "no stderr tail: $(cat bad.err)"
grep -q "3 cases: 2 ok, 1 not ok" bad.err || fail "closing line: $(cat bad.err)"
diff <(cut -d, -f1-3 bad/sweep.csv) <(printf 'case,horizon_years,status\n1,5,failed (exit 2)\n2,20,ok\n3,20,ok\n') \
    || fail "the failed case's rows"
[ "$(sed -n 2p bad/sweep.csv)" = "1,5,failed (exit 2)," ] || fail "a failed row has fields: $(sed -n 2p bad/sweep.csv)"
set +e
"$GS_BIN" sweep bad.yaml --out ff --jobs 1 --fail-fast 2> ff.err
rc=$?
set -e
[ "$rc" = 1 ] || fail "--fail-fast: exit $rc"
diff <(cut -d, -f1-3 ff/sweep.csv) <(printf 'case,horizon_years,status\n1,5,failed (exit 2)\n2,20,not run\n3,20,not run\n') \
    || fail "--fail-fast rows"
grep -q "2 cases did not run (the first: case 2)" ff.err || fail "--fail-fast report: $(cat ff.err)"
# 5. slices run one by one (as array tasks or another scheduler would), then --merge
for i in 0 1 2; do
    "$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out sl --slice "$i/3" --jobs 1 2> "sl$i.err" \
        || fail "--slice $i/3: $(cat "sl$i.err")"
    grep -q "sweep: slice $i/3: 6 cases, 0 failed" "sl$i.err" || fail "slice $i's line: $(cat "sl$i.err")"
done
[ ! -e sl/sweep.csv ] || fail "--slice merged"
"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out sl --merge 2> merge.err || fail "--merge: $(cat merge.err)"
cmp a/sweep.csv sl/sweep.csv || fail "slices + --merge differ from one run (csv)"
cmp a/sweep.json sl/sweep.json || fail "slices + --merge differ from one run (json)"
rm sl/cases/0005/status.json
set +e
"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out sl --merge 2> merge.err
rc=$?
set -e
[ "$rc" = 1 ] || fail "--merge with a case missing: exit $rc"
grep -q "1 case did not run (the first: case 5)" merge.err || fail "--merge with a case missing: $(cat merge.err)"
[ "$(sed -n 6p sl/sweep.csv | cut -d, -f5-)" = "not run,,,,," ] || fail "case 5: $(sed -n 6p sl/sweep.csv)"
echo "sweep_local: ok"
