# Shared by scripts/test.sh and scripts/bench.sh (source it; it is not run on its own):
#   install_missing   installs redis-server/redis-cli, redis-sentinel, libhiredis-dev and openssl (the TLS tests'
#                     certificates) with apt-get when missing
#   start_redis NAME  starts a throw-away redis-server (no persistence) on a free loopback port in a temporary
#                     directory, waits for PING and sets redis_url / redis_pid; an EXIT trap stops exactly that
#                     pid and removes the directory.
#   start_redis_cluster NAME
#                     starts three throw-away redis-server nodes with cluster mode on, on free loopback ports,
#                     joins them as a 3-primary cluster (redis-cli --cluster create), waits until every node reports
#                     cluster_state:ok and sets redis_cluster_url; the EXIT trap stops exactly those pids.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

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
    command -v redis-sentinel >/dev/null 2>&1 || missing+=(redis-sentinel)
    have_hiredis || missing+=(libhiredis-dev)
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    ((${#missing[@]} == 0)) && return 0
    apt_install "Install them (macOS: brew install redis hiredis) and run again." "${missing[@]}"
}

redis_pid=""
redis_dir=""
redis_url=""

cluster_pids=()
cluster_ports=()
cluster_dir=""
redis_cluster_url=""

cleanup() {
    local pid
    for pid in "${cluster_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    cluster_pids=()
    if [[ -n "$cluster_dir" ]]; then
        rm -rf "$cluster_dir"
        cluster_dir=""
    fi
    if [[ -n "$redis_pid" ]]; then
        kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=""
    fi
    if [[ -n "$redis_dir" ]]; then
        rm -rf "$redis_dir"
        redis_dir=""
    fi
}
on_exit cleanup

start_redis() {
    redis_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-${1:-redis}.XXXXXX")"
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

# start_cluster_node: starts one cluster-mode redis-server on a free loopback port (its bus on port + 10000), retrying
# on other ports when it does not answer PING; appends its pid to cluster_pids and its port to cluster_ports.
start_cluster_node() {
    local try port i pid
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 20000))
        { port_in_use "$port" || port_in_use $((port + 10000)); } && continue
        mkdir -p "$cluster_dir/$port"
        redis-server --port "$port" --bind 127.0.0.1 --dir "$cluster_dir/$port" --save '' --appendonly no \
            --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
            --daemonize no --logfile "$cluster_dir/$port/redis.log" &
        pid=$!
        for i in $(seq 1 100); do
            if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == "PONG" ]]; then
                cluster_pids+=("$pid")
                cluster_ports+=("$port")
                return 0
            fi
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        tail -n 5 "$cluster_dir/$port/redis.log" >&2 || true
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    die "could not start a Redis Cluster node"
}

start_redis_cluster() {
    cluster_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-${1:-redis-cluster}.XXXXXX")"
    cluster_ports=()
    local port i state
    start_cluster_node
    start_cluster_node
    start_cluster_node
    local ports=("${cluster_ports[@]}")
    redis-cli --cluster create "${ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes >"$cluster_dir/create.log" 2>&1 \
        || { cat "$cluster_dir/create.log" >&2; die "could not create the Redis Cluster"; }
    for port in "${ports[@]}"; do
        for i in $(seq 1 200); do
            state="$(redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | tr -d '\r' | grep '^cluster_state:' || true)"
            [[ "$state" == "cluster_state:ok" ]] && break
            sleep 0.1
        done
        [[ "$state" == "cluster_state:ok" ]] || die "the Redis Cluster node on port $port did not reach cluster_state:ok"
    done
    redis_cluster_url="redis+cluster://127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}"
    log "Redis Cluster of 3 primaries (pids ${cluster_pids[*]}) at $redis_cluster_url"
}
