"""The PostgreSQL side (server mode): a ``search_index`` table with a tsvector and a GIN
index, kept in step by triggers, behind the same interface as the SQLite index.

The rows hold the same columns as SQLite's FTS5 table (see ``sqlite_index``); the
``document`` column is generated from them with weights A (title), B (authors),
C (details) and D (body). Text goes through the ``shelfmark_search`` configuration:
the ``simple`` parser and dictionary (no stemming, like SQLite's unicode61) with
``unaccent`` in front, so "Bronte" finds "Brontë" here too. ``unaccent`` is a trusted
extension since PostgreSQL 13: the database's owner may create it without being a
superuser. Where it cannot be created the configuration is built without it and
searches are diacritic-sensitive (logged as a warning).

Each revision that built the index has its :class:`Definition` (0003; 0009 adds series
names to ``details`` and the description as ``body``, with triggers on ``book_series``,
``series`` and ``books.description``). Change the index only by adding a definition with
a new revision that drops and recreates it; never edit one that shipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from webapp.search.backend import MARK_END, MARK_START, Access, RawHit

log = logging.getLogger(__name__)

TABLE = "search_index"
CONFIG = "shelfmark_search"
#: ts_rank weights for D (body), C (details), B (authors), A (title).
RANK_WEIGHTS = "{0.1, 0.3, 0.8, 1.0}"

_AUTHORS = """coalesce((SELECT string_agg(a.name, ', ' ORDER BY ba.position, a.id)
                 FROM book_authors AS ba JOIN authors AS a ON a.id = ba.author_id
                 WHERE ba.book_id = b.id), '')"""
_SHELVES = """(SELECT string_agg(s.name, ', ' ORDER BY s.name, s.id)
                  FROM book_shelves AS bs JOIN shelves AS s ON s.id = bs.shelf_id
                  WHERE bs.book_id = b.id)"""
_SERIES = """(SELECT string_agg(r.name, ', ' ORDER BY r.sort_name, r.id)
                  FROM book_series AS br JOIN series AS r ON r.id = br.series_id
                  WHERE br.book_id = b.id)"""

#: A book's row as revision 0003 indexed it.
_BOOK_ROWS_0003 = f"""
SELECT 'book', b.id, b.title || coalesce(' ' || b.subtitle, ''),
       {_AUTHORS},
       concat_ws(' ', b.publisher, b.isbn13, b.isbn10,
                 {_SHELVES}),
       '', NULL::integer, true
FROM books AS b WHERE b.id = ANY(ids)
"""

#: Since revision 0009: series names in ``details`` (weight C), the description in
#: ``body`` (D, the lowest).
_BOOK_ROWS_0009 = f"""
SELECT 'book', b.id, b.title || coalesce(' ' || b.subtitle, ''),
       {_AUTHORS},
       concat_ws(' ', b.publisher, b.isbn13, b.isbn10,
                 {_SERIES},
                 {_SHELVES}),
       coalesce(b.description, ''), NULL::integer, true
FROM books AS b WHERE b.id = ANY(ids)
"""

_POST_ROWS = """
SELECT 'post', p.id, p.title, '', '', p.body, p.author_id, p.visibility = 'shared'
FROM posts AS p WHERE p.id = ANY(ids)
"""

_COLUMNS = "(kind, item_id, title, authors, details, body, owner_id, shared)"


def _functions(book_rows: str) -> dict[str, str]:
    return {
        "search_index_refresh_books": f"""
