# Shared by scripts/test.sh and scripts/bench.sh (source it; it is not run on its own):
#   install_postgres     installs PostgreSQL (server, initdb, pg_ctl, pg_isready, pgbench) with apt-get when
#                        missing and exports POSTGRES_BIN_DIR, the directory holding those programs (tests start
#                        clusters of their own from it)
#   start_postgres NAME  creates a throw-away cluster in a temporary directory (initdb, trust authentication on
#                        loopback only), starts it on a free loopback port with its unix socket in that directory,
#                        waits until pg_isready answers, creates the database deferrable_test, and sets
#                        postgres_url=postgres://postgres@127.0.0.1:PORT/deferrable_test and postgres_pid; on exit
#                        exactly that pid is stopped (fast shutdown) and the directory removed.
#   stop_postgres        does that stop early.
# initdb and the server refuse to run as root: as root they run as the `postgres` user (runuser), which owns the
# directory.

# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

postgres_database="deferrable_test"

# The bin directory of the newest PostgreSQL holding initdb, pg_ctl and pg_isready: POSTGRES_BIN_DIR when set,
# else Debian's /usr/lib/postgresql/<version>/bin, else the directory of `initdb` on PATH (Homebrew).
find_postgres_bin_dir() {
    local dir candidates=()
    [[ -n "${POSTGRES_BIN_DIR:-}" ]] && candidates+=("$POSTGRES_BIN_DIR")
    while IFS= read -r dir; do
        candidates+=("$dir")
    done < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr)
    command -v initdb >/dev/null 2>&1 && candidates+=("$(dirname "$(command -v initdb)")")
    for dir in "${candidates[@]}"; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/pg_isready" && -x "$dir/postgres" ]]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done
    return 1
}

install_postgres() {
    local dir
    if ! dir="$(find_postgres_bin_dir)"; then
        # Debian's `postgresql` brings the server, initdb/pg_ctl and pgbench (in postgresql-<version>).
        apt_install "Install PostgreSQL (macOS: brew install postgresql@16) and run again." postgresql
        dir="$(find_postgres_bin_dir)" || die "PostgreSQL was installed but initdb/pg_ctl were not found"
    fi
    export POSTGRES_BIN_DIR="$dir"
}

postgres_pid=""
postgres_dir=""
postgres_url=""
postgres_port=""

# Runs a PostgreSQL program as the owner of the cluster: the `postgres` user when this script runs as root.
as_postgres_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# True while PID runs (a zombie that no parent has reaped yet counts as ended).
process_running() {
    kill -0 "$1" 2>/dev/null || return 1
    [[ -r "/proc/$1/stat" ]] || return 0
    local state
    state="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ "$state" != "Z" && "$state" != "X" ]]
}

stop_postgres() {
    if [[ -n "$postgres_pid" ]]; then
        # SIGINT is PostgreSQL's fast shutdown: sessions are ended, then a checkpoint is written.
        kill -INT "$postgres_pid" 2>/dev/null || true
        local i
        for i in $(seq 1 300); do
            process_running "$postgres_pid" || break
            sleep 0.1
        done
        process_running "$postgres_pid" && kill -KILL "$postgres_pid" 2>/dev/null
        postgres_pid=""
    fi
    if [[ -n "$postgres_dir" ]]; then
        rm -rf "$postgres_dir"
        postgres_dir=""
    fi
}
on_exit stop_postgres

start_postgres() {
    [[ -n "${POSTGRES_BIN_DIR:-}" ]] || install_postgres
    local bin="$POSTGRES_BIN_DIR"
    postgres_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-${1:-postgres}.XXXXXX")"
    chmod 0755 "$postgres_dir"
    [[ "$(id -u)" -eq 0 ]] && chown postgres: "$postgres_dir"
    local data="$postgres_dir/data"
    # --no-sync: a throw-away cluster need not survive a power cut.
    as_postgres_owner "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$postgres_dir/initdb.log" 2>&1 \
        || { tail -n 20 "$postgres_dir/initdb.log" >&2; die "initdb failed"; }
    # Trust authentication on loopback only; nothing listens beyond 127.0.0.1 and the private socket directory.
    printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 trust" >"$data/pg_hba.conf"
    [[ "$(id -u)" -eq 0 ]] && chown postgres: "$data/pg_hba.conf"

    local try port
    for try in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 30000))
        port_in_use "$port" && continue
        # fsync=off: a test or benchmark cluster is thrown away, so it need not survive an operating-system crash;
        # every write still reaches the kernel, so a killed or restarted server loses nothing committed.
        if as_postgres_owner "$bin/pg_ctl" -D "$data" -l "$postgres_dir/server.log" -w -t 30 -s \
            -o "-p $port -c listen_addresses=127.0.0.1 -k $postgres_dir -c fsync=off" start >&2; then
            postgres_pid="$(head -n 1 "$data/postmaster.pid")"
            postgres_port="$port"
            break
        fi
    done
    if [[ -z "$postgres_pid" ]]; then
        [[ -f "$postgres_dir/server.log" ]] && tail -n 20 "$postgres_dir/server.log" >&2
        die "could not start PostgreSQL"
    fi
    local i
    for i in $(seq 1 100); do
        "$bin/pg_isready" -q -h 127.0.0.1 -p "$postgres_port" && break
        ((i == 100)) && die "PostgreSQL on port $postgres_port did not become ready"
        sleep 0.1
    done
    "$bin/psql" -q -h 127.0.0.1 -p "$postgres_port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE $postgres_database" >&2 || die "could not create the database $postgres_database"
    postgres_url="postgres://postgres@127.0.0.1:$postgres_port/$postgres_database"
    log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') pid $postgres_pid at $postgres_url"
}
