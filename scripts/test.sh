#!/usr/bin/env bash
# Install everything a fresh Debian machine lacks, prove each system part works (see
# system-packages.sh), then run every test: lint, unit, integration, PostgreSQL, browser
# (Chromium), desktop (pywebview under Xvfb) and the PyInstaller bundle.
# scripts/fresh-machine-check.sh runs this on a clean Debian 12 root.
# Extra arguments go to pytest (e.g. -m "not desktop").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-packages.sh --tests
bash scripts/venv.sh requirements-dev.txt
bash scripts/system-packages.sh --check-gi .venv/bin/python
export SHELFMARK_TEST_POSTGRES_URL=${SHELFMARK_TEST_POSTGRES_URL:-$(bash scripts/start-postgres.sh)}
if [[ ! $SHELFMARK_TEST_POSTGRES_URL =~ ^postgresql(\+[a-z0-9]+)?://[^[:space:]]+$ ]]; then
  echo "PostgreSQL did not start: got '$SHELFMARK_TEST_POSTGRES_URL' instead of a database URL" >&2
  exit 1
fi

# The Calibre importer's tests fail rather than skip without calibredb (installed above).
export SHELFMARK_REQUIRE_CALIBRE=1

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit $status
