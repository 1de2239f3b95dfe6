"""The SQLite side: one FTS5 table kept in step by triggers.

``search_index`` holds one row per book and per post. Its rowid says which: a book's is
``id * 2``, a post's ``id * 2 + 1``, so every trigger finds its row by rowid (filtering
an FTS5 table on any other column scans the whole table). Columns:

- ``title``: a book's title and subtitle, or a post's title;
- ``authors``: a book's author names in order;
- ``details``: publisher, ISBN-13, ISBN-10 (digits, as stored), series names (since
  revision 0009) and shelf names;
- ``body``: a post's Markdown text, or a book's description (since 0009); the tokenizer
  treats Markdown's marks as spaces.

Who may see a post is not in the index: a search joins each matching post to its row
in ``posts`` by primary key (see ``search``), so a change of visibility needs no
re-indexing and bm25 counts only words people wrote.

Triggers rather than ORM events: bulk Core inserts (the demo library, imports) and
plain SQL see the same index. Tokenizer ``unicode61 remove_diacritics 2`` folds case
and diacritics ("Bronte" finds "Brontë"). ``prefix = '2 3 4 5 6'`` keeps extra
index entries for every word's first 2 to 6 characters: every word typed is searched
as a prefix (search-as-you-type), and without such an entry FTS5 must merge the
doclists of all words with that prefix before returning the first row, for each
statement (a few milliseconds for a common word of a 100,000-book library).

Each revision that built the index has its :class:`Definition` here (``DEFINITIONS``:
0003, then 0009 with series and descriptions), and migrations name the one they build,
so an old revision still builds the index it had. Change the index only by adding a
definition together with a new revision that drops and recreates it (``drop`` then
``create(connection, "<revision>")``); never edit one that shipped.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, text

from webapp.search.backend import MARK_END, MARK_START, Access, RawHit

TABLE = "search_index"
#: bm25 weights per column: title, authors, details, body.
BM25_WEIGHTS = (10.0, 8.0, 3.0, 1.0)

_AUTHORS = """coalesce((SELECT group_concat(name, ', ') FROM (
           SELECT a.name AS name FROM book_authors AS ba JOIN authors AS a ON a.id = ba.author_id
           WHERE ba.book_id = b.id ORDER BY ba.position, a.id)), '')"""
_SHELVES = """coalesce((SELECT group_concat(name, ', ') FROM (
           SELECT s.name AS name FROM book_shelves AS bs JOIN shelves AS s ON s.id = bs.shelf_id
           WHERE bs.book_id = b.id ORDER BY s.name, s.id)), '')"""
_SERIES = """coalesce((SELECT group_concat(name, ', ') FROM (
           SELECT r.name AS name FROM book_series AS br JOIN series AS r ON r.id = br.series_id
           WHERE br.book_id = b.id ORDER BY r.sort_name, r.id)), '')"""

#: A book's row as revision 0003 indexed it: no series, no description.
_BOOK_ROWS_0003 = f"""
SELECT b.id * 2,
       b.title || coalesce(' ' || b.subtitle, ''),
       {_AUTHORS},
       trim(coalesce(b.publisher, '') || ' ' || coalesce(b.isbn13, '') || ' '
            || coalesce(b.isbn10, '') || ' ' || {_SHELVES}),
       ''
FROM books AS b
"""

#: Since revision 0009: series names in ``details``, the description in ``body`` (the
#: lowest weight, as a post's text).
_BOOK_ROWS_0009 = f"""
SELECT b.id * 2,
       b.title || coalesce(' ' || b.subtitle, ''),
       {_AUTHORS},
       trim(coalesce(b.publisher, '') || ' ' || coalesce(b.isbn13, '') || ' '
            || coalesce(b.isbn10, '') || ' ' || {_SERIES} || ' ' || {_SHELVES}),
       coalesce(b.description, '')
