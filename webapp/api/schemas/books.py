from __future__ import annotations

from typing import Any

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, String
from apiflask.validators import Length, OneOf, Range
from marshmallow import ValidationError, validates, validates_schema

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import FullMatch, QueryNumber, Text, Timestamp, WholeNumber
from webapp.isbn import InvalidISBN, normalize_isbn10, normalize_isbn13
from webapp.models import BookFormat, ReadingStatus
from webapp.models.limits import ID_MAX, PAGES_MAX, PRICE_MINOR_MAX, YEAR_MAX, YEAR_MIN

BOOK_SORTS = ("title", "-title", "added", "-added", "year", "-year")


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
