"""The Goodreads reader reads the older 31-column header (BookWyrm's real sample, with
Condition, BCID and Recommended For) by the same rules as the current one."""

from __future__ import annotations

from pathlib import Path

from webapp.catalogue import SeriesPlace
from webapp.models import ReadingStatus
from webapp.models.read import ReadOutcome
from webapp.transfer.records import BookRecord
from webapp.transfer.sources import detect
from webapp.transfer.sources.goodreads import SOURCE

OLDER = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "imports"
    / "goodreads"
    / "bookwyrm_goodreads_31_columns.csv"
)


def test_the_older_31_column_goodreads_header_is_detected_as_goodreads() -> None:
    assert detect(OLDER).name == "goodreads"


def test_the_older_31_column_goodreads_header_is_read_by_the_same_rules() -> None:
    records = list(SOURCE.read(OLDER))
    assert all(isinstance(record, BookRecord) for record in records)
    gideon, subcutanean, patisserie = records
    assert (gideon.book.title, gideon.book.series) == (
        "Gideon the Ninth",
        [SeriesPlace("The Locked Tomb", "1")],
    )
    assert (gideon.book.isbn13, gideon.book.isbn10) == ("9781250313195", "1250313198")
    assert gideon.book.copies == 0 and gideon.book.source_id == "42036538"
    assert gideon.reading.status is ReadingStatus.READ and gideon.reading.rating == 3
    assert str(gideon.reading.reads[-1].ended) == "2020-10-25"
    assert subcutanean.book.isbn13 is None and subcutanean.reading.rating is None
    assert patisserie.book.authors == ["Mélanie Dupuis", "Anne Cazor"]
    assert [read.outcome for read in patisserie.reading.reads] == [ReadOutcome.FINISHED] * 2
    assert [post.body for post in patisserie.posts] == ["mixed feelings"]
