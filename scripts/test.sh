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

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

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
    redis_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-redis.XXXXXX")"
    local try port i
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 30000))
        port_in_use "$port" && continue
        redis-server --port "$port" --bind 127.0.0.1 --dir "$redis_dir" --save '' --appendonly no \
            --daemonize no --logfile "$redis_dir/redis.log" &
        redis_pid=$!
        # Wait up to 10 s for PING; give up on this port if the server exits (e.g. the port was taken meanwhile).
        for i in $(seq 1 100); do
            if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]; then
                export REDIS_URL="redis://127.0.0.1:$port"
                log "redis-server $(redis-server --version | awk '{print $3}') pid $redis_pid at $REDIS_URL"
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

if [[ -n "${REDIS_URL:-}" ]]; then
    log "using the Redis server at REDIS_URL=$REDIS_URL"
else
    start_redis
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
