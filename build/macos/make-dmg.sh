#!/bin/sh
# Pack Shelfmark.app into a compressed disk image with an Applications shortcut, the
# usual drag-to-install layout. macOS only (hdiutil). build/build.py runs it as:
#     sh build/macos/make-dmg.sh <dist>/Shelfmark.app <out>/Shelfmark-<version>-macos.dmg
#
# Signing and notarisation are separate steps that need the maintainer's Apple
# Developer ID; without them Gatekeeper asks the user to confirm the first launch
# (right-click > Open). With an identity, before this script:
#     codesign --deep --force --options runtime --sign "Developer ID Application: ..." Shelfmark.app
# and after it:
#     xcrun notarytool submit Shelfmark-*.dmg --keychain-profile <profile> --wait
#     xcrun stapler staple Shelfmark-*.dmg
set -eu
app=$1
dmg=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname Shelfmark -srcfolder "$stage" -fs HFS+ -format UDZO -imagekey zlib-level=9 "$dmg"
