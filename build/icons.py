"""Shelfmark's icons for every platform, drawn from the one SVG the web app uses.

Nothing rasterised is committed: the SVG is the source, and each build renders what its
platform wants:

- PNGs at the freedesktop sizes, for the Linux ``.desktop`` file and hicolor theme, drawn
  by ``rsvg-convert`` (librsvg, Debian's ``librsvg2-bin``; ``brew install librsvg``);
- ``shelfmark.ico`` (16 to 256 px) for the Windows executable and installer, packed by Pillow;
- ``shelfmark.icns`` on macOS, through Apple's ``iconutil`` from an ``.iconset``.

Why rsvg-convert: its only job is SVG, and it is the renderer GTK itself uses. ImageMagick
reads SVG only through a delegate that Debian ships in ``libmagickcore-6.q16-6-extra``, a
"recommends" that ``--no-install-recommends`` leaves out: a fresh machine then failed with
"unable to open image" while a used one passed. Where rsvg-convert is absent (the Windows
build), ImageMagick 7's ``magick``, whose Windows build reads SVG itself, is the fallback.
Pillow writes the ``.ico`` everywhere, so no second tool is needed for it. It could write
``.icns`` too, but leaves out the 16 and 32 px 1x slots, so macOS keeps ``iconutil``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "webapp" / "static" / "img" / "shelfmark.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def svg_renderer() -> tuple[str, str]:
    """``(kind, path)`` of the program that rasterises the SVG: rsvg-convert, else magick."""
    found = shutil.which("rsvg-convert")
    if found:
        return "rsvg", found
    found = shutil.which("magick")
    if found:
        return "magick", found
    raise RuntimeError(
        "rsvg-convert is needed to draw the icons from the SVG "
        "(apt install librsvg2-bin, brew install librsvg; on Windows ImageMagick 7's magick also works)"
    )


def render_png(size: int, target: Path) -> Path:
    """The SVG as a ``size``-pixel square RGBA PNG with a transparent background."""
    kind, program = svg_renderer()
    if kind == "rsvg":
        command = [program, "--width", str(size), "--height", str(size), "--keep-aspect-ratio"]
        command += ["--background-color", "none", "--output", str(target), str(SOURCE)]
    else:
        # A density high enough that the vector is rasterised above the target size, then scaled down.
        density = str(max(96, size * 96 // 32))
        command = [program, "-background", "none", "-density", density, str(SOURCE)]
        command += ["-resize", f"{size}x{size}", "-depth", "8", f"PNG32:{target}"]
    subprocess.run(command, check=True)
    with Image.open(target) as drawn:
        if drawn.size != (size, size):
            raise RuntimeError(f"{program} drew {target.name} at {drawn.size}, not {size}x{size}")
    return target


def make_ico(pngs: dict[str, Path], ico: Path) -> Path:
    """One ``.ico`` holding each of ``ICO_SIZES`` as drawn (not rescaled by Pillow)."""
    frames = [Image.open(pngs[f"png{size}"]) for size in ICO_SIZES]
    try:
        largest = frames[-1]
        largest.save(ico, format="ICO", sizes=[frame.size for frame in frames], append_images=frames[:-1])
    finally:
        for frame in frames:
            frame.close()
    return ico


def make_icons(out_dir: Path) -> dict[str, Path]:
    """Render the icon set into ``out_dir``; returns what was made, by kind
    (``png<size>``, ``ico``, and ``icns`` where ``iconutil`` exists)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for size in PNG_SIZES:
        made[f"png{size}"] = render_png(size, out_dir / f"shelfmark-{size}.png")
    made["ico"] = make_ico(made, out_dir / "shelfmark.ico")
    if shutil.which("iconutil"):
        made["icns"] = make_icns(out_dir, made)
    return made


def make_icns(out_dir: Path, pngs: dict[str, Path]) -> Path:
    """macOS only: an ``.iconset`` folder in Apple's naming, packed by ``iconutil``."""
    iconset = out_dir / "shelfmark.iconset"
    iconset.mkdir(exist_ok=True)
    for size in (16, 32, 128, 256, 512):
        shutil.copy(pngs[f"png{size}"], iconset / f"icon_{size}x{size}.png")
        double = size * 2
        retina = pngs.get(f"png{double}") or render_png(double, out_dir / f"shelfmark-{double}.png")
        shutil.copy(retina, iconset / f"icon_{size}x{size}@2x.png")
    icns = out_dir / "shelfmark.icns"
    subprocess.run(["iconutil", "-c", "icns", str(iconset), "-o", str(icns)], check=True)
    return icns


if __name__ == "__main__":
    for kind, path in make_icons(Path(sys.argv[1] if len(sys.argv) > 1 else "build/out/icons")).items():
        print(kind, path)
