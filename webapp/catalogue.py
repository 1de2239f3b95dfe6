"""Operations on the catalogue that every front end shares (web pages now, the REST API
and importers later): authors from names, book fields from plain data, ISBN conflicts,
and a reader's reading of a book.

Nothing here knows about forms or requests; callers pass plain values and commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select

from webapp.extensions import db
from webapp.isbn import isbn10_to_isbn13, isbn13_to_isbn10
from webapp.models import Author, Book, BookSeries, Reading, ReadingStatus, Series, User
from webapp.models.series import InvalidSeriesPosition, parse_position
from webapp.reading_history import change_status

#: Fields of a Book that are plain values, in the order forms show them.
BOOK_FIELDS = (
    "title",
    "subtitle",
    "isbn13",
    "isbn10",
    "publisher",
    "year",
    "pages",
    "language",
    "format",
    "price_minor",
    "currency",
    "location",
    "description",
    "copies",
)

_AUTHOR_SEPARATORS = re.compile(r"[\n;]+")


def split_author_names(text: str) -> list[str]:
    """Authors typed one per line (or separated by semicolons; a comma is part of
    "Le Guin, Ursula K."), whitespace tidied, blanks and repeats dropped, order kept."""
    names = (" ".join(part.split()) for part in _AUTHOR_SEPARATORS.split(text or ""))
    return list(dict.fromkeys(name for name in names if name))


def authors_from_names(names: Iterable[str]) -> list[Author]:
    """The Author rows for ``names``, in order, creating the ones not yet known."""
    wanted = [" ".join(name.split()) for name in names if name and name.strip()]
    if not wanted:
        return []
    # No autoflush: a pending duplicate ISBN must fail when the caller saves (a form
    # message, or the API's 409), not inside this lookup.
    with db.session.no_autoflush:
        known = {
            author.name: author
            for author in db.session.scalars(select(Author).where(Author.name.in_(wanted)))
        }
    authors = []
    for name in wanted:
        author = known.get(name)
        if author is None:
            author = known[name] = Author(name)
            db.session.add(author)
        authors.append(author)
    return authors


def apply_book_data(book: Book, data: Mapping[str, Any]) -> Book:
    """Copy the plain fields in ``data`` onto ``book`` (blank strings become None) and,
    if ``authors`` is given (a list of names), replace the authors in that order."""
    for field in BOOK_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if isinstance(value, str):
            value = value.strip() or None
        if field == "currency" and value:
            value = value.upper()
        setattr(book, field, value)
    if "authors" in data:
        book.set_authors(authors_from_names(data["authors"] or []))
    if "series" in data:
        set_series(book, data["series"] or [])
    return book


@dataclass(frozen=True)
class SeriesPlace:
    """A book's place in a series as a form or an export gives it: ``("Dune", "1")``."""

    name: str
    position: str | None = None


_SERIES_LINE = re.compile(r"^(?P<name>.*?)\s*(?:#\s*(?P<position>[^#]*))?$")


def parse_series_lines(text: str) -> list[SeriesPlace]:
    """One series per line, its position after a ``#``: ``The Locked Tomb #1``,
    ``Discworld #0.5``, ``Omnibus #2-3``, or a name alone. Blank lines are dropped."""
    places = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        match = _SERIES_LINE.match(line)
        name, position = match.group("name").strip(), (match.group("position") or "").strip()
        places.append(SeriesPlace(name=name, position=position or None))
    return places


def check_series(places: Iterable[SeriesPlace]) -> str | None:
    """The message for the first place that cannot be saved, or None."""
    seen = set()
    for place in places:
        if not place.name:
            return "Each series needs a name before its #position."
        if len(place.name) > 255:
            return "A series name is at most 255 characters."
        try:
            parse_position(place.position)
        except InvalidSeriesPosition as problem:
            return f"{place.name}: {problem}"
        if place.name.casefold() in seen:
            return f"{place.name} is listed twice."
        seen.add(place.name.casefold())
    return None


