#!/usr/bin/env bash
# Smoke test of Examples/HummingbirdApp: builds it (a package of its own, scratch path Examples/HummingbirdApp/.build),
# starts it on a free loopback port, sends one HTTP request that pushes a job, and waits (at most 60 s) until the
# app's worker has run that job. The app is stopped by its pid (SIGTERM, so its service group shuts down gracefully).
#
#   bash scripts/smoke-hummingbird.sh
set -euo pipefail

cd "$(dirname "$0")/.."
# shellcheck source=lib/common.sh
source scripts/lib/common.sh

command -v curl >/dev/null 2>&1 || apt_install curl

app_dir=Examples/HummingbirdApp
log "swift build (in $app_dir)"
swift build --package-path "$app_dir" >&2
bin="$(swift build --package-path "$app_dir" --show-bin-path)/HummingbirdApp"

port=""
for _ in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 30000))
    port_in_use "$candidate" || { port="$candidate"; break; }
done
[[ -n "$port" ]] || die "no free loopback port found"

out="$(mktemp "${TMPDIR:-/tmp}/hummingbird-app.XXXXXX")"
"$bin" "$port" >"$out" 2>&1 &
app_pid=$!
stop_app() {
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    rm -f "$out"
}
on_exit stop_app

for _ in $(seq 1 100); do
    port_in_use "$port" && break
    kill -0 "$app_pid" 2>/dev/null || { cat "$out" >&2; die "the app exited before it listened"; }
    sleep 0.1
done
port_in_use "$port" || { cat "$out" >&2; die "the app did not listen on port $port within 10 s"; }

reply="$(curl --silent --show-error --max-time 10 -X POST "http://127.0.0.1:$port/welcome/42")"
log "POST /welcome/42 -> $reply"
[[ "$reply" == queued* ]] || die "unexpected reply: $reply"

for _ in $(seq 1 600); do
    grep -q "ran welcome 42" "$out" && { log "the worker ran the job"; exit 0; }
    sleep 0.1
done
cat "$out" >&2
die "the job did not run within 60 s"
