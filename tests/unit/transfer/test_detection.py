"""Each app's export is taken for that app and no other: every fixture under
tests/fixtures/imports/<source>/ is sniffed by its own source only, and ``detect``
names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.transfer.sources import available_sources, detect

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
TEXT_FIXTURES = sorted(
    path for path in FIXTURES.glob("*/*") if path.suffix.lower() in (".csv", ".tsv", ".txt")
)


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_each_fixture_is_detected_as_its_own_format_and_no_other(path: Path) -> None:
    claimed = [source.name for source in available_sources() if source.sniff(path)]
    assert claimed == [path.parent.name]
    assert detect(path).name == path.parent.name


def test_there_are_fixtures_of_every_text_format_these_readers_cover() -> None:
    covered = {path.parent.name for path in TEXT_FIXTURES}
    assert {"goodreads", "storygraph", "librarything", "libib"} <= covered
