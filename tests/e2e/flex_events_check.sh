#!/usr/bin/env bash
# e2e.flex_events_check: `flex --events F` and `simulate --policy flexible --events F` check a
# file's events as `route` checks its caps (src/cli/flexrun.c, docs/flex.md), never in silence:
# a cap on the inference load of a site that runs no inference (the Iowa training campus) or on
# the training load of an inference site moves nothing: exit 2 naming the file and
# events[i].site; an event wholly outside the period: a warning on stderr (and in flex's
# summary.json and report), exit 0, the run as without it; an event partly inside: taken for
# the part inside, no warning; a limit on inference load the flexible policy cannot act on: a
# warning. On the demo fleet (no outside data), and the Iowa cap on the real example too when
# ../shared is there.
set -u
: "${GS_SRC:?}" "${GS_BIN:?}"
BIN=$GS_BIN
SHARED=${GS_SHARED:-$GS_SRC/../shared}
export GS_SHARED=$SHARED
out=$(mktemp -d "${TMPDIR:-/tmp}/gs_flex_events.XXXXXX")
trap 'rm -rf "$out"' EXIT
fail=0
demo="$GS_SRC/examples/demo/fleet.yaml"
P="--from 2024-07-10 --to 2024-07-20"

# run CMD FLEET EVENTS OUTDIR [ARGS...]: flex or simulate --policy flexible on the events file
run() {
    local cmd=$1 fleet=$2 ev=$3 o=$4; shift 4
    if [ "$cmd" = flex ]; then
        "$BIN" flex "$fleet" --events "$ev" --out "$o" --no-report "$@" >"$o.out" 2>"$o.err"
    else
        "$BIN" simulate "$fleet" --policy flexible --events "$ev" --out "$o" --no-report --no-csv "$@" >"$o.out" 2>"$o.err"
    fi
}
expect2() { # expect2 NAME PATTERN CMD FLEET EVENTS [ARGS...]
    local name=$1 pat=$2 cmd=$3; shift 3
    run "$cmd" "$1" "$2" "$out/$name-$cmd" "${@:3}"; local rc=$?
    if [ $rc -ne 2 ]; then echo "FAIL $name ($cmd): exit $rc, want 2" >&2; cat "$out/$name-$cmd.err" >&2; fail=1; return; fi
    grep -qE -e "$pat" "$out/$name-$cmd.err" || { echo "FAIL $name ($cmd): message does not match /$pat/:" >&2; cat "$out/$name-$cmd.err" >&2; fail=1; }
    [ ! -e "$out/$name-$cmd/summary.json" ] || { echo "FAIL $name ($cmd): left output behind" >&2; fail=1; }
}
expect0() { # expect0 NAME PATTERN CMD FLEET EVENTS [ARGS...]: exit 0, PATTERN among the warnings ("" none)
    local name=$1 pat=$2 cmd=$3; shift 3
    run "$cmd" "$1" "$2" "$out/$name-$cmd" "${@:3}"; local rc=$?
    if [ $rc -ne 0 ]; then echo "FAIL $name ($cmd): exit $rc, want 0" >&2; cat "$out/$name-$cmd.err" >&2; fail=1; return; fi
    if [ -z "$pat" ]; then
        grep -q 'warning' "$out/$name-$cmd.err" && { echo "FAIL $name ($cmd): unexpected warning:" >&2; cat "$out/$name-$cmd.err" >&2; fail=1; }
    else
        grep -qE -e "gridsplit: warning: .*$pat" "$out/$name-$cmd.err" || { echo "FAIL $name ($cmd): no warning /$pat/:" >&2; cat "$out/$name-$cmd.err" >&2; fail=1; }
    fi
}

cat >"$out/iowa.json" <<'J'
{"events": [{"id": "iowa-cap", "type": "reduce_to", "site": "iowa", "class": "inference", "start": "2024-07-16T17:00Z", "end": "2024-07-16T21:00Z", "mw": 15}]}
J
cat >"$out/ash_train.json" <<'J'
{"events": [
 {"id": "wt", "type": "reduce_by", "site": "west-texas", "start": "2024-07-12T19:00Z", "duration": "2h", "mw": 10},
 {"id": "ash-training", "type": "reduce_by", "site": "ashburn", "class": "training", "start": "2024-07-16T17:00Z", "end": "2024-07-16T21:00Z", "mw": 5}]}
J
cat >"$out/past.json" <<'J'
{"id": "old", "type": "reduce_by", "zone": "ERCOT", "start": "2023-07-16T19:00Z", "duration": "2h", "mw": 10}
J
cat >"$out/partial.json" <<'J'
{"id": "late", "type": "reduce_by", "site": "west-texas", "start": "2024-07-19T22:00Z", "end": "2024-07-20T04:00Z", "mw": 10}
J
for cmd in flex simulate; do
    expect2 iowa "iowa\.json: field 'events\[0\]\.site': event 'iowa-cap': site 'iowa' runs no inference" $cmd "$demo" "$out/iowa.json" $P
    expect2 ash_training "ash_train\.json: field 'events\[1\]\.site': event 'ash-training': site 'ashburn' runs no training" $cmd "$demo" "$out/ash_train.json" $P
    expect0 past "event 'old' \(2023-07-16T19:00:00Z \.\. 2023-07-16T21:00:00Z\) is outside the period 2024-07-10T00:00:00Z \.\. 2024-07-20T00:00:00Z: it acts on nothing" \
        $cmd "$demo" "$out/past.json" $P
    expect0 ashburn "event 'pjm-dom-peak-2024-07-16' limits the inference load of site 'ashburn': .*never sheds inference" \
        $cmd "$demo" "$GS_SRC/examples/events/ashburn_cap.json" $P
    expect0 partial "" $cmd "$demo" "$out/partial.json" $P
done
# flex keeps the warnings for its outputs; the event outside is left out, the partial one clipped
jq -e '(.warnings | length == 1) and (.warnings[0] | test("outside the period")) and ([.events[] | select(.id == "old")] | length == 0)' \
    "$out/past-flex/summary.json" >/dev/null || { echo "FAIL past: flex summary.json" >&2; jq '.warnings' "$out/past-flex/summary.json" >&2; fail=1; }
grep -q '^late,file,reduce_by,west-texas,2024-07-19T22:00:00Z,2024-07-20T00:00:00Z,' "$out/partial-flex/events.csv" \
    || { echo "FAIL partial: the event was not taken for the part inside the period" >&2; cat "$out/partial-flex/events.csv" >&2; fail=1; }
grep -q '1 warning' "$out/past-flex.out" || { echo "FAIL past: flex's summary line does not count the warning" >&2; cat "$out/past-flex.out" >&2; fail=1; }
# the report lists the warning
"$BIN" flex "$demo" $P --events "$out/past.json" --out "$out/rep" >/dev/null 2>&1 \
    && grep -q 'outside the period' "$out/rep/report.html" || { echo "FAIL past: report.html lacks the warning" >&2; fail=1; }

# the Iowa cap on the real example, as the audit ran it
if [ -d "$SHARED/data/prices/US-TEX-ERCO/2023" ]; then
    sed -e 's/2024-07-16/2023-07-18/g' "$out/iowa.json" >"$out/iowa23.json"
    for cmd in flex simulate; do
        expect2 real_iowa "events\[0\]\.site.*site 'iowa' runs no inference" $cmd "$GS_SRC/examples/real/fleet.yaml" "$out/iowa23.json" \
            --from 2023-07-01 --to 2023-08-01
    done
else
    echo "flex_events_check: real example not checked: no $SHARED/data" >&2
fi
exit $fail