CREATE FUNCTION search_index_refresh_books(ids integer[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM {TABLE} WHERE kind = 'book' AND item_id = ANY(ids);
  INSERT INTO {TABLE} {_COLUMNS} {book_rows};
$$""",
        "search_index_refresh_posts": f"""
CREATE FUNCTION search_index_refresh_posts(ids integer[]) RETURNS void LANGUAGE sql AS $$
  DELETE FROM {TABLE} WHERE kind = 'post' AND item_id = ANY(ids);
  INSERT INTO {TABLE} {_COLUMNS} {_POST_ROWS};
$$""",
    }


def _trigger_function(name: str, ids: str, refresh: str = "books") -> str:
    """A row trigger function; ``ids`` is an integer[] expression over OLD and NEW."""
    return f"""
CREATE FUNCTION {TABLE}_on_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN ids := {ids.replace("OLD.", "NEW.")};
  ELSIF TG_OP = 'DELETE' THEN ids := {ids.replace("NEW.", "OLD.")};
  ELSE ids := {ids.replace("NEW.", "OLD.")} || {ids.replace("OLD.", "NEW.")};
  END IF;
  PERFORM search_index_refresh_{refresh}(ids);
  RETURN NULL;
END $$"""


#: table -> (trigger events, integer[] of affected ids written with NEW.), as 0003 made them
_TRIGGERS_0003 = {
    "books": (
        "INSERT OR DELETE OR UPDATE OF id, title, subtitle, publisher, isbn13, isbn10",
        "ARRAY[NEW.id]",
    ),
    "book_authors": ("INSERT OR DELETE OR UPDATE", "ARRAY[NEW.book_id]"),
    "authors": (
        "UPDATE OF name",
        "ARRAY(SELECT book_id FROM book_authors WHERE author_id = NEW.id)",
    ),
    "book_shelves": ("INSERT OR DELETE OR UPDATE", "ARRAY[NEW.book_id]"),
    "shelves": (
        "UPDATE OF name",
        "ARRAY(SELECT book_id FROM book_shelves WHERE shelf_id = NEW.id)",
    ),
    "posts": ("INSERT OR DELETE OR UPDATE OF id, title, body, visibility, author_id", "ARRAY[NEW.id]"),
}
_TRIGGERS_0009 = _TRIGGERS_0003 | {
    "books": (
        "INSERT OR DELETE OR UPDATE OF id, title, subtitle, publisher, isbn13, isbn10, description",
        "ARRAY[NEW.id]",
    ),
    "book_series": ("INSERT OR DELETE OR UPDATE", "ARRAY[NEW.book_id]"),
    "series": (
        "UPDATE OF name",
        "ARRAY(SELECT book_id FROM book_series WHERE series_id = NEW.id)",
    ),
}


@dataclass(frozen=True)
class Definition:
    """The index as one revision built it (see ``sqlite_index.Definition``)."""

    revision: str
    functions: dict[str, str]
    triggers: dict[str, tuple[str, str]]


DEFINITIONS = {
    "0003": Definition("0003", _functions(_BOOK_ROWS_0003), _TRIGGERS_0003),
    "0009": Definition("0009", _functions(_BOOK_ROWS_0009), _TRIGGERS_0009),
}
CURRENT = "0009"


def _create_configuration(connection: Connection) -> None:
    connection.execute(text(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)"))
    try:
        with connection.begin_nested():
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except DBAPIError as error:
        log.warning("unaccent is not available (%s); search is diacritic-sensitive", error.orig)
        return
    connection.execute(
        text(
            f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} "
            "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
        )
    )


def create(connection: Connection, revision: str = CURRENT) -> None:
    """Create the configuration, table, GIN index and triggers as ``revision`` defines
    them, and fill the table."""
    definition = DEFINITIONS[revision]
    _create_configuration(connection)
    document = " || ".join(
        f"setweight(to_tsvector('{CONFIG}'::regconfig, {column}), '{weight}')"
        for column, weight in (("title", "A"), ("authors", "B"), ("details", "C"), ("body", "D"))
    )
    connection.execute(
        text(
            f"""CREATE TABLE {TABLE} (
                kind varchar(4) NOT NULL, item_id integer NOT NULL,
                title text NOT NULL, authors text NOT NULL, details text NOT NULL, body text NOT NULL,
                owner_id integer, shared boolean NOT NULL,
                document tsvector GENERATED ALWAYS AS ({document}) STORED,
                CONSTRAINT {TABLE}_pkey PRIMARY KEY (kind, item_id))"""
        )
    )
    connection.execute(text(f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)"))
    for statement in definition.functions.values():
        connection.execute(text(statement))
    for table, (events, ids) in definition.triggers.items():
        refresh = "posts" if table == "posts" else "books"
        connection.execute(text(_trigger_function(table, ids, refresh)))
        connection.execute(
            text(
                f"CREATE TRIGGER {TABLE}_{table} AFTER {events} ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_on_{table}()"
            )
        )
    rebuild(connection)


def drop(connection: Connection, revision: str = CURRENT) -> None:
    """Drop the index as ``revision`` built it (its triggers name tables an older
    revision may not have)."""
    definition = DEFINITIONS[revision]
    for table in definition.triggers:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {TABLE}_{table} ON {table}"))
        connection.execute(text(f"DROP FUNCTION IF EXISTS {TABLE}_on_{table}()"))
    for name in definition.functions:
        connection.execute(text(f"DROP FUNCTION IF EXISTS {name}(integer[])"))
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
    connection.execute(text(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}"))
    # unaccent stays: other things may use it, and dropping it needs its owner.


def rebuild(connection: Connection) -> None:
    connection.execute(text(f"TRUNCATE {TABLE}"))
    connection.execute(text("SELECT search_index_refresh_books(ARRAY(SELECT id FROM books))"))
    connection.execute(text("SELECT search_index_refresh_posts(ARRAY(SELECT id FROM posts))"))


def search(
    connection: Connection, expression: str, access: Access, limit: int, offset: int
) -> tuple[int, bool, list[RawHit]]:
    """Total matches, False (all are ranked), and one page: matches in the title or
    authors first, then the rest, each by ts_rank with column weights (as SQLite).

    ts_headline is slow, so it runs in an outer query over the page's rows only."""
    if not (access.books or access.posts):
        return 0, False, []
    where = (
        f"document @@ to_tsquery('{CONFIG}', :query) AND ("
        "(kind = 'book' AND :books) OR "
        "(kind = 'post' AND :posts AND (shared OR owner_id = :viewer)))"
    )
    params = {
        "query": expression,
        "books": access.books,
        "posts": access.posts,
        "viewer": access.viewer_id if access.viewer_id is not None else -1,
    }
    total = connection.execute(text(f"SELECT count(*) FROM {TABLE} WHERE {where}"), params).scalar_one()
    if total == 0 or offset >= total:
        return total, False, []
    whole = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
    part = f"MaxWords=24, MinWords=8, MaxFragments=1, StartSel={MARK_START}, StopSel={MARK_END}"
    rows = connection.execute(
        text(
            f"""SELECT kind, item_id,
                   ts_headline('{CONFIG}', title, q, :whole), ts_headline('{CONFIG}', authors, q, :whole),
                   CASE WHEN details = '' THEN '' ELSE ts_headline('{CONFIG}', details, q, :part) END,
                   CASE WHEN body = '' THEN '' ELSE ts_headline('{CONFIG}', body, q, :part) END,
                   score
            FROM (SELECT kind, item_id, title, authors, details, body,
                         ts_filter(document, '{{a,b}}') @@ to_tsquery('{CONFIG}', :query) AS in_title,
                         ts_rank('{RANK_WEIGHTS}', document, to_tsquery('{CONFIG}', :query)) AS score
                  FROM {TABLE} WHERE {where}
                  ORDER BY in_title DESC, score DESC, kind, item_id LIMIT :limit OFFSET :offset) AS page,
                 to_tsquery('{CONFIG}', :query) AS q
            ORDER BY in_title DESC, score DESC, kind, item_id"""
        ),
        {**params, "whole": whole, "part": part, "limit": limit, "offset": offset},
    )
    hits = [
        RawHit(kind=kind, id=item_id, title=title, authors=authors, details=details, body=body, score=score)
        for kind, item_id, title, authors, details, body, score in rows
    ]
    return total, False, hits
