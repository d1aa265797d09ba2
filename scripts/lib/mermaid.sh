# Helpers for scripts/test: Mermaid itself (mermaid-cli, from the
# npm registry, at the versions pinned in scripts/mermaid-cli/package-lock.json) driving
# Debian's Chromium headless, for tests/render.rs. Sourced, not run.

MERMAID_DIR="target/mermaid-cli"

# mermaid_install: installs Chromium (apt) and mermaid-cli (npm ci, with puppeteer's own
# browser download skipped) unless the pinned versions are already there, then exports
# BLASTMAP_MMDC and BLASTMAP_PUPPETEER_CONFIG for the tests.
mermaid_install() {
    need_debian_package chromium chromium
    need_debian_package npm npm
    local src="scripts/mermaid-cli"
    if ! { [ -x "$MERMAID_DIR/node_modules/.bin/mmdc" ] &&
        cmp -s "$src/package-lock.json" "$MERMAID_DIR/package-lock.json"; }; then
        echo "scripts/test: installing mermaid-cli into $MERMAID_DIR (npm ci)" >&2
        rm -rf "$MERMAID_DIR"
        mkdir -p "$MERMAID_DIR"
        cp "$src/package.json" "$src/package-lock.json" "$MERMAID_DIR/"
        (cd "$MERMAID_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-fund --no-audit \
            --loglevel=error >&2)
    fi
    # As the machine's closed network needs: no background connections, a fresh profile.
    cat > "$MERMAID_DIR/puppeteer.json" <<JSON
{"executablePath": "$(command -v chromium)",
 "args": ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"]}
JSON
    BLASTMAP_MMDC="$PWD/$MERMAID_DIR/node_modules/.bin/mmdc"
    BLASTMAP_PUPPETEER_CONFIG="$PWD/$MERMAID_DIR/puppeteer.json"
    export BLASTMAP_MMDC BLASTMAP_PUPPETEER_CONFIG
}
