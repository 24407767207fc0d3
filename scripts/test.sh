#!/usr/bin/env bash
# Builds everything (tests included) with zero compiler warnings, then runs the test suite against a
# throw-away redis-server and a throw-away PostgreSQL cluster of its own.
#
#   bash scripts/test.sh                      # everything
#   bash scripts/test.sh --filter RetryTests  # extra arguments go to `swift test`
#
# What it does:
#   1. Installs redis-server and libhiredis-dev with apt-get when they are missing (Debian/Ubuntu; sudo is
#      used only when not root). Elsewhere it says what to install and stops.
#   2. Starts redis-server on a free loopback port in a temporary directory (no persistence), waits until it
#      answers PING, and exports REDIS_URL=redis://127.0.0.1:PORT. If REDIS_URL is already set, that server
#      is used instead and nothing is started.
#   2b. Starts a 3-primary Redis Cluster on free loopback ports (three redis-server nodes in cluster mode, joined
#      with redis-cli --cluster create), waits for cluster_state:ok and exports
#      REDIS_CLUSTER_URL=redis+cluster://127.0.0.1:P1,127.0.0.1:P2; the shared behaviour, debounce and worker
#      suites, the CLI and dashboard suites, the fault suites that take REDIS_URL and the demo run against it too,
#      each in a stage of its own. If REDIS_CLUSTER_URL is already set, that cluster is used.
#   3. Installs PostgreSQL with apt-get when initdb/pg_ctl are missing and exports POSTGRES_BIN_DIR (its bin
#      directory; fault tests start clusters of their own from it). Creates a cluster in a temporary directory
#      (initdb as the `postgres` user when root; trust authentication on loopback; fsync off), starts it with
#      pg_ctl on a free loopback port with its socket in that directory, waits for pg_isready, creates the
#      database deferrable_test and exports POSTGRES_URL=postgres://postgres@127.0.0.1:PORT/deferrable_test.
#      If POSTGRES_URL is already set, that server is used instead and nothing is started.
#   3a. Installs moto's server with pip when moto_server is missing (scripts/requirements-sqs.txt), starts it on a
#      free loopback port and exports SQS_ENDPOINT=http://127.0.0.1:PORT (the SQS tests' emulator). If SQS_ENDPOINT
#      is already set, that endpoint is used instead and nothing is started.
#   3b. Runs at most 16 tests at a time (SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH, unless set), and the
#      fault suites at most 4 at a time (FAULT_TEST_PARALLELIZATION_WIDTH, unless set).
#   4. `swift build --build-tests`; fails if the compiler printed a warning for this package's code
#      (lines about dependencies under .build/checkouts are ignored).
#   5. `swift test --skip-build` for every suite but FaultTests, CLITests, DashboardTests and DelayedStartTests,
#      then DelayedStartTests alone (it measures wake-up lateness), then the shared suites on the Redis Cluster,
#      then CLITests and DashboardTests, then those and the fault suites that take REDIS_URL on the cluster, then
#      FaultTests on their own, then the demo (built with its Redis trait in .build-demo) on the server and on
#      the cluster, then
#      scripts/browser-test.sh (the dashboard in headless Chromium; with arguments: only
#      `swift test --skip-build "$@"` instead).
#   On exit the redis-server, the cluster nodes, moto_server and the PostgreSQL server it started (those pids only) are stopped and their
#   temporary directories removed.
set -euo pipefail

cd "$(dirname "$0")/.."

# shellcheck source=lib/redis.sh
source scripts/lib/redis.sh
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
# shellcheck source=lib/sqs.sh
source scripts/lib/sqs.sh

# --- Run ---------------------------------------------------------------------------------------------------

command -v swift >/dev/null 2>&1 || die "swift is not on PATH (Swift 6.1 or later is needed)"
# Swift Testing starts every test of a run at once by default; hundreds of tests that connect, start servers and
# push jobs at the same moment queue so much work on the cooperative pool (one thread per core) that a timer due
# in 100 ms fires seconds late, and time bounds fail that have nothing to do with the code under test. At most 16
# tests run at a time (set the variable yourself to change it).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-16}"
# The fault suites start worker, producer and server processes and bound each fault in time: on two cores, 16 of
# them at once starve each other's processes past those bounds, so they run at most 4 at a time.
fault_width="${FAULT_TEST_PARALLELIZATION_WIDTH:-4}"
install_missing

if [[ -n "${REDIS_URL:-}" ]]; then
    log "using the Redis server at REDIS_URL=$REDIS_URL"
else
    start_redis test-redis
    export REDIS_URL="$redis_url"
fi

if [[ -n "${REDIS_CLUSTER_URL:-}" ]]; then
    log "using the Redis Cluster at REDIS_CLUSTER_URL=$REDIS_CLUSTER_URL"
else
    start_redis_cluster test-redis-cluster
    export REDIS_CLUSTER_URL="$redis_cluster_url"
fi

install_postgres
if [[ -n "${POSTGRES_URL:-}" ]]; then
    log "using the PostgreSQL server at POSTGRES_URL=$POSTGRES_URL"