FROM books AS b
"""

_POST_ROWS = """
SELECT p.id * 2 + 1, p.title, '', '', p.body
FROM posts AS p
"""

_INSERT = f"INSERT INTO {TABLE} (rowid, title, authors, details, body) "


def _refresh_books(book_rows: str, ids: str) -> str:
    """Statements that rewrite the rows of the books whose ids ``ids`` (SQL) yields."""
    return (
        f"DELETE FROM {TABLE} WHERE rowid IN (SELECT book_id * 2 FROM ({ids}));\n"
        f"  {_INSERT}{book_rows} WHERE b.id IN (SELECT book_id FROM ({ids}));"
    )


def _trigger(name: str, event: str, body: str) -> str:
    return f"CREATE TRIGGER {TABLE}_{name} AFTER {event} FOR EACH ROW BEGIN\n  {body}\nEND"


def _link_triggers(book_rows: str, links: str, named: str, key: str) -> dict[str, tuple[str, str]]:
    """A book's row follows the links table ``links`` (book_id, ``key``) and the renames
    of the ``named`` rows it links to."""
    refresh = lambda ids: _refresh_books(book_rows, ids)  # noqa: E731
    return {
        f"{links}_ai": (f"INSERT ON {links}", refresh("SELECT NEW.book_id AS book_id")),
        f"{links}_au": (
            f"UPDATE ON {links}",
            refresh("SELECT OLD.book_id AS book_id UNION SELECT NEW.book_id"),
        ),
        f"{links}_ad": (f"DELETE ON {links}", refresh("SELECT OLD.book_id AS book_id")),
        f"{named}_au": (
            f"UPDATE OF name ON {named}",
            refresh(f"SELECT book_id FROM {links} WHERE {key} = NEW.id"),
        ),
    }


def _triggers(
    book_rows: str, book_columns: str, links: tuple[tuple[str, str, str], ...]
) -> dict[str, tuple[str, str]]:
    triggers = {
        "books_ai": ("INSERT ON books", f"{_INSERT}{book_rows} WHERE b.id = NEW.id;"),
        "books_au": (
            f"UPDATE OF {book_columns} ON books",
            f"DELETE FROM {TABLE} WHERE rowid = OLD.id * 2;\n  {_INSERT}{book_rows} WHERE b.id = NEW.id;",
        ),
        "books_ad": ("DELETE ON books", f"DELETE FROM {TABLE} WHERE rowid = OLD.id * 2;"),
    }
    for link in links:
        triggers |= _link_triggers(book_rows, *link)
    return triggers | {
        "posts_ai": ("INSERT ON posts", f"{_INSERT}{_POST_ROWS} WHERE p.id = NEW.id;"),
        "posts_au": (
            "UPDATE OF id, title, body, visibility, author_id ON posts",
            f"DELETE FROM {TABLE} WHERE rowid = OLD.id * 2 + 1;\n"
            f"  {_INSERT}{_POST_ROWS} WHERE p.id = NEW.id;",
        ),
        "posts_ad": ("DELETE ON posts", f"DELETE FROM {TABLE} WHERE rowid = OLD.id * 2 + 1;"),
    }


@dataclass(frozen=True)
class Definition:
    """The index as one revision built it: what a book's row holds, and the triggers."""

    revision: str
    book_rows: str
    triggers: dict[str, tuple[str, str]]


_AUTHOR_LINKS = ("book_authors", "authors", "author_id")
_SHELF_LINKS = ("book_shelves", "shelves", "shelf_id")
_SERIES_LINKS = ("book_series", "series", "series_id")

#: Every definition a migration has built, oldest first. A migration names the one it
#: builds (``create(connection, "0009")``): the tables a newer one reads (book_series)
#: may not exist yet at an older revision.
DEFINITIONS = {
    definition.revision: definition
    for definition in (
        Definition(
            "0003",
            _BOOK_ROWS_0003,
            _triggers(
                _BOOK_ROWS_0003,
                "id, title, subtitle, publisher, isbn13, isbn10",
                (_AUTHOR_LINKS, _SHELF_LINKS),
            ),
        ),
        Definition(
            "0009",
            _BOOK_ROWS_0009,
            _triggers(
                _BOOK_ROWS_0009,
                "id, title, subtitle, publisher, isbn13, isbn10, description",
                (_AUTHOR_LINKS, _SHELF_LINKS, _SERIES_LINKS),
            ),
        ),
    )
}
#: The definition the newest revision builds.
CURRENT = "0009"
#: The current triggers, by name (as before definitions had revisions).
TRIGGERS = DEFINITIONS[CURRENT].triggers
_ALL_TRIGGER_NAMES = tuple(dict.fromkeys(name for d in DEFINITIONS.values() for name in d.triggers))


