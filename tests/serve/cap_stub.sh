#!/usr/bin/env bash
# cap_stub.sh: the recording stub of the power-cap hook (docs/serve.md, "Hooks") for tests: on
# real hardware the hook runs `nvidia-smi -i GPUS -pl WATTS` on the job's nodes. Called as
#   cap_stub.sh JOB_ID NODES WATTS_PER_GPU      (0 W: remove the cap)
# it appends "JOB_ID NODES WATTS" to $GS_CAP_LOG and exits $GS_CAP_EXIT (default 0).
set -u
echo "$1 $2 $3" >> "${GS_CAP_LOG:-/dev/null}"
exit "${GS_CAP_EXIT:-0}"
