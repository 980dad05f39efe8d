# Shell helpers the server benchmarks share (sourced, not run).
ms() { echo $(( $(date +%s%N) / 1000000 )); }
json_field() { grep -o "\"$1\": *[0-9]*" | head -1 | grep -o '[0-9]*$'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Waits (up to 30 s) until the shell condition $1 holds.
await() { for _ in $(seq 600); do eval "$1" && return 0; sleep 0.05; done; echo "timed out: $1" >&2; return 1; }
