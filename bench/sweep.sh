#!/usr/bin/env bash
# sweep.sh: the throughput of `gridsplit sweep` (docs/sweep.md, issue 12): a 1,000-case sweep of
# `gridsplit underwrite` (examples/underwrite/deal.yaml, the demo fleet's West Texas and Ashburn:
# 10 discount rates x 10 West Texas energy prices x 10 sizes of the training campus, each case
# a deal and a fleet emitted by the sweep, a 20-year underwriting and its xlsx) run
#   1. on one core:  taskset -c 0   gridsplit sweep --jobs 1
#   2. on two cores: taskset -c 0,1 gridsplit sweep --jobs 2
#   3. through Slurm: gridsplit sweep --slurm (100 array tasks of 10 cases) on the localhost
#      Slurm of the tests (tests/slurm/up.sh, started here unless GS_SLURM_DIR names a running
#      one; its node claims 8 CPUs on this machine's cores, so the tasks share the same cores)
# in that order, in one run, and checks that the three tables are byte-identical. Prints the
# wall time and cases per second of each and the ratios, and for the local runs the CPU time of
# the sweep and its cases (user + system), which a machine busy with other work changes less,
# and how many cases were running on average (the sum of the cases' own times over the wall
# time: what the sweep kept going, whatever the machine's other work left it). Needs jq. Also times one `gridsplit underwrite` of the same
# deal run directly (the work of a case, without the sweep).
# Usage: bench/sweep.sh [BUILD_DIR] (default build); NO_SLURM=1 skips step 3.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${1:-${BUILD:-build}}
BIN=$(cd "$BUILD" && pwd)/gridsplit
[ -x "$BIN" ] || { echo "sweep.sh: no $BIN (build first)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/gs_bench_sweep.XXXXXX")
chmod 755 "$T"
SLURM_STARTED=""
cleanup() {
    [ -n "$SLURM_STARTED" ] && bash "$SRC/tests/slurm/down.sh" "$SLURM_STARTED" > /dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
now() { date +%s.%N; }
# timed CMD...: run it; $WALL and $CPU (user + system of it and its children) in seconds
timed() {
    local TIMEFORMAT='%R %U %S' out
    out=$( { time "$@" > /dev/null; } 2>&1 )
    read -r WALL u s <<< "$(tail -1 <<< "$out")"
    CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", u + s }')
}

cat > "$T/sweep.yaml" <<EOF
command: underwrite
input: $SRC/examples/underwrite/deal.yaml
axes:
  - field: discount_rate
    values: [0.05, 0.055, 0.06, 0.065, 0.07, 0.075, 0.08, 0.085, 0.09, 0.095]
  - field: sites[id=west-texas].price_usd_per_mwh
    values: [30, 33, 36, 39, 42, 45, 48, 51, 54, 57]
  - field: clusters[id=wt-h100].gpus
    in: fleet
    values: [98304, 102400, 106496, 110592, 114688, 118784, 122880, 126976, 131072, 135168]
collect:
  npv_usd: total.npv_usd
  irr: total.irr.rate
  payback_years: total.payback_years
EOF
N=1000
load() { cut -d' ' -f1-3 /proc/loadavg; }
# busy DIR: the cases' seconds (status.json) over the run's wall time: how many cases the sweep
# kept running at once, whatever the machine gave them
busy() { jq -s 'map(.seconds) | add' "$1"/cases/*/status.json | awk -v w="$WALL" '{ printf "%.2f", $1 / w }'; }
echo "sweep.sh: $N cases of gridsplit underwrite ($BIN); machine: $(nproc) cores, load average $(load)"

t0=$(now)
for _ in $(seq 20); do taskset -c 0 "$BIN" underwrite "$SRC/examples/underwrite/deal.yaml" --out "$T/one" > /dev/null; done
t1=$(now)
echo "one underwrite run directly (taskset -c 0, mean of 20): $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 20 * 1000 }') ms"

# what two cores give in this run: two CPU loops at once against one (1.0: the second core is
# taken by other work; 2.0: it is free); the sweep's 2-core ratio is bounded by this
spin() { local i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done; }
timed taskset -c 0,1 bash -c "$(declare -f spin); spin"
one=$WALL
timed taskset -c 0,1 bash -c "$(declare -f spin); spin & spin; wait"
echo "two cores available in this run: two CPU loops at once do $(awk -v a="$one" -v b="$WALL" 'BEGIN { printf "%.2f", 2 * a / b }') x the work of one"

timed taskset -c 0 "$BIN" sweep "$T/sweep.yaml" --out "$T/c1" --jobs 1 --quiet
r1=$(awk -v n=$N -v w="$WALL" 'BEGIN { printf "%.1f", n / w }')
echo "1 core  (taskset -c 0, --jobs 1):   $WALL s, $r1 cases/s; CPU $CPU s ($(awk -v n=$N -v c="$CPU" 'BEGIN { printf "%.1f", c / n * 1000 }') ms a case, sweep and command); $(busy "$T/c1") cases running on average"
timed taskset -c 0,1 "$BIN" sweep "$T/sweep.yaml" --out "$T/c2" --jobs 2 --quiet
r2=$(awk -v n=$N -v w="$WALL" 'BEGIN { printf "%.1f", n / w }')
echo "2 cores (taskset -c 0,1, --jobs 2): $WALL s, $r2 cases/s ($(awk -v a="$r1" -v b="$r2" 'BEGIN { printf "%.2f", b / a }') x 1 core); CPU $CPU s; $(busy "$T/c2") cases running on average"
cmp "$T/c1/sweep.csv" "$T/c2/sweep.csv"
cmp "$T/c1/sweep.json" "$T/c2/sweep.json"

if [ -z "${NO_SLURM:-}" ]; then
    if [ -z "${GS_SLURM_DIR:-}" ] || [ ! -f "$GS_SLURM_DIR/env" ]; then
        GS_SLURM_DIR=$T/slurm
        bash "$SRC/tests/slurm/up.sh" "$GS_SLURM_DIR" > /dev/null
        SLURM_STARTED=$GS_SLURM_DIR
    fi
    # shellcheck disable=SC1091
    . "$GS_SLURM_DIR/env"
    timed "$BIN" sweep "$T/sweep.yaml" --out "$T/slurm-run" --slurm --quiet
    r3=$(awk -v n=$N -v w="$WALL" 'BEGIN { printf "%.1f", n / w }')
    echo "Slurm   (--slurm: 100 array tasks of 10 cases, sbatch --wait): $WALL s, $r3 cases/s ($(awk -v a="$r1" -v b="$r3" 'BEGIN { printf "%.2f", b / a }') x 1 core); $(busy "$T/slurm-run") cases running on average"
    cmp "$T/c1/sweep.csv" "$T/slurm-run/sweep.csv"
    cmp "$T/c1/sweep.json" "$T/slurm-run/sweep.json"
fi
echo "the tables are byte-identical; load average at the end $(load) (other work on the machine"
echo "slows the local runs' wall time, not their CPU time; 8 array tasks at once take a larger share)"
