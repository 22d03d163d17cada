#!/usr/bin/env bash
# Installs what gridsplit needs on Debian 12 and is missing: Debian packages through apt-get
# (with sudo when not root) and the npm packages of web/ (npm ci). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake ninja-build pkg-config zstd
      libyaml-dev libzstd-dev zlib1g-dev libjansson-dev libcmocka-dev
      nodejs npm chromium tzdata jq curl python3
      # numpy for bench/headroom_numpy.py, the reference that bench_headroom times headroom --csv
      # against (benchmarks only; builds and tests do not need it)
      python3-numpy
      coinor-libcbc-dev coinor-libclp-dev
      # a real single-node Slurm for the daemon's tests (tests/slurm/up.sh starts it; the
      # image keeps packages from starting daemons) and libslurm for the adapter (src/daemon/)
      slurm-wlm munge libslurm-dev
      # the daemon (src/daemon/, docs/serve.md): HTTP server, journal, hashing of tokens, the
      # router hook's HTTP client, MQTT telemetry (client library, and the broker the tests run)
      libmicrohttpd-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev libmosquitto-dev
      mosquitto mosquitto-clients
      # benchmarks of the daemon's API (bench/serve_http.sh)
      wrk
      # libFuzzer harnesses of every parser (tests/fuzz/, tests/e2e/fuzz_short.sh): clang and
      # its fuzzer and sanitizer runtimes
      clang libclang-rt-14-dev
      # underwriting spreadsheets with live formulas (gridsplit underwrite: underwrite.xlsx), and the
      # LibreOffice that the tests recalculate them with (tests/e2e/underwrite_xlsx.sh)
      libxlsxwriter-dev libreoffice-calc-nogui
      # GLPK's glpsol: the independent solver the supply LP is checked against (tests only)
      glpk-utils)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# A node and npm already on the PATH (e.g. from NodeSource) serve as well as Debian's.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if ((${#missing[@]})); then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages in web/"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
# the OpenADR 3 VEN's test harness: Stoplight Prism's engine validates every exchange against
# the specification (tests/ven/README.md)
if [ ! -f tests/ven/node_modules/.package-lock.json ] || [ tests/ven/package-lock.json -nt tests/ven/node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages in tests/ven/"
  (cd tests/ven && npm ci --no-audit --no-fund --loglevel=error --ignore-scripts)
fi
echo "setup: ok"
