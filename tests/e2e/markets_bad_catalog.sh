#!/usr/bin/env bash
# A user catalogue with a figure but no source, or a duration without a unit, is rejected with
# file, line, field, expected and found, exit 2; a good one overrides the built-in entry.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat >"$dir/nosrc.yaml" <<'Y'
products:
  - id: ERCOT-ERS-30
    name: ERS 30
    market: ERCOT
    zones: [ERCOT]
    kind: emergency
    direction: down
    max_duration: 6h
    eligible: {training: yes, inference: no}
    sources: {rules: "16 TAC 25.507", eligibility: "16 TAC 25.507"}
Y
set +e
"$GS_BIN" markets --catalog "$dir/nosrc.yaml" 2>"$dir/err"; rc=$?
set -e
[ "$rc" -eq 2 ]
grep -q "nosrc.yaml:10:.*field 'products\[0\].sources.duration'.*without a source" "$dir/err"

sed 's/max_duration: 6h/max_duration: 6/' "$dir/nosrc.yaml" >"$dir/unit.yaml"
set +e
"$GS_BIN" markets --catalog "$dir/unit.yaml" 2>"$dir/err"; rc=$?
set -e
[ "$rc" -eq 2 ]
grep -q "unit.yaml:8:.*products\[0\].max_duration.*found '6'" "$dir/err"

sed 's/sources: {rules/sources: {duration: "my contract", rules/' "$dir/nosrc.yaml" >"$dir/good.yaml"
"$GS_BIN" markets --catalog "$dir/good.yaml" --format json | python3 -c '
import json, sys
p = {x["id"]: x for x in json.load(sys.stdin)["products"]}["ERCOT-ERS-30"]
assert p["max_duration_s"] == 6 * 3600 and p["sources"]["duration"] == "my contract", p
'
echo ok
