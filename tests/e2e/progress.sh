#!/usr/bin/env bash
# e2e (issue 8, 5): the progress line of long commands (src/cli/progress.c). On a terminal it
# shows once a run has taken a second; GS_PROGRESS=1 forces it from the start (as here, stderr
# being a file), GS_PROGRESS=0 and --quiet turn it off, and with stderr not a terminal it never
# shows by default (logs stay clean). Each command that can run long draws it and ends at 100 %.
set -u
: "${GS_BIN:?}" "${GS_SRC:?}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fleet="$GS_SRC/examples/demo/fleet.yaml"
fail=0
check() { # name want(yes|no) -- command...
    local name=$1 want=$2
    shift 3
    "$@" > /dev/null 2> "$out/err" || { echo "FAIL $name: exit $?: $(tail -2 "$out/err")"; fail=1; return; }
    local word=${name%%-*}
    if [ "$want" = yes ]; then
        tr '\r' '\n' < "$out/err" | grep -q "^$word \[#*  *\] *[0-9]*%" || { echo "FAIL $name: no progress line: $(head -c 300 "$out/err")"; fail=1; return; }
        tr '\r' '\n' < "$out/err" | grep -q "^$word \[####################\] 100%" || { echo "FAIL $name: the line does not end at 100 %"; fail=1; return; }
    else
        grep -q $'\r' "$out/err" && { echo "FAIL $name: a progress line where none was wanted"; fail=1; return; }
    fi
    echo "ok $name"
}
check simulate-forced yes -- env GS_PROGRESS=1 "$GS_BIN" simulate "$fleet" --out "$out/s1" --no-csv --no-report
check route-forced yes -- env GS_PROGRESS=1 "$GS_BIN" route "$fleet" --out "$out/r1" --no-flows --no-report
check simulate-quiet no -- env GS_PROGRESS=1 "$GS_BIN" simulate "$fleet" --out "$out/s2" --no-csv --no-report --quiet
check route-off no -- env GS_PROGRESS=0 "$GS_BIN" route "$fleet" --out "$out/r2" --no-flows --no-report
check route-not-a-tty no -- env -u GS_PROGRESS "$GS_BIN" route "$fleet" --out "$out/r3" --no-flows --no-report
# site --choose: three solves; the line moves between them (needs the candidates' real data)
if [ -d "${GS_SHARED:-$GS_SRC/../shared}/data/prices" ]; then
    check site-forced yes -- env GS_PROGRESS=1 "$GS_BIN" site "$GS_SRC/examples/sites/candidates.yaml" \
        --class inference --out "$out/site" --choose 3
elif [ -n "${CI:-}" ]; then
    echo "FAIL site-forced: no ../shared/data under CI"; fail=1
fi
exit $fail
