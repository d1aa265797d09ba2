# Helpers for scripts/test: install what the tests need, from the package registries only.
# Sourced, not run.

# need_debian_package COMMAND PACKAGE: installs PACKAGE (apt) when COMMAND is missing.
need_debian_package() {
    local cmd="$1" pkg="$2"
    if command -v "$cmd" >/dev/null 2>&1; then
        return 0
    fi
    echo "scripts/test: installing $pkg (for $cmd)" >&2
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    if [ -z "${BLASTMAP_APT_UPDATED:-}" ]; then
        $sudo apt-get update -qq >&2
        BLASTMAP_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$pkg" >&2
    command -v "$cmd" >/dev/null 2>&1 || {
        echo "scripts/test: $cmd is still missing after installing $pkg" >&2
        return 1
    }
}
