#!/usr/bin/env bash
# Benchmarks of deduplication through the CLI (issue 4, item 4), on workloads/counter01 (a heap filled with
# the same pattern in every process, one page rewritten per 50 ms tick):
#  1. N processes (default 8) holding the same MIB MiB (default 64), each checkpointed into one store:
#     the store should hold at most 1.2x what one checkpoint takes.
#  2. A second checkpoint of a process that changed about 1% of its memory (a page per tick: 1% of 64 MiB
#     is 164 pages, so 164 ticks apart) adds about 1% plus its manifest (the engine reads every page again;
#     the store keeps only what is new).
#   bench/store-dedup.sh [MIB] [N]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
mib=${1:-64}
n=${2:-8}
"$cryo" --version >/dev/null
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
base=$(mktemp -d /var/tmp/cryo-dedup.XXXXXX)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    rm -rf "$base"
}
trap cleanup EXIT
export CRYO_STORE=$base/store
json_field() { grep -o "\"$1\": *[0-9]*" | head -1 | grep -o '[0-9]*$'; }
store_bytes() { du -sb --apparent-size "$CRYO_STORE" | cut -f1; }
wait_tick() { # LOG N: until the log shows tick N
    for _ in $(seq 1200); do grep -q "tick $2 " "$1" && return 0; sleep 0.05; done
    echo "no tick $2 in $1" >&2; return 1
}
echo "# $(date -u +%FT%TZ) commit $(git -C "$repo" rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. N identical processes into one store
first=0
for i in $(seq "$n"); do
    log=$base/w$i.log
    pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$log" -- "$repo/workloads/target/counter01" "$mib")
    pids+=("$pid")
    wait_tick "$log" 2
    out=$("$cryo" checkpoint --json "$pid")
    stored=$(echo "$out" | json_field bytes_stored)
    [[ $first -gt 0 ]] || first=$(store_bytes)
    echo "process $i: bytes_stored=$stored store_total=$(store_bytes)"
done
total=$(store_bytes)
echo "RESULT identical: $n x ${mib} MiB processes: store holds $total bytes, one checkpoint alone $first bytes," \
    "ratio $(awk -v a="$total" -v b="$first" 'BEGIN {printf "%.3f", a / b}') (target <= 1.2)"

# 2. 1% changed between two checkpoints of one process
rm -rf "$CRYO_STORE"
log=$base/one.log
pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$log" -- "$repo/workloads/target/counter01" "$mib")
pids+=("$pid")
wait_tick "$log" 2
out1=$("$cryo" checkpoint --leave-running --json "$pid")
t1=$(grep -o 'tick [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
pages=$((mib * 256 / 100))
wait_tick "$log" $((t1 + pages))
out2=$("$cryo" checkpoint --leave-running --json "$pid")
id2=$(echo "$out2" | grep -o '"id": *"[0-9a-f]*"' | grep -o '[0-9a-f]\{32\}')
added=$(echo "$out2" | json_field bytes_stored)
manifest=$(stat -c %s "$CRYO_STORE/manifests/$id2")
echo "RESULT one-percent: ${mib} MiB process, $pages pages rewritten (1% = $((mib * 1048576 / 100)) bytes):" \
    "second checkpoint added $added bytes of packs, manifest $manifest bytes"
