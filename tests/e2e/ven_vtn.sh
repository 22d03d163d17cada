#!/usr/bin/env bash
# e2e.ven_vtn: the daemon's OpenADR 3 VEN (docs/openadr.md) against a VTN, checked against the
# specification itself, on the REAL Slurm of e2e.serve_slurm (the ctest fixture "slurm":
# tests/slurm/up.sh). tests/ven/README.md describes the harness.
#  1. the test VTN (tests/ven/vtn.mjs) and, in front of it, the validating proxy
#     (tests/ven/proxy.mjs: Stoplight Prism on the specification's OpenAPI document) that checks
#     every request the VEN sends and every answer it gets; `gridsplit serve` with openadr.vtn
#     the proxy's URL; two training jobs (tiers 0.5 and 0.9) and one inference job on Slurm;
#  2. the VEN registers (POST /vens through the proxy); its tokens live 10 s (it must renew them
#     before they expire) and once every token is revoked (it must take a new one after the
#     401 and go on); the VTN publishes an
#     IMPORT_CAPACITY_LIMIT event for the site's resource, starting 15 s later for 20 s, with a
#     limit (KW) that needs one training job paused (from GET /v1/load, as serve_slurm does);
#  3. the daemon lists it (source "ven", ext_id the OpenADR event id); one training job is
#     suspended (ticks stop), the other training job and the inference job are untouched; at the
#     end everything is resumed and the daemon's event is done;
#  4. the VEN's USAGE report reaches the VTN: the event's id, the VEN's name, the resource, one
#     interval per interval of the event with a load in KW below the load before the event;
#  5. the proxy's violation log is empty, and the proxy saw every step of the conversation;
#  6. the daemon against Prism's stateless mock of the document for a few polls: it keeps
#     serving, logs what it could not use, stops cleanly, and the mock saw no request violation.
# Skips (77) outside CI without the Slurm fixture, node, curl, jq or the npm packages of
# tests/ven; under CI=true each of those is a failure.
set -u
: "${GS_SRC:?GS_SRC is not set}"
: "${GS_BUILD:=$PWD}"
: "${GS_BIN:=$GS_BUILD/gridsplit}"
: "${GS_SHARED:=$GS_SRC/../shared}"
PATH=$PATH:/usr/sbin
VEN_DIR=$GS_SRC/tests/ven
SPEC=$GS_SHARED/specs/openadr3/3.1.0/openadr3.yaml

skip_or_fail() {
    if [ "${CI:-}" = true ]; then echo "ven_vtn: $* (under CI: a failure)" >&2; exit 1; fi
    echo "ven_vtn: skipped: $*" >&2; exit 77
}
[ -n "${GS_SLURM_DIR:-}" ] && [ -f "$GS_SLURM_DIR/env" ] || skip_or_fail "no Slurm fixture (GS_SLURM_DIR)"
# shellcheck disable=SC1091
. "$GS_SLURM_DIR/env"
for t in curl jq node sbatch squeue scancel; do
    command -v "$t" >/dev/null || skip_or_fail "$t is not installed"
done
[ -f "$VEN_DIR/node_modules/@stoplight/prism-http/package.json" ] \
    || skip_or_fail "the npm packages of tests/ven are not installed (scripts/setup.sh: cd tests/ven && npm ci)"
[ -f "$SPEC" ] || skip_or_fail "no OpenAPI document at $SPEC"
"$GS_BIN" help serve >/dev/null 2>&1 || skip_or_fail "this gridsplit has no serve command"

