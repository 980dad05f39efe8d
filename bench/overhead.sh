#!/usr/bin/env bash
# What periodic incremental checkpoints cost a memory-bound process (issue 6, item 5), measured by alternating
# short phases on ONE process, so that the VM's drift and the other load on the machine hit every mode alike:
#
#   bench/overhead.sh every SECS [HOT_MIB]   the same process as a group under `cryo run --every ${EVERY}s` (the
#                                    supervisor's warm checkpoints) for SECS seconds, with CRYO_TIMINGS: per
#                                    checkpoint the engine's phases, and over the run the workload's writes/s,
#                                    writes/CPU-s, CPU share and minor faults (the write-protect faults) per
#                                    interval; CRYO_HOT_CHUNKS=0 in the environment to compare
#   bench/overhead.sh [HOT_MIB]      workloads/dirtyrate01 1024 0 [HOT_MIB]: random 64-byte writes over all of
#                                    1 GiB (the worst case: every page written between two checkpoints), or
#                                    over its first HOT_MIB MiB with a read anywhere for each (a hot working set)
#   bench/overhead.sh redis          redis-server (100k keys) under redis-benchmark in a loop, checkpointed by PID
#                                    (its 50 connections with TCP repair): requests/s, its main thread's CPU
#
#   EVERY=10     seconds between checkpoints within a checkpointing phase (the first at its start)
#   PHASE=20     seconds a phase lasts (a multiple of EVERY: whole intervals)
#   ROUNDS=6     rounds of: none, then for each of MODES: the mode, none
#   MODES="hot nohot"  hot: as shipped; nohot: CRYO_HOT_CHUNKS=0 (every written page protected again);
#                group: CRYO_WRITE_CPU_GROUP=${GROUP_NICE:-10} (the write after the thaw also in the weighted cpu
#                cgroup); nogroup: CRYO_WRITE_CPU_GROUP=0 (at nice 19 only, in cryo's own scheduling group)
#
# Checkpoints are `cryo checkpoint PID --incremental --leave-running` through warm daemons (one per mode: the
# mode is read at the daemon's start); the tracker stays armed across phases, so a phase without checkpoints
# differs from one with only by the checkpoints. Per phase, from the workload's ticks: writes/s (what the issue
# asks), writes per CPU-second of the writing thread (slower per CPU: faults, cache), its CPU share (lost CPU:
# frozen, or preempted), minor faults/s; and the checkpoints' summed freeze_ms. At the end, per mode, each
# phase against the mean of the two phases without checkpoints around it: mean, median, min, max.
# Under heavy load (other work on the machine) a checkpoint of 1 GiB can take longer than EVERY: phases then
# hold fewer checkpoints than planned (the "ckpts" column says how many).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
"$cryo" --version >/dev/null
export CRYO_NO_BUILD=1 CRYO_NO_DAEMON=0

if [[ ${1:-} == every ]]; then
    secs=${2:?usage: bench/overhead.sh every SECS [HOT_MIB]} hot=${3:-}
    base=$(mktemp -d /var/tmp/cryo-bench-ovh.XXXXXX)
    export CRYO_STORE=$base/store CRYO_RUN_DIR=$base/run CRYO_NO_DAEMON=1
    name=ovh-$$
    # the supervisor may still be finishing a checkpoint's files as it goes: try the removal again
    trap '"$cryo" kill "$name" >/dev/null 2>&1 || true; rm -rf "$base" 2>/dev/null || { sleep 2; rm -rf "$base"; }' EXIT
    CRYO_TIMINGS=1 "$cryo" run --detach --name "$name" --every "${EVERY:-10}s" --keep 2 -- \
        "$repo/workloads/target/dirtyrate01" 1024 0 $hot >/dev/null
    sleep "$secs"
    g=$CRYO_RUN_DIR/groups/$name
    echo "cryo run --every ${EVERY:-10}s dirtyrate01 1024 0 $hot for ${secs}s, CRYO_HOT_CHUNKS=${CRYO_HOT_CHUNKS:-1}," \
        "commit $(git -C "$repo" rev-parse --short HEAD), load $(cut -d' ' -f1 /proc/loadavg)"
    grep -o "checkpoint of .*\|timings: checkpoint.*" "$g/supervisor.log" |
        sed -E 's/ (open|prepare [0-9]+|injected [0-9]+|files\+identity [0-9]+|sysv ipc|crash-points)=[^ ]*//g'
    # per tick: writes ns cpu_ns minflt; the first 5 (start-up) not counted
    tail -n +6 "$g/log" | grep -o 'writes=.*' | tr '=' ' ' | awk -v e="${EVERY:-10}" '{w+=$2; ns+=$4; c+=$6; f+=$8; n++}
        END {printf "ticks %d: %.2f M writes/s, %.2f M writes/cpu-s, cpu share %.1f%%, %.0f minor faults per %d s\n",
             n, w / ns * 1e3, w / c * 1e3, 100 * c / ns, f / (ns / 1e9) * e, e}'
    echo "minor faults per tick (write-protect faults after each checkpoint):"
    tail -n +6 "$g/log" | grep -o 'minflt=[0-9]*' | cut -d= -f2 | paste -sd' '
    exit 0
