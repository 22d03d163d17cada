#!/usr/bin/env bash
# `simulate --policy flexible` applies the one planner to the period's grid events and prices
# (the same decisions as `gridsplit flex`) and draws the load under them: on the real 2023
# example the planner pauses or caps training at west-texas on some hours, so its training energy
# falls; summary.json names the policy and lists every event and price hour acted on with its
# actions (run, cluster, site, lever, MW, hours, what it saved), runs.csv and clusters.csv count
# the curtailments, report.html draws them; must-run (the default) applies none.
set -euo pipefail
[ -d "$GS_SHARED/data/prices" ] || { echo "skipped: no $GS_SHARED/data"; exit 77; }
export GS_SHARED
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/flex" --policy flexible --no-csv --quiet
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/mr" --no-csv --no-report --quiet
jq -e '.overrides_applied > 0' "$out/flex/summary.json" >/dev/null || { echo "flexible applied no override"; exit 1; }
jq -e '.overrides_applied == 0' "$out/mr/summary.json" >/dev/null || { echo "must-run applied overrides"; exit 1; }
jq -e '.policy.name == "must-run" and (has("curtailments") | not)' "$out/mr/summary.json" >/dev/null \
  || { echo "must-run: policy not named, or curtailments listed"; exit 1; }
s=$out/flex/summary.json
jq -e '.policy.name == "flexible" and .policy.events == "catalog" and .policy.curtailments > 0
       and .policy.events_acted_on == (.curtailments | length)' "$s" >/dev/null \
  || { echo "flexible: policy"; jq '.policy' "$s"; exit 1; }
# every curtailment is under the event or price hour it answered, with its figures
jq -e '[.curtailments[] | .event != null and (.actions | length) > 0 and .start < .end
        and (.actions[] | .run != null and .cluster == "wt-h100" and .site == "west-texas"
             and (.lever == "pause" or .lever == "off" or .lever == "cap") and .hours > 0
             and (if .applied then .mwh_cut > 0 and .mw_cut > 0 and .usd_saved > 0 and .co2_t_avoided > 0
                  else .mwh_cut == 0 end))] | all' "$s" >/dev/null \
  || { echo "flexible: a curtailment without its event or figures"; jq '.curtailments' "$s"; exit 1; }
jq -e '([.curtailments[].actions[] | select(.applied) | .mwh_cut] | add) as $a | ($a - .policy.mwh_cut | fabs) < 0.01
       and ([.curtailments[].actions[] | select(.applied)] | length) == .policy.curtailments' "$s" >/dev/null \
  || { echo "flexible: the actions do not add up to the policy's totals"; exit 1; }
# the runs and the cluster count them; the report draws them
jq -e '([.runs[] | .curtailments] | add) == .policy.curtailments and
       ([.clusters[] | select(.id == "wt-h100") | .curtailments] | .[0]) == .policy.curtailments' "$s" >/dev/null \
  || { echo "flexible: runs/clusters curtailments"; exit 1; }
n=$(awk -F, 'NR > 1 && $2 == "wt-h100" {n += $17} END {print n + 0}' "$out/flex/runs.csv")
[ "$n" -eq "$(jq '.policy.curtailments' "$s")" ] || { echo "runs.csv counts $n curtailments"; exit 1; }
grep -q '<table class="stats curt">' "$out/flex/report.html" || { echo "report: no curtailments table"; exit 1; }
for ev in $(jq -r '.curtailments[].event' "$s"); do
  grep -q "$ev" "$out/flex/report.html" || { echo "report: event $ev missing"; exit 1; }
done
wt() { jq '.sites[] | select(.id == "west-texas") | .classes.training.energy_mwh' "$1"; }
a=$(wt "$out/flex/summary.json"); b=$(wt "$out/mr/summary.json")
awk -v a="$a" -v b="$b" 'BEGIN { exit !(a < b && a > 0.99 * b) }' || { echo "west-texas training energy flexible $a vs must-run $b"; exit 1; }
# inference is never curtailed by the planner
ia=$(jq '.sites[] | select(.id == "ashburn") | .classes.inference.energy_mwh' "$out/flex/summary.json")
ib=$(jq '.sites[] | select(.id == "ashburn") | .classes.inference.energy_mwh' "$out/mr/summary.json")
[ "$ia" = "$ib" ] || { echo "inference changed under the flexible policy: $ia vs $ib"; exit 1; }
# a bad policy is a usage error
set +e
"$GS_BIN" simulate "$GS_SRC/examples/real/fleet.yaml" --out "$out/x" --policy sometimes 2>"$out/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "expected flexible or must-run, found 'sometimes'" "$out/err" || { echo "bad --policy: rc $rc"; cat "$out/err"; exit 1; }
echo ok
