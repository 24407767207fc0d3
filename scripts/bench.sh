#!/usr/bin/env bash
# Runs deferrable-bench (release build) on both backends against a throw-away redis-server of its own.
#
#   bash scripts/bench.sh                         # all phases, memory and Redis, default sizes
#   bash scripts/bench.sh --n 100000 --job incr   # extra arguments go to deferrable-bench
#
# What it does:
#   1. Installs redis-server (and libhiredis-dev, needed to build) with apt-get when they are missing
#      (Debian/Ubuntu; sudo is used only when not root). Elsewhere it says what to install and stops.
#   2. Starts `redis-server --save '' --appendonly no` on a free loopback port in a temporary directory and
#      waits until it answers PING.
#   3. `swift build -c release --product deferrable-bench` (scratch path .build-bench, or $BENCH_SCRATCH_PATH).
#   4. Runs the benchmark with --redis pointing at that server: JSON lines on stdout, the table on stderr.
#      With BENCH_OUTPUT=path the JSON lines are also written to that file.
#   On exit the redis-server it started (that pid only) is stopped and the temporary directory removed.
set -euo pipefail

cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

scratch="${BENCH_SCRATCH_PATH:-.build-bench}"

# --- 1. System packages ------------------------------------------------------------------------------------

have_hiredis() {
    if command -v dpkg-query >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' libhiredis-dev 2>/dev/null | grep -q 'install ok installed' && return 0
    fi
    local dir
    for dir in /usr/include /usr/local/include /opt/homebrew/include; do
        [[ -f "$dir/hiredis/hiredis.h" ]] && return 0
    done
    return 1
}

install_missing() {
    local missing=()
    command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
    have_hiredis || missing+=(libhiredis-dev)
    ((${#missing[@]} == 0)) && return 0

    command -v apt-get >/dev/null 2>&1 \
        || die "missing: ${missing[*]}. Install them (macOS: brew install redis hiredis) and run again."
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "missing: ${missing[*]}; not root and no sudo to install them"
        sudo=(sudo)
    fi
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# --- 2. A private redis-server -----------------------------------------------------------------------------

redis_pid=""
redis_dir=""
redis_url=""

cleanup() {
    if [[ -n "$redis_pid" ]]; then
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
    fi
    if [[ -n "$redis_dir" ]]; then
        rm -rf "$redis_dir"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_in_use() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_redis() {
    redis_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-bench-redis.XXXXXX")"
    local try port i
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 30000))
        port_in_use "$port" && continue
        redis-server --port "$port" --bind 127.0.0.1 --dir "$redis_dir" --save '' --appendonly no \
            --daemonize no --logfile "$redis_dir/redis.log" &
        redis_pid=$!
        for i in $(seq 1 100); do
            if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]; then
                redis_url="redis://127.0.0.1:$port"
                log "redis-server $(redis-server --version | awk '{print $3}') pid $redis_pid at $redis_url"
                return 0
            fi
            kill -0 "$redis_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=""
    done
    [[ -f "$redis_dir/redis.log" ]] && tail -n 20 "$redis_dir/redis.log" >&2
    die "could not start redis-server"
}

# --- Run ---------------------------------------------------------------------------------------------------

command -v swift >/dev/null 2>&1 || die "swift is not on PATH (Swift 6.1 or later is needed)"
install_missing

log "swift build -c release --product deferrable-bench --scratch-path $scratch"
swift build -c release --product deferrable-bench --scratch-path "$scratch" >&2
bin="$(swift build -c release --product deferrable-bench --scratch-path "$scratch" --show-bin-path)/deferrable-bench"

start_redis

log "$bin --redis $redis_url --backend both $*"
if [[ -n "${BENCH_OUTPUT:-}" ]]; then
    "$bin" --redis "$redis_url" --backend both "$@" | tee "$BENCH_OUTPUT"
else
    "$bin" --redis "$redis_url" --backend both "$@"
fi
