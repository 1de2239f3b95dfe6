#!/usr/bin/env bash
# Create .venv (once) and install a pinned requirements file into it. A failed install
# stops here with pip's own words (it is not hidden behind the warnings we filter out).
set -euo pipefail
cd "$(dirname "$0")/.."
REQUIREMENTS=${1:-requirements.txt}
PYTHON=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv
fi
pip() {
  local out status=0
  out=$(.venv/bin/python -m pip --disable-pip-version-check "$@" 2>&1) || status=$?
  [[ -z $out ]] || grep -v "^WARNING: Location" <<<"$out" || true
  if [[ $status -ne 0 ]]; then
    echo "venv: pip $* failed (exit $status)" >&2
    return "$status"
  fi
}
pip install --quiet --upgrade pip
pip install --quiet -r "$REQUIREMENTS"
pip check >/dev/null
