#!/usr/bin/env bash
# e2e: one path check for every reader (issue 7, item 5; gs__path_check in src/read/reader.c).
# For every command that reads a file, a missing path, a directory and an unreadable file each
# give exit 2 and exactly "gridsplit CMD: PATH: no such file" / "...: is a directory" /
# "...: Permission denied" (the option may be named before the path when the command line
# checks it first: "gridsplit CMD: --event: PATH: no such file"). The cables argument is a
# directory: missing is "no such directory", a file "not a directory". A glob that matches
# nothing is "PATTERN: no file matches".
# Unreadable files: root reads a chmod 000 file, so as root the unreadable cases run as the
# user nobody through setpriv(1) when it works here; otherwise they are listed as not tested.
set -u
: "${GS_BIN:?GS_BIN must point at the gridsplit binary}"
SRC=${GS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SHARED=${GS_SHARED:-$SRC/../shared}
FLEET="$SRC/examples/demo/fleet.yaml"
CAND="$SRC/examples/sites/candidates.yaml"
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 1777 "$tmp" # writable by the user the unreadable cases may run as
fail=0
untested=()

missing="$tmp/missing.csv"
adir="$tmp/adir"
mkdir "$adir"
locked="$tmp/locked.csv"
printf 'time,mw\n2024-01-01T00:00Z,1\n' >"$locked"
chmod 000 "$locked"
printf 'src,dst,avg_latency_ms\nus-east,us-west,70\n' >"$tmp/measured.csv"
chmod 644 "$tmp/measured.csv"

# How the unreadable cases run: as we are, or as nobody when we are root.
as_user=()
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 &&
        setpriv --reuid=65534 --regid=65534 --clear-groups "$GS_BIN" --help >/dev/null 2>&1 &&
        ! setpriv --reuid=65534 --regid=65534 --clear-groups cat "$locked" >/dev/null 2>&1; then
        as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        as_user=(none)
    fi
fi

# expect CASE CMD OPT PATH MSG -- ARGS...: exit 2 and the exact message (one line, or that line
# and the CLI's "(see 'gridsplit CMD --help')")
expect() {
    local name=$1 cmd=$2 opt=$3 path=$4 msg=$5
    shift 6
    local runner=()
    if [ "${name##*:}" = unreadable ] && [ ${#as_user[@]} -gt 0 ]; then
        if [ "${as_user[0]}" = none ]; then
            untested+=("$name (root reads chmod 000 files and setpriv is not usable here)")
            return
        fi
        runner=("${as_user[@]}")
    fi
    "${runner[@]}" "$GS_BIN" "$cmd" "$@" >/dev/null 2>"$tmp/err"
    local rc=$?
    local first rest
    first=$(head -1 "$tmp/err")
    rest=$(tail -n +2 "$tmp/err")
    local a="gridsplit $cmd: $path: $msg"
    local b="gridsplit $cmd: $opt: $path: $msg"
    local c="gridsplit $cmd: $opt: $path: $msg (item 1 of '$path')"
    if [ $rc != 2 ]; then
        echo "FAIL $name: exit $rc, want 2: $(cat "$tmp/err")"
        fail=1
    elif [ "$first" != "$a" ] && { [ -z "$opt" ] || { [ "$first" != "$b" ] && [ "$first" != "$c" ]; }; }; then
        printf 'FAIL %s:\n got: %s\nwant: %s\n' "$name" "$first" "$a"
        fail=1
    elif [ -n "$rest" ] && [ "$rest" != "(see 'gridsplit $cmd --help')" ]; then
        echo "FAIL $name: more than the message: $rest"
        fail=1
    else
        echo "ok $name: $first"
    fi
}

# each command that reads a file: NAME CMD OPT ARGS-with-@ (@ is the path under test)
cases=(
    "check|check||@"
    "simulate|simulate||@ --out $tmp/o"
    "trace|trace||@"
    "series|series||@"
    "headroom-csv|headroom|--csv|--csv @ --column mw"
    "latency-calibrate|latency|--calibrate|--calibrate @"
    "latency-regions|latency|--regions|--calibrate $tmp/measured.csv --regions @"
    "plan-event|plan|--event|$FLEET --event @"
    "simulate-events|simulate|--events|$FLEET --out $tmp/o --policy flexible --events @"
    "route-events|route|--events|$FLEET --out $tmp/o --events @"
    "site|site||@ --class training --out $tmp/o"
    "site-regions|site|--regions|$CAND --class inference --out $tmp/o --regions @"
    "markets-catalog|markets|--catalog|--catalog @"
)
if "$GS_BIN" regions --help 2>&1 | grep -q -- '--cities'; then
    cases+=("regions-cities|regions|--cities|--cities @ --clusters 3")
else
    cases+=("regions-cities|regions||@ --clusters 3")
fi
if [ -e "$SHARED/data/geo" ]; then
    cases+=("regions-adoption|regions|--adoption|--clusters 3 --adoption @")
else
    untested+=("regions-adoption (needs the cities file of $SHARED/data/geo)")
fi

for c in "${cases[@]}"; do
    IFS='|' read -r name cmd opt args <<<"$c"
    for kind in missing directory unreadable; do
        case $kind in
            missing) p=$missing msg="no such file" ;;
            directory) p=$adir msg="is a directory" ;;
            unreadable) p=$locked msg="Permission denied" ;;
        esac
        # shellcheck disable=SC2206
        argv=(${args//@/$p})
        expect "$name:$kind" "$cmd" "$opt" "$p" "$msg" -- "${argv[@]}"
    done
done

# the cables argument is a directory
expect "latency-cables:missing" latency --cables "$missing" "no such directory" -- \
    --from 1,1 --to 2,2 --cables "$missing"
expect "latency-cables:file" latency --cables "$tmp/measured.csv" "not a directory" -- \
    --from 1,1 --to 2,2 --cables "$tmp/measured.csv"
# a glob that matches nothing
expect "series-glob:nomatch" series "" "$tmp/nothing_*.csv" "no file matches" -- "$tmp/nothing_*.csv"

if [ ${#untested[@]} -gt 0 ]; then
    echo "NOT TESTED here:"
    printf '  %s\n' "${untested[@]}"
fi
exit $fail
