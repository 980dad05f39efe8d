#!/usr/bin/env bash
# Benchmark: checkpoint and restore of a group holding SysV IPC objects (workloads/sysv01: 3 processes
# sharing a 64 KiB segment under a semaphore, a message queue with messages in flight, a removed segment
# and a read-only attachment), run as an application group (`cryo run`): wall time of `cryo checkpoint NAME`
# (kill mode) and `cryo restore --detach NAME`, the freeze time, and the engine's phases (CRYO_TIMINGS=1).
# Median of RUNS runs, each with a fresh store under /var/tmp.
#
#   bench/sysv.sh            RUNS=5
#   WORKLOAD=orphans01 bench/sysv.sh   the same for another group workload (orphans01: 7 processes, 5 of
#                                      them adopted by init, in sessions and groups whose leaders exited)
# Needs the workloads built (make -C workloads). Prints one line per run and a median line.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
runs=${RUNS:-5}
workload=$repo/workloads/target/${WORKLOAD:-sysv01}
[ -x "$workload" ] || make -s -C "$repo/workloads" >/dev/null
base=$(mktemp -d /var/tmp/cryo-bench-sysv.XXXXXX)
export CRYO_RUN_DIR=$base/run
"$cryo" --version >/dev/null   # builds if needed, outside the timings
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
. "$repo/bench/common.sh"
ticks() { grep -c '^tick' "$CRYO_RUN_DIR/groups/$1/log" 2>/dev/null || true; }
failed() { grep -q FAIL "$CRYO_RUN_DIR/groups/$1/log" 2>/dev/null; }

ck=(); rs=(); fz=()
for run in $(seq "$runs"); do
    export CRYO_STORE=$base/store-$run
    name=bench-${WORKLOAD:-sysv01}-$run
    "$cryo" run --detach --name "$name" -- "$workload" >/dev/null
    await "[ \$(ticks $name) -ge 5 ]"
    t0=$(ms); out=$(CRYO_TIMINGS=1 "$cryo" checkpoint --json "$name" 2>"$base/ck-phases"); t1=$(ms)
    ck+=($((t1 - t0))); fz+=($(echo "$out" | json_field freeze_ms))
    before=$(ticks "$name")
    t0=$(ms); CRYO_TIMINGS=1 "$cryo" restore --detach "$name" >/dev/null 2>"$base/rs-phases"; t1=$(ms)
    rs+=($((t1 - t0)))
    await "[ \$(ticks $name) -ge $((before + 5)) ]"
    if failed "$name"; then echo "FAIL after restore: $(grep FAIL "$CRYO_RUN_DIR/groups/$name/log" | head -1)"; fi
    echo "run=$run checkpoint_ms=${ck[-1]} freeze_ms=${fz[-1]} restore_ms=${rs[-1]}"
    sed 's/^/  /' "$base/ck-phases" "$base/rs-phases"
    "$cryo" kill "$name" >/dev/null
done
echo "MEDIAN workload=${WORKLOAD:-sysv01} checkpoint_ms=$(printf '%s\n' "${ck[@]}" | median) freeze_ms=$(printf '%s\n' "${fz[@]}" | median) restore_ms=$(printf '%s\n' "${rs[@]}" | median)"
rm -rf "$base"
