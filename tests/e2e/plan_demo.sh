#!/usr/bin/env bash
# plan_demo.sh: `gridsplit plan` on the demo fleet: a native reduce-by event at a site and an
# OpenADR 3 IMPORT_CAPACITY_LIMIT event on a zone give plans that meet their targets within the
# jobs' tiers, as JSON with the documented fields; must-run reports the whole target as the
# shortfall; the same input gives byte-identical output; --fit-powercap on the shared sweep
# reproduces data/catalog/powercap.csv (skipped part, without ../shared).
set -u
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
shared="${GS_SHARED:-$GS_SRC/../shared}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
fleet="$GS_SRC/examples/demo/fleet.yaml"
ev="$GS_SRC/examples/events"
num() { sed -n "s/^  \"$1\": \\(-\\?[0-9.e+-]*\\).*/\\1/p" "$2" | head -1; }

"$GS_BIN" plan "$fleet" --event "$ev/reduce_by_site.json" > "$tmp/a.json" || fail "plan reduce_by exited $?"
for k in target_mw achieved_mw shortfall_mw cost_usd '"jobs"' '"lever"' '"class"' '"power_mw"' '"throughput"' '"tier_floor"'; do
    grep -q "$k" "$tmp/a.json" || fail "no $k in the plan: $(cat "$tmp/a.json")"
done
[ "$(num target_mw "$tmp/a.json")" = "40.0" ] || fail "target_mw: expected 40.0, got $(num target_mw "$tmp/a.json")"
[ "$(num shortfall_mw "$tmp/a.json")" = "0.0" ] || fail "a feasible target falls short: $(cat "$tmp/a.json")"
awk -v a="$(num achieved_mw "$tmp/a.json")" 'BEGIN { exit !(a >= 40) }' || fail "achieved below target"
# every job keeps its run average above its tier floor
paste <(grep '"run_avg_throughput"' "$tmp/a.json" | tr -dc '0-9.\n') \
      <(grep '"tier_floor"' "$tmp/a.json" | tr -dc '0-9.\n') |
    awk '{ if ($1 + 1e-9 < $2) { print "tier broken: " $0; exit 1 } }' || fail "a tier is broken"

"$GS_BIN" plan "$fleet" --event "$ev/reduce_by_site.json" > "$tmp/b.json" || fail "second run"
cmp -s "$tmp/a.json" "$tmp/b.json" || fail "the same input gave different plans"

"$GS_BIN" plan "$fleet" --event "$ev/openadr_capacity_limit.json" > "$tmp/o.json" || fail "openadr event"
grep -q '"type": "reduce_to"' "$tmp/o.json" || fail "OpenADR IMPORT_CAPACITY_LIMIT is not a reduce_to"
grep -q '"limit_mw": 25.0' "$tmp/o.json" || fail "binding limit of the intervals is not 25 MW"
[ "$(num shortfall_mw "$tmp/o.json")" = "0.0" ] || fail "openadr plan falls short: $(cat "$tmp/o.json")"

"$GS_BIN" plan "$fleet" --event "$ev/reduce_by_site.json" --policy must-run > "$tmp/m.json" || fail "must-run"
[ "$(num shortfall_mw "$tmp/m.json")" = "40.0" ] || fail "must-run should fall short by the whole target"

"$GS_BIN" plan "$fleet" --event "$ev/price_spike.json" --policy price > "$tmp/p.json" || fail "price"
grep -q '"value_usd"' "$tmp/p.json" || fail "price plan has no value_usd"

sweep="$shared/data/emerald_phoenix_2025/dvfs_sweep.csv"
[ -f "$sweep" ] || { echo "SKIP: $sweep absent (plans checked)"; exit 77; }
"$GS_BIN" plan --fit-powercap "$sweep" > "$tmp/pc.csv" || fail "--fit-powercap"
diff <(grep -v '^#' "$tmp/pc.csv") <(grep -v '^#' "$GS_SRC/data/catalog/powercap.csv") ||
    fail "data/catalog/powercap.csv differs from the fit of $sweep"
echo ok
