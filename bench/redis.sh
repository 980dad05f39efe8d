#!/usr/bin/env bash
# Benchmark: checkpoint and restore of a real redis-server 7 holding 100,000 keys (persistence off), through
# the CLI: wall time of `cryo checkpoint` (kill mode) and `cryo restore --detach`, the freeze time, the bytes
# stored and the store's size on disk. Median of RUNS runs, each with a fresh store under /var/tmp.
#
#   bench/redis.sh            RUNS=5 KEYS=100000
# Needs redis-server and redis-cli (Debian package redis-server). Prints one line per run and a median line.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
runs=${RUNS:-5}
keys=${KEYS:-100000}
command -v redis-server >/dev/null || { echo "redis.sh: redis-server is missing (apt-get install redis-server)" >&2; exit 1; }
base=$(mktemp -d /var/tmp/cryo-bench-redis.XXXXXX)
"$cryo" --version >/dev/null   # builds if needed, outside the timings
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
. "$repo/bench/common.sh"

ck=(); rs=(); fz=(); st=(); du=()
for run in $(seq "$runs"); do
    export CRYO_STORE=$base/store-$run
    port=$(free_port)
    log=$(mktemp /tmp/cryo-bench-redis-log.XXXXXX)
    pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$log" -- redis-server --port "$port" --bind 127.0.0.1 \
        --save '' --appendonly no --daemonize no --dir "$base")
    await "redis-cli -p $port ping >/dev/null 2>&1"
    for i in $(seq 1 "$keys"); do echo "SET key:$i value:$i"; done | redis-cli -p "$port" --pipe >/dev/null
    [[ $(redis-cli -p "$port" dbsize) == "$keys" ]] || { echo "redis did not take $keys keys" >&2; exit 1; }
    sync
    t0=$(ms); out=$("$cryo" checkpoint --json "$pid"); t1=$(ms)
    id=$(echo "$out" | grep -o '"id": *"[0-9a-f]*"' | grep -o '[0-9a-f]\{8,\}')
    ck+=($((t1 - t0))); fz+=($(echo "$out" | json_field freeze_ms)); st+=($(echo "$out" | json_field bytes_stored))
    du+=($(du -sb "$CRYO_STORE" | cut -f1))
    await "[[ ! -e /proc/$pid ]]"
    t0=$(ms); rpid=$("$cryo" restore --detach "$id" | tail -1); t1=$(ms)
    rs+=($((t1 - t0)))
    got=$(redis-cli -p "$port" dbsize)
    [[ $got == "$keys" && $(redis-cli -p "$port" get "key:$keys") == "value:$keys" ]] \
        || echo "FAIL after restore: dbsize $got"
    echo "run=$run checkpoint_ms=${ck[-1]} freeze_ms=${fz[-1]} restore_ms=${rs[-1]} bytes_stored=${st[-1]} store_bytes=${du[-1]} pid=$pid restored=$rpid"
    kill -9 "$rpid" 2>/dev/null || true
    await "[[ ! -e /proc/$rpid ]]"
    rm -f "$log"
    rm -rf "$CRYO_STORE"
done
echo "MEDIAN keys=$keys checkpoint_ms=$(printf '%s\n' "${ck[@]}" | median) freeze_ms=$(printf '%s\n' "${fz[@]}" | median) restore_ms=$(printf '%s\n' "${rs[@]}" | median) bytes_stored=$(printf '%s\n' "${st[@]}" | median) store_bytes=$(printf '%s\n' "${du[@]}" | median)"
rm -rf "$base"
