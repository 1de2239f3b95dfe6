from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, Nested, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError, post_load, validates, validates_schema

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import FullMatch, QueryNumber, Text, Timestamp, WholeNumber
from webapp.catalogue import SeriesPlace, check_series
from webapp.isbn import InvalidISBN, normalize_isbn10, normalize_isbn13
from webapp.models import BookFormat, ReadingStatus
from webapp.models.book import COPIES_MAX
from webapp.models.limits import DESCRIPTION_MAX, ID_MAX, PAGES_MAX, PRICE_MINOR_MAX, YEAR_MAX, YEAR_MIN
from webapp.models.series import POSITION_MAX_LENGTH

BOOK_SORTS = ("title", "-title", "added", "-added", "year", "-year")
#: A long back-cover text or a Calibre comment fits many times over; a novel does not.
SERIES_PER_BOOK_MAX = 20


class BookSeriesOut(Schema):
    """A book's place in a series."""

    id = Integer(required=True, attribute="series_id", metadata={"description": "The series (/series/{id})."})
    name = String(required=True, attribute="series.name")
    position = String(required=True, allow_none=True, metadata={"description": "1, 0.5, 2-3, or null."})


class SeriesPlaces(List):
    """A book's places in series, by series name: the places have no order of their own."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        ordered = sorted(value or [], key=lambda link: (link.series.sort_name, link.series_id))
        return super()._serialize(ordered, attr, obj, **kwargs)


class SeriesPlaceIn(Schema):
    name = Text(
        required=True,
        validate=Length(min=1, max=255),
        metadata={
            "description": "A series this library knows (matched without regard to case), or a new one."
        },
    )
    position = Text(
        allow_none=True,
        validate=Length(max=POSITION_MAX_LENGTH),
        metadata={"description": "A number such as 1 or 0.5, or a range such as 2-3; null or empty: none."},
    )

    @post_load
    def _place(self, data: dict[str, Any], **_: Any) -> SeriesPlace:
        return SeriesPlace(name=" ".join(data["name"].split()), position=data.get("position"))


class BookOut(Schema):
    id = Integer(required=True)
    title = String(required=True)
    subtitle = String(allow_none=True)
    authors = List(String(), required=True, attribute="author_names", metadata={"description": "In order."})
    isbn13 = String(allow_none=True)
    isbn10 = String(allow_none=True)
    publisher = String(allow_none=True)
    year = Integer(allow_none=True)
    pages = Integer(allow_none=True)
    language = String(allow_none=True)
    format = String(allow_none=True, validate=OneOf([f.value for f in BookFormat]))
    price_minor = Integer(allow_none=True, metadata={"description": "Price in minor units (cents)."})
    currency = String(allow_none=True, metadata={"description": "ISO 4217 code."})
    location = String(allow_none=True)
    description = String(allow_none=True, metadata={"description": "Markdown source."})
    copies = Integer(required=True, metadata={"description": "Copies the household owns; 0: none."})
    series = SeriesPlaces(
        Nested(BookSeriesOut), required=True, attribute="series_links", metadata={"description": "By name."}
    )
    added_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class BookIn(Schema):
    """A book as a client sends it; ISBNs may have hyphens and are checked digit by digit."""

    title = Text(required=True, validate=Length(min=1, max=500))
    subtitle = Text(allow_none=True, validate=Length(max=500))
    authors = List(
        Text(validate=Length(min=1, max=255)),
        validate=Length(max=20),
        metadata={"description": "Author names in order; new names become new authors."},
    )
    isbn13 = Text(allow_none=True, validate=Length(max=20))
    isbn10 = Text(allow_none=True, validate=Length(max=20))
    publisher = Text(allow_none=True, validate=Length(max=255))
    year = WholeNumber(allow_none=True, validate=Range(min=YEAR_MIN, max=YEAR_MAX))
    pages = WholeNumber(allow_none=True, validate=Range(min=1, max=PAGES_MAX))
    language = Text(allow_none=True, validate=Length(max=35))
    format = String(allow_none=True, validate=OneOf([f.value for f in BookFormat]))
    price_minor = WholeNumber(allow_none=True, validate=Range(min=0, max=PRICE_MINOR_MAX))
    currency = String(
        allow_none=True,
        validate=FullMatch(r"[A-Z]{3}", error="A currency is three capital letters, e.g. EUR."),
    )
    location = Text(allow_none=True, validate=Length(max=255))
    description = Text(
        allow_none=True,
        validate=Length(max=DESCRIPTION_MAX),
        metadata={"description": "Markdown; shown sanitised, as posts are."},
    )
    copies = WholeNumber(
        validate=Range(min=0, max=COPIES_MAX),
        metadata={
            "description": "Copies the household owns (0: not owned, a wish or a library book); "
            "default 1. Not fewer than are lent out now."
        },
    )
    series = List(
        Nested(SeriesPlaceIn),
        validate=Length(max=SERIES_PER_BOOK_MAX),
        metadata={"description": "The series the book is in (replaces them); [] takes it out of all."},
    )

    @validates("series")
    def _series_places(self, value: list[SeriesPlace], **_: Any) -> None:
        if not all(isinstance(place, SeriesPlace) for place in value):
            return  # a place that did not load has its own message already
        if message := check_series(value):
            raise ValidationError(message)

    @validates("title")
    def _title_has_words(self, value: str, **_: Any) -> None:
        if not value.strip():
            raise ValidationError("A title needs at least one visible character.")

    @validates("authors")
    def _author_names_have_words(self, value: list[str], **_: Any) -> None:
        if any(not name.split() for name in value):
            raise ValidationError("An author's name needs at least one visible character.")

    @validates("isbn13")
    def _isbn13(self, value: str | None, **_: Any) -> None:
        if value:
            try:
                normalize_isbn13(value)
            except InvalidISBN as error:
                raise ValidationError(str(error)) from error

    @validates("isbn10")
    def _isbn10(self, value: str | None, **_: Any) -> None:
        if value:
            try:
                normalize_isbn10(value)
            except InvalidISBN as error:
                raise ValidationError(str(error)) from error

    @validates_schema
    def _price_has_currency(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("price_minor") is not None and "currency" in data and data["currency"] is None:
            raise ValidationError("A price needs its currency.", "currency")


class BookQuery(PageQuery):
    q = Text(validate=Length(max=200), metadata={"description": "Words in the title, or an ISBN."})
    status = String(
        validate=OneOf([s.value for s in ReadingStatus]),
        metadata={"description": "Only books the caller has this reading status for."},
    )
    shelf = QueryNumber(validate=Range(min=1, max=ID_MAX), metadata={"description": "A shelf id."})
    author = QueryNumber(validate=Range(min=1, max=ID_MAX), metadata={"description": "An author id."})
    series = QueryNumber(validate=Range(min=1, max=ID_MAX), metadata={"description": "A series id."})
    format = String(validate=OneOf([f.value for f in BookFormat]))
    year_from = QueryNumber(validate=Range(min=YEAR_MIN, max=YEAR_MAX))
    year_to = QueryNumber(validate=Range(min=YEAR_MIN, max=YEAR_MAX))
    sort = String(load_default="title", validate=OneOf(BOOK_SORTS))


class BookDeleteQuery(Schema):
    delete_others_readings = Boolean(
        load_default=False,
        metadata={
            "description": "An administrator's confirmation that other members' readings of the "
            "book go with it (their posts stay, without the link)."
        },
    )
