"""Shelfmark's icons for every platform, drawn from the one SVG the web app uses.

Nothing rasterised is committed: the SVG is the source, and each build renders what its
platform wants with ImageMagick (``magick`` on 7, ``convert`` on 6):

- PNGs at the freedesktop sizes, for the Linux ``.desktop`` file and hicolor theme;
- ``shelfmark.ico`` (16 to 256 px) for the Windows executable and installer;
- ``shelfmark.icns`` on macOS, through Apple's ``iconutil`` from an ``.iconset``
  (ImageMagick cannot write ICNS).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "webapp" / "static" / "img" / "shelfmark.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def imagemagick() -> list[str]:
    for name in ("magick", "convert"):
        found = shutil.which(name)
        # Windows has a convert.exe of its own (it converts file systems): only trust magick there.
        if found and not (name == "convert" and sys.platform == "win32"):
            return [found]
    raise RuntimeError(
        "ImageMagick is needed to draw the icons (apt install imagemagick, brew/choco imagemagick)"
    )


def render_png(size: int, target: Path) -> Path:
    # A density high enough that the vector is rasterised above the target size, then scaled down.
    density = str(max(96, size * 96 // 32))
    rasterise = ["-background", "none", "-density", density, str(SOURCE)]
    scale = ["-resize", f"{size}x{size}", "-depth", "8", f"PNG32:{target}"]
    subprocess.run([*imagemagick(), *rasterise, *scale], check=True)
    return target


def make_icons(out_dir: Path) -> dict[str, Path]:
    """Render the icon set into ``out_dir``; returns what was made, by kind
    (``png<size>``, ``ico``, and ``icns`` where ``iconutil`` exists)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}
    for size in PNG_SIZES:
        made[f"png{size}"] = render_png(size, out_dir / f"shelfmark-{size}.png")
    ico = out_dir / "shelfmark.ico"
    subprocess.run(
        [*imagemagick(), *(str(made[f"png{size}"]) for size in ICO_SIZES), str(ico)],
        check=True,
    )
    made["ico"] = ico
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
