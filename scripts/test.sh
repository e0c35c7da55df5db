#!/usr/bin/env bash
# Install qualkit with its test dependencies, then run the whole test suite (slow tests included).
# Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
# torch first: the CPU build on this machine's disk; anything else would pull a multi-GB CUDA build.
python -m pip install --quiet --disable-pip-version-check torch==2.13.0
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
python -m pytest "$@"
