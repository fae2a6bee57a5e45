#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium); never a downloaded browser.
set -euo pipefail
if [ -x "${SLI_CHROMIUM:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests…" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || {
    echo "Could not install chromium with apt-get. Install it (apt-get install chromium) or set SLI_CHROMIUM to a Chromium binary." >&2
    exit 1
  }
else
  echo "Chromium is missing: install Debian's chromium package (sudo apt-get install chromium) or set SLI_CHROMIUM." >&2
  exit 1
fi
