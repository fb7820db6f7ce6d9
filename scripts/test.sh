#!/usr/bin/env bash
# Install kgserver with its test dependencies into .venv and run the whole test suite (pytest, two workers).
# Needs Python 3.11+.  As root on Debian it also installs what the browser and client tests drive:
# Chromium, roqet (rasqal-utils), Node.js with npm and Virtuoso 7 (virtuoso-opensource-7-bin, the external
# store of tests/stores); Comunica comes from tests/clients/package-lock.json.
# The Debian packages and Comunica install in the background while uv (pip if uv cannot be had) installs
# kgserver; each step says what it installs. Arguments are passed to pytest (e.g. `scripts/test.sh -n 0 tests/test_pages.py`).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# The three installs (Debian packages, Comunica from npm, kgserver from PyPI) wait mostly on the network:
# they run at the same time, each into a log of its own that is shown when it ends (in full if it failed).
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
jobs_pid=(); jobs_name=()
background() {  # background NAME FUNCTION: run FUNCTION in the background, its output into $LOGS/NAME
  "$2" >"$LOGS/$1" 2>&1 &
  jobs_pid+=($!); jobs_name+=("$1")
}

# Debian packages the tests drive: command -> package(s)
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v roqet >/dev/null 2>&1 || missing+=(rasqal-utils)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource-7-bin)
debian() {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    | { grep -E '^Setting up ' || true; }
}
comunica() {
  command -v npm >/dev/null 2>&1 || { echo "npm is missing: the Comunica client test will fail"; return 0; }
  cd tests/clients && npm ci --no-audit --no-fund --loglevel=error
}
debian_then_comunica() { debian && comunica; }

want_comunica=0
[ -d tests/clients/node_modules/@comunica/query-sparql ] || want_comunica=1
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "Installing in the background: Debian packages for the browser, client and store tests (${missing[*]})"
    if [ $want_comunica = 1 ] && ! command -v npm >/dev/null 2>&1; then
      echo "   then Comunica for the client tests (npm ci in tests/clients, from its lock file)"
      background "Debian packages, then Comunica" debian_then_comunica
      want_comunica=0
    else
      background "Debian packages" debian
    fi
  else
    echo "warning: missing ${missing[*]}; the browser, client and store tests will fail (apt-get install ${missing[*]})" >&2
  fi
fi
if [ $want_comunica = 1 ]; then
  step "Installing in the background: Comunica for the client tests (npm ci in tests/clients, from its lock file)"
  background "Comunica" comunica
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  step "Creating the virtual environment .venv ($PYTHON)"
  "$PYTHON" -m venv .venv
fi
# uv resolves and installs the same requirements from PyPI in about 7 s where pip took 33-48 s (2026-12-07,
# fresh venv, empty caches; --native-tls: the system's certificates, as pip uses them); pip does it when uv fails.
# --compile-bytecode: uv, unlike pip, leaves the installed modules uncompiled, and where PYTHONDONTWRITEBYTECODE
# is set (as on this machine) every Python process the tests start (servers, the CLI, the workers) compiled
# rdflib, pyshacl, Flask... again: pytest took 234 s without, 197 s with (2026-12-08).  kgserver itself is
# installed editable, so its sources are compiled here too.
step "Installing kgserver and its test dependencies into .venv (uv pip install -e '.[test]')"
if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check 'uv>=0.9,<1' &&
       .venv/bin/python -m uv pip install --native-tls --quiet --compile-bytecode --python .venv/bin/python -e '.[test]'; }; then
  echo "   uv could not install them: pip installs instead (slower)"
  .venv/bin/python -m pip install --quiet -e '.[test]'
fi
.venv/bin/python -m compileall -q kgserver >/dev/null

[ ${#jobs_pid[@]} = 0 ] || step "Waiting for the background installs"
for i in "${!jobs_pid[@]}"; do
  name=${jobs_name[$i]}
  if wait "${jobs_pid[$i]}"; then
    echo "   done: $name"
    sed 's/^/      /' "$LOGS/$name"
  else
    echo "   FAILED: $name" >&2
    sed 's/^/      /' "$LOGS/$name" >&2
    exit 1
  fi
done

step "Running the tests (pytest)"
rm -rf "$LOGS"; trap - EXIT
exec .venv/bin/python -m pytest "$@"
