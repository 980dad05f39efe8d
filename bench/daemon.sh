#!/usr/bin/env bash
# Runs a benchmark script with a `cryo daemon` of its own (private socket under /var/tmp), so that every
# ./cryo in it goes through the thin client to a warm engine; prints the daemon's status at the end (how many
# requests it served: a benchmark that fell back to the JVM would show it) and stops it.
#
#   bench/daemon.sh bench/redis.sh                # RUNS=5 KEYS=100000 as redis.sh
#   bench/daemon.sh bench/checkpoint-restore.sh 256
# Compare with the same script run bare (or with CRYO_NO_DAEMON=1). The first run is the cold one.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[[ $# -ge 1 ]] || { echo "usage: bench/daemon.sh SCRIPT [ARGS...]" >&2; exit 2; }
dir=$(mktemp -d /var/tmp/cryo-bench-daemon.XXXXXX)   # mktemp -d makes it 0700, as the daemon wants
export CRYO_DAEMON_SOCKET=$dir/daemon.sock CRYO_NO_DAEMON=0
# read once per JVM: the daemon and the script must agree (a script that times phases: CRYO_TIMINGS=1 bench/daemon.sh ...)
export CRYO_RUN_DIR=${CRYO_RUN_DIR:-$dir/run}
"$repo/cryo" --version >/dev/null                    # builds if needed, so that the daemon is not stale
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
"$repo/cryo" daemon start >/dev/null
trap '"$repo/cryo" daemon stop >/dev/null; rm -rf "$dir"' EXIT
"$@"
"$repo/cryo" daemon status
