#!/usr/bin/env bash
# Set up everything `make demo` and `make test` need on a fresh Debian machine:
# system packages (when run as root), the virtual environment and the Python packages.
# Idempotent: a stamp keyed on pyproject.toml and this script skips work already done.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PYTHON=${PYTHON:-python3}
WANT_BROWSER=${WANT_BROWSER:-0}

# Debian packages: WeasyPrint's Pango, Japanese fonts found by name (no fallback scans),
# HarfBuzz subsetting for small fast PDFs, Graphviz for the workflow diagrams on the staff
# case page, and venv support for the system python.
APT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-ipaexfont fontconfig graphviz"
if [ "$WANT_BROWSER" = 1 ]; then
  APT_PACKAGES="$APT_PACKAGES chromium"
fi
if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  APT_PACKAGES="$APT_PACKAGES python3-venv"
fi

missing=""
for pkg in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing system packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086  # word splitting of the package list is intended
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "warning: missing system packages:$missing (run as root, or install them, for PDFs)" >&2
  fi
fi

stamp="$VENV/.madoguchi-$(cat pyproject.toml scripts/bootstrap.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q -e '.[dev]'
  rm -f "$VENV"/.madoguchi-*
  touch "$stamp"
fi
