#!/usr/bin/env bash
# plan_bad_input.sh: bad events get a clear message (file, field, expected, found) and exit 2,
# never a plan: an event over at the decision time (one under way is planned: plan_demo.sh),
# overlapping events, a negative target, an unknown site or
# zone, an inference shed under a policy that forbids it, malformed JSON, a bad duration; an
# unknown --format or --priority.
set -u
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
fleet="$GS_SRC/examples/demo/fleet.yaml"

expect2() { # name, extra args, words the message must hold
    local name=$1 args=$2; shift 2
    "$GS_BIN" plan "$fleet" --event "$tmp/$name.json" $args > "$tmp/out" 2> "$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "$name: expected exit 2, got $rc: $(cat "$tmp/err")"
    [ -s "$tmp/out" ] && fail "$name: printed a plan on bad input"
    grep -q "$name.json" "$tmp/err" || fail "$name: message does not name the file: $(cat "$tmp/err")"
    for w in "$@"; do grep -q -- "$w" "$tmp/err" || fail "$name: message lacks '$w': $(cat "$tmp/err")"; done
}
base='"type": "reduce_by", "site": "west-texas", "start": "2024-01-20T19:00Z", "duration": "3h", "notice": "1h"'
echo "{$base, \"mw\": 10}" > "$tmp/past.json"
expect2 past "--at 2024-01-20T22:00Z" "field 'start'" "in the past" "2024-01-20T19:00:00Z" \
    "2024-01-20T22:00:00Z" "under way"
echo "{\"events\": [{$base, \"mw\": 10, \"id\": \"a\"}, {\"id\": \"b\", \"type\": \"reduce_by\", \"zone\": \"ERCOT\", \"start\": \"2024-01-20T21:00Z\", \"end\": \"2024-01-20T23:00Z\", \"mw\": 5}]}" > "$tmp/overlap.json"
expect2 overlap "" "overlap" "'b'" "'a'"
echo "{$base, \"mw\": -5}" > "$tmp/negative.json"
expect2 negative "" "field 'mw'" "at least 0 MW" "found -5"
echo '{"type": "reduce_by", "site": "atlantis", "start": "2024-01-20T19:00Z", "duration": "3h", "mw": 1}' > "$tmp/unknown_site.json"
expect2 unknown_site "" "field 'site'" "expected a site" "found 'atlantis'"
echo '{"type": "reduce_to", "zone": "NOWHERE", "start": "2024-01-20T19:00Z", "duration": "3h", "mw": 1}' > "$tmp/unknown_zone.json"
expect2 unknown_zone "" "field 'zone'" "found 'NOWHERE'"
echo "{$base, \"mw\": 10, \"shed_inference\": true}" > "$tmp/shed.json"
expect2 shed "" "shed_inference" "comply" "does not allow"
echo "{$base, \"mw\": 10" > "$tmp/syntax.json"
expect2 syntax ""
echo '{"type": "reduce_by", "site": "west-texas", "start": "2024-01-20T19:00Z", "duration": "3 parsecs", "mw": 1}' > "$tmp/duration.json"
expect2 duration "" "field 'duration'" "3 parsecs"
echo "{$base, \"mw\": 10, \"colour\": 1}" > "$tmp/unknown_key.json"
expect2 unknown_key "" "colour" "unknown key"
"$GS_BIN" plan "$fleet" --event "$tmp/negative.json" --policy lenient > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "lenient" "$tmp/err" || fail "unknown policy: $(cat "$tmp/err")"
echo "{$base, \"mw\": 10}" > "$tmp/good.json"
"$GS_BIN" plan "$fleet" --event "$tmp/good.json" --format yaml > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q -- "--format" "$tmp/err" && grep -q "yaml" "$tmp/err" || fail "--format yaml: $(cat "$tmp/err")"
"$GS_BIN" plan "$fleet" --event "$tmp/good.json" --priority fastest > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q -- "--priority" "$tmp/err" && grep -q "fastest" "$tmp/err" || fail "--priority fastest: $(cat "$tmp/err")"
echo ok
