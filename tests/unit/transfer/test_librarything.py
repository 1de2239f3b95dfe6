"""The LibraryThing reader: what each row of a real (UTF-8, with a stray Latin-1 byte)
and a hand-made (ISO-8859-1) export becomes, without a database."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from webapp.models import BookFormat, PostKind, ReadingStatus, Visibility
from webapp.models.read import ReadOutcome
from webapp.partial_dates import PartialDate
from webapp.transfer.files import UnreadableFile, read_sample
from webapp.transfer.records import BookRecord, ImportedLoan, ImportedRead, SkippedRow
from webapp.transfer.sources.librarything import SOURCE, first_last, is_generated_summary

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "librarything"
REAL = FIXTURES / "bookwyrm_librarything.tsv"
EDGE_CASES = FIXTURES / "librarything_edge_cases.tsv"


def day(year: int, month: int, day_: int) -> PartialDate:
    return PartialDate(date(year, month, day_))


def records(path: Path) -> dict[str, BookRecord | SkippedRow]:
    return {
        item.book.title if isinstance(item, BookRecord) else f"row {item.row}": item
        for item in SOURCE.read(path)
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Le Guin, Ursula K.", "Ursula K. Le Guin"),
        ("Cortázar, Julio", "Julio Cortázar"),
        ("King, Stephen, Jr.", "Stephen King, Jr."),
        ("Homer", "Homer"),
        ("Davis, Jr.", "Davis, Jr."),
    ],
)
def test_librarythings_last_first_names_are_written_first_last(name, expected) -> None:
    assert first_last(name) == expected


def test_librarythings_own_title_by_author_summary_is_told_from_a_written_one() -> None:
    assert is_generated_summary("Marelle by Julio Cortázar (1979)", "Marelle")
    assert not is_generated_summary("A novel one can read in two orders.", "Rayuela")


def test_the_real_export_stays_utf_8_despite_its_one_stray_latin_1_byte() -> None:
    assert read_sample(REAL).encoding == "utf-8"
    found = records(REAL)
    assert "Le Maître et Marguerite" in found
    assert found["Le Maître et Marguerite"].book.authors == ["Mikhaïl Boulgakov"]


def test_the_real_export_gives_isbns_dates_publication_tags_and_a_read() -> None:
    marelle = records(REAL)["Marelle"]
    book = marelle.book
    assert (book.isbn13, book.isbn10) == ("9782070291342", "2070291340")
    assert (book.publisher, book.year, book.pages, book.language) == ("Gallimard", 1979, 590, "French")
    assert book.format is BookFormat.PAPERBACK  # Media "Broché"
    assert book.source_id == "5498194" and book.added_at == datetime(2006, 8, 9)
    assert book.description is None  # the Summary is only "Marelle by Julio Cortázar (1979)"
    assert marelle.reading.status is ReadingStatus.READ and marelle.reading.rating == 4.5
    assert marelle.reading.reads == [ImportedRead(ReadOutcome.FINISHED, day(2007, 4, 16), day(2007, 5, 8))]
    assert marelle.shelves == [
        "roman",
        "espagnol",
        "expérimental",
        "bohème",
        "philosophie",
    ]  # not "Your library"
    assert [(post.kind, post.body) for post in marelle.posts] == [(PostKind.REVIEW, "chef d'oeuvre")]


def test_a_catalogued_book_with_no_reading_signal_has_no_reading() -> None:
    master = records(REAL)["Le Maître et Marguerite"]
    assert master.reading is None and master.shelves == []


def test_a_latin_1_export_with_every_column_of_a_read_book() -> None:
    zauberberg = records(EDGE_CASES)["Der Zauberberg"]
    assert zauberberg.book.authors == ["Thomas Mann"]  # the translator is not an author
    assert zauberberg.book.isbn13 == "9783596294336"
    assert zauberberg.book.publisher == "Fischer" and zauberberg.book.format is BookFormat.PAPERBACK
    assert zauberberg.shelves == ["klassiker", "Übersetzung", "Favorites"]
    assert zauberberg.reading.reads == [ImportedRead(ReadOutcome.FINISHED, day(2019, 3, 1), day(2019, 4, 2))]
    review, comment, private = zauberberg.posts
    assert (review.kind, review.visibility) == (PostKind.REVIEW, None)
    assert (comment.kind, comment.body) == (PostKind.NOTE, "Read it on the train.")
    assert (private.kind, private.visibility) == (PostKind.NOTE, Visibility.PRIVATE)
    assert zauberberg.loans == [ImportedLoan("Bea", date(2023, 1, 10), returned_on=date(2023, 2, 1))]
    assert zauberberg.warnings == []


def test_a_book_started_and_lent_out_is_being_read_with_an_open_loan_due_back() -> None:
    left_hand = records(EDGE_CASES)["The Left Hand of Darkness"]
    assert left_hand.book.isbn10 == "0441478123" and left_hand.book.format is BookFormat.PAPERBACK
    assert left_hand.reading.status is ReadingStatus.READING
    assert left_hand.reading.reads == [ImportedRead(ReadOutcome.IN_PROGRESS, day(2024, 5, 1))]
    assert left_hand.loans == [ImportedLoan("Ada", date(2024, 6, 1), due_on=date(2024, 7, 1))]


def test_the_status_collections_give_the_status_and_are_no_shelves() -> None:
    found = records(EDGE_CASES)
    stoner = found["Stoner"]
    assert stoner.reading.status is ReadingStatus.WANT_TO_READ and stoner.reading.reads == []
    assert stoner.shelves == ["Wishlist"] and stoner.book.copies == 0
    rayuela = found["Rayuela"]
    assert rayuela.reading.status is ReadingStatus.READ
    assert rayuela.reading.reads == [ImportedRead(ReadOutcome.FINISHED)] and rayuela.reading.rating == 2.5
    assert rayuela.book.copies == 0 and rayuela.shelves == []


def test_a_written_summary_becomes_the_description_and_isbns_fill_an_empty_isbn() -> None:
    rayuela = records(EDGE_CASES)["Rayuela"]
    assert rayuela.book.description.startswith("A novel one can read in two orders")
    assert rayuela.book.isbn10 == "8420471836"
    assert rayuela.book.authors == ["Julio Cortázar", "Jorge Luis Borges"]  # Rabassa translated it
    assert (rayuela.book.year, rayuela.book.language) == (1963, "Spanish")


def test_unreadable_cells_are_warnings_and_a_loan_without_start_is_left_out() -> None:
    found = records(EDGE_CASES)
    assert found["row 6"] == SkippedRow(6, "The row has no title.", found["row 6"].cells)
    moby = found["Moby-Dick"]
    assert moby.book.isbn10 is None and moby.loans == [] and moby.reading is None
    assert moby.warnings == [
        "row 7: ISBN 123456789 has 9 digits, not 10: a spreadsheet may have dropped its leading 0; "
        "left empty",
        "row 7: Date unknown holds no year; left empty",
        "row 7: Date Read 2019-13-45 is not a date; left empty",
        "row 7: the loan to Cy has no Lending Start; it is left out",
    ]


@pytest.mark.parametrize(
    ("status", "start", "end", "loans", "warning"),
    [
        ("Returned", "[2024-01-01]", "", [], "came back on a day the file does not give"),
        ("On loan", "[2024-02-01]", "[2024-01-01]", [ImportedLoan("Ada", date(2024, 2, 1))], "is before"),
        ("On loan", "[2024-02]", "", [], "Lending Start [2024-02] is not a full date"),
    ],
)
def test_a_loan_never_gets_a_guessed_date(tmp_path, status, start, end, loans, warning) -> None:
    path = tmp_path / "lt.tsv"
    path.write_text(
        "Book Id\tTitle\tPrimary Author\tCollections\t"
        "Lending Patron\tLending Status\tLending Start\tLending End\n"
        f"7\tDune\tHerbert, Frank\tYour library\tAda\t{status}\t{start}\t{end}\n",
        encoding="utf-8",
    )
    [dune] = SOURCE.read(path)
    assert dune.loans == loans
    assert warning in " ".join(dune.warnings)


def test_a_goodreads_file_is_not_librarything(tmp_path) -> None:
    path = tmp_path / "gr.csv"
    path.write_text("Book Id,Title,Author,Exclusive Shelf,Bookshelves\n1,Dune,Frank Herbert,read,\n")
    assert not SOURCE.sniff(path)
    with pytest.raises(UnreadableFile, match="lacks the LibraryThing column Primary Author"):
        list(SOURCE.read(path))
