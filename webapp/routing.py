"""URL converters."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map, ValidationError

from webapp.models.limits import ID_MAX
from webapp.validation import optional_ascii_int


class RowIdConverter(IntegerConverter):
    """``<int:...>``, bounded to the ids a row can have: a 20-digit "id" in a URL names
    nothing (404) and never reaches SQLite, which cannot hold it.

    Werkzeug's own matches ``\\d+``, which in Python is any script's digits, and
    ``int()`` reads them: ``/books/`` and a full-width 1 (U+FF11) was book 1. Here an id is
    ASCII digits only; anything else matches no route."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        if optional_ascii_int(value) is None:  # also refuses 5,000 digits unread
            raise ValidationError()
        return super().to_python(value)
