"""Real Calibre libraries for the tests, made by Debian's ``calibredb`` (no hand-written
metadata.db: the reader must meet the schema Calibre itself writes).

Without calibredb the tests that need it are skipped with the reason, unless
``SHELFMARK_REQUIRE_CALIBRE`` is set (scripts/test.sh sets it), when they fail: CI must
not pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

CALIBREDB = shutil.which("calibredb")
#: Calibre is a Qt program; headless and as root it needs these to start at all.
CALIBRE_ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CALIBRE_CONFIG_DIRECTORY": ""}

GIDEON_COMMENTS = '<p>A <b>necromancer</b> in space.</p><script>alert("calibre")</script>'


def need_calibredb() -> str:
    if CALIBREDB is None:
        if os.environ.get("SHELFMARK_REQUIRE_CALIBRE"):
            pytest.fail("calibredb is missing (scripts/system-packages.sh --tests installs Debian's calibre)")
        pytest.skip("calibredb is not installed (Debian's calibre package; scripts/test.sh requires it)")
    return CALIBREDB


def calibredb(library: Path, *arguments: str) -> str:
    env = {**CALIBRE_ENV, "CALIBRE_CONFIG_DIRECTORY": str(library.parent / "calibre-config")}
    done = subprocess.run(
        [need_calibredb(), "--library-path", str(library), *arguments],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"calibredb {arguments[0]} failed: {done.stderr or done.stdout}")
    return done.stdout


def book_id(output: str) -> str:
    """calibredb add prints "Added book ids: 3"."""
    return output.strip().rsplit(":", 1)[1].strip().split(",")[0]


def make_library(folder: Path) -> Path:
    """Three books that between them use every field the reader reads."""
    library = folder / "Calibre Library"
    library.mkdir(parents=True)
    gideon = book_id(
        calibredb(
            library, "add", "--empty", "--title", "Gideon the Ninth", "--authors", "Tamsyn Muir",
            "--isbn", "9781250313195", "--tags", "fantasy,owned", "--series", "The Locked Tomb",
            "--series-index", "1",
        )
    )  # fmt: skip
    cover = folder / "cover.png"
    Image.new("RGB", (60, 90), (180, 30, 40)).save(cover)
    for field in (
        "rating:4.5",
        f"comments:{GIDEON_COMMENTS}",
        "pubdate:2019-09-10",
        "publisher:Tor.com",
        "languages:eng",
        f"cover:{cover}",
    ):
        calibredb(library, "set_metadata", gideon, "--field", field)
    omens = book_id(
        calibredb(
            library, "add", "--empty", "--title", "Good Omens", "--authors", "Terry Pratchett & Neil Gaiman",
            "--series", "Standalones", "--series-index", "0.5",
        )
    )  # fmt: skip
    calibredb(library, "set_metadata", omens, "--field", "languages:fra")
    calibredb(library, "add", "--empty", "--title", "Unread Pamphlet", "--authors", "Anon Ymous")
    return library


def make_catalogue(library: Path, out: Path) -> Path:
    calibredb(library, "catalog", str(out))
    return out
