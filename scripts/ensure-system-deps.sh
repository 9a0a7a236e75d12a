#!/usr/bin/env bash
# Installs what the test suite needs from Debian when it is missing: Chromium for the browser
# tests (Playwright's own browser download cannot be reached here) and Prometheus for the SLI
# tests. Without root or apt-get it says exactly what to install instead.
set -euo pipefail

need=()
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] || need+=(chromium)
if ! command -v prometheus >/dev/null 2>&1 && [ -z "${PROMETHEUS_BIN:-}" ]; then need+=(prometheus); fi

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[setup] installing from Debian: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi

echo "Missing system packages: ${need[*]}." >&2
echo "Install them (Debian/Ubuntu: sudo apt-get install ${need[*]}), or point CHROMIUM_PATH / PROMETHEUS_BIN at existing binaries." >&2
exit 1
