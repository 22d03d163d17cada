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

# a figure in CAD for years the catalogue has no exchange rate for: exit 2 naming the figure's
# line, the currency and the year; with the user's own rate for the years it loads
cat >"$dir/cad.yaml" <<'Y'
products:
  - id: MY-CAD
    name: a Canadian credit
    market: HQ
    zones: [HQ]
    kind: capacity
    direction: down
    availability_unit: CAD/MW-h
    eligible: {training: yes, inference: no}
    sources: {rules: "my contract", payment: "my contract", eligibility: "my contract"}
    prices:
      - {period: "2019", zone: HQ, value: 5, unit: CAD/MW-h, label: "contract price", source: "my contract"}
Y
set +e
"$GS_BIN" markets --catalog "$dir/cad.yaml" 2>"$dir/err"; rc=$?
set -e
[ "$rc" -eq 2 ]
grep -q "cad.yaml:12:.*expected an exchange rate for CAD in 2019" "$dir/err"
printf 'fx:\n  - {currency: CAD, base: USD, year: 2019, rate: 1.3269, source: "Bank of Canada, 2019 annual average"}\n' >>"$dir/cad.yaml"
"$GS_BIN" markets --catalog "$dir/cad.yaml" --zone HQ | grep -q '^MY-CAD '
echo ok
