#!/usr/bin/env bash
# tests/slurm/down.sh [--keep] DIR: stop the Slurm that tests/slurm/up.sh started in DIR and
# remove DIR (--keep leaves it, for its logs). In this order, because job processes outlive a
# stopped slurmd (../shared/FACTS.md): cancel every job and wait for them to end (bounded), stop
# slurmd, slurmctld and munged by their recorded pids (TERM, then KILL after 5 s; a pid counts
# only while its process still has GS_SLURM_DIR=DIR in its environment, so a reused pid is
# spared), then end whatever job processes are left (step 3 says how they are recognised).
# Never by process name: another Slurm on this machine is left alone. Safe to run twice, and on
# a half-started DIR.
set -uo pipefail
KEEP=0
if [ "${1:-}" = --keep ]; then KEEP=1; shift; fi
DIR=${1:?usage: down.sh [--keep] DIR}
[ -d "$DIR" ] || exit 0
DIR=$(cd "$DIR" && pwd)
PATH=$PATH:/usr/sbin
T0=$(date +%s.%N)
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { # NAME: the pid this DIR's daemon NAME has, if it runs
    local f p
    for f in "$DIR/pid/$1.pid.start" "$DIR/pid/$1.pid"; do
        [ -f "$f" ] || continue
        p=$(tr -dc 0-9 <"$f")
        if alive "$p" && grep -qszxF "GS_SLURM_DIR=$DIR" "/proc/$p/environ"; then
            echo "$p"; return
        fi
    done
}

# 1. Cancel every job while the daemons still run, and wait for them to leave the queue.
ctld=$(pid_of slurmctld)
if [ -f "$DIR/slurm.conf" ] && alive "$ctld"; then
    export SLURM_CONF=$DIR/slurm.conf
    unset SLURM_JWT
    jobs=$(timeout 10 squeue -h -o %A 2>/dev/null | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
        # shellcheck disable=SC2086
        timeout 10 scancel $jobs 2>/dev/null
        # without slurmd the jobs cannot finish: step 3 ends their processes
        alive "$(pid_of slurmd)" && for _ in $(seq 100); do
            [ -z "$(timeout 5 squeue -h -o %A 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
fi

T_CANCEL=$(elapsed)

# 2. The daemons, by their recorded pids, all at once (one by one, each takes about 2 s).
STOPS=""
stop() { # NAME...: TERM them together, wait up to 5 s for each, KILL what is left
    local d p pids=() names=()
    for d in "$@"; do
        p=$(pid_of "$d")
        alive "$p" || continue
        kill -TERM "$p" 2>/dev/null
        pids+=("$p"); names+=("$d")
    done
    for i in "${!pids[@]}"; do
        for _ in $(seq 100); do alive "${pids[$i]}" || break; sleep 0.05; done
        if alive "${pids[$i]}"; then
            echo "slurm/down: ${names[$i]} (${pids[$i]}) ignored TERM for 5 s: KILL" >&2
            kill -KILL "${pids[$i]}" 2>/dev/null
        fi
        STOPS="$STOPS ${names[$i]} $(elapsed)"
    done
}
stop slurmd slurmctld munged
T_DAEMONS=$(elapsed)
[ -n "$STOPS" ] || STOPS=" nothing was running at"

# 3. Job processes left behind: slurmstepd of this Slurm (its environment has our SLURM_CONF,
#    which slurmd sets) and the jobs' own processes (theirs has our cluster's name, which
#    slurmstepd sets, and a job id). Never a client that merely sourced DIR/env.
CLUSTER=$(sed -n 's/^ClusterName=//p' "$DIR/slurm.conf" 2>/dev/null)
left=()
pid_in() { local e=${1#/proc/}; echo "${e%/environ}"; }
for e in $(grep -lszxF "SLURM_CONF=$DIR/slurm.conf" /proc/[0-9]*/environ); do
    p=$(pid_in "$e")
    [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline") == slurmstepd:* ]] && left+=("$p")
done
if [ -n "$CLUSTER" ]; then
    for e in $(grep -lszxF "SLURM_CLUSTER_NAME=$CLUSTER" /proc/[0-9]*/environ); do
        grep -qszE '^SLURM_JOB_ID=[0-9]+$' "$e" && left+=("$(pid_in "$e")")
    done
fi
if ((${#left[@]})); then
    echo "slurm/down: ending ${#left[@]} leftover job process(es): ${left[*]}" >&2
    kill -KILL "${left[@]}" 2>/dev/null
fi

if [ "$KEEP" = 1 ]; then
    echo "slurm/down: stopped after $(elapsed) s (jobs cancelled at $T_CANCEL s; stopped:$STOPS s); kept $DIR" >&2
else
    rm -rf "$DIR"
    echo "slurm/down: stopped and removed $DIR after $(elapsed) s (jobs cancelled at $T_CANCEL s; stopped:$STOPS s)" >&2
fi
exit 0
