#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/browser). Never downloads a browser
# build: the only source is the distribution's `chromium` package. Idempotent and quiet.
set -euo pipefail

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    echo "Chromium already installed: $CHROMIUM"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-browser.sh: root or sudo is required to install the Debian package chromium." >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser.sh: apt-get not found; install the chromium package by hand." >&2
    exit 1
fi

echo "Installing Debian's chromium package…"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

if [ ! -x /usr/bin/chromium ]; then
    echo "install-browser.sh: the chromium package is installed but /usr/bin/chromium is missing." >&2
    exit 1
fi
echo "Chromium installed: /usr/bin/chromium"
