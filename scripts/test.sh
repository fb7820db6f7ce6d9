#!/usr/bin/env bash
# Install kgserver with its test dependencies into .venv and run the whole test suite (pytest).
# Needs only Python 3.11+; as root on Debian it also installs Chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "warning: chromium is not installed; the browser tests will fail (apt-get install chromium chromium-driver)" >&2
  fi
fi

exec .venv/bin/python -m pytest "$@"
