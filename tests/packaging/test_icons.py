"""The icons are drawn from the SVG on a machine that has only what system-packages.sh
installs: no ImageMagick SVG delegate (Debian's libmagickcore-6.q16-6-extra) is needed."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from PIL import Image

from build.icons import ICO_SIZES, PNG_SIZES, make_icons

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Linux draws with rsvg-convert")


@pytest.fixture
def path_without_imagemagick(tmp_path, monkeypatch) -> Path:
    """A PATH holding only rsvg-convert: what a fresh Debian machine has of SVG tools
    after system-packages.sh, whatever ImageMagick this one happens to have."""
    rsvg = shutil.which("rsvg-convert")
    assert rsvg, "rsvg-convert is missing: scripts/system-packages.sh installs librsvg2-bin"
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "rsvg-convert").symlink_to(rsvg)
    monkeypatch.setenv("PATH", str(tools))
    return tools


def test_icons_are_drawn_from_the_svg_without_imagemagick(path_without_imagemagick, tmp_path) -> None:
    assert shutil.which("convert") is None and shutil.which("magick") is None
    made = make_icons(tmp_path / "icons")
    for size in PNG_SIZES:
        with Image.open(made[f"png{size}"]) as png:
            assert png.size == (size, size)
            assert png.mode == "RGBA"
            assert png.getpixel((0, 0))[3] == 0, "the rounded corner is transparent"
            assert png.getpixel((size // 2, size // 2))[3] == 255, "the middle is painted"
    with Image.open(made["png512"]) as large:
        assert len(large.getcolors(1 << 24)) > 50, "a drawing, not a flat square"
    with Image.open(made["ico"]) as ico:
        assert sorted(ico.info["sizes"]) == [(size, size) for size in ICO_SIZES]


def test_icons_say_which_tool_is_missing(tmp_path, monkeypatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(RuntimeError, match="librsvg2-bin"):
        make_icons(tmp_path / "icons")
    assert os.listdir(tmp_path / "icons") == []
