#!/usr/bin/env bash
# tests/fuzz/run.sh: build the libFuzzer harnesses (tests/fuzz/fuzz.cmake) if needed and run each
# for a fixed time on its seed corpus (tests/fuzz/corpus/NAME/). New inputs go to a scratch
# corpus (WORK/NAME/corpus; the repository's corpora are only read), findings to WORK/NAME/.
# Fails on any crash, leak, timeout (-timeout=10 s per input) or OOM (-rss_limit_mb=2048),
# printing the reproducer's path and the command that replays it. Prints per harness the
# executions and libFuzzer's final coverage (cov: edges, ft: features) for docs/fuzzing.md.
#   usage: tests/fuzz/run.sh [SECONDS (default 60)] [BUILD_DIR (default build-fuzz)]
#   env:   GS_FUZZ_JOBS   harnesses run at once (default 1)
#          GS_FUZZ_ONLY   space-separated harness names (fleet events ...) to run only those
#          GS_FUZZ_WORK   the scratch folder (default BUILD_DIR/fuzz-work)
#          CC             the compiler to configure with (default clang)
set -uo pipefail
SRC=${GS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SECONDS_EACH=${1:-60}
BUILD=${2:-$SRC/build-fuzz}
case "$BUILD" in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
JOBS=${GS_FUZZ_JOBS:-1}
WORK=${GS_FUZZ_WORK:-$BUILD/fuzz-work}
case "$SECONDS_EACH" in '' | *[!0-9]*) echo "run.sh: SECONDS must be a whole number, found '$SECONDS_EACH'" >&2; exit 2 ;; esac

# ---- build ---------------------------------------------------------------------------------
if ! grep -qs '^GS_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    echo "run.sh: configuring $BUILD (clang, GS_FUZZ=ON)"
    mkdir -p "$BUILD"
    cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER="${CC:-clang}" \
        -DGS_FUZZ=ON >"$BUILD/fuzz-configure.log" 2>&1 ||
        { cat "$BUILD/fuzz-configure.log" >&2; echo "run.sh: configuring $BUILD failed" >&2; exit 1; }
fi
cmake --build "$BUILD" --target gs_fuzz >"$BUILD/fuzz-build.log" 2>&1 ||
    { tail -40 "$BUILD/fuzz-build.log" >&2; echo "run.sh: building the harnesses failed ($BUILD/fuzz-build.log)" >&2; exit 1; }

names=()
for h in "$SRC"/tests/fuzz/harness/fuzz_*.c; do
    n=$(basename "$h" .c)
    n=${n#fuzz_}
    if [ -n "${GS_FUZZ_ONLY:-}" ] && ! [[ " $GS_FUZZ_ONLY " == *" $n "* ]]; then continue; fi
    if [ ! -x "$BUILD/fuzz_$n" ]; then
        echo "run.sh: $BUILD/fuzz_$n was not built (see the configure log)" >&2
        exit 1
    fi
    names+=("$n")
done
[ ${#names[@]} -gt 0 ] || { echo "run.sh: no harness to run" >&2; exit 2; }

# ---- run -----------------------------------------------------------------------------------
# run_one NAME: one harness for SECONDS_EACH; status 0 when nothing was found
run_one() {
    local n=$1 dir=$WORK/$1
    rm -rf "$dir"
    mkdir -p "$dir/corpus"
    local seeds=$SRC/tests/fuzz/corpus/$n
    [ -d "$seeds" ] || seeds=
    GS_SRC=$SRC ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$BUILD/fuzz_$n" -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 \
        -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 \
        -artifact_prefix="$dir/" "$dir/corpus" $seeds >"$dir/log" 2>&1
    local rc=$?
    local found
    found=$(ls "$dir"/crash-* "$dir"/leak-* "$dir"/timeout-* "$dir"/oom-* "$dir"/slow-unit-* 2>/dev/null | grep -v slow-unit || true)
    local execs cov ft
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+' "$dir/log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -oE 'ft: [0-9]+' "$dir/log" | tail -1 | cut -d' ' -f2)
    local units
    units=$(find "$dir/corpus" -type f | wc -l)
    if [ $rc != 0 ] || [ -n "$found" ]; then
        echo "FAIL $n: exit $rc after ${execs:-?} executions"
        grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$dir/log" | head -5 | sed 's/^/    /'
        for f in $found; do echo "    reproducer: $f  (replay: GS_SRC=$SRC $BUILD/fuzz_$n $f)"; done
        [ -n "$found" ] || echo "    log: $dir/log"
        return 1
    fi
    printf 'ok   %-16s %10s execs  cov: %-6s ft: %-6s new units: %s\n' "$n" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$units"
    return 0
}

echo "run.sh: ${#names[@]} harnesses, $SECONDS_EACH s each, $JOBS at a time; scratch in $WORK"
fail=0
running=0
for n in "${names[@]}"; do
    if [ $running -ge "$JOBS" ]; then
        wait -n || fail=1
        running=$((running - 1))
    fi
    run_one "$n" &
    running=$((running + 1))
done
while [ $running -gt 0 ]; do
    wait -n || fail=1
    running=$((running - 1))
done
[ $fail = 0 ] && echo "run.sh: no findings" || echo "run.sh: findings above"
exit $fail
