#!/usr/bin/env bash
# events_one_format.sh: one event format for every command that takes events (docs/events.md).
# `plan` reads a file in the old route-cap form (with a warning on stderr that shows the same
# event in the native form); `route` reads a native reduce_to on a site's inference load, and
# the same cap written in both forms gives byte-identical route outputs; route refuses events
# it cannot route with a message saying what it takes; the fuzz findings (tests/fuzz/) and a
# missing file exit 2 naming the file and the field. Needs only the project (the demo fleet).
set -u
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
fleet="$GS_SRC/examples/demo/fleet.yaml"
old="$GS_SRC/tests/events/old_route_cap.json"

# plan takes the route-cap form, and says how to write it now
"$GS_BIN" plan "$fleet" --event "$old" > "$tmp/plan.json" 2> "$tmp/plan.err"
rc=$?
[ $rc -eq 0 ] || fail "plan refused the route-cap form (exit $rc): $(cat "$tmp/plan.err")"
grep -q '"type": "reduce_to"' "$tmp/plan.json" || fail "no reduce_to plan: $(cat "$tmp/plan.json")"
grep -q '"scope": "ashburn"' "$tmp/plan.json" || fail "plan not scoped to ashburn"
for w in warning old_route_cap.json "old route-cap form" \
         '{"id": "pjm-dom-peak-2024-07-16", "type": "reduce_to", "site": "ashburn", "class": "inference", "start": "2024-07-16T17:00Z", "end": "2024-07-16T21:00Z", "mw": 15}'; do
    grep -qF -- "$w" "$tmp/plan.err" || fail "plan's warning lacks '$w': $(cat "$tmp/plan.err")"
done

# the same cap in the native form
cat > "$tmp/native.json" <<'EOF'
{"id": "pjm-dom-peak-2024-07-16", "type": "reduce_to", "site": "ashburn", "class": "inference",
 "start": "2024-07-16T17:00Z", "end": "2024-07-16T21:00Z", "mw": 15}
EOF
"$GS_BIN" plan "$fleet" --event "$tmp/native.json" > "$tmp/plan2.json" 2> "$tmp/plan2.err" \
    || fail "plan refused the native form: $(cat "$tmp/plan2.err")"
cmp -s "$tmp/plan.json" "$tmp/plan2.json" || fail "plan differs between the two forms"
grep -q warning "$tmp/plan2.err" && fail "a warning on the native form: $(cat "$tmp/plan2.err")"

route() { # out dir, events file
    "$GS_BIN" route "$fleet" --out "$1" --from 2024-07-16 --to 2024-07-17 --events "$2" --quiet \
        2> "$1.err"
}
route "$tmp/old" "$old" || fail "route refused the route-cap form: $(cat "$tmp/old.err")"
route "$tmp/new" "$tmp/native.json" || fail "route refused a native reduce_to with class inference: $(cat "$tmp/new.err")"
for f in summary.json flows.csv report.html; do
    [ -s "$tmp/new/$f" ] || fail "route wrote no $f"
    cmp -s "$tmp/old/$f" "$tmp/new/$f" || fail "$f differs between the two forms of one event"
done
grep -q '"cap_mw": 15' "$tmp/new/summary.json" || fail "the cap is not in the summary"

# what route cannot take is refused, saying what it takes
expect2() { # name, command words...; then the words the message must hold after --
    local name=$1; shift
    local args=()
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    shift
    "${args[@]}" > /dev/null 2> "$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "$name: expected exit 2, got $rc: $(cat "$tmp/err")"
    for w in "$@"; do grep -qF -- "$w" "$tmp/err" || fail "$name: message lacks '$w': $(cat "$tmp/err")"; done
}
sed 's/"class": "inference",//' "$tmp/native.json" | sed 's/ashburn/west-texas/' > "$tmp/all.json"
expect2 class_all "$GS_BIN" route "$fleet" --out "$tmp/o1" --from 2024-07-16 --to 2024-07-17 --events "$tmp/all.json" -- all.json "field 'class'" '"class": "inference"' \
    "routing only moves inference"
sed 's/reduce_to/reduce_by/' "$tmp/native.json" > "$tmp/by.json"
expect2 reduce_by "$GS_BIN" route "$fleet" --out "$tmp/o2" --from 2024-07-16 --to 2024-07-17 --events "$tmp/by.json" -- by.json "field 'type'" "reduce_to" "found type reduce_by"
[ -e "$tmp/o1/summary.json" ] && fail "route left output behind after bad input"

# the fuzz findings and missing files: exit 2, the file and the field named, at once
fz="$GS_SRC/tests/fuzz"
expect2 start_overflow timeout 20 "$GS_BIN" plan "$fleet" --event "$fz/event_start_overflow.json" -- \
    event_start_overflow.json "field 'events[0].duration'" "100 years"
expect2 openadr_duration timeout 20 "$GS_BIN" plan "$fleet" --event "$fz/event_openadr_duration_overflow.json" -- \
    event_openadr_duration_overflow.json "field 'intervalPeriod.duration'" "100 years"
expect2 notice timeout 20 "$GS_BIN" plan "$fleet" --event "$fz/event_notice_1e308d.json" -- \
    event_notice_1e308d.json "field 'notice'" "100 years"
expect2 mw timeout 20 "$GS_BIN" plan "$fleet" --event "$fz/event_mw_1e303.json" -- \
    event_mw_1e303.json "field 'mw'" "at most 1000000 MW"
expect2 missing "$GS_BIN" plan "$fleet" --event "$tmp/nothing.json" -- "$tmp/nothing.json: no such file"
expect2 directory "$GS_BIN" plan "$fleet" --event "$tmp" -- "$tmp: is a directory"
expect2 route_missing "$GS_BIN" route "$fleet" --out "$tmp/o3" --from 2024-07-16 --to 2024-07-17 \
    --events "$tmp/nothing.json" -- "$tmp/nothing.json: no such file"
echo ok
