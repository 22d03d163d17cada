#!/usr/bin/env bash
# sweep_slurm.sh: `gridsplit sweep --slurm` on a REAL Slurm 22.05 (the ctest fixture "slurm":
# tests/slurm/up.sh, one node with 8 CPUs). The 18 cases of examples/sweep/underwrite.yaml run
# as a job array of 4 tasks (each `gridsplit sweep --slice I/4`, by absolute paths, the job
# running as whoever Slurm runs it as) and are merged into sweep.csv and sweep.json byte-identical
# to a local run's; every array task ran and wrote its output; the job script names this binary;
# a sweep with a failing case exits 1 through Slurm too, with the same table as locally; a bad
# --slices is refused before anything is submitted. Skips (77) without the fixture, except
# under CI.
set -u
: "${GS_SRC:?GS_SRC is not set}"
: "${GS_BIN:?GS_BIN is not set}"
PATH=$PATH:/usr/sbin
skip_or_fail() {
    if [ "${CI:-}" = true ]; then echo "sweep_slurm: $* (under CI: a failure)" >&2; exit 1; fi
    echo "sweep_slurm: skipped: $*" >&2; exit 77
}
[ -n "${GS_SLURM_DIR:-}" ] && [ -f "$GS_SLURM_DIR/env" ] || skip_or_fail "no Slurm fixture (GS_SLURM_DIR)"
# shellcheck disable=SC1091
. "$GS_SLURM_DIR/env"
command -v sbatch > /dev/null || skip_or_fail "sbatch is not installed"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gs_sweep_slurm.XXXXXX")
chmod 755 "$tmp"
cleanup() {
    scancel --name=gridsplit-sweep 2> /dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
cd "$tmp"
fail() { echo "sweep_slurm: FAIL: $*" >&2; for f in "$tmp"/*/slurm/*; do [ -f "$f" ] && { echo "---- $f" >&2; tail -5 "$f" >&2; }; done; exit 1; }

"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out local --jobs 2 --quiet || fail "the local run"
t0=$(date +%s.%N)
"$GS_BIN" sweep "$GS_SRC/examples/sweep/underwrite.yaml" --out slurm --slurm --slices 4 2> slurm.err \
    || fail "the Slurm run: exit $? ($(cat slurm.err))"
t1=$(date +%s.%N)
grep -q "Submitted batch job [0-9]*: 18 cases in 4 array tasks" slurm.err || fail "no submission line: $(cat slurm.err)"
grep -q "18 cases: 18 ok, 0 not ok, .*Slurm job array of 4 tasks" slurm.err || fail "closing line: $(cat slurm.err)"
cmp local/sweep.csv slurm/sweep.csv || fail "sweep.csv differs between the local and the Slurm run"
cmp local/sweep.json slurm/sweep.json || fail "sweep.json differs between the local and the Slurm run"
for i in 0 1 2 3; do
    grep -q "sweep: slice $i/4: [45] cases, 0 failed" "slurm/slurm/slice-$i.out" || fail "task $i's output: $(cat "slurm/slurm/slice-$i.out")"
done
grep -qF "'$(readlink -f "$GS_BIN")' sweep '$GS_SRC/examples/sweep/underwrite.yaml' --out '$tmp/slurm' --slice \"\$SLURM_ARRAY_TASK_ID/4\"" slurm/slurm/sweep.sh \
    || fail "the job script: $(cat slurm/slurm/sweep.sh)"
echo "sweep_slurm: 18 cases through Slurm in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" >&2

# a failing case: exit 1, the same table as locally
cat > bad.yaml <<EOF
command: underwrite
input: $GS_SRC/examples/underwrite/deal.yaml
axes:
  horizon_years: [5, 20]
collect: {npv: total.npv_usd}
EOF
"$GS_BIN" sweep bad.yaml --out badl --quiet 2> /dev/null && fail "the local failing sweep exited 0"
"$GS_BIN" sweep bad.yaml --out bads --slurm 2> bads.err
rc=$?
[ "$rc" = 1 ] || fail "a failing case through Slurm: exit $rc ($(cat bads.err))"
grep -q "case 1 of 2 failed (exit 2)" bads.err || fail "the failure's report: $(cat bads.err)"
grep -q "  | gridsplit underwrite: .*horizon_years" bads.err || fail "no stderr tail: $(cat bads.err)"
cmp badl/sweep.csv bads/sweep.csv || fail "the failing sweep's table differs"
cmp badl/sweep.json bads/sweep.json || fail "the failing sweep's json differs"

# refused before submission
"$GS_BIN" sweep bad.yaml --out x --slurm --slices 3 2> x.err
rc=$?
[ "$rc" = 2 ] && grep -q -- "--slices: expected at most one array task per case (2), found 3" x.err \
    || fail "--slices 3 for 2 cases: exit $rc ($(cat x.err))"
[ ! -e x/slurm ] || fail "--slices 3 left a job behind"
echo "sweep_slurm: ok"
