#!/usr/bin/env bash
# gridsplit trace: bad input and bad usage exit 2 with a message naming the file, line and
# field; a missing file exits 1 (I/O); --help exits 0. Needs no shared data.
set -u
tmp=$(mktemp -d "${GS_BUILD:-.}/trace_bad.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
# expect CODE PATTERN ARGS...
expect() {
    local code=$1 pat=$2; shift 2
    local err rc
    err=$("$GS_BIN" trace "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc != "$code" ] || ! grep -Eq "$pat" <<<"$err"; then
        echo "FAIL: trace $* -> exit $rc (want $code), stderr: $err (want /$pat/)"
        fail=1
    else
        echo "ok: trace $* -> $rc: $err"
    fi
}
{
    echo 'timestamp, power.draw [W], utilization.gpu [%], memory.used [MiB]'
    for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
        echo "2025/07/27 00:34:$((10 + i)).100, 72.36 W, 0 %, 131 MiB"
    done
    echo '2025/07/27 00:34:40.100, lots W, 0 %, 131 MiB'
} > "$tmp/bad.csv"
expect 2 'bad\.csv:14.*power' "$tmp/bad.csv"
printf 'timestamp, power.draw [W]\n2025/07/27 00:34:10.100, 72 W\n' > "$tmp/short.csv"
expect 2 'too few power samples' "$tmp/short.csv"
expect 1 'nope\.csv' "$tmp/nope.csv"
expect 2 'expected a FILE'
expect 2 "option --gpus: expected a whole number" --gpus 0 "$tmp/bad.csv"
expect 2 "option --from: expected a number, found 'x'" --from x "$tmp/bad.csv"
expect 2 "unknown option '--frob'" --frob 1 "$tmp/bad.csv"
expect 2 "option --format: expected text, json or yaml-params" --format xml "$tmp/bad.csv"
"$GS_BIN" trace --help | grep -q -- '--emit-params' || { echo "FAIL: --help"; fail=1; }
exit $fail
