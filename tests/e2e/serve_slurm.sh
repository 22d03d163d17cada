#!/usr/bin/env bash
# e2e.serve_slurm: `gridsplit serve` on a REAL Slurm 22.05 (the ctest fixture "slurm":
# tests/slurm/up.sh, one node gsnode1 with 8 fake GPUs, partitions training and inference).
# Three training jobs (tests/serve/train_job.sh: they tick, and checkpoint on SIGUSR1 in 2 s,
# within the 3 s their mapping declares, as a real job must)
# with tiers 0.5, 0.9 (the partition default) and 1 (must-run, from --comment), and one
# inference job, are submitted with sbatch; then, through the daemon's HTTP API (curl):
#  1. GET /v1/load classifies every job and shows the site's MW by class (modelled);
#  2. an event asking for 1.5 jobs' worth of MW: the tier-0.5 and tier-0.9 jobs get the
#     checkpoint signal, then are suspended (squeue SUSPENDED, their ticks stop); the must-run
#     job and the inference job are untouched (running, ticking, no signal); the report has the
#     target met; at the end both are resumed (ticks again) and the event is done;
#  3. the same event again, the daemon killed with SIGKILL once the suspends are confirmed and
#     started again only after the event's end: the jobs stayed suspended while it was down,
#     the restarted daemon resumes them at once, no checkpoint signal was sent twice, and the
#     journal has each step exactly once;
#  4. with the power-cap hook (tests/serve/cap_stub.sh records its calls) and a small event:
#     jobs are capped, not paused, and uncapped at the end;
#  5. SIGTERM stops the daemon with exit 0.
# Skips (77) without the fixture, except under CI.
set -u
: "${GS_SRC:?GS_SRC is not set}"
: "${GS_BUILD:=$PWD}"
: "${GS_BIN:=$GS_BUILD/gridsplit}"
PATH=$PATH:/usr/sbin

skip_or_fail() {
    if [ "${CI:-}" = true ]; then echo "serve_slurm: $* (under CI: a failure)" >&2; exit 1; fi
    echo "serve_slurm: skipped: $*" >&2; exit 77
}
[ -n "${GS_SLURM_DIR:-}" ] && [ -f "$GS_SLURM_DIR/env" ] || skip_or_fail "no Slurm fixture (GS_SLURM_DIR)"
# shellcheck disable=SC1091
. "$GS_SLURM_DIR/env"
for t in curl jq sbatch squeue scancel; do
    command -v "$t" >/dev/null || skip_or_fail "$t is not installed"
done
"$GS_BIN" help serve >/dev/null 2>&1 || skip_or_fail "this gridsplit has no serve command"

