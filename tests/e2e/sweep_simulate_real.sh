#!/usr/bin/env bash
# sweep_simulate_real.sh: examples/sweep/simulate.yaml (6 cases of `gridsplit simulate` on the
# real 2023 fleet, options only) run with GS_SHARED unset, from another directory: the sweep
# finds ../shared beside the input as the fleet reader would and gives it to each case; every
# case ends ok; under the flexible policy the planner applies overrides and the fleet draws
# less energy than must-run at each step; case 5 (flexible, 15min) equals `gridsplit simulate`
# run by hand with the same options, field for field. Skipped (77) without ../shared/data.
set -euo pipefail
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
[ -d "${GS_SHARED:-}/data/prices" ] || { echo "skipped: no \$GS_SHARED/data"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_sweep_real.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fail() { echo "sweep_simulate_real: FAIL: $*" >&2; exit 1; }
# the sweep finds the shared data itself when it lies beside the repository, as the readers do
shared_env=("GS_SHARED=$GS_SHARED")
[ "$(cd "$GS_SRC/../shared" 2> /dev/null && pwd)" = "$(cd "$GS_SHARED" && pwd)" ] && shared_env=()
env -u GS_SHARED "${shared_env[@]}" "$GS_BIN" sweep "$GS_SRC/examples/sweep/simulate.yaml" --out s --quiet \
    || fail "exit $? ($(cat s/cases/*/stderr.txt 2> /dev/null | head -5))"
GS_SHARED=$GS_SHARED "$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out hand --policy flexible --step 15min \
    --from 2023-08-07T00:00:00Z --to 2023-08-14T00:00:00Z --no-csv --no-report --quiet
python3 - s hand <<'PY' || fail "the table"
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/sweep.csv")))
assert [(r["policy"], r["step"]) for r in rows] == [(p, s) for p in ("must-run", "flexible") for s in ("5min", "15min", "1h")]
assert all(r["status"] == "ok" for r in rows), rows
for i in range(3):
    mr, fx = rows[i], rows[3 + i]
    assert int(mr["overrides"]) == 0 and int(fx["overrides"]) > 0, (mr, fx)
    assert float(fx["energy_mwh"]) < float(mr["energy_mwh"]), (mr, fx)
    assert float(fx["west_texas_training_mwh"]) < float(mr["west_texas_training_mwh"]), (mr, fx)
h = json.load(open(sys.argv[2] + "/summary.json"))
r = rows[4]
assert int(r["overrides"]) == h["overrides_applied"]
assert float(r["energy_mwh"]) == h["fleet_stats"]["energy_mwh"]
assert float(r["energy_cost_usd"]) == h["fleet_stats"]["energy_cost_usd"]
assert float(r["peak_mw"]) == h["fleet_stats"]["peak_mw"]
PY
echo "sweep_simulate_real: ok"
