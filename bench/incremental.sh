#!/usr/bin/env bash
# Benchmarks of incremental checkpoints (issue 6): workloads/dirtyrate01 (MIB MiB of touched anonymous memory,
# RATE random pages written a second; RATE 0 = a memory-bound loop that counts its writes).
#
#   bench/incremental.sh rate      1 GiB writing 1% of its pages a second; N=10 incrementals 1 s apart
#   bench/incremental.sh sizes     256 MiB, 1 GiB, 4 GiB at the same 2621 pages/s; 5 incrementals each
#   bench/incremental.sh hash      the fallback without a tracker (full walk, store dedup) against a tracked one
#   bench/incremental.sh overhead  memory-bound 1 GiB: writes/s alone, then with a checkpoint every 10 s and 60 s
#                                  (PHASES="EVERY SECS,..." to alternate; through bench/daemon.sh for warm ones)
#   bench/incremental.sh every     `cryo run --every 1s` (the supervisor's warm, in-process incrementals, which
#                                  hold every process's tracker in its JVM) at 256 MiB, 1 GiB and 4 GiB, 2621
#                                  pages/s; N=15 incrementals each, after the first (full) one; the first 5
#                                  incrementals (JIT warm-up) not counted
#   bench/incremental.sh every-overhead  memory-bound 1 GiB group: writes/s alone, with --every 10s, with --every 60s
#   bench/incremental.sh redis-overhead  redis-server (100k keys) as a group under redis-benchmark: requests/s
#                                  alone, with --every 10s, with --every 60s, alone again (SECS, SECS60)
#
# Stores under /var/tmp. Prints one line per checkpoint (freeze_ms, total_ms, wall ms, bytes stored, and the
# engine's memory phase from CRYO_TIMINGS) and medians; paste them into bench/RESULTS.md with the commit.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
"$cryo" --version >/dev/null
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
base=$(mktemp -d /var/tmp/cryo-bench-incr.XXXXXX)
export CRYO_STORE=$base/store
cleanup() { # the workloads this script started, by PID (start runs in a subshell: they are listed in a file)
    [[ -f $base/pids ]] && while read -r p; do kill -9 "$p" 2>/dev/null || true; done <"$base/pids"
    rm -rf "$base"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
field() { grep -o "\"$1\": *[0-9]*" | head -1 | grep -o '[0-9]*$'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

start() { # MIB RATE -> pid; waits for the first tick
    local log=$base/wl-$1-$2.log
    local pid; pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$log" -- "$repo/workloads/target/dirtyrate01" "$1" "$2")
    echo "$pid" >>"$base/pids"
    for _ in $(seq 1200); do grep -q "tick 1 " "$log" && break; sleep 0.05; done
    echo "$pid"
}

# one checkpoint; prints "freeze total wall stored memory_phase mode"
checkpoint() { # PID FLAGS...
    local pid=$1; shift
    local t0 t1 out
    t0=$(ms); out=$(CRYO_TIMINGS=1 "$cryo" checkpoint "$pid" --json "$@" 2>"$base/err"); t1=$(ms)
    # the engine's memory phase of the root process ("memory PID=12.3ms" since process trees)
    local mem; mem=$(grep -o 'memory [0-9]*=[0-9.]*' "$base/err" | head -1 | cut -d= -f2 || true)
    local mode; mode=$(echo "$out" | grep -o '"mode":"[a-z]*"' | cut -d'"' -f4)
    echo "$(echo "$out" | field freeze_ms) $(echo "$out" | field total_ms) $((t1 - t0)) $(echo "$out" | field bytes_stored) ${mem:-?} $mode"
}

series() { # LABEL PID COUNT INTERVAL_S
    local label=$1 pid=$2 n=$3 gap=$4 fz=() tt=() wl=() st=() mm=()
    checkpoint "$pid" --incremental --leave-running >/dev/null   # arms the tracker (a full checkpoint)
    for i in $(seq "$n"); do
        sleep "$gap"
        read -r f t w s m mode < <(checkpoint "$pid" --incremental --leave-running)
        echo "$label #$i mode=$mode freeze_ms=$f total_ms=$t wall_ms=$w bytes_stored=$s memory_phase_ms=$m"
        fz+=("$f"); tt+=("$t"); wl+=("$w"); st+=("$s"); mm+=("${m%.*}")
    done
    echo "MEDIAN $label freeze_ms=$(printf '%s\n' "${fz[@]}" | median) total_ms=$(printf '%s\n' "${tt[@]}" | median)" \
        "wall_ms=$(printf '%s\n' "${wl[@]}" | median) bytes_stored=$(printf '%s\n' "${st[@]}" | median)" \
        "memory_phase_ms=$(printf '%s\n' "${mm[@]}" | median)"
}

case "${1:-rate}" in
rate)
    pid=$(start 1024 2621)
    echo "1 GiB, 2621 pages/s (1%/s, 10.2 MiB/s); dirty between checkpoints ~ 10.2 MiB/s x (1 s + the checkpoint's own time)"
    series "1GiB-1%/s" "$pid" 10 1
    ;;
sizes)
    for size in 256 1024 4096; do
        pid=$(start "$size" 2621)
        series "${size}MiB-2621pages/s" "$pid" 5 1
        kill -9 "$pid"; rm -rf "$CRYO_STORE"
    done
    ;;
