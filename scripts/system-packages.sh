#!/usr/bin/env bash
# The Debian/Ubuntu packages Shelfmark needs, installed when missing (as root, or with sudo;
# otherwise it prints the command to run), and then PROVEN: each part is made to do the one
# thing we rely on it for, because a package that is "installed" can still lack a piece
# (ImageMagick without its SVG delegate passed on a used machine and failed on a fresh one).
#
#   system-packages.sh            the window: Python with venv, a C compiler and headers to build
#                                 PyGObject and pycairo, GTK 3 and WebKitGTK 4.1's typelibs
#   system-packages.sh --tests    also Xvfb, Chromium, PostgreSQL, rsvg-convert, ImageMagick
#   system-packages.sh --check-gi PYTHON
#                                 prove that PYTHON (the venv's, whose PyGObject is pip-built)
#                                 loads GTK 3 and WebKit2 4.1 through gi, as pywebview does,
#                                 and that GTK can read the SVG window icon
#
# A failed proof stops with one line on stderr naming the part, e.g.
#   system-packages: Chromium does not start headless: ...
# The proofs take a few seconds (Chromium's start is most of it) and run on every test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "system-packages: $*" >&2
  exit 1
}

check_gi() {
  [[ $(uname -s) == Linux ]] || return 0
  local python=$1 out
  if ! out=$("$python" -c '
import gi
gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: F401
' 2>&1); then
    fail "GTK 3 / WebKit2 4.1 do not load through gi in $python (gir1.2-gtk-3.0, gir1.2-webkit2-4.1, PyGObject): $(tail -1 <<<"$out")"
  fi
  # The window's icon is the SVG (pywebview's set_icon_from_file): without gdk-pixbuf's SVG
  # loader the window fails to start at all.
  if ! out=$("$python" -c '
import sys
import gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
GdkPixbuf.Pixbuf.new_from_file_at_size(sys.argv[1], 16, 16)
' webapp/static/img/shelfmark.svg 2>&1); then
    fail "GTK cannot read the SVG window icon (librsvg2-common, gdk-pixbuf's SVG loader): $(tail -1 <<<"$out")"
  fi
}

if [[ "${1:-}" == "--check-gi" ]]; then
  check_gi "${2:?usage: system-packages.sh --check-gi PYTHON}"
  exit 0
fi

# python3-dev, gcc and libc6-dev: pip builds PyGObject and pycairo from source (no wheels for
# Linux); gcc only *recommends* libc6-dev, so --no-install-recommends needs it named.
# librsvg2-common: gdk-pixbuf's SVG loader, for the window's SVG icon (GTK only recommends it).
RUNTIME=(python3 python3-venv python3-dev gcc libc6-dev pkg-config libgirepository1.0-dev libcairo2-dev
  gir1.2-gtk-3.0 gir1.2-webkit2-4.1 librsvg2-common)
# librsvg2-bin: rsvg-convert draws the icons from the SVG (build/icons.py).
# imagemagick: `import` and `convert` take and measure the window tests' screenshots
# (tests/desktop/x11.py); PNG and X11 only, so it needs no delegate from its "extra" package.
# calibre: calibredb makes the real Calibre libraries the Calibre importer's tests read
# (tests/calibre_library.py); without its recommends it needs no desktop around it.
TEST=(xvfb chromium postgresql librsvg2-bin imagemagick calibre)
WANTED=("${RUNTIME[@]}")
TESTS=false
if [[ "${1:-}" == "--tests" ]]; then
  WANTED+=("${TEST[@]}")
  TESTS=true
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-based system: install the equivalents of: ${WANTED[*]}" >&2
  exit 0
fi

missing=()
for package in "${WANTED[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "Please install: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- proofs -------------------------------------------------------------------------------
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

chromium_started=false
if $TESTS; then
  # Chromium first, in the background: it is the slow one. The flags keep it off the network.
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --disable-quic \
    --user-data-dir="$work/chromium" --dump-dom about:blank >"$work/chromium.out" 2>"$work/chromium.err" &
  chromium=$!
  pids+=("$chromium")
  chromium_started=true
fi

python3 -c 'import ensurepip, venv' 2>/dev/null ||
  fail "python3 cannot make a virtualenv (python3-venv): python3 -c 'import ensurepip' fails"
# What building PyGObject and pycairo needs: a C compiler that finds Python's, GLib's,
# gobject-introspection's and cairo's headers.
flags=$(pkg-config --cflags gobject-introspection-1.0 cairo 2>&1) ||
  fail "pkg-config finds no gobject-introspection-1.0 / cairo (libgirepository1.0-dev, libcairo2-dev): $flags"
includes=$(python3-config --includes 2>&1) || fail "python3-config is missing (python3-dev)"
# shellcheck disable=SC2086  # the flags are words
printf '#include <Python.h>\n#include <girepository.h>\n#include <cairo.h>\nint main(void) { return 0; }\n' |
  cc -x c - -o "$work/hello" $includes $flags 2>"$work/cc.err" ||
  fail "the C compiler cannot build against Python, GLib and cairo (gcc, libc6-dev, python3-dev): $(head -1 "$work/cc.err")"
for typelib in Gtk-3.0 WebKit2-4.1; do
  compgen -G "/usr/lib/*/girepository-1.0/$typelib.typelib" >/dev/null ||
    compgen -G "/usr/lib/girepository-1.0/$typelib.typelib" >/dev/null ||
    fail "the $typelib typelib is missing (gir1.2-${typelib,,})"
done

if $TESTS; then
  # SVG -> PNG, as build/icons.py draws the icons.
  rsvg-convert --width 32 --height 32 --output "$work/icon.png" webapp/static/img/shelfmark.svg 2>"$work/rsvg.err" ||
    fail "rsvg-convert cannot draw the SVG icon (librsvg2-bin): $(head -1 "$work/rsvg.err")"
  [[ $(head -c 4 "$work/icon.png" | od -An -c | tr -d ' ') == "211PNG" ]] ||
    fail "rsvg-convert did not write a PNG (librsvg2-bin)"

  # Xvfb starts (on a free display it picks itself) and ImageMagick's import can read its screen.
  Xvfb -displayfd 3 -screen 0 64x64x24 -nolisten tcp 3>"$work/display" >/dev/null 2>"$work/xvfb.err" &
  xvfb=$!
  pids+=("$xvfb")
  for _ in $(seq 100); do
    [[ -s "$work/display" ]] && break
    kill -0 "$xvfb" 2>/dev/null || break
    sleep 0.05
  done
  [[ -s "$work/display" ]] || fail "Xvfb does not start (xvfb): $(tail -1 "$work/xvfb.err")"
  display=":$(head -1 "$work/display")"
  import -display "$display" -window root "$work/screen.png" 2>"$work/import.err" ||
    fail "ImageMagick's import cannot take a screenshot of Xvfb (imagemagick): $(head -1 "$work/import.err")"
  colours=$(convert "$work/screen.png" -format %k info: 2>"$work/convert.err") ||
    fail "ImageMagick's convert cannot read a PNG (imagemagick): $(head -1 "$work/convert.err")"
  [[ $colours =~ ^[0-9]+$ ]] || fail "ImageMagick's convert did not count colours: got '$colours'"
  kill "$xvfb" 2>/dev/null || true

  # PostgreSQL: the server is installed and runs; scripts/start-postgres.sh starts the
  # cluster and proves it answers over TCP with the test role's password.
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || fail "PostgreSQL's server is missing (postgresql)"
  postgres=$(compgen -G "/usr/lib/postgresql/*/bin/postgres" | sort -V | tail -1)
  "$postgres" --version >/dev/null 2>&1 || fail "PostgreSQL's server does not run: $postgres --version fails"
  command -v pg_lsclusters >/dev/null || fail "pg_lsclusters is missing (postgresql-common)"

  # Calibre: calibredb makes a library and adds a book to it, headless, as the tests do.
  QT_QPA_PLATFORM=offscreen CALIBRE_CONFIG_DIRECTORY="$work/calibre-config" timeout 120 \
    calibredb --library-path "$work/calibre" add --empty --title Probe >"$work/calibre.out" 2>"$work/calibre.err" ||
    fail "calibredb cannot make a Calibre library (calibre): $(grep -v '^\s*$' "$work/calibre.err" | tail -1)"
  [[ -s "$work/calibre/metadata.db" ]] || fail "calibredb made no metadata.db (calibre)"
fi

if $chromium_started; then
  wait "$chromium" || fail "Chromium does not start headless (chromium): $(grep -v '^\s*$' "$work/chromium.err" | tail -1)"
  grep -q "<html" "$work/chromium.out" ||
    fail "Chromium started but rendered no page (chromium): $(grep -v '^\s*$' "$work/chromium.err" | tail -1)"
fi
exit 0
