# An SQS emulator for the tests (source it; it is not run on its own):
#   install_moto   installs moto's server (scripts/requirements-sqs.txt) with pip when moto_server is missing or
#                  the installed moto is not the pinned version
#   start_moto     starts moto_server on a free loopback port in a temporary directory, waits until it answers,
#                  sets sqs_endpoint=http://127.0.0.1:PORT; stopped (that pid only) when the script exits
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

moto_pid=""
moto_dir=""

stop_moto() {
    if [[ -n "$moto_pid" ]]; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
        moto_pid=""
    fi
    if [[ -n "$moto_dir" ]]; then
        rm -rf "$moto_dir"
        moto_dir=""
    fi
}
on_exit stop_moto

# moto_version_pinned: true when the installed moto is the version scripts/requirements-sqs.txt pins.
moto_version_pinned() {
    local pinned installed
    pinned=$(sed -n 's/^moto\[server\]==\([0-9.]*\).*/\1/p' scripts/requirements-sqs.txt)
    installed=$(python3 -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null) || return 1
    [[ -n "$pinned" && "$installed" == "$pinned" ]]
}

install_moto() {
    command -v moto_server >/dev/null 2>&1 && moto_version_pinned && return 0
    command -v python3 >/dev/null 2>&1 || die "missing: python3 (for moto_server, the SQS emulator)"
    log "installing moto_server (pip, scripts/requirements-sqs.txt)"
    python3 -m pip install -q --disable-pip-version-check -r scripts/requirements-sqs.txt >/dev/null 2>&1 \
        || python3 -m pip install --disable-pip-version-check -r scripts/requirements-sqs.txt
    hash -r
    if ! command -v moto_server >/dev/null 2>&1; then
        # pip put it in this Python's scripts directory, which a version manager's shims may not cover yet.
        PATH="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
        export PATH
    fi
    command -v moto_server >/dev/null 2>&1 || die "moto_server is not on PATH after installing moto[server]"
}

# moto_answers PORT: true when the emulator answers an SQS ListQueues (the SigV4 header routes it to SQS).
moto_answers() {
    python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.request
request = urllib.request.Request(
    f"http://127.0.0.1:{sys.argv[1]}/", data=b"{}", method="POST",
    headers={"X-Amz-Target": "AmazonSQS.ListQueues", "Content-Type": "application/x-amz-json-1.0",
             "Authorization": "AWS4-HMAC-SHA256 Credential=probe/20260101/us-east-1/sqs/aws4_request, "
                              "SignedHeaders=host, Signature=0"})
with urllib.request.urlopen(request, timeout=2) as answer:
    sys.exit(0 if answer.status == 200 else 1)
PY
}

start_moto() {
    moto_dir="$(mktemp -d "${TMPDIR:-/tmp}/deferrable-${1:-moto}.XXXXXX")"
    local try port i
    for try in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 30000))
        port_in_use "$port" && continue
        moto_server -H 127.0.0.1 -p "$port" >"$moto_dir/moto.log" 2>&1 &
        moto_pid=$!
        for i in $(seq 1 150); do
            if moto_answers "$port"; then
                sqs_endpoint="http://127.0.0.1:$port"
                log "moto_server $(python3 -c 'import moto; print(moto.__version__)') pid $moto_pid at $sqs_endpoint"
                return 0
            fi
            kill -0 "$moto_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
        moto_pid=""
    done
    tail -n 20 "$moto_dir/moto.log" >&2 || true
    die "could not start moto_server"
}
