# Shared by scripts/lib/redis.sh and scripts/lib/postgres.sh (source it; it is not run on its own):
#   log / die         messages on stderr (die exits 1)
#   port_in_use PORT  true when something accepts TCP connections on 127.0.0.1:PORT
#   apt_install PKG…  apt-get install (sudo only when not root); stops with a hint when there is no apt-get
#   on_exit COMMAND   runs COMMAND when the script exits (hooks run last-registered first)

[[ -n "${_deferrable_common_sourced:-}" ]] && return 0
_deferrable_common_sourced=1

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

port_in_use() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# apt_install HINT PKG…: installs the packages with apt-get; without apt-get it stops and prints HINT.
apt_install() {
    local hint="$1"
    shift
    command -v apt-get >/dev/null 2>&1 || die "missing: $*. $hint"
    local sudo=()
    if [[ "$(id -u)" -ne 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "missing: $*; not root and no sudo to install them"
        sudo=(sudo)
    fi
    log "installing $*"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

exit_hooks=()
on_exit() { exit_hooks+=("$1"); }
run_exit_hooks() {
    local i
    for ((i = ${#exit_hooks[@]} - 1; i >= 0; i--)); do
        "${exit_hooks[$i]}" || true
    done
}
trap run_exit_hooks EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
