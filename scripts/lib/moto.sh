# Helpers for scripts/test: moto_server (an AWS API emulator, PyPI `moto[server]`) in a
# project virtualenv, run on loopback for the live-discovery tests. Sourced, not run.

MOTO_VERSION="5.2.5"
MOTO_VENV=".venv"

# moto_install: creates $MOTO_VENV and installs moto[server] from PyPI unless already there.
moto_install() {
    if "$MOTO_VENV/bin/python" -c "import sys, moto; sys.exit(moto.__version__ != '$MOTO_VERSION')" \
        >/dev/null 2>&1 && [ -x "$MOTO_VENV/bin/moto_server" ]; then
        return 0
    fi
    need_debian_package python3 python3
    echo "scripts/test: installing moto[server]==$MOTO_VERSION into $MOTO_VENV" >&2
    if ! python3 -m venv "$MOTO_VENV" >&2; then
        # Debian's own python3 keeps venv in a separate package.
        rm -rf "$MOTO_VENV"
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
        python3 -m venv "$MOTO_VENV"
    fi
    "$MOTO_VENV/bin/pip" install --quiet "moto[server]==$MOTO_VERSION" >&2
}

# moto_start: runs moto_server on a free loopback port until this shell exits, and exports
# BLASTMAP_MOTO_URL and BLASTMAP_MOTO_PYTHON for the tests.
moto_start() {
    local port log
    port="$("$MOTO_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    log="$(mktemp -t blastmap-moto.XXXXXX.log)"
    "$MOTO_VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    MOTO_PID=$!
    trap moto_stop EXIT
    local tries=0
    until "$MOTO_VENV/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/', timeout=1)" \
        >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -gt 60 ] || ! kill -0 "$MOTO_PID" 2>/dev/null; then
            echo "scripts/test: moto_server did not start on 127.0.0.1:$port; its log:" >&2
            cat "$log" >&2
            return 1
        fi
        sleep 0.5
    done
    export BLASTMAP_MOTO_URL="http://127.0.0.1:$port"
    export BLASTMAP_MOTO_PYTHON="$PWD/$MOTO_VENV/bin/python"
    MOTO_LOG="$log"
}

# moto_stop: stops the moto_server this shell started.
moto_stop() {
    if [ -n "${MOTO_PID:-}" ]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
        MOTO_PID=""
    fi
    if [ -n "${MOTO_LOG:-}" ]; then
        rm -f "$MOTO_LOG"
    fi
}
