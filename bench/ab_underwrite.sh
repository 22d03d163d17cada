#!/usr/bin/env bash
# ab_underwrite.sh: two gridsplit binaries (a previous build and this one) timed on the same
# deal in alternating runs on one core, so that both see the same machine: the median CPU time
# (user + system) and wall time of each over N runs, and the outputs compared byte for byte
# (cashflow.csv, spread.csv, tornado.csv; summary.json differs only if the figures do).
# Usage: bench/ab_underwrite.sh OLD_BIN NEW_BIN DEAL.yaml [N (default 7)]
# A previous build: git worktree add --detach /tmp/prev COMMIT && cmake -S /tmp/prev -B
# /tmp/prev/build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo && ninja -C /tmp/prev/build gridsplit
# (its web/node_modules: a link to this tree's).
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 OLD_BIN NEW_BIN DEAL.yaml [N]" >&2; exit 2; }
old=$1 new=$2 deal=$3 n=${4:-7}
for b in "$old" "$new"; do [ -x "$b" ] || { echo "$0: $b is not an executable" >&2; exit 2; }; done
T=$(mktemp -d "${TMPDIR:-/tmp}/gs_ab.XXXXXX")
trap 'rm -rf "$T"' EXIT
for i in $(seq "$n"); do
    for w in old new; do
        bin=$old; [ "$w" = new ] && bin=$new
        /usr/bin/time -f "$w %e %U %S" -a -o "$T/times" taskset -c 0 "$bin" underwrite "$deal" \
            --out "$T/$w" > /dev/null
    done
done
for f in cashflow.csv spread.csv tornado.csv; do
    cmp -s "$T/old/$f" "$T/new/$f" && echo "$f: the same bytes" || echo "$f: differs"
done
awk '{ cpu[$1] = cpu[$1] " " ($3 + $4); wall[$1] = wall[$1] " " $2 }
     END { for (k in cpu) print k, cpu[k] "|" wall[k] }' "$T/times" | sort |
while read -r w rest; do
    c=${rest%%|*} wl=${rest#*|}
    mc=$(tr ' ' '\n' <<< "$c" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    mw=$(tr ' ' '\n' <<< "$wl" | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$w: median CPU ${mc} s, wall ${mw} s over $n runs (taskset -c 0)"
done
