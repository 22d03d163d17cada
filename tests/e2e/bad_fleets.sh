#!/usr/bin/env bash
# bad_fleets.sh: every malformed fleet in tests/bad/*.yaml is refused by `gridsplit check` with
# exit code 2 and the exact message its first line promises ("# expect: FILE:LINE:COL: ...").
set -u
: "${GS_BIN:?GS_BIN must name the gridsplit binary}"
: "${GS_SRC:?GS_SRC must name the repository root}"
dir="$GS_SRC/tests/bad"
n=0
failed=0
for f in "$dir"/*.yaml; do
    n=$((n + 1))
    name=$(basename "$f")
    expect=$(head -n 1 "$f" | sed -n 's/^# expect: //p')
    if [ -z "$expect" ]; then
        echo "FAIL $name: no '# expect: ' first line"
        failed=$((failed + 1))
        continue
    fi
    out=$("$GS_BIN" check "$f" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -ne 2 ]; then
        echo "FAIL $name: exit code $rc, expected 2 (stderr: $out)"
        failed=$((failed + 1))
    elif [[ "$out" != *"$expect"* ]]; then
        echo "FAIL $name:"
        echo "  expected: $expect"
        echo "  got:      $out"
        failed=$((failed + 1))
    elif [ "$(printf '%s\n' "$out" | wc -l)" -ne 1 ]; then
        echo "FAIL $name: expected one line of error, got: $out"
        failed=$((failed + 1))
    fi
done
if [ "$n" -lt 14 ]; then
    echo "FAIL: only $n bad fleets in $dir (expected at least 14)"
    exit 1
fi
echo "$((n - failed))/$n bad fleets refused with the expected message"
[ "$failed" -eq 0 ]
