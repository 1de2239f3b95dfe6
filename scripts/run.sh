#!/usr/bin/env bash
# Install what is missing and start Shelfmark. Arguments go to main.py (e.g. --headless).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh
bash scripts/venv.sh requirements.txt
bash scripts/system-packages.sh --check-gi .venv/bin/python
exec .venv/bin/python main.py "$@"