fi
every=${EVERY:-10} phase=${PHASE:-20} rounds=${ROUNDS:-6} modes=${MODES:-hot nohot} hot=${1:-}
[[ $hot == redis ]] && { command -v redis-benchmark >/dev/null || { echo "needs redis-server and redis-benchmark" >&2; exit 1; }; }
base=$(mktemp -d /var/tmp/cryo-bench-ovh.XXXXXX)
export CRYO_STORE=$base/store CRYO_RUN_DIR=$base/run
log=$base/wl.log
daemons=()
cleanup() {
    [[ -f $base/pid ]] && kill -9 "$(cat "$base/pid")" 2>/dev/null || true
    [[ -f $base/loader ]] && kill "$(cat "$base/loader")" 2>/dev/null || true
    for m in "${daemons[@]}"; do CRYO_DAEMON_SOCKET=$base/$m.sock "$cryo" daemon stop >/dev/null 2>&1 || true; done
    rm -rf "$base"
}
trap cleanup EXIT
for m in $modes; do
    mkdir -m 0700 "$base/d-$m"
    case $m in
        nohot) env=(CRYO_HOT_CHUNKS=0) ;;
        group) env=(CRYO_WRITE_CPU_GROUP=${GROUP_NICE:-10}) ;;  # the write also in the weighted cpu cgroup
        nogroup) env=(CRYO_WRITE_CPU_GROUP=0) ;;  # the write at nice 19 only, in cryo's own scheduling group
        *) env=(CRYO_HOT_CHUNKS=1) ;;
    esac
    env "${env[@]}" CRYO_DAEMON_SOCKET="$base/d-$m/daemon.sock" "$cryo" daemon start >/dev/null
    daemons+=("d-$m/daemon")
done
ckpt() { # MODE -> freeze_ms
    CRYO_DAEMON_SOCKET=$base/d-$1/daemon.sock "$cryo" checkpoint "$(cat "$base/pid")" --incremental --leave-running \
        --json | grep -o '"freeze_ms": *[0-9]*' | grep -o '[0-9]*$'
}

if [[ $hot == redis ]]; then
    # redis-server with 100k keys under redis-benchmark (SET and GET of random keys, pipelined 8, 50 clients) in a
    # loop; per benchmark run a line in dirtyrate01's format: requests, wall ns, and the main thread's CPU ns,
    # minor faults and run-queue wait (its schedstat), so the same phases and columns apply (M writes = M requests)
    port=$((20000 + RANDOM % 20000))
    "$repo/cryo-helper/target/cryo-helper" spawn "$base/redis.log" -- redis-server --port "$port" --save "" \
        --appendonly no --bind 127.0.0.1 >"$base/pid"
    for _ in $(seq 200); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
    for i in $(seq 1 100000); do echo "SET key:$i value:$i"; done | redis-cli -p "$port" --pipe >/dev/null
    rpid=$(cat "$base/pid")
    sample() { read -r run wait _ <"/proc/$rpid/schedstat"; flt=$(awk '{print $10}' "/proc/$rpid/stat"); t=$(date +%s%N); }
    (
        sample
        while :; do
            r0=$run w0=$wait f0=$flt t0=$t
            redis-benchmark -p "$port" -t set,get -r 100000 -n 100000 -P 8 -q >/dev/null 2>&1 || true
            sample
            echo "tick ok writes=200000 ns=$((t - t0)) cpu_ns=$((run - r0)) minflt=$((flt - f0)) runq_ns=$((wait - w0)) vcsw=0 ivcsw=0"
        done
    ) >"$log" 2>/dev/null &
    echo $! >"$base/loader"
    for _ in $(seq 1200); do [[ $(wc -l <"$log") -ge 3 ]] && break; sleep 0.05; done
else
    "$repo/cryo-helper/target/cryo-helper" spawn "$log" -- "$repo/workloads/target/dirtyrate01" 1024 0 $hot >"$base/pid"
    for _ in $(seq 1200); do grep -q "tick 3 " "$log" && break; sleep 0.05; done
fi
first=${modes%% *}
ckpt "$first" >/dev/null   # the full one, which arms the tracker; not counted
sleep "$every"

counters() { # the machine's: TLB shootdown IPIs (all CPUs), compaction stalls, THP faults, pages migrated
    awk '/TLB:/ {for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) t += $i} END {printf "%d ", t}' /proc/interrupts
    awk '$1 == "compact_stall" || $1 == "thp_fault_alloc" || $1 == "pgmigrate_success" {printf "%s ", $2}' /proc/vmstat
}

