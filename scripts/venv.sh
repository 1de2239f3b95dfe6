#!/usr/bin/env bash
# Create .venv (once) and install a pinned requirements file into it.
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS=${1:-requirements.txt}
PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS" 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -m pip check >/dev/null