hash)
    pid=$(start 1024 2621)
    series "tracked" "$pid" 5 1
    for i in 1 2 3; do
        keeper=$(grep keeper_pid "/run/cryo/track/$pid" | cut -d= -f2)
        kill "$keeper"; sleep 1
        read -r f t w s m mode < <(checkpoint "$pid" --incremental --leave-running)
        echo "hash-fallback #$i mode=$mode freeze_ms=$f total_ms=$t wall_ms=$w bytes_stored=$s memory_phase_ms=$m"
    done
    ;;
overhead)
    pid=$(start 1024 0)
    log=$base/wl-1024-0.log
    rate() { # ticks from line $1 on -> mean writes per second
        tail -n +"$1" "$log" | grep -o 'writes=[0-9]* ns=[0-9]*' | awk -F'[= ]' '{w+=$2; n+=$4} END {printf "%.0f", w / (n / 1e9)}'
    }
    # PHASES: "EVERY SECS" pairs, comma-separated; alternating short phases on this one process cancel the
    # machine's slow drift (e.g. PHASES="none 60,10 60,none 60,10 60,none 60,10 60,none 60")
    IFS=, read -ra phases <<<"${PHASES:-none 120,10 120,60 180,none 120}"
    for phase in "${phases[@]}"; do
        read -r every secs <<<"$phase"
        from=$(($(wc -l <"$log") + 1))
        end=$(( $(date +%s) + secs )); n=0
        if [[ $every != none ]]; then checkpoint "$pid" --incremental --leave-running >/dev/null; fi
        while [[ $(date +%s) -lt $end ]]; do
            if [[ $every == none ]]; then sleep 1; continue; fi
            sleep "$every"; [[ $(date +%s) -lt $end ]] || break
            checkpoint "$pid" --incremental --leave-running >/dev/null; n=$((n + 1))
        done
        echo "every=$every for ${secs}s: $n incremental checkpoints, writes/s=$(rate "$from")"
        [[ $every == none ]] || { keeper=$(grep keeper_pid "/run/cryo/track/$pid" | cut -d= -f2); kill "$keeper"; }
    done
    ;;
every)
    export CRYO_RUN_DIR=$base/run
    for size in ${SIZES:-256 1024 4096}; do
        name=bench-every-$size
        CRYO_TIMINGS=1 "$cryo" run --detach --name "$name" --every 1s --keep 3 -- \
            "$repo/workloads/target/dirtyrate01" "$size" 2621 >/dev/null
        sup=$CRYO_RUN_DIR/groups/$name/supervisor.log
        for _ in $(seq 1200); do
            [[ $(grep -c "incremental, frozen" "$sup" 2>/dev/null) -ge ${N:-15} ]] && break; sleep 0.5
        done
        "$cryo" kill "$name" >/dev/null
        # "cryo: checkpoint of NAME: ID (incremental, frozen F ms, T ms in all)", and the engine's timings line
        grep "incremental, frozen" "$sup" | tail -n +6 | sed -E 's/.*frozen ([0-9]+) ms, ([0-9]+) ms in all.*/\1 \2/' \
            >"$base/every-$size"
        grep "cryo: timings: checkpoint" "$sup" | tail -n 3 | sed "s/^/$size MiB: /"
        echo "MEDIAN every-1s ${size}MiB ($(wc -l <"$base/every-$size") warm incrementals)" \
            "freeze_ms=$(cut -d' ' -f1 "$base/every-$size" | median) total_ms=$(cut -d' ' -f2 "$base/every-$size" | median)" \
            "freeze_range=$(cut -d' ' -f1 "$base/every-$size" | sort -n | sed -n '1p;$p' | paste -sd-) load=$(cut -d' ' -f1 /proc/loadavg)"
        "$cryo" ls --json "$name" | grep -o '"bytes_added":[0-9]*' | tail -n 2 | sed "s/^/$size MiB: /"
        rm -rf "$CRYO_STORE"
    done
    ;;