run_phase() { # MODE -> "mode writes ns cpu_ns minflt checkpoints freeze_ms_sum runq_ns vcsw ivcsw tlb compact thp migrated"
    # checkpoints run in the background on schedule (one at a time: a late one starts when the previous ends);
    # the phase's ticks end with it, then it waits for its last checkpoint (whose ticks count for neither phase)
    local mode=$1 from to end n=0 next job= c0 c1
    : >"$base/fz"
    from=$(($(wc -l <"$log") + 1)); c0=$(counters)
    end=$(($(date +%s) + phase)); next=$(date +%s)
    while [[ $(date +%s) -lt $end ]]; do
        if [[ $mode != none && $(date +%s) -ge $next ]] && { [[ -z $job ]] || ! kill -0 "$job" 2>/dev/null; }; then
            ckpt "$mode" >>"$base/fz" & job=$!
            n=$((n + 1)); next=$((next + every))
        fi
        sleep 0.1
    done
    to=$(wc -l <"$log"); c1=$(counters)
    [[ -z $job ]] || wait "$job" || true
    sed -n "${from},${to}p" "$log" | grep -o 'writes=.*' | tr '=' ' ' |
        awk -v m="$mode" -v n=$n -v fz="$(paste -sd+ "$base/fz" | sed 's/^$/0/' | bc)" -v c0="$c0" -v c1="$c1" \
            '{w+=$2; ns+=$4; c+=$6; f+=$8; q+=$10; v+=$12; iv+=$14}
             END {split(c0, a, " "); split(c1, b, " "); print m, w, ns, c, f, n, fz, q, v, iv, b[1]-a[1], b[2]-a[2], b[3]-a[3], b[4]-a[4]}'
}

echo "$([[ $hot == redis ]] && echo redis-server under redis-benchmark || echo dirtyrate01 1024 0 "$hot"): EVERY=$every PHASE=$phase ROUNDS=$rounds MODES=\"$modes\", commit $(git -C "$repo" rev-parse --short HEAD)"
printf '%-6s %10s %12s %7s %7s %7s %10s %6s %8s %8s %7s %8s %s\n' phase Mwrites/s Mwrites/cpu-s cpu% runq% sleep% \
    minflt/s ckpts freeze_ms ivcsw/s vcsw/s tlb/s "compact,thp,migrated load"
show() { awk -v load="$(cut -d' ' -f1 /proc/loadavg)" '{printf "%-6s %10.2f %12.2f %7.1f %7.1f %7.1f %10.0f %6d %8d %8.1f %7.1f %8.0f %d,%d,%d %s\n",
    $1, $2 / $3 * 1e3, $2 / $4 * 1e3, 100 * $4 / $3, 100 * $8 / $3, 100 * ($3 - $4 - $8) / $3, $5 / $3 * 1e9, $6, $7,
    $10 / $3 * 1e9, $9 / $3 * 1e9, $11 / $3 * 1e9, $12, $13, $14, load}'; }
seq_=(); for r in $(seq "$rounds"); do for m in $modes; do seq_+=(none "$m"); done; done; seq_+=(none)
for m in "${seq_[@]}"; do run_phase "$m" | tee -a "$base/phases" | show; done
# each phase with checkpoints against the mean of the phases without around it
awk '{m[NR]=$1; w[NR]=$2/$3; c[NR]=$2/$4; s[NR]=$4/$3; f[NR]=$5/$3*1e9; fz[NR]=100*$7/($3/1e6)
        q[NR]=$8/$3; z[NR]=($3-$4-$8)/$3; iv[NR]=$10/$3*1e9; t[NR]=$11/$3*1e9}
    function d(x, i) {return x[i] - (x[i-1] + x[i+1]) / 2}
    END {for (i = 2; i < NR; i++) if (m[i] != "none") {
        printf "%s %.2f %.2f %.2f %.0f %.2f %.2f %.2f %.2f %.1f %.0f\n", m[i], 100 * (w[i] / ((w[i-1] + w[i+1]) / 2) - 1),
            100 * (c[i] / ((c[i-1] + c[i+1]) / 2) - 1), 100 * d(s, i), d(f, i), fz[i],
            100 * d(q, i), 100 * d(z, i), 100 * d(z, i) - fz[i], d(iv, i), d(t, i)}}' "$base/phases" | sort -k1,1 -s >"$base/rel"
echo "against the neighbouring phases without checkpoints: writes/s %, writes/cpu-s %, cpu share points,"
echo "extra minflt/s, frozen % of the phase; of the lost cpu share: waiting for a CPU (runq pts), asleep (sleep pts)"
echo "and asleep but not frozen (sleep-frozen pts); extra involuntary switches/s, extra TLB shootdowns/s"
echo "(mean median min max over the phases of each mode)"
for m in $modes; do
    for k in 2 3 4 5 6 7 8 9 10 11; do
        grep "^$m " "$base/rel" | cut -d' ' -f$k | sort -g |
            awk -v m="$m" -v k=$k 'BEGIN {split("x writes/s% writes/cpu-s% cpu-share-pts minflt/s frozen% runq-pts sleep-pts sleep-frozen-pts ivcsw/s tlb/s", h, " ")}
                {a[NR]=$1; t+=$1} END {printf "%-6s %-16s mean %8.2f median %8.2f min %8.2f max %8.2f (n=%d)\n",
                m, h[k], t/NR, (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR], NR}'
    done
done
