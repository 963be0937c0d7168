#!/bin/sh
# Installs Debian's Chromium and its chromedriver for the browser tests, unless both are there.
# Idempotent; run once by the browser tests before the first browser starts (ChromiumInstall.java).
set -eu

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
else
    echo "install-chromium.sh: /usr/bin/chromium or /usr/bin/chromedriver is missing, and installing them needs root (or sudo without a password): apt-get install chromium chromium-driver" >&2
    exit 1
fi

echo "install-chromium.sh: installing Debian's chromium and chromium-driver"
if ! { $as_root apt-get update -qq \
        && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; }; then
    echo "install-chromium.sh: apt-get could not install chromium and chromium-driver" >&2
    exit 1
fi

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    echo "install-chromium.sh: apt-get ran, but /usr/bin/chromium or /usr/bin/chromedriver is still missing" >&2
    exit 1
fi
