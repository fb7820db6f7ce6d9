#!/usr/bin/env bash
# Install kgserver with its test dependencies into .venv and run the whole test suite (pytest, two workers).
# Needs Python 3.11+.  As root on Debian it also installs what the browser and client tests drive:
# Chromium, roqet (rasqal-utils), Node.js with npm and Virtuoso 7 (virtuoso-opensource-7-bin, the external
# store of tests/stores); Comunica comes from tests/clients/package-lock.json.
# Each step says what it installs; arguments are passed to pytest (e.g. `scripts/test.sh -n 0 tests/test_pages.py`).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  step "Creating the virtual environment .venv ($PYTHON)"
  "$PYTHON" -m venv .venv
fi
step "Installing kgserver and its test dependencies into .venv (pip install -e '.[test]')"
.venv/bin/python -m pip install --quiet -e '.[test]'

# Debian packages the tests drive: command -> package(s)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v roqet >/dev/null 2>&1 || missing+=(rasqal-utils)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource-7-bin)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "Installing Debian packages for the browser, client and store tests: ${missing[*]} (about a minute)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      | grep -E '^(Setting up|Unpacking) ' | sed 's/^/   /' || true
  else
    echo "warning: missing ${missing[*]}; the browser, client and store tests will fail (apt-get install ${missing[*]})" >&2
  fi
fi

if command -v npm >/dev/null 2>&1 && [ ! -d tests/clients/node_modules/@comunica/query-sparql ]; then
  step "Installing Comunica for the client tests (npm ci in tests/clients, from its lock file)"
  (cd tests/clients && npm ci --no-audit --no-fund --loglevel=error)
fi

step "Running the tests (pytest)"
exec .venv/bin/python -m pytest "$@"
