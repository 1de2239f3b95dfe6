"""The demo generator: valid, deterministic data that the database accepts as is."""

import sqlite3
from datetime import date

from sqlalchemy import func, select

from tests.integration.migration_helpers import db_file
from webapp.demo import demo_isbn13, generate_library
from webapp.extensions import db
from webapp.isbn import normalize_isbn13
from webapp.models import Book, BookSeries, Loan, Post, Read, Reading, Series


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
            select(Read.ended_on).where(Read.outcome == "finished", Read.ended_on.is_not(None))
        ).all()
        assert (max(finished) - min(finished)).days > 600  # readings spread over two years
    connection = sqlite3.connect(db_file(app))
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()


def test_demo_isbns_are_valid() -> None:
    for index in (1, 2, 99_999, 100_000):
        assert normalize_isbn13(demo_isbn13(index)) == demo_isbn13(index)


def test_every_reading_has_its_reads_and_rereads_are_extra_finished_reads(make_app, tmp_path) -> None:
    counts = {}
    for rereads in (0, 300):
        app = make_app(DATA_DIR=str(tmp_path / f"rereads-{rereads}"))
        with app.app_context():
            summary = generate_library(db.session, size=500, rereads=rereads)
            readings = db.session.scalar(select(func.count(Reading.id)))
            with_reads = db.session.scalar(select(func.count(func.distinct(Read.reading_id))))
            wishes = db.session.scalar(select(func.count(Reading.id)).where(Reading.status == "want_to_read"))
            assert with_reads == readings - wishes  # each reading begun has its reads, wishes none
            counts[rereads] = db.session.scalar(select(func.count(Read.id)).where(Read.outcome == "finished"))
            assert summary.reads == db.session.scalar(select(func.count(Read.id)))
            most = db.session.scalar(
                select(func.count(Read.id))
                .group_by(Read.reading_id)
                .order_by(func.count(Read.id).desc())
                .limit(1)
            )
    assert counts[300] == counts[0] + 300
    assert most >= 3


def test_series_descriptions_copies_and_loans_look_like_a_household_s(app) -> None:
    today = date(2026, 11, 1)
    with app.app_context():
        summary = generate_library(db.session, size=2000, today=today)
        books = db.session.scalar(select(func.count(Book.id)))
        in_series = db.session.scalar(select(func.count(func.distinct(BookSeries.book_id))))
        assert books / 12 < in_series < books / 5  # about one in eight
        assert summary.series == db.session.scalar(select(func.count(Series.id)))
        sizes = db.session.scalars(
            select(func.count()).select_from(BookSeries).group_by(BookSeries.series_id)
        ).all()
        assert min(sizes) >= 3 and max(sizes) <= 7
        positions = db.session.scalars(select(BookSeries.position)).all()
        assert positions.count("2-3") == 1 and "0.5" in positions and "1" in positions
        described = db.session.scalars(select(Book.description).where(Book.description.is_not(None))).all()
        assert books / 5 < len(described) < books / 2
        assert any("\n\n" in text for text in described)  # Markdown paragraphs
        copies = dict(db.session.execute(select(Book.copies, func.count()).group_by(Book.copies)).all())
        assert set(copies) == {0, 1, 2} and copies[1] > books * 0.8
        unowned_wishes = db.session.scalar(
            select(func.count(func.distinct(Book.id)))
            .join(Reading)
            .where(Book.copies == 0, Reading.status == "want_to_read")
        )
        assert unowned_wishes == copies[0]
        loans = db.session.scalars(select(Loan)).all()
        assert len(loans) == summary.loans >= 13
        assert {loan.book.copies > 0 for loan in loans} == {True}
        assert any(loan.is_overdue(today) for loan in loans)
        assert any(loan.is_open and not loan.is_overdue(today) for loan in loans)
        assert any(not loan.is_open for loan in loans)
    connection = sqlite3.connect(db_file(app))
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    connection.close()