every-overhead)
    export CRYO_RUN_DIR=$base/run
    for every in none 10s 60s none; do
        name=bench-ovh-$every-$RANDOM
        secs=${SECS:-120}; [[ $every == 60s ]] && secs=${SECS60:-180}
        args=(); [[ $every == none ]] || args=(--every "$every" --keep 2)
        "$cryo" run --detach --name "$name" "${args[@]}" -- "$repo/workloads/target/dirtyrate01" 1024 0 >/dev/null
        log=$CRYO_RUN_DIR/groups/$name/log
        sleep "$secs"
        n=$(grep -c "checkpoint of" "$CRYO_RUN_DIR/groups/$name/supervisor.log" 2>/dev/null || true)
        "$cryo" kill "$name" >/dev/null
        # skip the first 5 ticks (start-up: the 1 GiB being touched)
        w=$(tail -n +6 "$log" | grep -o 'writes=[0-9]* ns=[0-9]*' | awk -F'[= ]' '{w+=$2; n+=$4} END {printf "%.0f", w / (n / 1e9)}')
        echo "every=$every for ${secs}s: ${n:-0} checkpoints, writes/s=$w load=$(cut -d' ' -f1 /proc/loadavg)"
        rm -rf "$CRYO_STORE"
    done
    ;;
redis-overhead)
    # redis-server with 100k keys as a group; redis-benchmark (SET and GET of random keys, pipelined) against it
    # for SECS seconds, alone, with --every 10s, with --every 60s (SECS60), alone again: requests a second
    export CRYO_RUN_DIR=$base/run
    command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark (Debian package redis-tools)" >&2; exit 1; }
    for every in none 10s 60s none; do
        name=bench-rovh-$every-$RANDOM
        port=$((20000 + RANDOM % 20000))
        secs=${SECS:-120}; [[ $every == 60s ]] && secs=${SECS60:-180}
        args=(); [[ $every == none ]] || args=(--every "$every" --keep 2)
        "$cryo" run --detach --name "$name" "${args[@]}" -- redis-server --port "$port" --save "" --appendonly no \
            --bind 127.0.0.1 >/dev/null
        for _ in $(seq 200); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
        for i in $(seq 1 100000); do echo "SET key:$i value:$i"; done | redis-cli -p "$port" --pipe >/dev/null
        reqs=0; t0=$(ms)
        while (( $(ms) - t0 < secs * 1000 )); do
            redis-benchmark -p "$port" -t set,get -r 100000 -n 100000 -P 8 -q >/dev/null
            reqs=$((reqs + 200000))
        done
        t1=$(ms)
        slog=$CRYO_RUN_DIR/groups/$name/supervisor.log
        n=$(grep -c "checkpoint of .*: [0-9a-f]\{32\}" "$slog" 2>/dev/null || true)
        failed=$(grep -c "failed:" "$slog" 2>/dev/null || true)
        "$cryo" kill "$name" >/dev/null
        echo "redis every=$every for $(( (t1 - t0) / 1000 ))s: ${n:-0} checkpoints (${failed:-0} failed), requests/s=$(( reqs * 1000 / (t1 - t0) )) load=$(cut -d' ' -f1 /proc/loadavg)"
        # a failed checkpoint (e.g. connections waiting in the accept queue at that instant): say why
        [[ ${failed:-0} -gt 0 ]] && grep -m1 "failed:" "$slog" >&2
        rm -rf "$CRYO_STORE"
    done
    ;;
*) echo "usage: bench/incremental.sh rate|sizes|hash|overhead|every|every-overhead|redis-overhead" >&2; exit 2 ;;
esac
