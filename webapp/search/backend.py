"""What both index backends answer: raw hits with marker characters around matches."""

from __future__ import annotations

from dataclasses import dataclass

#: Around each match in the text a backend returns. Control characters that the
#: service strips from stored text before turning the markers into <mark> elements.
MARK_START = "\x02"
MARK_END = "\x03"


@dataclass(frozen=True)
class Access:
    """What a viewer may find: books, and posts that are shared or their own."""

    books: bool
    posts: bool
    viewer_id: int | None


@dataclass(frozen=True)
class RawHit:
    kind: str
    id: int
    #: Fields as stored, with MARK_START/MARK_END around matched words.
    title: str
    authors: str
    details: str
    body: str
    #: Higher is better, comparable only within one answer.
    score: float


#: Tables of the index (FTS5's own shadow tables included). They are made by the index's
#: SQL in revision 0003, not by the models, so schema comparison must leave them out.
INDEX_TABLES = frozenset(
    {"search_index"}
    | {f"search_index_{suffix}" for suffix in ("data", "idx", "content", "docsize", "config")}
)


def include_name(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic ``include_name`` hook: everything but the search index's tables."""
    return not (type_ == "table" and name in INDEX_TABLES)
