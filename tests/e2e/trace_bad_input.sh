#!/usr/bin/env bash
# gridsplit trace: bad input and bad usage exit 2 with a message naming the file, line and
# field, or the option; a missing file is bad input too (2); --help exits 0. Needs no shared
# data.
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
expect 2 'nope\.csv: no such file' "$tmp/nope.csv"
expect 2 'expected one power log, found none'
expect 2 "\-\-gpus: expected a whole number in \[1, 1000000\], found '0'" --gpus 0 "$tmp/bad.csv"
expect 2 "\-\-from: expected a duration such as .*, found 'x'" --from x "$tmp/bad.csv"
expect 2 "\-\-frob: unknown option; did you mean \-\-from\?" --frob 1 "$tmp/bad.csv"
expect 2 "\-\-format: expected text, json or yaml-params, found 'xml'" --format xml "$tmp/bad.csv"
expect 2 "\-\-emit-params: means \-\-format yaml-params, which contradicts \-\-format json" --format json --emit-params "$tmp/bad.csv"
"$GS_BIN" trace --help | grep -q -- '--emit-params' || { echo "FAIL: --help"; fail=1; }
exit $fail
