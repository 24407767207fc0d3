#!/usr/bin/env bash
# Real-browser test of the dashboard: headless Chromium driven by Selenium (Tests/Browser/dashboard_test.py).
#
#   bash scripts/browser-test.sh
#
# What it does:
#   1. Installs what is missing: redis-server and libhiredis-dev (scripts/lib/redis.sh), chromium and
#      chromium-driver with apt-get, selenium 4.51.0 with pip.
#   2. Starts a throw-away redis-server on a free loopback port, builds `deferrable` and `deferrable-fault-worker`.
#   3. Seeds a group's error queue: pushes 3 jobs and runs them with a worker whose every run fails.
#   4. Starts a worker process (a `Worker` with heartbeats) that runs the group's jobs, and `deferrable web --allow-actions` on a free loopback port.
#   5. Runs the Selenium script: overview → error queue → entry → requeue, waits (bounded) until the entry has left
#      the error queue and the job ran, visits the tasks, workers, queue and metrics pages; a screenshot of every
#      page goes to .build/dashboard-screenshots/, and the test fails if a page shows an error.
#   On exit it stops exactly the processes it started (by pid) and removes its temporary directory.
set -euo pipefail

cd "$(dirname "$0")/.."

# shellcheck source=lib/redis.sh
source scripts/lib/redis.sh

install_browser() {
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
    if ((${#missing[@]} > 0)); then
        command -v apt-get >/dev/null 2>&1 || die "missing: ${missing[*]} (install Chromium and its WebDriver)"
        local sudo=()
        [[ "$(id -u)" -ne 0 ]] && sudo=(sudo)
        log "installing ${missing[*]}"
        "${sudo[@]}" apt-get update -qq
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
    if ! python3 -c 'import selenium' >/dev/null 2>&1; then
        log "installing selenium 4.51.0 (pip)"
        python3 -m pip install -q 'selenium==4.51.0'
    fi
}

command -v swift >/dev/null 2>&1 || die "swift is not on PATH"
command -v python3 >/dev/null 2>&1 || die "python3 is not on PATH"
install_missing
install_browser

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-browser.XXXXXX")"
worker_pid=""
web_pid=""
stop_all() {
    local pid
    for pid in "$web_pid" "$worker_pid"; do
        if [[ -n "$pid" ]]; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$work_dir"
    cleanup
}
trap stop_all EXIT

start_redis browser-redis

log "swift build --product deferrable / deferrable-fault-worker"
swift build --product deferrable
swift build --product deferrable-fault-worker
bin="$(swift build --show-bin-path)"

group="browser-$RANDOM$RANDOM"
shots=".build/dashboard-screenshots"
rm -rf "$shots"
mkdir -p "$shots"

log "seeding the error queue of $group"
timeout 60 "$bin/deferrable-fault-worker" --redis "$redis_url" --group "$group" --mode produce --count 3 \
    --max-attempts 1 --out "$work_dir/pushed"
timeout 60 "$bin/deferrable-fault-worker" --redis "$redis_url" --group "$group" --mode fail-every-job --count 3 \
    --concurrency 1 --sleep-ms 0 --max-attempts 1 --max-seconds 60 --out "$work_dir/failed"
errors="$("$bin/deferrable" stats "$group" --json --redis "$redis_url" | python3 -c 'import json,sys; v=json.load(sys.stdin); v=v[0] if isinstance(v,list) else v; print(v["errors"])')"
[[ "$errors" == "3" ]] || die "expected 3 error-queue entries after seeding, found $errors"

log "starting a worker and the dashboard"
"$bin/deferrable-fault-worker" --redis "$redis_url" --group "$group" --mode worker --concurrency 2 --sleep-ms 0 \
    --max-seconds 600 --out "$work_dir/ran" 2>"$work_dir/worker.log" &
worker_pid=$!
"$bin/deferrable" web --redis "$redis_url" --port 0 --allow-actions --refresh 0 >"$work_dir/web.out" 2>"$work_dir/web.err" &
web_pid=$!
url=""
for _ in $(seq 1 300); do
    url="$(grep -o 'http://127.0.0.1:[0-9]*/' "$work_dir/web.out" 2>/dev/null | head -n 1 || true)"
    [[ -n "$url" ]] && break
    kill -0 "$web_pid" 2>/dev/null || { cat "$work_dir/web.err" >&2; die "deferrable web exited"; }
    sleep 0.1
done
[[ -n "$url" ]] || die "deferrable web did not report its address within 30 s"
log "dashboard at $url"

touch "$work_dir/ran"
timeout 180 python3 Tests/Browser/dashboard_test.py --url "$url" --group "$group" --ran-file "$work_dir/ran" \
    --screenshots "$shots"
log "browser test passed; screenshots in $shots"
