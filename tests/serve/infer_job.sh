#!/usr/bin/env bash
# infer_job.sh: a stand-in inference service for tests/e2e/serve_slurm.sh: ticks every 0.2 s
# into $GS_E2E_DIR/JOBID.ticks (the test checks that they never stop during an event) and
# records any signal it gets.
set -u
dir=${GS_E2E_DIR:?}
id=${SLURM_JOB_ID:-0}
trap 'echo USR1 >> "$dir/$id.signals"' USR1
while true; do
    date +%s.%N >> "$dir/$id.ticks"
    sleep 0.2 &
    wait $!
done
