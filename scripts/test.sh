#!/usr/bin/env bash
# Install qualkit with its test dependencies, then run the whole test suite (slow tests included).
# Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the slow tests use: Chromium (real-browser UI test, chart images), PostgreSQL (team mode),
# LibreOffice and poppler-utils (exports open in an office suite; pdftotext reads them back). Installed only when
# missing, and only where we may.
need=""
command -v chromium >/dev/null || need="$need chromium"
[ -x /usr/lib/postgresql/15/bin/initdb ] || command -v initdb >/dev/null || need="$need postgresql"
command -v soffice >/dev/null || need="$need libreoffice-writer-nogui libreoffice-calc-nogui"
command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || need="$need poppler-utils"
if [ -n "$need" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  else
    echo "warning: missing system packages:$need (tests that need them will fail in CI)" >&2
  fi
fi

# torch first: the CPU build on this machine's disk; anything else would pull a multi-GB CUDA build.
python -m pip install --quiet --disable-pip-version-check torch==2.13.0
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
python -m pytest "$@"