def series_named(names: Iterable[str]) -> dict[str, Series]:
    """The Series rows for ``names`` (matched without regard to case), creating new ones."""
    wanted = list(dict.fromkeys(" ".join(name.split()) for name in names if name and name.strip()))
    if not wanted:
        return {}
    folded = {name.casefold(): name for name in wanted}
    with db.session.no_autoflush:
        known = {
            series.name.casefold(): series
            for series in db.session.scalars(
                select(Series).where(func.lower(Series.name).in_([name.lower() for name in wanted]))
            )
        }
    found = {}
    for key, name in folded.items():
        series = known.get(key)
        if series is None:
            series = known[key] = Series(name)
            db.session.add(series)
        found[name] = series
    return found


def set_series(book: Book, places: Iterable[SeriesPlace | tuple[str, str | None]]) -> None:
    """Replace the book's series with ``places`` (in order; raises InvalidSeriesPosition).
    Series left without books are kept: a series page may still be bookmarked, and the
    next book of it may come."""
    places = [place if isinstance(place, SeriesPlace) else SeriesPlace(*place) for place in places]
    by_name = series_named(place.name for place in places)
    existing = {link.series_id: link for link in book.series_links if link.series_id is not None}
    links = []
    for place in places:
        series = by_name[" ".join(place.name.split())]
        link = existing.get(series.id) if series.id is not None else None
        if link is None:
            link = BookSeries(series=series)
        link.set_position(place.position)
        if link not in links:
            links.append(link)
    book.series_links = links


@dataclass(frozen=True)
class IsbnConflict:
    """Another book already has this ISBN (ISBNs are unique in the schema)."""

    field: str
    isbn: str
    book: Book


def isbn_conflicts(
    isbn13: str | None, isbn10: str | None, exclude_id: int | None = None
) -> list[IsbnConflict]:
    """Which other books hold these (normalised) ISBNs. An ISBN-10 and the ISBN-13 made
    from it name the same edition, so each is checked in both forms."""
    as13 = {value for value in (isbn13, isbn10 and isbn10_to_isbn13(isbn10)) if value}
    as10 = {value for value in (isbn10, isbn13 and isbn13_to_isbn10(isbn13)) if value}
    if not as13 and not as10:
        return []
    query = select(Book).where(or_(Book.isbn13.in_(as13), Book.isbn10.in_(as10))).order_by(Book.id)
    if exclude_id is not None:
        query = query.where(Book.id != exclude_id)
    conflicts = []
    for other in db.session.scalars(query):
        for field, value in (("isbn13", isbn13), ("isbn10", isbn10)):
            if value and (other.isbn13 in as13 or other.isbn10 in as10):
                conflicts.append(IsbnConflict(field=field, isbn=value, book=other))
    return conflicts


def reading_for(user: User, book: Book) -> Reading | None:
    """This user's reading of this book, if they have one."""
    return db.session.scalar(select(Reading).where(Reading.user_id == user.id, Reading.book_id == book.id))


def reading_to_update(user: User, book: Book) -> Reading:
    """The reading to change: the existing one, or a new one added to the session, seen
    by whom the reader's default says (Settings -> Profile)."""
    reading = reading_for(user, book)
    if reading is None:
        reading = Reading(user=user, book=book, visibility=user.reading_visibility)
        db.session.add(reading)
    return reading


def apply_reading_data(reading: Reading, data: Mapping[str, Any], *, today: date) -> Reading:
    """Copy status, rating (in stars, or None), progress and who sees it onto ``reading``.
    A new status moves the reads with it (webapp.reading_history.change_status)."""
    if "status" in data:
        change_status(reading, data["status"], today=today)
    elif reading.id is None and not reading.status:
        change_status(reading, ReadingStatus.WANT_TO_READ, today=today)
    for field in ("progress_pages", "progress_percent", "visibility"):
        if field in data:
            setattr(reading, field, data[field])
    if "rating" in data:
        reading.rating = data["rating"]
    return reading


def delete_book(book: Book) -> str | None:
    """Remove the book (readings and shelf places go with it; posts keep their text).
    Returns the cover file name to delete once the transaction has committed."""
    cover = book.cover_file
    db.session.delete(book)
    return cover
