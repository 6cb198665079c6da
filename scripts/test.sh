#!/usr/bin/env bash
# One command from a fresh checkout to the whole test suite: lint, format, dependency audit,
# pytest (browser tests included, in Debian's Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] || ! command -v java >/dev/null || ! command -v msgfmt >/dev/null; then
    echo "Installing Chromium, Java (for the HTML checker) and gettext from Debian's packages..."
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq chromium default-jre-headless gettext >/dev/null
fi
scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python scripts/audit.py
exec .venv/bin/python -m pytest "$@"
