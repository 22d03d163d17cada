#!/usr/bin/env bash
# train_job.sh: a stand-in training job for tests/e2e/serve_slurm.sh. It "trains" (appends a
# tick to $GS_E2E_DIR/JOBID.ticks every 0.2 s) and checkpoints on SIGUSR1: it writes
# JOBID.ckpt (the time the signal arrived), spends $CKPT_S seconds "saving", then goes on.
# Suspension shows as ticks that stop; resumption as ticks that start again.
set -u
dir=${GS_E2E_DIR:?}
id=${SLURM_JOB_ID:-0}
ckpt_s=${CKPT_S:-2}
checkpoint() {
    date +%s.%N >> "$dir/$id.ckpt"
    sleep "$ckpt_s"
    echo "saved $(date +%s.%N)" >> "$dir/$id.ckpt"
}
trap checkpoint USR1
while true; do
    date +%s.%N >> "$dir/$id.ticks"
    sleep 0.2 &
    wait $!
done
