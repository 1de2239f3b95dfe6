"""A library with one of everything an export carries, built by the app's own models and
services (webapp.catalogue, webapp.reading_history, webapp.lending, webapp.covers), for
the export and round-trip tests."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from webapp.catalogue import SeriesPlace, apply_book_data
from webapp.covers import store_cover
from webapp.extensions import db
from webapp.lending import lend
from webapp.models import Book, Post, Reading, ReadingGoal, Shelf, User
from webapp.partial_dates import PartialDate
from webapp.reading_history import add_read

TODAY = date(2026, 12, 4)
DESCRIPTION = "> The Emperor needs necromancers.\n\n**Bones**, _swords_ & a <em>locked</em> tomb."


def png(colour: str = "red") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 60), colour).save(output, "PNG")
    return output.getvalue()


def when(text: str) -> PartialDate:
    return PartialDate.parse(text)


def _book(title: str, authors: list[str], **fields) -> Book:
    book = Book(title=title)
    series = fields.pop("series", [])
    apply_book_data(book, {"authors": authors, "series": series, **fields})
    db.session.add(book)
    db.session.flush()
    return book


def _reading(user: User, book: Book, status: str, **fields) -> Reading:
    reading = Reading(user=user, book=book, status=status, **fields)
    db.session.add(reading)
    db.session.flush()
    return reading


def build_library(app, owner_name: str = "tester", *, other: str | None = None) -> None:
    """Five books (series, several authors, a cover, re-reads with partial dates, a
    did-not-finish, a read under way, a formula-looking title), posts with and without a
    book, private and shared, two shelves (one empty), two loans and two goals, all of
    ``owner_name``; with ``other``, that person's reading, post, shelf and goal too."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.username == owner_name))
        gideon = _book(
            "Gideon the Ninth",
            ["Tamsyn Muir"],
            subtitle="The Locked Tomb, book one",
            isbn13="9781250313195",
            series=[SeriesPlace("The Locked Tomb", "1"), SeriesPlace("Hugo nominees", None)],
            publisher="Tor.com",
            year=2019,
            pages=448,
            language="en",
            format="hardcover",
            copies=2,
            location="Study, shelf 3",
            price_minor=2599,
            currency="EUR",
            description=DESCRIPTION,
        )
        gideon.cover_file = store_cover(png(), "png", app.config["DATA_DIR"])
        omens = _book(
            "Good Omens", ["Terry Pratchett", "Neil Gaiman"], isbn10="0552137030", format="paperback"
        )
        equals = _book("=Equals", ["@handle"], publisher="-ology Press", year=2001)
        season = _book(
            "The Fifth Season",
            ["N. K. Jemisin"],
            series=[SeriesPlace("The Broken Earth", "1")],
            copies=0,
            format="ebook",
        )
        _book("Anonymous pamphlet", [])

        read = _reading(owner, gideon, "want_to_read", visibility="shared")
        add_read(read, "finished", None, None, today=TODAY)
        add_read(read, "finished", None, when("2019"), today=TODAY)
        add_read(read, "finished", when("2021-02"), when("2021-03"), today=TODAY)
        read.rating = 4.5
        dnf = _reading(owner, omens, "want_to_read")
        add_read(dnf, "did_not_finish", when("2020-04"), when("2020-05-01"), today=TODAY)
        dnf.rating = 2
        current = _reading(owner, equals, "want_to_read")
        add_read(current, "in_progress", when("2024-01-10"), None, today=TODAY)
        current.progress_pages = 50
        _reading(owner, season, "want_to_read")

        lend(
            gideon,
            {
                "borrower": "Ann",
                "lent_on": date(2023, 1, 5),
                "returned_on": date(2023, 2, 1),
                "note": "=1+1 came back dog-eared",
            },
            by=owner,
            today=TODAY,
        )
        lend(
            gideon,
            {"borrower": "Sam", "lent_on": date(2024, 6, 1), "due_on": date(2024, 7, 1)},
            by=owner,
            today=TODAY,
        )

        db.session.add_all(
            [
                Post(
                    author=owner,
                    book=gideon,
                    title="Bones",
                    body="**Loved** it.\n\n> quote & <b>tag</b>",
                    kind="review",
                    visibility="shared",
                    created_at=datetime(2024, 2, 11, 9, 30),
                    updated_at=datetime(2024, 2, 12, 10, 0),
                ),
                Post(
                    author=owner,
                    book=omens,
                    title="Why I stopped",
                    body="+ too many footnotes",
                    kind="note",
                    visibility="private",
                    created_at=datetime(2024, 3, 1, 8, 0),
                    updated_at=datetime(2024, 3, 1, 8, 0),
                ),
                Post(
                    author=owner,
                    book=None,
                    title="My reading year",
                    body="# 2024\n\n- one\n- two",
                    kind="journal",
                    visibility="shared",
                    created_at=datetime(2024, 12, 31, 23, 0),
                    updated_at=datetime(2025, 1, 1, 0, 5),
                ),
            ]
        )
        favourites = Shelf(owner=owner, name="favourites")
        favourites.books = [gideon, season]
        db.session.add_all([favourites, Shelf(owner=owner, name="to-buy")])
        db.session.add_all(
            [
                ReadingGoal(user_id=owner.id, year=2024, target_books=30),
                ReadingGoal(user_id=owner.id, year=2025, target_books=40),
            ]
        )
        if other is not None:
            person = db.session.scalar(select(User).where(User.username == other))
            theirs = _reading(person, omens, "want_to_read", visibility="private")
            add_read(theirs, "finished", None, when("2022-08-01"), today=TODAY)
            theirs.rating = 5
            db.session.add_all(
                [
                    Post(
                        author=person,
                        book=omens,
                        title="Their secret note",
                        body="mine alone",
                        kind="note",
                        visibility="private",
                        created_at=datetime(2024, 5, 5, 5, 5),
                    ),
                    Shelf(owner=person, name="their shelf", books=[equals]),
                    ReadingGoal(user_id=person.id, year=2024, target_books=12),
                ]
            )
            lend(omens, {"borrower": "Kim", "lent_on": date(2024, 9, 9)}, by=person, today=TODAY)
        db.session.commit()


def library_json(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("library.json"))
