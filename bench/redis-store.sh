#!/usr/bin/env bash
# redis-server with 100k keys: what one checkpoint stores, against CRIU 4.2's 12.9 MB of raw images for the
# same setup (issue 4, item 4). redis-server holds a listening TCP socket, which cryo refuses until socket
# support lands (another branch); until then this script stops at the checkpoint's error.
#   bench/redis-store.sh [KEYS]      (needs redis-server and redis-cli: apt-get install redis-server)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
keys=${1:-100000}
command -v redis-server >/dev/null && command -v redis-cli >/dev/null || { echo "needs redis-server and redis-cli" >&2; exit 1; }
"$cryo" --version >/dev/null
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
base=$(mktemp -d /var/tmp/cryo-redis.XXXXXX)
port=$((20000 + RANDOM % 20000))
pid=
cleanup() {
    [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
    rm -rf "$base"
}
trap cleanup EXIT
export CRYO_STORE=$base/store
pid=$("$repo/cryo-helper/target/cryo-helper" spawn "$base/redis.log" -- redis-server --port "$port" \
    --save '' --appendonly no --dir "$base")
for _ in $(seq 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
# 100k keys of 100 bytes each, like the CRIU measurement
redis-cli -p "$port" eval "for i=1,$keys do redis.call('set','key:'..i,string.rep('v',100)) end return 1" 0 >/dev/null
echo "redis pid $pid: $(redis-cli -p "$port" dbsize) keys, used_memory $(redis-cli -p "$port" info memory | grep '^used_memory:' | tr -d '\r')"
for c in lz4 zstd; do
    rm -rf "$CRYO_STORE"
    if out=$("$cryo" checkpoint --leave-running --json --compress "$c" "$pid" 2>&1); then
        echo "RESULT redis $keys keys, $c: $out"
    else
        echo "RESULT redis $keys keys, $c: checkpoint refused: $out"
    fi
done
