#!/usr/bin/env bash
# The browser suite drives Debian's chromium through playwright-core. Installs it when it is
# missing (CI runs as root on Debian); does nothing when it is already there.
set -euo pipefail
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  echo "chromium: $CHROMIUM present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "chromium: $CHROMIUM is missing; install it as root: apt-get install -y chromium" >&2
  exit 1
fi

echo "chromium: $CHROMIUM is missing, installing Debian's chromium package"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# A font with real glyphs, so the suite's screenshots show text rather than boxes.
apt-get install -y --no-install-recommends chromium fonts-liberation
[ -x "$CHROMIUM" ] || { echo "chromium: apt-get finished but $CHROMIUM is still missing" >&2; exit 1; }
echo "chromium: installed $CHROMIUM"
