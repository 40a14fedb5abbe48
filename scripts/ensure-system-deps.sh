#!/usr/bin/env bash
# Installs the system tools the tests need when they are missing: redis-server (the tests start
# their own on a free port), promtool (checks the alert rules), chromium (playwright-core drives
# it headless for the DLQ console's tests) and openssl (a certificate for the HTTPS tests). Debian
# packages, as root.
set -euo pipefail

missing=()
# The tests run these paths (or the *_BIN overrides), not whatever is first on PATH.
[ -x "${REDIS_SERVER_BIN:-/usr/bin/redis-server}" ] || missing+=(redis-server)
[ -x "${REDIS_CLI_BIN:-/usr/bin/redis-cli}" ] || missing+=(redis-tools)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "${CHROMIUM_BIN:-/usr/bin/chromium}" ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Missing: ${missing[*]}. Install them with: apt-get install ${missing[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing ${missing[*]} (Debian packages) for the tests..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
