#!/usr/bin/env bash
# Benchmark: checkpoint and restore of nginx run as an application group (`cryo run`: init + a master + 2
# workers, 4 processes), serving a static page on a free loopback port: wall time of `cryo checkpoint NAME`
# (kill mode) and `cryo restore --detach NAME`, the freeze time, and the engine's phases (CRYO_TIMINGS=1).
# Median of RUNS runs, each with a fresh store and prefix under /var/tmp.
#
#   bench/nginx.sh            RUNS=5
# Needs nginx (Debian package nginx). Prints one line per run and a median line.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cryo=$repo/cryo
runs=${RUNS:-5}
command -v nginx >/dev/null || { echo "nginx.sh: nginx is missing (apt-get install nginx)" >&2; exit 1; }
base=$(mktemp -d /var/tmp/cryo-bench-nginx.XXXXXX)
chmod 755 "$base" # nginx's workers run as its unprivileged user
export CRYO_RUN_DIR=${CRYO_RUN_DIR:-$base/run}   # bench/daemon.sh gives its daemon one
"$cryo" --version >/dev/null   # builds if needed, outside the timings
export CRYO_NO_BUILD=1         # built now: no source scan by the launcher in the timings (~10 ms a command)
. "$repo/bench/common.sh"
serves() { python3 - "$1" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
data = b""
while chunk := s.recv(4096): data += chunk
sys.exit(0 if data.startswith(b"HTTP/1.1 200") and data.endswith(b"cryo bench\n") else 1)
PY
}

ck=(); rs=(); fz=()
for run in $(seq "$runs"); do
    export CRYO_STORE=$base/store-$run
    dir=$base/nginx-$run; mkdir -p "$dir/html"; chmod 755 "$dir" "$dir/html"
    echo "cryo bench" > "$dir/html/index.html"
    port=$(free_port)
    cat > "$dir/nginx.conf" <<CONF
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 64; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
    server { listen 127.0.0.1:$port; root $dir/html; }
}
CONF
    name=bench-nginx-$run
    "$cryo" run --detach --name "$name" -- nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" \
        -g 'daemon off; master_process on;' >/dev/null
    await "serves $port 2>/dev/null"
    t0=$(ms); out=$(CRYO_TIMINGS=1 "$cryo" checkpoint --json "$name" 2>"$base/ck-phases"); t1=$(ms)
    ck+=($((t1 - t0))); fz+=($(echo "$out" | json_field freeze_ms))
    t0=$(ms); CRYO_TIMINGS=1 "$cryo" restore --detach "$name" >/dev/null 2>"$base/rs-phases"; t1=$(ms)
    rs+=($((t1 - t0)))
    serves "$port" || echo "FAIL after restore: the page is not served"
    echo "run=$run checkpoint_ms=${ck[-1]} freeze_ms=${fz[-1]} restore_ms=${rs[-1]}"
    sed 's/^/  /' "$base/ck-phases" "$base/rs-phases"
    "$cryo" kill "$name" >/dev/null
done
echo "MEDIAN processes=4 checkpoint_ms=$(printf '%s\n' "${ck[@]}" | median) freeze_ms=$(printf '%s\n' "${fz[@]}" | median) restore_ms=$(printf '%s\n' "${rs[@]}" | median)"
rm -rf "$base"
