#!/usr/bin/env bash
# tests/slurm/up.sh [DIR]: start a real single-node Slurm 22.05 (Debian's slurm-wlm and munge)
# for the daemon's tests, with everything in one temporary directory: config, munge key and
# socket, state, spool, logs and pid files. No systemd: munged, slurmctld and slurmd run in the
# foreground (-F / -D) as background processes of this script (facts measured here:
# ../shared/FACTS.md, "Slurm 22.05 on Debian 12").
#
# The node has fake hardware (SlurmdParameters=config_overrides): 8 CPUs and 8 GPUs (GRES gpu on
# symlinks to /dev/null, AutoDetect=off); two partitions, training (the default) and inference.
# Host names are never resolved: the controller is localhost(127.0.0.1), the node
# NAME(127.0.0.1) with slurmd -N NAME. Ports are free ones picked at start, so two of these can
# run side by side (a plain and a sanitizer build, two developers on one machine).
#
# DIR (made when absent; made with mktemp when not given) ends up holding:
#   env                 what clients need: `. DIR/env` (SLURM_CONF, GS_SLURM_DIR, GS_SLURM_NODE)
#   slurm.conf gres.conf munge.key munge/ dev/ state/ spool/ log/ pid/
# On success the script prints DIR on its last line and exits 0 once the node is idle (bounded
# by GS_SLURM_UP_TIMEOUT seconds, default 30). On failure it prints why and the logs' tail,
# stops whatever it started and exits 1 (77 when Slurm is not installed and CI is not set, so a
# developer without it sees the tests skipped; in CI the set-up installs it, and its absence
# fails). tests/slurm/down.sh DIR stops everything and removes DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${GS_SLURM_UP_TIMEOUT:-30}
NODE=gsnode1
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

for tool in munged mungekey slurmctld slurmd sinfo scontrol; do
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
        echo "slurm/up: $tool is not installed (Debian packages slurm-wlm and munge: scripts/setup.sh installs them)" >&2
        [ "${CI:-}" = true ] && exit 1
        exit 77
    fi
done
PATH=$PATH:/usr/sbin