T=$(mktemp -d "${TMPDIR:-/tmp}/gs_serve_e2e.XXXXXX")
JOBS=$T/jobs
mkdir -p "$JOBS"
chmod 777 "$T" "$JOBS"
DPID=""
FAILED=0
cleanup() {
    [ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
    for j in ${ALLJOBS:-}; do scancel "$j" 2>/dev/null; done
    if [ "$FAILED" != 0 ]; then
        echo "---- daemon log (tail)" >&2; tail -n 60 "$T"/serve*.log >&2 2>/dev/null
        echo "---- squeue" >&2; squeue -o '%i %j %P %T %r' >&2 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "serve_slurm: FAIL: $*" >&2; FAILED=1; exit 1; }
note() { echo "serve_slurm: $*" >&2; }

TOKEN=e2e-token-$$
SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
write_config() { # FILE [CAP_HOOK]
    cat >"$1" <<CONF
fleet: $GS_SRC/tests/serve/fleet.yaml
store: $T/serve.db
http:
  listen: 127.0.0.1:0
  read_open: false
  tokens:
    - {name: e2e, sha256: $SHA}
scheduler:
  kind: slurm
  poll: 1s
  action_timeout: 10s
  action_retries: 2
mapping:
  partitions:
    - {partition: training, class: training, cluster: lab-train, tier: 0.9, window: day, ckpt: USR1/3s, workload: pretraining}
    - {partition: inference, class: inference, cluster: lab-infer, tier: 1, workload: inference}
  comment_tags: true
hooks:
$( [ -n "${2:-}" ] && echo "  power_cap: $2" )
  timeout: 5s
planner:
  policy: comply
  pause_lead: 2s
  cap_lead: 2s
CONF
}
write_config "$T/serve.yaml"
write_config "$T/serve_cap.yaml" "$GS_SRC/tests/serve/cap_stub.sh"

"$GS_BIN" serve "$T/serve.yaml" --check >"$T/check.out" 2>&1 || { cat "$T/check.out" >&2; fail "serve --check refused the test configuration"; }

submit() { # NAME PARTITION GPUS SCRIPT [COMMENT]
    local c=()
    [ -n "${5:-}" ] && c=(--comment "$5")
    sbatch --parsable -J "$1" -p "$2" --gres="gpu:$3" -c 1 -o "$JOBS/%j.out" \
        --export="ALL,GS_E2E_DIR=$JOBS,CKPT_S=2" "${c[@]}" "$4" | cut -d';' -f1
}
A=$(submit train-a training 2 "$GS_SRC/tests/serve/train_job.sh" "grid:tier=0.5")
B=$(submit train-b training 2 "$GS_SRC/tests/serve/train_job.sh")
C=$(submit train-c training 2 "$GS_SRC/tests/serve/train_job.sh" "grid:tier=1")
I=$(submit infer-1 inference 1 "$GS_SRC/tests/serve/infer_job.sh")
ALLJOBS="$A $B $C $I"
for j in $A $B $C $I; do [[ $j =~ ^[0-9]+$ ]] || fail "sbatch did not give a job id ($j)"; done
note "jobs: train-a=$A (tier 0.5) train-b=$B (0.9) train-c=$C (must-run) infer-1=$I"

state() { squeue -h -j "$1" -o %T 2>/dev/null; }
wait_for() { # SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
    local until=$(( $(date +%s) + $1 )) what=$2; shift 2
    while ! "$@"; do
        [ "$(date +%s)" -ge "$until" ] && fail "timed out waiting for: $what"
        sleep 0.3
    done
}
all_running() { for j in "$@"; do [ "$(state "$j")" = RUNNING ] || return 1; done; }
wait_for 60 "every job RUNNING" all_running $A $B $C $I
T_RUN=$(date +%s)

start_daemon() { # CONFIG LOG
    rm -f "$T/port"
    "$GS_BIN" serve "$1" --port-file "$T/port" --log text 2>>"$2" &
    DPID=$!
    wait_for 30 "the daemon's port file" test -s "$T/port"
    PORT=$(cat "$T/port")
    URL=http://127.0.0.1:$PORT
}
api() { curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$@"; }
post_event() { # JSON -> event id
    api -X POST -H 'Content-Type: application/json' \
        --data-binary "$1" "$URL/v1/events" | jq -r .id
}
ev_state() { api "$URL/v1/events/$1" | jq -r .state; }
ticks() { if [ -f "$JOBS/$1.ticks" ]; then wc -l <"$JOBS/$1.ticks"; else echo 0; fi; }
ckpts() { grep -c '^[0-9]' "$JOBS/$1.ckpt" 2>/dev/null || echo 0; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

start_daemon "$T/serve.yaml" "$T/serve.log"
note "daemon on $URL (pid $DPID)"

# ---- 1. the live picture ------------------------------------------------------------------
has_jobs() { api "$URL/v1/load" | jq -e '.jobs | length >= 4' >/dev/null 2>&1; }
wait_for 20 "GET /v1/load lists the jobs" has_jobs
LOAD=$(api "$URL/v1/load")
echo "$LOAD" >"$T/load1.json"
for j in $A $B $C; do
    [ "$(echo "$LOAD" | jq -r --argjson id "$j" '.jobs[] | select(.id == $id) | .class')" = training ] \
        || fail "job $j is not classified training: $(echo "$LOAD" | jq -c --argjson id "$j" '.jobs[] | select(.id == $id)')"
done
[ "$(echo "$LOAD" | jq -r --argjson id "$I" '.jobs[] | select(.id == $id) | .class')" = inference ] || fail "job $I is not inference"
[ "$(echo "$LOAD" | jq -r --argjson id "$A" '.jobs[] | select(.id == $id) | .tier')" = 0.5 ] || fail "train-a's tier is not 0.5 (from --comment)"
[ "$(echo "$LOAD" | jq -r --argjson id "$C" '.jobs[] | select(.id == $id) | .tier')" = 1 ] || fail "train-c's tier is not 1"
echo "$LOAD" | jq -e '.sites[] | select(.site == "lab") | .jobs.training == 3 and .jobs.inference == 1 and .mw.training > 0 and .mw.inference > 0 and .source == "modelled"' >/dev/null \
    || fail "site lab's picture is wrong: $(echo "$LOAD" | jq -c '.sites')"
note "1. picture: $(echo "$LOAD" | jq -c '.sites[0] | {mw, jobs, source}')"
JOB_MW=$(echo "$LOAD" | jq --argjson id "$A" '.jobs[] | select(.id == $id) | .mw')
INF_JOB_MW=$(echo "$LOAD" | jq --argjson id "$I" '.jobs[] | select(.id == $id) | .mw')
INF_SITE_MW=$(echo "$LOAD" | jq '.sites[] | select(.site == "lab") | .mw.inference')
# one idle GPU on the inference cluster: the MW of an idle GPU, so a suspended 2-GPU job's draw
IDLE_GPU=$(jq -n "$INF_SITE_MW - $INF_JOB_MW")
CUT=$(jq -n "$JOB_MW - 2 * $IDLE_GPU")
TARGET=$(jq -n "1.5 * $CUT")
note "a 2-GPU training job: $JOB_MW MW, suspended it still draws $(jq -n "2 * $IDLE_GPU") MW: asking for $TARGET MW"

event_json() { # ID START END MW
    printf '{"id": "%s", "type": "reduce_by", "site": "lab", "start": "%s", "end": "%s", "notice": "1min", "mw": %s}' \
        "$1" "$(iso "$2")" "$(iso "$3")" "$4"
}

# ---- 2. an event, carried out and restored ------------------------------------------------
# the jobs have run long enough that pausing one without a checkpoint would lose more than
# its 3 s checkpoint costs: the planner checkpoints first
while [ "$(date +%s)" -lt $((T_RUN + 12)) ]; do sleep 0.5; done
T0=$(date +%s)
TA0=$(ticks "$I")
E1=$(post_event "$(event_json e2e-one $((T0 + 10)) $((T0 + 35)) "$TARGET")")
[[ $E1 =~ ^[0-9]+$ ]] || fail "POST /v1/events gave no id ($E1)"
both_suspended() { [ "$(state $A)" = SUSPENDED ] && [ "$(state $B)" = SUSPENDED ]; }
wait_for 30 "train-a and train-b SUSPENDED" both_suspended
T_SUSP=$(date +%s)
[ "$(ckpts $A)" -ge 1 ] || fail "train-a was suspended without its checkpoint signal"
[ "$(ckpts $B)" -ge 1 ] || fail "train-b was suspended without its checkpoint signal"
grep -q saved "$JOBS/$A.ckpt" || fail "train-a was suspended before its checkpoint was saved"
[ "$(state $C)" = RUNNING ] || fail "the must-run job train-c is $(state $C)"
[ "$(state $I)" = RUNNING ] || fail "the inference job is $(state $I)"
[ ! -s "$JOBS/$I.signals" ] || fail "the inference job got a signal"
[ "$(ckpts $C)" = 0 ] || fail "the must-run job got a checkpoint signal"
# suspended jobs do not tick; the others do
sleep 2.5
a1=$(ticks $A); c1=$(ticks $C); i1=$(ticks $I); sleep 2; a2=$(ticks $A); c2=$(ticks $C); i2=$(ticks $I)
[ "$a2" = "$a1" ] || fail "train-a still ticks while SUSPENDED ($a1 -> $a2)"
[ "$c2" -gt "$c1" ] && [ "$i2" -gt "$i1" ] || fail "train-c or the inference job stopped ticking"
is_active() { [ "$(ev_state "$E1")" = active ]; }
wait_for 10 "event $E1 active" is_active
REP=$(api "$URL/v1/events/$E1")
echo "$REP" >"$T/report1.json"
echo "$REP" | jq -e --argjson t "$TARGET" '.planned_mw >= $t - 1e-9' >/dev/null || fail "the plan does not meet the target: $(echo "$REP" | jq -c '{target_mw, planned_mw, note}')"
echo "$REP" | jq -e --argjson a "$A" --argjson b "$B" '[.jobs[].id] | sort == ([$a, $b] | sort)' >/dev/null \
    || fail "the report's jobs are not train-a and train-b: $(echo "$REP" | jq -c '[.jobs[] | {id, lever}]')"
echo "$REP" | jq -e '[.jobs[].lever] | all(. == "checkpoint-pause")' >/dev/null || fail "levers: $(echo "$REP" | jq -c '[.jobs[].lever]')"
met() { api "$URL/v1/events/$E1" | jq -e '[.timeline[] | select(.target_mw != null)] | length > 0 and (.[-1].achieved_mw >= .[-1].target_mw - 1e-9)' >/dev/null; }
wait_for 20 "the report's timeline shows the target met" met
note "2. event $E1: $(api "$URL/v1/events/$E1" | jq -c '{state, target_mw, planned_mw, achieved: [.timeline[] | select(.target_mw != null)][-1].achieved_mw}') suspended $((T_SUSP - T0)) s after the POST"
both_running() { [ "$(state $A)" = RUNNING ] && [ "$(state $B)" = RUNNING ]; }
wait_for 40 "train-a and train-b RUNNING again after the event" both_running
is_done() { [ "$(ev_state "$1")" = done ]; }
wait_for 10 "event $E1 done" is_done "$E1"
a3=$(ticks $A); sleep 1.5; [ "$(ticks $A)" -gt "$a3" ] || fail "train-a does not tick after its resume"
REP=$(api "$URL/v1/events/$E1")
echo "$REP" | jq -e '[.jobs[].restored_at] | all(. != null)' >/dev/null || fail "the report does not say when each job was restored"
echo "$REP" | jq -e '.note | test("restored")' >/dev/null || fail "the event's note: $(echo "$REP" | jq -r .note)"
note "2. restored: $(echo "$REP" | jq -r .note)"
jq -e --argjson id "$E1" '.id == $id and .state == "done" and (.jobs | length) == 2' "$T/gridsplit-events/event-$E1.json" >/dev/null \
    || fail "no report file $T/gridsplit-events/event-$E1.json with the event's jobs"
# reads need the token: without it, 401; the dashboard's page itself loads, and asks for it
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/load")" = 401 ] || fail "GET /v1/load without a token is not 401"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/")" = 200 ] || fail "the dashboard page does not load without a token"
# the dashboard in headless Chromium: every site and job as /v1/load says, the event and its
# actions in the log (tests/browser/dashboard_check.mjs)
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && [ -f "$GS_SRC/web/node_modules/playwright-core/package.json" ]; then
    GS_DASH_TOKEN=$TOKEN node "$GS_SRC/tests/browser/dashboard_check.mjs" "$URL/" "$GS_BUILD/serve_dashboard.png" \
        --event "$E1" --state done --actions >"$T/dash.out" 2>&1 || { cat "$T/dash.out" >&2; fail "the dashboard check failed"; }
    note "2. dashboard: $(tail -n 1 "$T/dash.out")"
elif [ "${CI:-}" = true ]; then
    fail "chromium or playwright-core is missing under CI"
else
    note "2. dashboard not checked: no chromium or playwright-core"
fi

# ---- 3. kill -9 in the middle, restart after the end --------------------------------------
CK_A=$(ckpts $A); CK_B=$(ckpts $B)
T0=$(date +%s)
E2=$(post_event "$(event_json e2e-two $((T0 + 8)) $((T0 + 25)) "$TARGET")")
wait_for 30 "train-a and train-b SUSPENDED (second event)" both_suspended
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
note "3. daemon killed with SIGKILL during event $E2"
while [ "$(date +%s)" -lt $((T0 + 27)) ]; do sleep 0.5; done
[ "$(state $A)" = SUSPENDED ] && [ "$(state $B)" = SUSPENDED ] || fail "the jobs did not stay as the dead daemon left them"
start_daemon "$T/serve.yaml" "$T/serve2.log"
T_BACK=$(date +%s)
wait_for 20 "train-a and train-b resumed by the restarted daemon" both_running
wait_for 10 "event $E2 done after the restart" is_done "$E2"
note "3. restarted daemon resumed both jobs $(( $(date +%s) - T_BACK )) s after it started"
grep -q "recovered from the journal" "$T/serve2.log" || fail "the restarted daemon did not say it recovered"
[ "$(ckpts $A)" = $((CK_A + 1)) ] && [ "$(ckpts $B)" = $((CK_B + 1)) ] || fail "checkpoint signals: a $CK_A -> $(ckpts $A), b $CK_B -> $(ckpts $B) (one each expected)"
ACTS=$(api "$URL/v1/events/$E2" | jq -c '[.actions[] | select(.phase == "done") | "\(.job_id) \(.lever)"] | sort')
EXP=$(jq -nc --arg a "$A" --arg b "$B" '["\($a) checkpoint", "\($a) suspend", "\($a) resume", "\($b) checkpoint", "\($b) suspend", "\($b) resume"] | sort')
[ "$ACTS" = "$EXP" ] || fail "the journal of event $E2 is not each step once: $ACTS"

# ---- 4. caps through the hook ---------------------------------------------------------------
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=""
[ "$rc" = 0 ] || fail "SIGTERM: the daemon exited $rc"
export GS_CAP_LOG=$T/caps.log
start_daemon "$T/serve_cap.yaml" "$T/serve3.log"
SMALL=$(jq -n "0.25 * $CUT")
T0=$(date +%s)
E3=$(post_event "$(event_json e2e-cap $((T0 + 6)) $((T0 + 20)) "$SMALL")")
capped() { [ -s "$GS_CAP_LOG" ] && awk '$3 > 0' "$GS_CAP_LOG" | grep -q .; }
wait_for 20 "a power cap through the hook" capped
for j in $A $B $C; do [ "$(state $j)" = RUNNING ] || fail "job $j is $(state $j) under a cap-sized event"; done
wait_for 30 "event $E3 done" is_done "$E3"
while read -r job nodes w; do
    [ "$w" = 0 ] && continue
    grep -q "^$job $nodes 0$" "$GS_CAP_LOG" || fail "job $job was capped to $w W and never uncapped: $(cat "$GS_CAP_LOG")"
done <"$GS_CAP_LOG"
grep -q "gsnode1" "$GS_CAP_LOG" || fail "the hook was not given the job's nodes: $(cat "$GS_CAP_LOG")"
note "4. caps: $(tr '\n' ';' <"$GS_CAP_LOG")"

# ---- 5. a clean stop --------------------------------------------------------------------------
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=""
[ "$rc" = 0 ] || fail "SIGTERM: the daemon exited $rc"
grep -q "stopped" "$T/serve3.log" || fail "no 'stopped' line in the log"
TI1=$(ticks "$I")
[ "$TI1" -gt "$TA0" ] || fail "the inference job stopped ticking"
note "ok"
exit 0
