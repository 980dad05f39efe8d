#!/usr/bin/env bash
# Benchmark of the store alone (issue 4): write path (zero check, XXH3-128, dedup, compression, packs,
# fsync, commit) and read path (read, decompress, hash check) on synthetic pages in native memory, handed
# over the way the engine does (16 MiB slices). One JVM per mix, so the first pass is a cold start like a
# `cryo` command; the second pass shows the warmed-up rate.
#
#   bench/store-throughput.sh [MIB] [MIX...]     default: 1024 MiB, mixes random heap zero dup mixed
#   COMPRESSION=lz4|zstd|none (default lz4), PASSES=2, DIR=/var/tmp (stores on local disk)
# JVM options as the launcher's (C1 only); JAVA_OPTS adds more (e.g. -Dcryo.store.fsync=off, -Dcryo.store.trace=true,
# -Dbench.read=false for the write path alone; a profiler tells the passes by their thread, bench-passes).
# Mixes: random (incompressible), heap (small integers, pointers, counters: compresses ~2x), zero, dup (64
# distinct pages repeated), mixed (a quarter of each). Prints one line per pass (wall and CPU seconds).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=${1:-1024}
shift || true
mixes=("$@")
[[ ${#mixes[@]} -gt 0 ]] || mixes=(random heap zero dup mixed)
jdk=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME=$jdk PATH=$jdk/bin:$PATH
# the benchmark main lives with the store's tests; the jars are those the launcher runs
(cd "$repo" && mvn -q -o -B -pl cryo-store test-compile) >&2
[[ -d $repo/cryo-cli/target/lib ]] || { echo "build cryo first (./cryo --version)" >&2; exit 1; }
cp="$repo/cryo-store/target/test-classes:$repo/cryo-cli/target/lib/*"
base=$(mktemp -d "${DIR:-/var/tmp}/cryo-store-bench.XXXXXX")
trap 'rm -rf "$base"' EXIT
echo "# $(date -u +%FT%TZ) commit $(git -C "$repo" rev-parse --short HEAD) load $(cut -d' ' -f1-3 /proc/loadavg)"
for mix in "${mixes[@]}"; do
    "$jdk/bin/java" --enable-native-access=ALL-UNNAMED -XX:-UsePerfData -XX:TieredStopAtLevel=1 ${JAVA_OPTS:-} -cp "$cp" dev.cryo.store.StoreThroughput \
        "$mix" "$size" "${COMPRESSION:-lz4}" "$base/$mix" "${PASSES:-2}"
done
