#!/usr/bin/env bash
# Runs every benchmark in bench/ against the plain (RelWithDebInfo) build, one at a time, each
# on one core (taskset -c 0 where available). Figures go to stdout; docs/PERFORMANCE.md quotes
# them with this command. Real-data benchmarks read $GS_SHARED/data (default ../shared).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export GS_SHARED=${GS_SHARED:-$PWD/../shared}
pin=""
command -v taskset >/dev/null && pin="taskset -c 0"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== bench_sim (synthetic: 100 sites, 1,000 clusters, a year at 5 min)"
# not pinned: the simulation is single-threaded; the full per-step CSV overlaps formatting and
# writing on two threads, which one pinned core would serialise
"$BUILD/bench_sim" "$tmp"
echo "== bench_import (a year of hourly series for 50 zones)"
$pin "$BUILD/bench_import"
echo "== bench_headroom (22 BAs x 9 years x 4 rates; headroom --csv on six zones against numpy)"
# the numpy reference is bench/headroom_numpy.py under $PYTHON (default Debian's /usr/bin/python3
# with python3-numpy); pinned, both programs share core 0
$pin "$BUILD/bench_headroom"
echo "== bench_planner (10,000 jobs: one event, the call that comes now, 24 hourly intervals)"
$pin "$BUILD/bench_planner"
echo "== bench_flex (a year of flex at 5 min, 100 clusters, 1,000 jobs)"
$pin "$BUILD/bench_flex"
echo "== bench_site (100 candidates, 200 regions, choose 10)"
$pin "$BUILD/bench_site" 100 200 10
echo "== bench_route (200 regions x 100 sites, a year at 5 min)"
$pin "$BUILD/bench_route"
echo "== bench_supply (CarbonExplorer's analysis of one site-year, compatibility mode)"
$pin "$BUILD/bench_supply"
echo "== bench_supply_opt (the supply LP: best dispatch and exact 24/7 battery, one site-year)"
$pin "$BUILD/bench_supply_opt"
echo "== bench_underwrite (one site, 20 years, five price years, with flexibility revenue)"
$pin "$BUILD/bench_underwrite" 5
echo "== bench_serve (the daemon: one event over 10,000 jobs on the fake scheduler, journaled)"
GS_SRC=$PWD $pin "$BUILD/bench_serve"
echo "== serve_http (the daemon's API under wrk: 2 threads, 32 connections, 10 s per endpoint)"
# not pinned: wrk and the daemon each need a core
bash bench/serve_http.sh "$BUILD"
