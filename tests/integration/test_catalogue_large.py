"""The catalogue on a 100,000-book library (the deterministic demo generator): first
pages, every sort, deep pages and filters answer correctly. Built once per module."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import sign_in
from webapp import create_app
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.models import Book, BookAuthor, Reading, User
from webapp.schema_upgrade import upgrade_with_backup

pytestmark = pytest.mark.slow
SIZE = 100_000


@pytest.fixture(scope="module")
def big_app(tmp_path_factory):
    app = create_app(
        {"DATA_DIR": str(tmp_path_factory.mktemp("big") / "data"), "TESTING": True, "MODE": "server"}
    )
    upgrade_with_backup(app)
    with app.app_context():
        generate_library(db.session, size=SIZE, posts=2_000)
        reader = db.session.scalar(select(User).where(User.username == "reader"))
        db.session.expunge(reader)
    app.config["READER"] = reader
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def reader_client(big_app):
    client = big_app.test_client()
    sign_in(client, big_app.config["READER"])
    return client


def linked_book_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td><a href="/books/(\d+)">', page)]


def expected_ids(app, *order_by, where=(), offset=0, limit=50) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(select(Book.id).where(*where).order_by(*order_by).offset(offset).limit(limit))
        )


def test_first_page_lists_fifty_books_by_title_and_counts_them_all(big_app, reader_client) -> None:
    page = reader_client.get("/library").get_data(as_text=True)
    assert "1\u201350 of 100,000 books" in page
    assert linked_book_ids(page) == expected_ids(big_app, Book.sort_title, Book.id)


@pytest.mark.parametrize(
    ("sort", "order_by"),
    [
        ("year", (Book.year, Book.id)),
        ("added", (Book.added_at.desc(), Book.id.desc())),
        ("author", (Book.sort_author, Book.id)),
    ],
)
def test_each_sort_orders_deep_pages_like_the_database_does(big_app, reader_client, sort, order_by) -> None:
    page = reader_client.get(f"/library?sort={sort}&page=1500&per_page=50").get_data(as_text=True)
    assert "74,951\u201375,000 of 100,000" in page
    assert linked_book_ids(page) == expected_ids(big_app, *order_by, offset=74_950)


def test_sorting_by_author_follows_the_first_authors_sort_name(big_app, reader_client) -> None:
    ids = linked_book_ids(reader_client.get("/library?sort=author&page=300").get_data(as_text=True))
    with big_app.app_context():
        first_authors = [
            db.session.scalar(
                select(BookAuthor).where(BookAuthor.book_id == book_id).order_by(BookAuthor.position).limit(1)
            ).author.sort_name
            for book_id in ids
        ]
    assert first_authors == sorted(first_authors)


def test_the_last_page_and_beyond(reader_client) -> None:
    last = reader_client.get("/library?per_page=200&page=500")
    assert last.status_code == 200 and len(linked_book_ids(last.get_data(as_text=True))) == 200
    assert reader_client.get("/library?per_page=200&page=501").status_code == 404


def test_rating_sort_lists_my_best_rated_books_first_then_the_unrated(big_app, reader_client) -> None:
    reader = big_app.config["READER"]
    with big_app.app_context():
        rated = db.session.scalar(
            select(func.count()).where(Reading.user_id == reader.id, Reading.rating_halves.is_not(None))
        )
    first = reader_client.get("/library?sort=rating").get_data(as_text=True)
    assert first.count('aria-label="5 stars out of 5"') == 50
    boundary_page = rated // 50 + 1
    boundary = reader_client.get(f"/library?sort=rating&page={boundary_page}").get_data(as_text=True)
    assert len(linked_book_ids(boundary)) == 50  # rated ones run out and unrated ones follow
    assert boundary.count('class="stars" role="img"') == rated % 50


def test_filters_combine_and_count(big_app, reader_client) -> None:
    reader = big_app.config["READER"]
    url = "/library?status=read&format=ebook&year_from=1990&year_to=2000"
    page = reader_client.get(url).get_data(as_text=True)
    with big_app.app_context():
        read_ids = select(Reading.book_id).where(Reading.user_id == reader.id, Reading.status == "read")
        where = (Book.id.in_(read_ids), Book.format == "ebook", Book.year.between(1990, 2000))
        total = db.session.scalar(select(func.count()).select_from(Book).where(*where))
    assert f"of {total:,} books matching your filters" in page
    assert linked_book_ids(page) == expected_ids(big_app, Book.sort_title, Book.id, where=where)


def test_author_filter_matches_part_of_a_name(big_app, reader_client) -> None:
    page = reader_client.get("/library?author=le+guin").get_data(as_text=True)
    ids = linked_book_ids(page)
    assert ids
    with big_app.app_context():
        for book_id in ids:
            assert any("Le Guin" in name for name in db.session.get(Book, book_id).author_names)


def test_bad_filter_values_are_ignored_with_a_message(reader_client) -> None:
    response = reader_client.get("/library?year_from=soon&per_page=7&sort=colour")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Not a valid integer value." in page
    assert "of 100,000 books" in page


def test_cover_grid_shows_the_same_books(big_app, reader_client) -> None:
    page = reader_client.get("/library?view=grid&page=7").get_data(as_text=True)
    ids = [int(n) for n in re.findall(r'<h3 class="book-card-title"><a href="/books/(\d+)">', page)]
    assert ids == expected_ids(big_app, Book.sort_title, Book.id, offset=300)


def test_a_book_page_on_the_big_library(reader_client) -> None:
    response = reader_client.get("/books/54321")
    assert response.status_code == 200
    assert "My reading" in response.get_data(as_text=True)
