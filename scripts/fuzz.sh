#!/usr/bin/env bash
# Longer fuzzing than the test suite runs: property tests with 5000 examples each and the
# API schema fuzz with fresh random seeds, N rounds (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
.venv/bin/python -m pytest -q tests/test_properties.py --hypothesis-profile=long
for _ in $(seq "$rounds"); do
    .venv/bin/python -m pytest -q tests/test_api_fuzz.py -p no:cacheprovider \
        --hypothesis-seed="$RANDOM" -o 'addopts=' 2>&1 | tail -1
done