else
    start_postgres test-postgres
    export POSTGRES_URL="$postgres_url"
fi

if [[ -n "${SQS_ENDPOINT:-}" ]]; then
    log "using the SQS endpoint at SQS_ENDPOINT=$SQS_ENDPOINT"
else
    install_moto
    start_moto test-moto
    export SQS_ENDPOINT="$sqs_endpoint"
fi

log "swift build --build-tests"
build_log="$(mktemp "${TMPDIR:-/tmp}/deferrable-build.XXXXXX")"
status=0
swift build --build-tests 2>&1 | tee "$build_log" || status=$?
# Diagnostic lines only ("path:line:col: warning: …" or SwiftPM's "warning: …"), each once; not the
# indented source excerpts under them, and not dependencies.
# SwiftPM's own notes about files a dependency's manifest leaves undeclared are about that package, not this one.
warnings="$(grep -E '^([^[:space:]|].*: )?warning:' "$build_log" | grep -v '/\.build/checkouts/' \
    | grep -vE "^warning: '[^']+': found [0-9]+ file\(s\) which are unhandled" | sort -u || true)"
rm -f "$build_log"
((status == 0)) || die "the build failed"
if [[ -n "$warnings" ]]; then
    printf '%s\n' "$warnings" >&2
    die "the build printed $(printf '%s\n' "$warnings" | wc -l) warning(s); this package builds with zero warnings"
fi

if (($# > 0)); then
    log "swift test --skip-build $*"
    swift test --skip-build "$@"
else
    # The fault/load suite saturates both cores (worker processes, Redis restarts, a 20k-job soak); it runs on
    # its own so that the timing bounds of the other suites are not measured on a starved machine.
    # The suites that start processes and servers of their own (the CLI, the dashboard) run after the others, so
    # that the timing bounds of the core suites are not measured beside them.
    # The Redis Cluster has stages of its own (below), so that the suites of the first stage do not share the
    # machine with a second copy of themselves.
    log "swift test --skip-build --skip FaultTests --skip CLITests --skip DashboardTests --skip DelayedStartTests"
    env -u REDIS_CLUSTER_URL \
        swift test --skip-build --skip FaultTests --skip CLITests --skip DashboardTests --skip DelayedStartTests
    # Measures how late a job starts against a timer of the test process: alone, so that the other suites'
    # load on the machine does not delay the consumer's wake-ups by hundreds of milliseconds.
    log "swift test --skip-build --filter DelayedStartTests"
    env -u REDIS_CLUSTER_URL swift test --skip-build --filter DelayedStartTests
    # The shared behaviour, debounce and worker suites with the cluster as their only server backend.
    log "on the Redis Cluster: swift test --skip-build --filter BackendBehaviourTests --filter DebounceTests --filter WorkerTests --filter ClusterClientTests"
    env -u REDIS_URL -u POSTGRES_URL -u SQS_ENDPOINT swift test --skip-build --filter BackendBehaviourTests --filter DebounceTests \
        --filter WorkerTests --filter ClusterClientTests --skip DelayedStartTests
    log "swift test --skip-build --filter CLITests --filter DashboardTests"
    env -u REDIS_CLUSTER_URL swift test --skip-build --filter CLITests --filter DashboardTests
    # The CLI, the dashboard and the fault suites that take REDIS_URL, with the cluster as REDIS_URL (the load
    # suites, the 100,000-wait result race and the soak, run on the single server only).
    log "on the Redis Cluster: the CLI, dashboard and fault suites that take REDIS_URL"
    env -u POSTGRES_URL -u REDIS_CLUSTER_URL REDIS_URL="$REDIS_CLUSTER_URL" \
        SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$fault_width" swift test --skip-build \
        --filter CLITests --filter DashboardRedisTests --filter BadInputTests --filter EnvelopeFuzzConsumerTests \
        --filter SecurityTests --filter StatisticsFaultTests --filter WorkerHeartbeatFaultTests \
        --filter WorkerProcessFaultTests
    log "swift test --skip-build --filter FaultTests"
    env -u REDIS_CLUSTER_URL SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$fault_width" \
        swift test --skip-build --filter FaultTests
    # The demo on Redis, built with its Redis trait in a build directory of its own: to the end, on the server
    # and on the cluster.
    log "swift build --traits Redis --product deferrable-demo --scratch-path .build-demo"
    swift build --traits Redis --product deferrable-demo --scratch-path .build-demo
    for url in "$REDIS_URL" "$REDIS_CLUSTER_URL"; do
        log "deferrable-demo --redis $url"
        demo_output="$(timeout --kill-after=10 120 .build-demo/debug/deferrable-demo --redis "$url")" \
            || die "the demo failed on $url"
        grep -q "^Stats: available 0, in flight 0, delayed 0, errors 1$" <<<"$demo_output" \
            || { printf '%s\n' "$demo_output" >&2; die "the demo on $url did not end with every job settled"; }
    done
    # The dashboard in a real browser (installs chromium, chromium-driver and selenium when missing).
    log "bash scripts/browser-test.sh"
    timeout --kill-after=30 900 bash scripts/browser-test.sh
fi
