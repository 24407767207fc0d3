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

# shellcheck source=lib/redis.sh
source scripts/lib/redis.sh

scratch="${BENCH_SCRATCH_PATH:-.build-bench}"

# --- Run ---------------------------------------------------------------------------------------------------

command -v swift >/dev/null 2>&1 || die "swift is not on PATH (Swift 6.1 or later is needed)"
install_missing

log "swift build -c release --product deferrable-bench --scratch-path $scratch"
swift build -c release --product deferrable-bench --scratch-path "$scratch" >&2
bin="$(swift build -c release --product deferrable-bench --scratch-path "$scratch" --show-bin-path)/deferrable-bench"

start_redis bench-redis

log "$bin --redis $redis_url --backend both $*"
if [[ -n "${BENCH_OUTPUT:-}" ]]; then
    "$bin" --redis "$redis_url" --backend both "$@" | tee "$BENCH_OUTPUT"
else
    "$bin" --redis "$redis_url" --backend both "$@"
fi
