#!/bin/sh
# Install this unpacked Shelfmark for the current user: a launcher entry and icons in
# ~/.local/share, and a `shelfmark` command in ~/.local/bin. Run it from where the
# folder will stay (moving the folder later means running it again).
# Needs the system's GTK 3 and WebKitGTK 4.1, e.g. on Debian/Ubuntu:
#     sudo apt install gir1.2-webkit2-4.1 gir1.2-gtk-3.0
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications" "$HOME/.local/bin"
for icon in "$here"/icons/hicolor/*/apps/shelfmark.png; do
  size=$(basename "$(dirname "$(dirname "$icon")")")
  mkdir -p "$data/icons/hicolor/$size/apps"
  cp "$icon" "$data/icons/hicolor/$size/apps/shelfmark.png"
done
ln -sf "$here/Shelfmark" "$HOME/.local/bin/shelfmark"
sed "s|^Exec=shelfmark|Exec=\"$here/Shelfmark\"|" "$here/shelfmark.desktop" > "$data/applications/shelfmark.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$data/applications" || true
echo "Shelfmark is in your applications menu; or run: $HOME/.local/bin/shelfmark"
