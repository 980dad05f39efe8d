#!/usr/bin/env bash
# Does a nice-19 thread in another session take CPU from an application? (autogroups: yes, as much as the
# application.) dirtyrate01 256 0 and a busy loop pinned to CPU 1, each in its own session, 13 s per step:
# no loop, the loop at nice 19 in its own autogroup, the loop at nice 19 in a cpu cgroup of cpu.shares 15.
# Prints the workload's CPU share and run-queue wait and the loop's CPU share. Needs cgroup v1's cpu hierarchy.
set -u
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
g=/sys/fs/cgroup/cpu/cryo-background-nice19
mkdir -p "$g" && echo 15 >"$g/cpu.shares"
log=$(mktemp /tmp/autogroup-nice.XXXXXX)
setsid taskset -c 1 "$repo/workloads/target/dirtyrate01" 256 0 >"$log" 2>&1 </dev/null & wpid=$!
trap 'kill "$wpid" 2>/dev/null; rm -f "$log"' EXIT
sleep 3
for round in 1 2 3; do
    for mode in none autogroup cgroup; do
        hog=
        if [[ $mode != none ]]; then
            join=; [[ $mode == cgroup ]] && join="echo 0 > $g/tasks;"
            setsid taskset -c 1 nice -n 19 sh -c "$join while :; do :; done" </dev/null >/dev/null 2>&1 & hog=$!
        fi
        sleep 1; from=$(($(wc -l <"$log") + 1)); sleep 12; to=$(wc -l <"$log")
        hc=0; [[ -n $hog ]] && { hc=$(awk '{print $14 + $15}' "/proc/$hog/stat"); kill "$hog"; }
        sed -n "${from},${to}p" "$log" | grep -o 'writes=.*' | tr '=' ' ' |
            awk -v m=$mode -v hc="$hc" -v l="$(cut -d' ' -f1 /proc/loadavg)" '{w += $2; ns += $4; c += $6; q += $10}
                END {printf "%-10s %6.2f Mwrites/s  cpu %5.1f%%  runq %5.1f%%  loop cpu %5.1f%%  load %s\n",
                     m, w / ns * 1e3, 100 * c / ns, 100 * q / ns, hc / 13, l}'
    done
done
