"""The demo generator: valid, deterministic data that the database accepts as is."""

import sqlite3

from sqlalchemy import func, select

from tests.integration.migration_helpers import db_file
from webapp.demo import demo_isbn13, generate_library
from webapp.extensions import db
from webapp.isbn import normalize_isbn13
from webapp.models import Book, Post, Reading


def snapshot(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Book.title, Book.isbn13, Book.year, Book.format).order_by(Book.id)
        ).all()


def test_same_seed_same_library(make_app, tmp_path) -> None:
    first = make_app(DATA_DIR=str(tmp_path / "one"))
    second = make_app(DATA_DIR=str(tmp_path / "two"))
    for app in (first, second):
        with app.app_context():
            summary = generate_library(db.session, size=400, posts=50)
    assert summary.books == 400 and summary.posts == 50
    assert snapshot(first) == snapshot(second)


def test_generated_rows_satisfy_every_constraint(app) -> None:
    with app.app_context():
        generate_library(db.session, size=500)
        assert db.session.scalar(select(func.count(Reading.id))) > 150
        assert db.session.scalar(select(func.count(Post.id))) == 100
        finished = db.session.scalars(
            select(Reading.finished_on).where(Reading.finished_on.is_not(None))
        ).all()
        assert (max(finished) - min(finished)).days > 600  # readings spread over two years
    connection = sqlite3.connect(db_file(app))
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_demo_isbns_are_valid() -> None:
    for index in (1, 2, 99_999, 100_000):
        assert normalize_isbn13(demo_isbn13(index)) == demo_isbn13(index)
