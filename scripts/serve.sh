#!/usr/bin/env bash
# One command from a fresh checkout to a running site at http://127.0.0.1:5000
# (SQLite in instance/, the shipped content, a generated secret key).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/flask --app migrant_info content build
exec .venv/bin/flask --app migrant_info run --host 127.0.0.1 --port "${PORT:-5000}" "$@"