def definition_for(connection: Connection) -> Definition:
    """The definition the database's revision has: the newest built at or before it.

    Revision ids are four digits and grow (0003 was inserted after 0004, before the index
    existed, so no revision with an index sorts below 0003). Without ``alembic_version``
    (a database made from the models), the current one."""
    revision = None
    if connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
    ).first():
        revision = connection.execute(text("SELECT max(version_num) FROM alembic_version")).scalar()
    if revision is None:
        return DEFINITIONS[CURRENT]
    built = [name for name in DEFINITIONS if name <= revision]
    return DEFINITIONS[max(built)] if built else DEFINITIONS[CURRENT]


def create(connection: Connection, revision: str = CURRENT, *, fill: bool = True) -> None:
    """Create the index as ``revision`` defines it, its triggers, and (``fill``) fill it
    from the rows already there."""
    definition = DEFINITIONS[revision]
    connection.execute(
        text(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5("
            "title, authors, details, body, "
            "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6')"
        )
    )
    for name, (event, body) in definition.triggers.items():
        connection.execute(text(_trigger(name, event, body)))
    if fill:
        _fill(connection, definition)


def drop(connection: Connection) -> None:
    """Drop the index and the triggers of any definition."""
    for name in _ALL_TRIGGER_NAMES:
        connection.execute(text(f"DROP TRIGGER IF EXISTS {TABLE}_{name}"))
    connection.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def rebuild(connection: Connection) -> None:
    """Empty the index and fill it again from the tables, then merge its b-trees."""
    _fill(connection, definition_for(connection))


def _fill(connection: Connection, definition: Definition) -> None:
    connection.execute(text(f"DELETE FROM {TABLE}"))
    connection.execute(text(_INSERT + definition.book_rows))
    connection.execute(text(_INSERT + _POST_ROWS))
    connection.execute(text(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"))


#: How many of the newest matches a search ranks, per tier (see ``search``). bm25 costs
#: about 3 µs a row on top of a pass over the whole doclist; 300 keeps a common word's
#: search near 5 ms on a 100,000-book library, and is fifteen pages of results.
WINDOW = 300
_MARKS = f"'{MARK_START}', '{MARK_END}'"
_WEIGHTS = ", ".join(str(weight) for weight in BM25_WEIGHTS)
_VISIBLE = f"""
FROM {TABLE} AS s LEFT JOIN posts AS p ON s.rowid % 2 = 1 AND p.id = s.rowid / 2
WHERE {TABLE} MATCH :match AND (s.rowid % 2 = 0 OR p.visibility = 'shared' OR p.author_id = :viewer)
"""


def _kind_filter(access: Access) -> str:
    if access.books and access.posts:
        return ""
    return " AND s.rowid % 2 = 0" if access.books else " AND s.rowid % 2 = 1"


def _newest_ranked(
    connection: Connection, match: str, access: Access
) -> tuple[list[tuple[int, float]], bool]:
    """The WINDOW newest visible matches with their bm25 scores, best first; and whether
    there were more.

    One pass, newest first, stopping after WINDOW + 1 rows: FTS5 walks its doclist in
    rowid order and bm25() runs only for the rows it returns. ``ORDER BY rank`` would
    score every match before sorting, and a common word matches tens of thousands.
    The join to ``posts`` costs a primary-key lookup per matching post, less than a
    privacy filter inside the MATCH would (bm25 would then also count the doclists of
    access tokens, a hundred thousand rows each)."""
    rows = connection.execute(
        text(
            f"SELECT s.rowid, bm25({TABLE}, {_WEIGHTS}) {_VISIBLE}{_kind_filter(access)} "
            "ORDER BY s.rowid DESC LIMIT :limit"
        ),
        {
            "match": match,
            "viewer": access.viewer_id if access.viewer_id is not None else -1,
            "limit": WINDOW + 1,
        },
    ).all()
    ranked = sorted(((rowid, -score) for rowid, score in rows[:WINDOW]), key=lambda row: (-row[1], -row[0]))
    return ranked, len(rows) > WINDOW


def _highlighted(connection: Connection, match: str, rowids: list[int]) -> dict[int, Row]:
    """highlight() and snippet() for the page's rows only, in one pass over their rowid
    range: a lookup per rowid would make FTS5 set up the whole query again each time
    (for a prefix term, merging every matching word's doclist), twenty times over.
    ``+rowid`` keeps the IN list a plain filter rather than twenty lookups."""
    rows = connection.execute(
        text(
            f"SELECT rowid, highlight({TABLE}, 0, {_MARKS}), highlight({TABLE}, 1, {_MARKS}), "
            f"snippet({TABLE}, 2, {_MARKS}, '…', 12), snippet({TABLE}, 3, {_MARKS}, '…', 24) "
            f"FROM {TABLE} WHERE {TABLE} MATCH :match AND rowid BETWEEN :low AND :high "
            f"AND +rowid IN ({', '.join(str(int(rowid)) for rowid in rowids)})"
        ),
        {"match": match, "low": min(rowids), "high": max(rowids)},
    )
    return {row[0]: row for row in rows}


def search(
    connection: Connection, expression: str, access: Access, limit: int, offset: int
) -> tuple[int, bool, list[RawHit]]:
    """How many visible matches, whether there are more than were ranked, and one page.

    bm25 costs a few microseconds per matching row, and a common word matches tens of
    thousands; ranking them all would take a tenth of a second. So the order is:
    matches in the title or authors first (books, then posts), then the other matches,
    each group the WINDOW newest matches ranked by bm25 (weighted by column). Three statements in
    all, whatever the query: one per group, one for the page's highlights."""
    if not (access.books or access.posts):
        return 0, False, []
    everywhere = expression
    titles, more_titles = _newest_ranked(connection, f"{{title authors}} : ({expression})", access)
    everything, more = _newest_ranked(connection, everywhere, access)
    seen = {rowid for rowid, _score in titles}
    # Books before posts among title matches: bm25 divides by the whole row's length, so
    # a book's publisher and ISBNs would otherwise let "On Dune" outrank "Dune".
    titles.sort(key=lambda hit: hit[0] % 2)
    ordered = titles + [(rowid, score) for rowid, score in everything if rowid not in seen]
    page = ordered[offset : offset + limit]
    if not page:
        return len(ordered), more or more_titles, []
    found = _highlighted(connection, everywhere, [rowid for rowid, _score in page])
    hits = [
        RawHit(
            kind="post" if rowid % 2 else "book",
            id=rowid // 2,
            title=found[rowid][1] or "",
            authors=found[rowid][2] or "",
            details=found[rowid][3] or "",
            body=found[rowid][4] or "",
            score=score,
        )
        for rowid, score in page
        if rowid in found
    ]
    return len(ordered), more or more_titles, hits


def _exists(connection: Connection) -> bool:
    return (
        connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"), {"name": TABLE}
        ).first()
        is not None
    )


def suspend_triggers(connection: Connection) -> None:
    """Before migrations: drop the triggers. Alembic's batch mode rebuilds a table by
    copy, drop and rename; our triggers on other tables name ``books`` and ``posts``,
    so SQLite would refuse the rename, and triggers on the table itself would vanish."""
    if _exists(connection):
        for name in _ALL_TRIGGER_NAMES:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {TABLE}_{name}"))


def restore_triggers(connection: Connection) -> None:
    """After migrations: the triggers back, and the index refilled in case a migration
    changed indexed text while they were away. Which triggers: those of the definition
    the database's revision has (``definition_for``), since a run may stop at, or go down
    to, a revision before the newest."""
    if _exists(connection):
        definition = definition_for(connection)
        for name in _ALL_TRIGGER_NAMES:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {TABLE}_{name}"))
        for name, (event, body) in definition.triggers.items():
            connection.execute(text(_trigger(name, event, body)))
        _fill(connection, definition)
