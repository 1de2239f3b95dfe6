"""URL converters."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from webapp.models.limits import ID_MAX


class RowIdConverter(IntegerConverter):
    """``<int:...>``, bounded to the ids a row can have: a 20-digit "id" in a URL names
    nothing (404) and never reaches SQLite, which cannot hold it."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)
