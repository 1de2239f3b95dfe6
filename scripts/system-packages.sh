#!/usr/bin/env bash
# Debian/Ubuntu packages Shelfmark needs: the GTK window (WebKitGTK), building PyGObject,
# and for tests: Xvfb, ImageMagick, Chromium and PostgreSQL. Installs what is missing
# when run as root (or with sudo); otherwise prints the command to run.
set -euo pipefail

RUNTIME=(gir1.2-webkit2-4.1 gir1.2-gtk-3.0 libgirepository1.0-dev libcairo2-dev pkg-config python3-venv)
TEST=(xvfb imagemagick chromium postgresql)
WANTED=("${RUNTIME[@]}")
if [[ "${1:-}" == "--tests" ]]; then WANTED+=("${TEST[@]}"); fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-based system: install the equivalents of: ${WANTED[*]}" >&2
  exit 0
fi

missing=()
for package in "${WANTED[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
  echo "Please install: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