T=$(mktemp -d "${TMPDIR:-/tmp}/gs_ven_e2e.XXXXXX")
JOBS=$T/jobs
mkdir -p "$JOBS"
chmod 777 "$T" "$JOBS"
DPID=""
NODE_PIDS=()
FAILED=0
cleanup() {
    [ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
    for p in "${NODE_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for j in ${ALLJOBS:-}; do scancel "$j" 2>/dev/null; done
    if [ "$FAILED" != 0 ]; then
        echo "---- daemon log (tail)" >&2; tail -n 60 "$T"/serve*.log >&2 2>/dev/null
        for f in "$T"/violations*.jsonl "$T"/*.err; do
            [ -s "$f" ] && { echo "---- $f (tail)" >&2; tail -n 10 "$f" >&2; }
        done
        echo "---- VTN requests (tail)" >&2; tail -n 30 "$T/vtn.log" >&2 2>/dev/null
        echo "---- squeue" >&2; squeue -o '%i %j %P %T %r' >&2 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "ven_vtn: FAIL: $*" >&2; FAILED=1; exit 1; }
note() { echo "ven_vtn: $*" >&2; }
wait_for() { # SECONDS DESCRIPTION COMMAND...: until COMMAND succeeds
    local until=$(( $(date +%s) + $1 )) what=$2; shift 2
    while ! "$@"; do
        [ "$(date +%s)" -ge "$until" ] && fail "timed out waiting for: $what"
        sleep 0.3
    done
}
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# ---- 1. VTN, validating proxy, daemon, jobs -------------------------------------------------
SECRET=e2e-secret-$$
node "$VEN_DIR/vtn.mjs" --port-file "$T/vtn.port" --client "gs-ven:$SECRET" --log "$T/vtn.log" 2>"$T/vtn.err" &
NODE_PIDS+=($!)
wait_for 20 "the VTN's port file" test -s "$T/vtn.port"
VTN=http://127.0.0.1:$(cat "$T/vtn.port")
node "$VEN_DIR/proxy.mjs" --spec "$SPEC" --upstream "$VTN" --port-file "$T/proxy.port" \
    --violations "$T/violations.jsonl" --log "$T/proxy.log" --workdir "$T/spec" 2>"$T/proxy.err" &
NODE_PIDS+=($!)
wait_for 60 "the validating proxy's port file" test -s "$T/proxy.port"
VTN_URL=http://127.0.0.1:$(cat "$T/proxy.port")/openadr3/3.1.0
note "VTN $VTN, validating proxy $VTN_URL"
admin() { # METHOD PATH [JSON]: the VTN's test-only API, never through the proxy
    if [ -n "${3:-}" ]; then
        curl -sS --max-time 10 -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$VTN/_test$2"
    else
        curl -sS --max-time 10 -X "$1" "$VTN/_test$2"
    fi
}
PROGRAM_ID=$(admin POST /programs '{"programName": "gs-e2e-program", "programDescriptions": null}' | jq -r .id)
[ -n "$PROGRAM_ID" ] && [ "$PROGRAM_ID" != null ] || fail "the VTN did not create the program"
admin POST /programs '{"programName": "someone-elses-program"}' >/dev/null
admin POST /quirks '{"expires_in": 10}' >/dev/null   # a valid answer: the VEN renews often

TOKEN=e2e-token-$$
SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
write_config() { # FILE STORE VTN_URL PROGRAMS_LINE
    cat >"$1" <<CONF
fleet: $GS_SRC/tests/serve/fleet.yaml
store: $2
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
openadr:
  vtn: $3
  client_id: gs-ven
  client_secret: $SECRET
  ven_name: gs-e2e
  poll: 2s
$4
  resources:
    - {resource: lab-meter, site: lab}
  default_site: lab
  units: KW
  report: true
planner:
  policy: comply
  pause_lead: 2s
  cap_lead: 2s
CONF
}
write_config "$T/serve.yaml" "$T/serve.db" "$VTN_URL" "  programs: [gs-e2e-program]"
"$GS_BIN" serve "$T/serve.yaml" --check >"$T/check.out" 2>&1 || { cat "$T/check.out" >&2; fail "serve --check refused the test configuration"; }

submit() { # NAME PARTITION GPUS SCRIPT [COMMENT]
    local c=()
    [ -n "${5:-}" ] && c=(--comment "$5")
    sbatch --parsable -J "$1" -p "$2" --gres="gpu:$3" -c 1 -o "$JOBS/%j.out" \
        --export="ALL,GS_E2E_DIR=$JOBS,CKPT_S=2" "${c[@]}" "$4" | cut -d';' -f1
}
A=$(submit ven-train-a training 2 "$GS_SRC/tests/serve/train_job.sh" "grid:tier=0.5")
B=$(submit ven-train-b training 2 "$GS_SRC/tests/serve/train_job.sh")
I=$(submit ven-infer-1 inference 1 "$GS_SRC/tests/serve/infer_job.sh")
ALLJOBS="$A $B $I"
for j in $A $B $I; do [[ $j =~ ^[0-9]+$ ]] || fail "sbatch did not give a job id ($j)"; done
note "jobs: train-a=$A (tier 0.5) train-b=$B (0.9) infer-1=$I"

state() { squeue -h -j "$1" -o %T 2>/dev/null; }
all_running() { for j in "$@"; do [ "$(state "$j")" = RUNNING ] || return 1; done; }
wait_for 60 "every job RUNNING" all_running $A $B $I
T_RUN=$(date +%s)

start_daemon() { # CONFIG LOG
    rm -f "$T/port"
    "$GS_BIN" serve "$1" --port-file "$T/port" --log text 2>>"$2" &
    DPID=$!
    wait_for 30 "the daemon's port file" test -s "$T/port"
    URL=http://127.0.0.1:$(cat "$T/port")
}
api() { curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$@"; }
ticks() { if [ -f "$JOBS/$1.ticks" ]; then wc -l <"$JOBS/$1.ticks"; else echo 0; fi; }
start_daemon "$T/serve.yaml" "$T/serve.log"
note "daemon on $URL (pid $DPID)"

# ---- 2. registration, then the event --------------------------------------------------------
registered() { admin GET /vens | jq -e 'any(.[]; .venName == "gs-e2e")' >/dev/null 2>&1; }
wait_for 30 "the VEN registered at the VTN (POST /vens)" registered
note "2. registered: $(admin GET /vens | jq -c '[.[] | {id, venName, clientID}]')"
# every token revoked: the VEN's next call is a 401; it must take a new token and go on
NREQ=$(admin GET /requests | jq length)
admin POST /tokens/revoke >/dev/null
recovered() {
    admin GET /requests | jq -e --argjson n "$NREQ" '.[$n:] as $r
        | ($r | map(.status == 401 and (.path | test("/auth/") | not)) | index(true)) as $u
        | $u != null and ($r[$u:] | any(.method == "POST" and (.path | endswith("/auth/token")) and .status == 200))
        and ($r[$u:] | any(.method == "GET" and (.path | test("/(programs|events)")) and .status == 200))' >/dev/null 2>&1
}
wait_for 30 "the VEN taking a new token after a 401 and polling again" recovered
note "2. after the tokens were revoked: 401, a new token, polling again"
has_jobs() { api "$URL/v1/load" | jq -e '.jobs | length >= 3' >/dev/null 2>&1; }
wait_for 20 "GET /v1/load lists the jobs" has_jobs
LOAD=$(api "$URL/v1/load")
JOB_MW=$(echo "$LOAD" | jq --argjson id "$A" '.jobs[] | select(.id == $id) | .mw')
INF_JOB_MW=$(echo "$LOAD" | jq --argjson id "$I" '.jobs[] | select(.id == $id) | .mw')
INF_SITE_MW=$(echo "$LOAD" | jq '.sites[] | select(.site == "lab") | .mw.inference')
SITE_MW=$(echo "$LOAD" | jq '.sites[] | select(.site == "lab") | [.mw[]] | add')
# a suspended 2-GPU job still draws two idle GPUs (the inference cluster's idle GPU gives one)
IDLE_GPU=$(jq -n "$INF_SITE_MW - $INF_JOB_MW")
CUT=$(jq -n "$JOB_MW - 2 * $IDLE_GPU")
LIMIT_KW=$(jq -n "($SITE_MW - 0.5 * $CUT) * 1000 | . * 1000 | floor / 1000")
SITE_KW=$(jq -n "$SITE_MW * 1000")
jq -en "$CUT > 0 and $LIMIT_KW > 0" >/dev/null || fail "no usable limit from GET /v1/load: $(echo "$LOAD" | jq -c .sites)"
note "2. site lab draws $SITE_KW kW; pausing a training job saves $(jq -n "$CUT * 1000") kW: limit $LIMIT_KW kW"

# as in serve_slurm: the jobs have run long enough for the planner to checkpoint first
while [ "$(date +%s)" -lt $((T_RUN + 12)) ]; do sleep 0.5; done
T0=$(date +%s)
EVENT=$(jq -nc --arg p "$PROGRAM_ID" --arg s "$(iso $((T0 + 15)))" --argjson kw "$LIMIT_KW" '{
    programID: $p, eventName: "gs-e2e capacity limit", priority: 0,
    targets: ["lab-meter"],
    payloadDescriptors: [{objectType: "EVENT_PAYLOAD_DESCRIPTOR", payloadType: "IMPORT_CAPACITY_LIMIT", units: "KW"}],
    reportDescriptors: [{payloadType: "USAGE", readingType: "DIRECT_READ", units: "KW"}],
    intervalPeriod: {start: $s, duration: "PT20S"},
    intervals: [{id: 0, payloads: [{type: "IMPORT_CAPACITY_LIMIT", values: [$kw]}]}]}')
EVENT_ID=$(admin POST /events "$EVENT" | jq -r .id)
[ -n "$EVENT_ID" ] && [ "$EVENT_ID" != null ] || fail "the VTN did not publish the event"
# an event for a resource this VEN does not have: never taken
admin POST /events "$(jq -c '.targets = ["someone-elses-meter"] | .eventName = "not ours"' <<<"$EVENT")" >/dev/null
note "2. published OpenADR event $EVENT_ID: limit $LIMIT_KW kW from $(iso $((T0 + 15))) for 20 s"

# ---- 3. the daemon takes it and acts -----------------------------------------------------------
ven_events() { api "$URL/v1/events" | jq -c --arg id "$EVENT_ID" '[.events[] | select(.source == "ven" and (.ext_id == $id or (.ext_id | startswith($id + "@"))))]'; }
taken() { [ "$(ven_events | jq length)" -ge 1 ]; }
wait_for 30 "GET /v1/events lists the OpenADR event (source ven)" taken
DEV=$(ven_events | jq -r '.[0].id')
[ "$(ven_events | jq length)" = 1 ] || fail "the OpenADR event became several daemon events: $(ven_events)"
note "3. daemon event $DEV: $(ven_events | jq -c '.[0] | {ext_id, source, scope, kind, mw, state}')"
one_suspended() { [ "$(state $A)" = SUSPENDED ] || [ "$(state $B)" = SUSPENDED ]; }
wait_for 40 "a training job SUSPENDED" one_suspended
if [ "$(state $A)" = SUSPENDED ]; then P=$A; Q=$B; else P=$B; Q=$A; fi
[ "$(state $Q)" = RUNNING ] || fail "both training jobs were touched (train $Q is $(state $Q)): one is enough"
[ "$(state $I)" = RUNNING ] || fail "the inference job is $(state $I)"
[ ! -s "$JOBS/$I.signals" ] || fail "the inference job got a signal"
sleep 2.5
p1=$(ticks $P); q1=$(ticks $Q); i1=$(ticks $I); sleep 2; p2=$(ticks $P); q2=$(ticks $Q); i2=$(ticks $I)
[ "$p2" = "$p1" ] || fail "job $P still ticks while SUSPENDED ($p1 -> $p2)"
[ "$q2" -gt "$q1" ] && [ "$i2" -gt "$i1" ] || fail "the other training job or the inference job stopped ticking"
[ "$(state $Q)" = RUNNING ] || fail "the second training job was suspended too"
note "3. job $P suspended, job $Q and the inference job running"
both_running() { [ "$(state $A)" = RUNNING ] && [ "$(state $B)" = RUNNING ]; }
wait_for 60 "both training jobs RUNNING after the event" both_running
is_done() { [ "$(api "$URL/v1/events/$DEV" | jq -r .state)" = "done" ]; }
wait_for 20 "daemon event $DEV done" is_done
p3=$(ticks $P); sleep 1.5; [ "$(ticks $P)" -gt "$p3" ] || fail "job $P does not tick after its resume"
[ "$(state $I)" = RUNNING ] && [ ! -s "$JOBS/$I.signals" ] || fail "the inference job was touched"
note "3. restored: $(api "$URL/v1/events/$DEV" | jq -r .note)"

# ---- 4. the report at the VTN -----------------------------------------------------------------
reported() { admin GET /reports | jq -e --arg id "$EVENT_ID" 'any(.[]; .eventID == $id)' >/dev/null 2>&1; }
wait_for 30 "the VEN's report of event $EVENT_ID at the VTN" reported
REPORTS=$(admin GET /reports | jq -c --arg id "$EVENT_ID" '[.[] | select(.eventID == $id)]')
[ "$(jq length <<<"$REPORTS")" = 1 ] || fail "the event was reported $(jq length <<<"$REPORTS") times"
REP=$(jq -c '.[0]' <<<"$REPORTS")
echo "$REP" >"$T/report.json"
jq -e '.clientName == "gs-e2e" and .clientID == "gs-ven"' <<<"$REP" >/dev/null || fail "the report's client: $REP"
jq -e 'any(.payloadDescriptors[]?; .payloadType == "USAGE" and .units == "KW")' <<<"$REP" >/dev/null \
    || fail "the report has no USAGE/KW payload descriptor: $REP"
jq -e '.resources | length == 1 and .[0].resourceName == "lab-meter"' <<<"$REP" >/dev/null \
    || fail "the report's resources are not [lab-meter]: $(jq -c '[.resources[].resourceName]' <<<"$REP")"
NIV=$(jq '.intervals | length' <<<"$EVENT")
jq -e --argjson n "$NIV" '.resources[0].intervals | length == $n' <<<"$REP" >/dev/null \
    || fail "the report does not have one interval per interval of the event ($NIV): $(jq -c '.resources[0].intervals' <<<"$REP")"
jq -e --argjson before "$SITE_KW" '[.resources[0].intervals[] | [.payloads[] | select(.type == "USAGE")]
        | length == 1 and (.[0].values | length == 1 and (.[0] | type) == "number" and .[0] > 0 and .[0] < $before)] | all' \
    <<<"$REP" >/dev/null || fail "the report's USAGE values are not one load per interval below the $SITE_KW kW before the event: $(jq -c '.resources[0].intervals' <<<"$REP")"
note "4. report: $(jq -c '{eventID, resource: .resources[0].resourceName, usage_kw: [.resources[0].intervals[] | .payloads[0].values[0]]}' <<<"$REP") (limit $LIMIT_KW kW, $SITE_KW kW before)"
# the event for someone else's meter was never taken
[ "$(api "$URL/v1/events" | jq '[.events[] | select(.source == "ven")] | length')" = 1 ] \
    || fail "the daemon took an event that targets none of its resources"

# ---- 5. every exchange valid, and every step went through the proxy -----------------------
NTOK=$(admin GET /requests | jq '[.[] | select(.method == "POST" and (.path | endswith("/auth/token")) and .status == 200)] | length')
EXPIRED=$(admin GET /requests | jq -c '[.[] | select(.status == 401 and (.error // "" | test("expired")))]')
[ "$EXPIRED" = "[]" ] || fail "the VEN used a token after it expired (10 s tokens): $EXPIRED"
[ "$NTOK" -ge 3 ] || fail "the VEN took $NTOK tokens in a run of $(( $(date +%s) - T_RUN )) s with 10 s tokens"
[ ! -s "$T/violations.jsonl" ] || fail "the validating proxy found $(wc -l <"$T/violations.jsonl") violations of the OpenADR 3.1.0 document; the first:
$(head -n 10 "$T/violations.jsonl")"
for step in "GET /openadr3/3.1.0/auth/server" "POST /openadr3/3.1.0/auth/token" "GET /openadr3/3.1.0/vens" \
            "POST /openadr3/3.1.0/vens" "GET /openadr3/3.1.0/programs" "GET /openadr3/3.1.0/events" \
            "POST /openadr3/3.1.0/reports"; do
    jq -ne --arg m "${step%% *}" --arg p "${step#* }" 'any(inputs; .method == $m and (.path | split("?")[0]) == $p)' \
        "$T/proxy.log" >/dev/null 2>&1 || fail "the VEN's '$step' did not go through the validating proxy"
done
note "5. $(wc -l <"$T/proxy.log") exchanges through the validating proxy, no violation; $NTOK tokens of 10 s, none used expired"
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=""
[ "$rc" = 0 ] || fail "SIGTERM: the daemon exited $rc"

# ---- 6. Prism's stateless mock -----------------------------------------------------------------
node "$VEN_DIR/proxy.mjs" --spec "$SPEC" --mock --port-file "$T/mock.port" \
    --violations "$T/violations_mock.jsonl" --log "$T/mock.log" --workdir "$T/spec_mock" 2>"$T/mock.err" &
NODE_PIDS+=($!)
wait_for 60 "the mock's port file" test -s "$T/mock.port"
MOCK_URL=http://127.0.0.1:$(cat "$T/mock.port")/openadr3/3.1.0
# every program (the mock has one), so the VEN goes as far as reading events
write_config "$T/serve_mock.yaml" "$T/serve_mock.db" "$MOCK_URL" ""
start_daemon "$T/serve_mock.yaml" "$T/serve_mock.log"
T_MOCK=$(date +%s)
read_events() { jq -ne 'any(inputs; .method == "GET" and (.path | startswith("/openadr3/3.1.0/events")))' "$T/mock.log" >/dev/null 2>&1; }
wait_for 30 "the VEN reading the mock's events" read_events
while [ "$(date +%s)" -lt $((T_MOCK + 10)) ]; do
    kill -0 "$DPID" 2>/dev/null || fail "the daemon died against the mock"
    sleep 0.5
done
[ "$(api -o /dev/null -w '%{http_code}' "$URL/v1/health")" = 200 ] || fail "the daemon does not answer /v1/health against the mock"
kill -TERM "$DPID"; wait "$DPID"; rc=$?; DPID=""
[ "$rc" = 0 ] || fail "SIGTERM after the mock run: the daemon exited $rc"
grep -q 'ven: ' "$T/serve_mock.log" || fail "the daemon logged nothing about the VEN against the mock"
grep -q 'ven: .*event object-999' "$T/serve_mock.log" || fail "the daemon did not log what it made of the mock's event (id object-999)"
[ ! -s "$T/violations_mock.jsonl" ] || fail "the VEN's requests to the mock violate the document ($(wc -l <"$T/violations_mock.jsonl")); the first:
$(head -n 10 "$T/violations_mock.jsonl")"
note "6. mock: $(wc -l <"$T/mock.log") exchanges in $(( $(date +%s) - T_MOCK )) s, no request violation; the daemon said: $(grep -m 2 'ven: .*event object-999' "$T/serve_mock.log" | tr '\n' ' ' | cut -c1-300)"
note "ok"
exit 0
