"""The StoryGraph reader: what each row of a real and a hand-made export becomes,
without a database."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from webapp.models import BookFormat, PostKind, ReadingStatus
from webapp.models.read import ReadOutcome
from webapp.partial_dates import DatePrecision, PartialDate
from webapp.transfer.cells import CellProblem, split_names
from webapp.transfer.files import UnreadableFile
from webapp.transfer.records import BookRecord, ImportedRead, SkippedRow
from webapp.transfer.sources.storygraph import SOURCE, parse_dates_read

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "storygraph"


def day(year: int, month: int, day_: int) -> PartialDate:
    return PartialDate(date(year, month, day_))


def records(name: str) -> dict[str, BookRecord | SkippedRow]:
    found = {}
    for item in SOURCE.read(FIXTURES / name):
        found[item.book.title if isinstance(item, BookRecord) else f"row {item.row}"] = item
    return found


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2023/01/05-2023/01/20", [(day(2023, 1, 5), day(2023, 1, 20), False)]),
        ("2023/01/20", [(None, day(2023, 1, 20), False)]),
        ("2024/03/01-", [(day(2024, 3, 1), None, True)]),
        (
            "2019/05/02-2019/05/30, 2024/03/01-",
            [(day(2019, 5, 2), day(2019, 5, 30), False), (day(2024, 3, 1), None, True)],
        ),
        ("2023-01-05-2023-01-20", [(day(2023, 1, 5), day(2023, 1, 20), False)]),
        ("2021", [(None, PartialDate(date(2021, 1, 1), DatePrecision.YEAR), False)]),
        ("", []),
    ],
)
def test_dates_read_holds_ranges_bare_finish_dates_and_open_reads(cell, expected) -> None:
    assert parse_dates_read(cell) == expected


@pytest.mark.parametrize("cell", ["sometime in spring", "-", "2023/13/45-2023/01/01"])
def test_dates_read_that_are_not_dates_are_a_cell_problem(cell) -> None:
    with pytest.raises(CellProblem, match="Dates Read"):
        parse_dates_read(cell)


def test_a_name_suffix_after_a_comma_stays_with_its_name() -> None:
    assert split_names("Martin Luther King, Jr., Jesse Jackson") == [
        "Martin Luther King, Jr.",
        "Jesse Jackson",
    ]
    assert split_names("Ursula K. Le Guin, Todd Barton") == ["Ursula K. Le Guin", "Todd Barton"]


def test_bookwyrms_real_storygraph_sample_is_read() -> None:
    found = records("bookwyrm_storygraph.csv")
    home = found["Always Coming Home"]
    assert home.book.authors == ["Ursula K. Le Guin", "Todd Barton", "Margaret Chodos-Irvine"]
    assert (home.book.isbn13, home.book.isbn10) == ("9780520227354", "0520227352")
    assert home.book.copies == 0
    assert home.book.added_at == datetime(2021, 5, 10)
    assert home.reading.status is ReadingStatus.WANT_TO_READ and home.reading.reads == []
    crisis = found["Subprime Attention Crisis"]
    assert crisis.book.isbn13 == "9780374538651"
    assert crisis.reading.status is ReadingStatus.READ and crisis.reading.rating == 5.0
    assert crisis.reading.reads == [ImportedRead(ReadOutcome.FINISHED)]
    assert crisis.shelves == ["mood: informative"]


def test_a_re_read_book_has_every_read_in_order_its_review_shelves_and_moods() -> None:
    piranesi = records("storygraph_edge_cases.csv")["Piranesi"]
    assert piranesi.book.authors == ["Susanna Clarke"]  # the narrator is a contributor, not an author
    assert piranesi.book.format is BookFormat.AUDIOBOOK and piranesi.book.copies == 1
    assert piranesi.reading.rating == 4.75  # the engine rounds to the nearest half star
    assert piranesi.reading.reads == [
        ImportedRead(ReadOutcome.FINISHED, day(2021, 1, 5), day(2021, 1, 19)),
        ImportedRead(ReadOutcome.FINISHED, None, day(2022, 7, 30)),
        ImportedRead(ReadOutcome.FINISHED, day(2024, 2, 12), day(2024, 2, 20)),
    ]
    assert piranesi.shelves == ["fantasy", "favourites", "mood: mysterious", "mood: reflective"]
    [review] = piranesi.posts
    assert review.kind is PostKind.REVIEW and review.title == "Review of Piranesi"
    assert "<b>endless</b>" in review.body  # the engine sanitises it as every post
    assert piranesi.warnings == []


def test_a_book_being_read_again_has_its_old_read_finished_and_the_open_one_under_way() -> None:
    season = records("storygraph_edge_cases.csv")["The Fifth Season"]
    assert season.reading.status is ReadingStatus.READING
    assert season.reading.reads == [
        ImportedRead(ReadOutcome.FINISHED, day(2019, 5, 2), day(2019, 5, 30)),
        ImportedRead(ReadOutcome.IN_PROGRESS, day(2024, 3, 1)),
    ]
    assert season.book.isbn10 == "0316229296" and season.book.isbn13 == "9780316229296"


def test_did_not_finish_ends_the_last_read_unfinished_and_a_storygraph_id_is_no_error() -> None:
    push = records("storygraph_edge_cases.csv")["The Push"]
    assert push.reading.status is ReadingStatus.DID_NOT_FINISH
    assert push.reading.reads == [ImportedRead(ReadOutcome.DID_NOT_FINISH, day(2023, 6, 1), day(2023, 6, 10))]
    assert push.reading.rating == 1.25
    assert (push.book.isbn13, push.book.isbn10) == (None, None)
    assert push.book.source_id == "d9b6e4a1-3c1f-4b8e-9a77-2f4c7e1b5a10"
    assert push.warnings == []


def test_a_paused_book_is_being_read_and_on_a_paused_shelf() -> None:
    middlemarch = records("storygraph_edge_cases.csv")["Middlemarch"]
    assert middlemarch.reading.status is ReadingStatus.READING
    assert middlemarch.reading.reads == [ImportedRead(ReadOutcome.IN_PROGRESS, day(2024, 1, 5))]
    assert middlemarch.shelves == ["paused"]
    assert middlemarch.book.source_id == "B00K0OI4RA" and middlemarch.book.isbn13 is None


def test_a_to_read_book_without_isbn_and_a_row_without_title() -> None:
    found = records("storygraph_edge_cases.csv")
    wait = found["Why We Can't Wait"]
    assert wait.book.authors == ["Martin Luther King, Jr.", "Jesse Jackson"]
    assert wait.book.source_id is None and wait.book.copies == 0
    assert wait.reading.status is ReadingStatus.WANT_TO_READ and wait.reading.reads == []
    assert found["row 7"] == SkippedRow(7, "The row has no title.", found["row 7"].cells)


def test_a_spreadsheet_mangled_isbn_and_unreadable_dates_are_warnings_not_guesses() -> None:
    dispossessed = records("storygraph_edge_cases.csv")["The Dispossessed"]
    assert dispossessed.book.isbn13 is None and dispossessed.book.isbn10 is None
    assert dispossessed.reading.reads == [ImportedRead(ReadOutcome.FINISHED)]
    assert dispossessed.warnings == [
        "row 8: ISBN/UID 9.78006E+12 was turned into a number by a spreadsheet; its digits are lost; "
        "kept as the StoryGraph id only",
        "row 8: Dates Read sometime in spring is not a date or a range of dates; left empty",
    ]


def test_the_older_header_with_author_and_isbn_is_read_by_the_same_rules() -> None:
    kindred = records("storygraph_older_header.csv")["Kindred"]
    assert kindred.book.authors == ["Octavia E. Butler"]
    assert kindred.book.isbn13 == "9780807083697"
    # No Dates Read: the Last Date Read dates the one read.
    assert kindred.reading.reads == [ImportedRead(ReadOutcome.FINISHED, None, day(2019, 8, 20))]
    assert kindred.shelves == ["classics", "mood: challenging"]


def test_a_read_count_beyond_the_dated_reads_adds_undated_ones_first(tmp_path) -> None:
    path = tmp_path / "sg.csv"
    path.write_text(
        "Title,Authors,ISBN/UID,Read Status,Dates Read,Read Count\nDune,Frank Herbert,,read,2020/05/01,3\n",
        encoding="utf-8",
    )
    [dune] = SOURCE.read(path)
    assert dune.reading.reads == [
        ImportedRead(ReadOutcome.FINISHED),
        ImportedRead(ReadOutcome.FINISHED),
        ImportedRead(ReadOutcome.FINISHED, None, day(2020, 5, 1)),
    ]


def test_an_unknown_status_is_read_as_to_read_with_a_warning(tmp_path) -> None:
    path = tmp_path / "sg.csv"
    path.write_text("Title,Authors,Read Status\nDune,Frank Herbert,someday\n", encoding="utf-8")
    [dune] = SOURCE.read(path)
    assert dune.reading.status is ReadingStatus.WANT_TO_READ
    assert dune.warnings == ["row 2: Read Status someday is not a StoryGraph status; read as to-read"]


def test_a_file_without_read_status_is_not_read_as_storygraph(tmp_path) -> None:
    path = tmp_path / "sg.csv"
    path.write_text("Title,Authors,ISBN/UID\nDune,Frank Herbert,\n", encoding="utf-8")
    assert not SOURCE.sniff(path)
    with pytest.raises(UnreadableFile, match="lacks the StoryGraph column Read Status"):
        list(SOURCE.read(path))
