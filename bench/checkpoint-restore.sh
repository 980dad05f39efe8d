#!/usr/bin/env bash
# Benchmark: wall time of `cryo checkpoint` and `cryo restore --detach` through the CLI, freeze time and
# bytes stored, for a C process with N MiB of touched heap (workloads/counter01). Median of RUNS runs.
#
#   bench/checkpoint-restore.sh [SIZES_MIB...]      default: 256 1024; RUNS=5; stores under /var/tmp (local disk)
# Prints one line per run and a median line per size (paste them into bench/RESULTS.md with the commit).
# Every run uses a fresh store: the first checkpoint of a process, with nothing to deduplicate against
# (every counter01 holds the same pattern, so a shared store would measure dedup instead).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
sizes=("${@:-256 1024}"); [[ $# -gt 0 ]] || sizes=(256 1024)
runs=${RUNS:-5}
base=$(mktemp -d /var/tmp/cryo-bench.XXXXXX)
"$cryo" --version >/dev/null   # builds if needed, outside the timings
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
ms() { echo $(( $(date +%s%N) / 1000000 )); }
json_field() { grep -o "\"$1\": *[0-9]*" | head -1 | grep -o '[0-9]*$'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

for size in "${sizes[@]}"; do
    ck=(); rs=(); fz=(); st=()
    for run in $(seq "$runs"); do
        export CRYO_STORE=$base/store-$size-$run
        log=$(mktemp /tmp/cryo-bench-log.XXXXXX)
        pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$log" -- "$repo/workloads/target/counter01" "$size")
        for _ in $(seq 600); do grep -q "tick 2 " "$log" && break; sleep 0.05; done
        sync
        t0=$(ms); out=$("$cryo" checkpoint --json "$pid"); t1=$(ms)
        id=$(echo "$out" | grep -o '"id": *"[0-9a-f]*"' | grep -o '[0-9a-f]\{8,\}')
        ck+=($((t1 - t0))); fz+=($(echo "$out" | json_field freeze_ms)); st+=($(echo "$out" | json_field bytes_stored))
        for _ in $(seq 200); do [[ -e /proc/$pid ]] || break; sleep 0.02; done
        t0=$(ms); rpid=$("$cryo" restore --detach "$id" | tail -1); t1=$(ms)
        rs+=($((t1 - t0)))
        before=$(grep -c tick "$log")
        for _ in $(seq 200); do [[ $(grep -c tick "$log") -gt $before ]] && break; sleep 0.02; done
        grep -q FAIL "$log" && { echo "FAIL after restore: $(grep FAIL "$log" | head -1)"; }
        echo "size=${size}MiB run=$run checkpoint_ms=${ck[-1]} freeze_ms=${fz[-1]} restore_ms=${rs[-1]} bytes_stored=${st[-1]} pid=$pid restored=$rpid"
        kill -9 "$rpid" 2>/dev/null || true
        for _ in $(seq 200); do [[ -e /proc/$rpid ]] || break; sleep 0.02; done
        rm -f "$log"
        rm -rf "$CRYO_STORE"
    done
    echo "MEDIAN size=${size}MiB checkpoint_ms=$(printf '%s\n' "${ck[@]}" | median) freeze_ms=$(printf '%s\n' "${fz[@]}" | median) restore_ms=$(printf '%s\n' "${rs[@]}" | median) bytes_stored=$(printf '%s\n' "${st[@]}" | median)"
done
rm -rf "$base"
