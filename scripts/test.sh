#!/usr/bin/env bash
# Builds everything (tests included) with zero compiler warnings, then runs the test suite against a
# throw-away redis-server of its own.
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
#   3. `swift build --build-tests`; fails if the compiler printed a warning for this package's code
#      (lines about dependencies under .build/checkouts are ignored).
#   4. `swift test --skip-build` for every suite but FaultTests, then FaultTests on their own (with arguments:
#      `swift test --skip-build "$@"` instead).
#   On exit the redis-server it started (that pid only) is stopped and the temporary directory removed.
set -euo pipefail

cd "$(dirname "$0")/.."

# shellcheck source=lib/redis.sh
source scripts/lib/redis.sh

# --- Run ---------------------------------------------------------------------------------------------------

command -v swift >/dev/null 2>&1 || die "swift is not on PATH (Swift 6.1 or later is needed)"
install_missing

if [[ -n "${REDIS_URL:-}" ]]; then
    log "using the Redis server at REDIS_URL=$REDIS_URL"
else
    start_redis test-redis
    export REDIS_URL="$redis_url"
fi

log "swift build --build-tests"
build_log="$(mktemp "${TMPDIR:-/tmp}/deferrable-build.XXXXXX")"
status=0
swift build --build-tests 2>&1 | tee "$build_log" || status=$?
# Diagnostic lines only ("path:line:col: warning: …" or SwiftPM's "warning: …"), each once; not the
# indented source excerpts under them, and not dependencies.
warnings="$(grep -E '^([^[:space:]|].*: )?warning:' "$build_log" | grep -v '/\.build/checkouts/' | sort -u || true)"
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
    log "swift test --skip-build --skip FaultTests"
    swift test --skip-build --skip FaultTests
    log "swift test --skip-build --filter FaultTests"
    swift test --skip-build --filter FaultTests
fi
