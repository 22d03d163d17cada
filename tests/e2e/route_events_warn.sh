#!/usr/bin/env bash
# A grid cap wholly outside the routed period caps nothing: route says so on stderr and in
# summary.json's warnings (never silence), routes the period as without it, and exits 0. A cap
# partly inside the period is taken for the part inside, without a warning.
set -euo pipefail
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
"$GS_BIN" route "$fleet" --out "$d/o" --from 2024-07-16 --to 2024-07-17 --no-report \
  --events "$GS_SRC/examples/events/ashburn_cap_2023.json" 2> "$d/err"
grep -q "warning: event 'pjm-dom-peak-2023-07-18' (2023-07-18T17:00:00Z .. 2023-07-18T21:00:00Z) is outside the period 2024-07-16T00:00:00Z .. 2024-07-17T00:00:00Z: it caps nothing" "$d/err" \
  || { echo "no warning on stderr"; cat "$d/err"; exit 1; }
jq -e '(.warnings | length == 1) and (.warnings[0] | test("outside the period")) and .events[0].steps == 0' "$d/o/summary.json" >/dev/null \
  || { echo "summary.json lacks the warning"; jq '.warnings, .events' "$d/o/summary.json"; exit 1; }
echo '{"events": [{"id": "late", "type": "reduce_to", "site": "ashburn", "class": "inference", "start": "2024-07-16T22:00Z", "end": "2024-07-17T02:00Z", "mw": 15}]}' > "$d/partial.json"
"$GS_BIN" route "$fleet" --out "$d/p" --from 2024-07-16 --to 2024-07-17 --no-report --events "$d/partial.json" 2> "$d/err2"
grep -q "warning" "$d/err2" && { echo "warning for a cap partly inside the period"; cat "$d/err2"; exit 1; }
jq -e '.events[0].steps == 24 and (.warnings | length == 0)' "$d/p/summary.json" >/dev/null \
  || { echo "the part inside the period was not taken"; jq '.events' "$d/p/summary.json"; exit 1; }
echo ok
