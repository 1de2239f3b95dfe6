"""The Libib reader: what each row of a real-header sample and a hand-made export
becomes, without a database."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from webapp.catalogue import SeriesPlace
from webapp.models import PostKind, ReadingStatus, Visibility
from webapp.models.read import ReadOutcome
from webapp.partial_dates import PartialDate
from webapp.transfer.cells import CellProblem
from webapp.transfer.files import UnreadableFile
from webapp.transfer.records import BookRecord, ImportedRead, SkippedRow
from webapp.transfer.sources.libib import SOURCE, price_in_minor_units

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "libib"
EDGE_CASES = FIXTURES / "libib_edge_cases.csv"
SAMPLE = FIXTURES / "libib_tools_sample.csv"


def day(year: int, month: int, day_: int) -> PartialDate:
    return PartialDate(date(year, month, day_))


def records(path: Path) -> dict[str, BookRecord | SkippedRow]:
    return {
        item.book.title if isinstance(item, BookRecord) else f"row {item.row}": item
        for item in SOURCE.read(path)
    }


@pytest.mark.parametrize(
    ("cell", "minor"), [("28.99", 2899), ("9,5", 950), ("$9.99", 999), ("12", 1200), ("", None)]
)
def test_a_price_is_read_in_minor_units(cell, minor) -> None:
    assert price_in_minor_units(cell) == minor


def test_a_price_that_is_not_one_is_a_cell_problem() -> None:
    with pytest.raises(CellProblem, match="price about ten is not a price"):
        price_in_minor_units("about ten")


def test_a_completed_book_has_its_read_rating_review_note_shelves_and_catalogue_fields() -> None:
    mary = records(EDGE_CASES)["Project Hail Mary"]
    book = mary.book
    assert (book.isbn13, book.isbn10) == ("9780593135204", "0593135202")
    assert (book.publisher, book.year, book.pages, book.copies) == ("Ballantine Books", 2021, 496, 2)
    assert book.price_minor == 2899 and book.added_at == datetime(2023, 12, 25)
    assert book.description.startswith("A lone astronaut")
    assert mary.reading.status is ReadingStatus.READ and mary.reading.rating == 5
    assert mary.reading.reads == [ImportedRead(ReadOutcome.FINISHED, day(2024, 1, 10), day(2024, 1, 25))]
    assert mary.shelves == ["sci-fi", "favourites"]
    review, notes = mary.posts
    assert (review.kind, review.created_at) == (PostKind.REVIEW, datetime(2024, 2, 1))
    assert (notes.kind, notes.visibility, notes.body) == (PostKind.NOTE, Visibility.PRIVATE, "Signed copy.")
    assert mary.warnings == []


def test_spreadsheet_mangled_isbns_and_dates_are_warnings_and_never_guessed() -> None:
    empire = records(EDGE_CASES)["The Final Empire"]
    assert (empire.book.isbn13, empire.book.isbn10, empire.book.added_at) == (None, None, None)
    assert empire.warnings == [
        "row 3: ean_isbn13 9.78077E+12 was turned into a number by a spreadsheet; its digits are lost; "
        "left empty",
        "row 3: upc_isbn10 765350386 has 9 digits, not 10: a spreadsheet may have dropped its leading 0; "
        "left empty",
        "row 3: added 11/1/2024 was rewritten by a spreadsheet in its day and month order, "
        "which is not guessed; left empty",
    ]
    assert empire.book.series == [SeriesPlace("Mistborn")]
    assert empire.reading.status is ReadingStatus.READING
    assert empire.reading.reads == [ImportedRead(ReadOutcome.IN_PROGRESS, day(2024, 11, 1))]


def test_an_abandoned_book_did_not_finish_and_a_last_first_creator_is_one_name() -> None:
    wind = records(EDGE_CASES)["The Name of the Wind"]
    assert wind.book.authors == ["Patrick Rothfuss"]
    assert wind.reading.status is ReadingStatus.DID_NOT_FINISH and wind.reading.rating == 2
    assert wind.reading.reads == [ImportedRead(ReadOutcome.DID_NOT_FINISH, day(2023, 3, 1), day(2023, 3, 15))]


def test_a_book_not_begun_wants_reading_and_keeps_every_creator() -> None:
    omens = records(EDGE_CASES)["Good Omens"]
    assert omens.book.authors == ["Terry Pratchett", "Neil Gaiman"]
    assert omens.reading.status is ReadingStatus.WANT_TO_READ and omens.reading.reads == []
    assert omens.book.copies == 0 and omens.book.price_minor == 999


def test_movies_music_and_rows_without_title_are_skipped_with_their_reason() -> None:
    found = records(EDGE_CASES)
    assert [(found[row].row, found[row].reason) for row in ("row 6", "row 7", "row 8")] == [
        (6, "The row is a movie, not a book: Shelfmark keeps books."),
        (7, "The row is music, not a book: Shelfmark keeps books."),
        (8, "The row has no title."),
    ]
    assert found["row 6"].cells[1] == "Arrival"  # for the skipped-rows file


def test_an_unknown_status_leaves_the_dates_to_say_it() -> None:
    stoner = records(EDGE_CASES)["Stoner"]
    assert stoner.reading is None
    assert stoner.warnings == ["row 9: status lost in the mail is not a Libib status; the dates say it"]


def test_the_30_column_header_with_collection_is_read_and_the_collection_is_a_shelf() -> None:
    found = records(SAMPLE)
    assert len(found) == 15 and all(isinstance(item, BookRecord) for item in found.values())
    piranesi = found["Piranesi"]
    assert piranesi.book.isbn10 == "163557563X"
    assert piranesi.shelves == ["chirp", "digital", "kindle", "nook", "Books"]
    assert piranesi.reading is None  # no status, dates or rating: catalogued, not read
    assert found["The Fifth Season"].book.authors == ["N.K. Jemisin"]


@pytest.mark.parametrize(
    ("status", "began", "completed", "expected"),
    [
        ("", "2024-01-01", "2024-02-01", (ReadingStatus.READ, ReadOutcome.FINISHED)),
        ("", "2024-01-01", "", (ReadingStatus.READING, ReadOutcome.IN_PROGRESS)),
        ("in_progress", "", "", (ReadingStatus.READING, ReadOutcome.IN_PROGRESS)),
        ("COMPLETED", "", "", (ReadingStatus.READ, ReadOutcome.FINISHED)),
    ],
)
def test_without_a_status_the_dates_give_it(tmp_path, status, began, completed, expected) -> None:
    path = tmp_path / "libib.csv"
    path.write_text(
        "item_type,title,creators,ean_isbn13,upc_isbn10,status,began,completed\n"
        f"book,Dune,Frank Herbert,,,{status},{began},{completed}\n",
        encoding="utf-8",
    )
    [dune] = SOURCE.read(path)
    assert (dune.reading.status, dune.reading.reads[0].outcome) == expected


def test_a_file_without_libibs_columns_is_not_libib(tmp_path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("title,creators,status\nDune,Frank Herbert,Completed\n", encoding="utf-8")
    assert not SOURCE.sniff(path)
    with pytest.raises(UnreadableFile, match="lacks the Libib column item_type"):
        list(SOURCE.read(path))