if [ $# -ge 1 ]; then
    DIR=$1
    # A directory left by an earlier run that was never stopped: stop it first.
    if [ -d "$DIR/pid" ]; then
        bash "$HERE/down.sh" "$DIR" >&2 || true
    fi
    rm -rf "$DIR"
    mkdir -p "$DIR"
else
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/gs-slurm.XXXXXX")
fi
DIR=$(cd "$DIR" && pwd)
SOCK=$DIR/munge/munge.socket
if [ ${#SOCK} -gt 100 ]; then
    echo "slurm/up: $SOCK is too long for a unix socket (${#SOCK} > 100 characters): give a shorter DIR" >&2
    exit 1
fi
case $DIR in *[[:space:]]*) echo "slurm/up: '$DIR' has white space, which slurm.conf cannot hold" >&2; exit 1;; esac

mkdir -p "$DIR"/{munge,dev,state,spool,log,pid}
# munged wants its socket's directory 711 and no group/world write on the way to it; the
# parents of DIR are not ours to change, so --force below lets a 700 home pass.
chmod 711 "$DIR" "$DIR/munge"
USER_NAME=$(id -un)

fail() {
    echo "slurm/up: $* (after $(elapsed) s)" >&2
    for f in "$DIR"/log/*.log "$DIR"/log/*.out; do
        [ -s "$f" ] || continue
        echo "---- tail of $f" >&2
        tail -n 25 "$f" >&2
    done
    bash "$HERE/down.sh" --keep "$DIR" >&2 || true
    exit 1
}

# Two free TCP ports on the loopback for slurmctld and slurmd.
read -r CTLD_PORT SLURMD_PORT < <(python3 - <<'PY'
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
PY
)

# munge: a fresh key (mode 600), its own socket, seed, log and pid.
mungekey --create --keyfile="$DIR/munge.key" 2>/dev/null || \
    dd if=/dev/urandom of="$DIR/munge.key" bs=1024 count=1 status=none
chmod 600 "$DIR/munge.key"

# Fake GPU device files: GRES needs character devices behind its File= names; symlinks to
# /dev/null work (regular files do not).
for i in 0 1 2 3 4 5 6 7; do ln -sf /dev/null "$DIR/dev/gpu$i"; done

cat >"$DIR/gres.conf" <<CONF
# Fake GPUs for tests: no hardware detection, device files are symlinks to /dev/null.
AutoDetect=off
NodeName=$NODE Name=gpu File=$DIR/dev/gpu[0-7]
CONF

# A cluster name of its own: down.sh recognises this Slurm's leftover job processes by it.
CLUSTER=gs$$$(od -An -N2 -tx2 /dev/urandom | tr -d ' ')
cat >"$DIR/slurm.conf" <<CONF
# A single-node Slurm for gridsplit's tests (tests/slurm/up.sh); everything lives in $DIR.
ClusterName=$CLUSTER
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$USER_NAME
SlurmdUser=$USER_NAME
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCK
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool/%n
SlurmctldPidFile=$DIR/pid/slurmctld.pid
SlurmdPidFile=$DIR/pid/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# Plugins that work in a container without cgroups or real cores.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SwitchType=switch/none
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Schedule every second (otherwise a job can wait 25 s for the next pass).
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=2
MinJobAge=300
# Fake hardware: 8 CPUs and 8 GPUs whatever the machine has.
SlurmdParameters=config_overrides
GresTypes=gpu
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE CPUs=8 Boards=1 SocketsPerBoard=1 CoresPerSocket=8 ThreadsPerCore=1 RealMemory=16000 Gres=gpu:8 State=UNKNOWN
PartitionName=training Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
PartitionName=inference Nodes=$NODE MaxTime=INFINITE State=UP
CONF

cat >"$DIR/env" <<ENV
# Source this file (. $DIR/env) to talk to the test Slurm of tests/slurm/up.sh.
export SLURM_CONF=$DIR/slurm.conf
export GS_SLURM_DIR=$DIR
export GS_SLURM_NODE=$NODE
unset SLURM_JWT
ENV

# The daemons must not see a SLURM_JWT (slurmctld dies) nor any client setting of the caller.
daemon_env=(env -u SLURM_JWT -u SLURM_CONF -u SLURMRESTD_SECURITY "GS_SLURM_DIR=$DIR" "SLURM_CONF=$DIR/slurm.conf")

start() { # NAME CMD...: start CMD in the background, its output to log/NAME.out, its pid recorded
    local name=$1; shift
    setsid "${daemon_env[@]}" "$@" </dev/null >"$DIR/log/$name.out" 2>&1 &
    echo $! >"$DIR/pid/$name.pid.start"
}

start munged munged --foreground --force --key-file="$DIR/munge.key" --socket="$SOCK" \
    --pid-file="$DIR/pid/munged.pid" --seed-file="$DIR/munge/munged.seed" \
    --log-file="$DIR/log/munged.log" --num-threads=2
for _ in $(seq 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
[ -S "$SOCK" ] || fail "munged did not create $SOCK"

start slurmctld slurmctld -D -c -f "$DIR/slurm.conf"
start slurmd slurmd -D -N "$NODE" -f "$DIR/slurm.conf"

state=""
deadline=$(($(date +%s) + TIMEOUT))
while :; do
    for d in munged slurmctld slurmd; do
        kill -0 "$(cat "$DIR/pid/$d.pid.start")" 2>/dev/null || fail "$d exited while starting (its output: $DIR/log/$d.out)"
    done
    state=$(SLURM_CONF=$DIR/slurm.conf sinfo -h -N -n "$NODE" -o %T 2>/dev/null | head -1 || true)
    [ "$state" = idle ] && break
    [ "$(date +%s)" -ge "$deadline" ] && fail "node $NODE not idle within ${TIMEOUT} s (last state: '${state:-no answer}')"
    sleep 0.1
done
echo "slurm/up: node $NODE idle after $(elapsed) s (slurmctld port $CTLD_PORT, slurmd port $SLURMD_PORT); . $DIR/env" >&2
echo "$DIR"
