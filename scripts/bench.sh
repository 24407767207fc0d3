#!/usr/bin/env bash
# Runs deferrable-bench (release build) on memory and Redis against a throw-away redis-server of its own, with
# `--backend postgres` on PostgreSQL against a throw-away cluster of its own, or with `--backend sqs` on SQS against a
# moto emulator of its own.
#
#   bash scripts/bench.sh                         # all phases, memory and Redis, default sizes
#   bash scripts/bench.sh --n 100000 --job incr   # extra arguments go to deferrable-bench
#   bash scripts/bench.sh --backend postgres      # all phases on PostgreSQL, with the pgbench reference
#   bash scripts/bench.sh --backend sqs --n 300 --phases enqueue-single,enqueue-bulk,drain   # SQS on moto
#
# What it does:
#   1. Installs redis-server (and libhiredis-dev, needed to build) with apt-get when they are missing
#      (Debian/Ubuntu; sudo is used only when not root). Elsewhere it says what to install and stops.
#   2. Starts `redis-server --save '' --appendonly no` on a free loopback port in a temporary directory and
#      waits until it answers PING. With `--backend postgres` instead: installs PostgreSQL with apt-get when
#      initdb/pg_ctl/pgbench are missing and starts a cluster (scripts/lib/postgres.sh: initdb in a temporary
#      directory, pg_ctl on a free loopback port, fsync off, database deferrable_test). With `--backend sqs`:
#      installs moto's server with pip when it is missing or not the pinned version and starts it on a free
#      loopback port (scripts/lib/sqs.sh), with throw-away AWS credentials (the emulator checks none).
#   3. `swift build -c release --product deferrable-bench` (scratch path .build-bench, or $BENCH_SCRATCH_PATH).
#   4. Runs the benchmark with --redis (or --postgres, or --sqs-endpoint) pointing at that server: JSON lines on stdout, the table on
#      stderr. With BENCH_OUTPUT=path the JSON lines are also written to that file.
#   On exit the server it started (that pid only) is stopped and the temporary directory removed.
set -euo pipefail

cd "$(dirname "$0")/.."

# shellcheck source=lib/redis.sh
source scripts/lib/redis.sh
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/sqs.sh
source scripts/lib/sqs.sh

# `--backend postgres` (or `--backend=postgres`) among the arguments selects PostgreSQL, `--backend sqs` SQS.
on_postgres=0
on_sqs=0
previous=""
for argument in "$@"; do
    [[ "$previous" == "--backend" && "$argument" == "postgres" || "$argument" == "--backend=postgres" ]] && on_postgres=1
    [[ "$previous" == "--backend" && "$argument" == "sqs" || "$argument" == "--backend=sqs" ]] && on_sqs=1
    previous="$argument"
done

scratch="${BENCH_SCRATCH_PATH:-.build-bench}"

# --- Run ---------------------------------------------------------------------------------------------------

command -v swift >/dev/null 2>&1 || die "swift is not on PATH (Swift 6.1 or later is needed)"
install_missing
((on_postgres)) && install_postgres
((on_sqs)) && install_moto

log "swift build -c release --product deferrable-bench --scratch-path $scratch"
swift build -c release --product deferrable-bench --scratch-path "$scratch" >&2
bin="$(swift build -c release --product deferrable-bench --scratch-path "$scratch" --show-bin-path)/deferrable-bench"

if ((on_postgres)); then
    start_postgres bench-postgres
    arguments=(--postgres "$postgres_url" "$@")
elif ((on_sqs)); then
    start_moto bench-moto
    export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
    arguments=(--sqs-endpoint "$sqs_endpoint" "$@")
else
    start_redis bench-redis
    arguments=(--redis "$redis_url" --backend both "$@")
fi

log "$bin ${arguments[*]}"
if [[ -n "${BENCH_OUTPUT:-}" ]]; then
    "$bin" "${arguments[@]}" | tee "$BENCH_OUTPUT"
else
    "$bin" "${arguments[@]}"
fi
