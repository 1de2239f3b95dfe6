"""Search finds books by their series and their description (revision 0009), on SQLite
and on PostgreSQL, and the index follows every change to either."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import make_user, sign_in
from tests.integration.migration_helpers import migrate_down_to, migrate_to
from webapp.catalogue import set_series
from webapp.extensions import db
from webapp.models import Book, BookSeries, Series, User
from webapp.search import search_library


@pytest.fixture
def ctx(any_db_app):
    with any_db_app.app_context():
        yield any_db_app


@pytest.fixture
def reader(ctx) -> User:
    user = User(username="reader")
    db.session.add(user)
    db.session.commit()
    return user


def add_book(title: str, series: list[tuple[str, str | None]] = (), **fields) -> Book:
    book = Book(title=title, **fields)
    db.session.add(book)
    set_series(book, list(series))
    db.session.commit()
    return book


def found(query: str, viewer: User | None = None) -> list[tuple[str, int]]:
    return [(hit.kind, hit.id) for hit in search_library(query, viewer).hits]


def test_a_book_is_found_by_its_series_name(reader) -> None:
    add_book("Other")
    gideon = add_book("Gideon the Ninth", [("The Locked Tomb", "1")])
    assert found("locked tomb", reader) == [("book", gideon.id)]
    assert found("lock", reader) == [("book", gideon.id)]  # as you type
    snippet = str(search_library("tomb", reader).hits[0].snippet)
    assert "<mark>Tomb</mark>" in snippet


def test_a_word_only_in_the_description_finds_the_book_below_a_title_match(reader) -> None:
    about = add_book("Dune", description="A desert planet, and the **sandworms** beneath it.")
    titled = add_book("Sandworms of Dune")
    assert found("sandworms", reader) == [("book", titled.id), ("book", about.id)]
    hit = search_library("planet", reader).hits[0]
    assert hit.id == about.id and "<mark>planet</mark>" in str(hit.snippet)


def test_a_description_word_ranks_below_the_same_word_in_details(reader) -> None:
    described = add_book("One", description="Published by Chilton, they say.")
    published = add_book("Two", publisher="Chilton")
    assert found("chilton", reader) == [("book", published.id), ("book", described.id)]


def test_an_html_description_snippet_shows_text_not_markup(reader) -> None:
    add_book("Imported", description="<p>The <b>orchard</b> at dusk <img src=x onerror=alert(1)></p>")
    snippet = str(search_library("orchard", reader).hits[0].snippet)
    assert "<mark>orchard</mark>" in snippet
    assert "<p>" not in snippet and "<img" not in snippet and "&lt;img" not in snippet


def test_the_index_follows_descriptions_series_renames_and_removals(reader) -> None:
    book = add_book("Mort", [("Discworld", "4")])
    assert found("discworld", reader) == [("book", book.id)]

    book.description = "Death takes an apprentice."
    db.session.commit()
    assert found("apprentice", reader) == [("book", book.id)]
    book.description = None
    db.session.commit()
    assert found("apprentice", reader) == []

    series = db.session.get(Series, book.series_links[0].series_id)
    series.name = "Death novels"
    db.session.commit()
    assert found("death", reader) == [("book", book.id)]
    assert found("discworld", reader) == []

    set_series(book, [("Death novels", "1")])  # a new position only: still found
    db.session.commit()
    assert found("death", reader) == [("book", book.id)]

    set_series(book, [])
    db.session.commit()
    assert found("death", reader) == []
    assert found("mort", reader) == [("book", book.id)]

    set_series(book, [("Death novels", None)])
    db.session.commit()
    db.session.delete(db.session.get(Series, series.id))  # its links go by cascade
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM book_series")) == 0
    assert found("death", reader) == []

    db.session.delete(book)
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM search_index")) == 0


def test_a_link_moved_to_another_book_reindexes_both(reader) -> None:
    first = add_book("First", [("Saga", "1")])
    second = add_book("Second")
    db.session.execute(
        BookSeries.__table__.update().where(BookSeries.book_id == first.id).values(book_id=second.id)
    )
    db.session.commit()
    assert found("saga", reader) == [("book", second.id)]


def test_the_search_page_finds_a_series(any_db_app) -> None:
    user = make_user(any_db_app)
    with any_db_app.app_context():
        add_book("Gideon the Ninth", [("The Locked Tomb", "1")])
    client = any_db_app.test_client()
    sign_in(client, user)
    page = client.get("/search?q=locked").get_data(as_text=True)
    assert "Gideon the Ninth" in page


def test_downgrading_to_0008_indexes_as_0003_did_and_upgrading_again_adds_series(any_db_app) -> None:
    with any_db_app.app_context():
        book = add_book("Gideon the Ninth", [("The Locked Tomb", "1")], description="Necromancers")
        book_id = book.id
        db.session.remove()
    migrate_down_to(any_db_app, "0008")
    with any_db_app.app_context():
        assert found("gideon") == [("book", book_id)]
        assert found("tomb") == [] and found("necromancers") == []
        # The 0003 triggers still keep the index in step.
        db.session.execute(text("UPDATE books SET title = 'Harrow' WHERE id = :id"), {"id": book_id})
        db.session.commit()
        assert found("harrow") == [("book", book_id)]
        db.session.remove()
    migrate_to(any_db_app, "head")
    with any_db_app.app_context():
        assert found("tomb") == [("book", book_id)]
        assert found("necromancers") == [("book", book_id)]
        assert found("harrow") == [("book", book_id)]
