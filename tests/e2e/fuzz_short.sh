#!/usr/bin/env bash
# e2e: every libFuzzer harness (tests/fuzz/harness/, issue 11 "Every parser fuzzed") runs for a
# short fixed time on its seed corpus and finds nothing: no crash, leak, timeout (10 s per input)
# or OOM (2 GB). Configures and builds the clang sub-build $GS_BUILD/fuzz (only the libraries and
# the harnesses: target gs_fuzz) and runs tests/fuzz/run.sh with two harnesses at a time,
# GS_FUZZ_SECONDS each (default 10): about three minutes on two cores, building included.
# Needs clang and its fuzzer runtime (Debian clang, libclang-rt-14-dev): skipped without them,
# a failure under CI=true. In the ASan build (GS_BIN built with -fsanitize=address) it reports
# itself skipped: the harnesses carry their own sanitizers, and one run per `make test` (the
# plain build's) is enough. A finding prints the reproducer's path and the command to replay it.
set -u
: "${GS_BUILD:?GS_BUILD must be the build folder}"
SRC=${GS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
export GS_SRC=$SRC

if [ -n "${GS_BIN:-}" ] && nm "$GS_BIN" 2>/dev/null | grep -q __asan_init; then
    echo "skipped: the ASan build; the fuzz harnesses run in the plain build's tests"
    exit 77
fi

# clang with libFuzzer: a harness of one line must build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$tmp/t.c"
if ! command -v clang >/dev/null 2>&1 || ! clang -fsanitize=fuzzer,address,undefined "$tmp/t.c" -o "$tmp/t" >"$tmp/cc.log" 2>&1; then
    why="clang with libFuzzer (Debian packages clang and libclang-rt-14-dev) is not available: $(head -c 300 "$tmp/cc.log" 2>/dev/null)"
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $why"
        exit 1
    fi
    echo "skipped: $why"
    exit 77
fi

secs=${GS_FUZZ_SECONDS:-10}
GS_FUZZ_JOBS=${GS_FUZZ_JOBS:-2} GS_FUZZ_WORK="$GS_BUILD/fuzz/fuzz-work" CC=clang \
    bash "$SRC/tests/fuzz/run.sh" "$secs" "$GS_BUILD/fuzz"
