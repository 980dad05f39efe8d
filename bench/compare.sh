#!/usr/bin/env bash
# A/B of two builds of cryo on the same machine at the same time (the machine is shared: alternating runs
# see the same load): wall time AND CPU time (user+sys) of `cryo checkpoint` and `cryo restore --detach`
# of workloads/counter01 with N MiB, for this checkout and for OTHER (another built checkout of cryo).
#   bench/compare.sh OTHER_REPO [SIZES_MIB...]      default 256 1024; RUNS=3
# Prints one line per run and build; medians per size and build at the end.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
other=$(cd "$1" && pwd)
shift
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(256 1024)
runs=${RUNS:-3}
base=$(mktemp -d /var/tmp/cryo-compare.XXXXXX)
trap 'rm -rf "$base"' EXIT
export CRYO_NO_BUILD=1
for r in "$repo" "$other"; do "$r/cryo" --version >/dev/null; done
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A results
echo "# $(date -u +%FT%TZ) this=$(git -C "$repo" rev-parse --short HEAD) other=$(git -C "$other" rev-parse --short HEAD 2>/dev/null || echo "$other") load $(cut -d' ' -f1-3 /proc/loadavg)"
for size in "${sizes[@]}"; do
    for run in $(seq "$runs"); do
        for r in "$repo" "$other"; do
            name=$([[ $r == "$repo" ]] && echo this || echo other)
            export CRYO_STORE=$base/store-$name-$size-$run
            log=$base/log-$name-$size-$run
            pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$log" -- "$repo/workloads/target/counter01" "$size")
            for _ in $(seq 600); do grep -q "tick 2 " "$log" && break; sleep 0.05; done
            ck=$( { /usr/bin/time -f "%e %U %S" "$r/cryo" checkpoint "$pid" >"$base/ck.out"; } 2>&1 | tail -1)
            id=$(tail -1 "$base/ck.out")
            for _ in $(seq 200); do [[ -e /proc/$pid ]] || break; sleep 0.02; done
            rs=$( { /usr/bin/time -f "%e %U %S" "$r/cryo" restore --detach "$id" >"$base/rs.out"; } 2>&1 | tail -1)
            rpid=$(tail -1 "$base/rs.out")
            kill -9 "$rpid" 2>/dev/null || true
            for _ in $(seq 200); do [[ -e /proc/$rpid ]] || break; sleep 0.02; done
            read -r cw cu cs <<<"$ck"
            read -r rw ru rsys <<<"$rs"
            ccpu=$(awk -v a="$cu" -v b="$cs" 'BEGIN {print a + b}')
            rcpu=$(awk -v a="$ru" -v b="$rsys" 'BEGIN {print a + b}')
            echo "size=${size}MiB run=$run build=$name checkpoint_wall=$cw checkpoint_cpu=$ccpu restore_wall=$rw restore_cpu=$rcpu"
            results[$name-$size-cw]+="$cw "; results[$name-$size-cc]+="$ccpu "
            results[$name-$size-rw]+="$rw "; results[$name-$size-rc]+="$rcpu "
            rm -rf "$CRYO_STORE" "$log"
        done
    done
    for name in this other; do
        m() { tr ' ' '\n' <<<"${results[$name-$size-$1]}" | grep . | median; }
        echo "MEDIAN size=${size}MiB build=$name checkpoint_wall=$(m cw) checkpoint_cpu=$(m cc) restore_wall=$(m rw) restore_cpu=$(m rc)"
    done
done
