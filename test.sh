#!/usr/bin/env bash
# Sets up and runs Cryo's whole test suite: unit tests of every module, then the integration tests,
# which checkpoint and restore real processes on this machine's kernel (they need root: ptrace of
# any process, clone3 with a chosen PID).
#
#   ./test.sh                 everything
#   ./test.sh -Dtest=FilesIT  any extra Maven arguments (e.g. one test class; add -Dsurefire.failIfNoSpecifiedTests=false)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$repo"

say() { printf 'test.sh: %s\n' "$*" >&2; }

# Debian packages the build and the tests need (installed only when missing; needs root).
need_pkgs=()
for tool_pkg in mvn:maven gcc:gcc make:make python3:python3 redis-server:redis-server nginx:nginx; do
    command -v "${tool_pkg%%:*}" >/dev/null || need_pkgs+=("${tool_pkg#*:}")
done
[[ -f /usr/lib/x86_64-linux-gnu/libc.a ]] || need_pkgs+=(libc6-dev)
if ((${#need_pkgs[@]})); then
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
        say "installing ${need_pkgs[*]}"
        apt-get update -q >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >&2
    else
        say "missing: ${need_pkgs[*]} (install them, e.g. sudo apt-get install ${need_pkgs[*]})"
        exit 1
    fi
fi

jdk=/usr/lib/jvm/temurin-25-jdk-amd64
[[ -x $jdk/bin/java ]] || jdk=${JAVA_HOME:-}
if [[ -z $jdk || ! -x $jdk/bin/java ]]; then
    say "needs JDK 25 (expected at /usr/lib/jvm/temurin-25-jdk-amd64, or set JAVA_HOME)"
    exit 1
fi
export JAVA_HOME=$jdk PATH=$jdk/bin:$PATH
# Maven 3.8 itself calls sun.misc.Unsafe: quiet the JDK 25 warning about it.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

if [[ $EUID -ne 0 ]]; then
    say "not root: running unit tests only (the integration tests need root)"
    exec mvn -B install -DskipITs=true "$@"
fi
exec mvn -B install "$@"
