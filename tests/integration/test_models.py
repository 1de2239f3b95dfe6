"""The database keeps the data consistent by itself, whatever code writes to it."""

from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.isbn import InvalidISBN
from webapp.models import Author, Book, Post, Read, Reading, ReadingStatus, Shelf, User


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.rollback()


def make_user(name: str = "ada") -> User:
    user = User(username=name, display_name=name.title())
    db.session.add(user)
    db.session.flush()
    return user


def make_book(title: str = "Dune", **fields) -> Book:
    book = Book(title=title, **fields)
    db.session.add(book)
    db.session.flush()
    return book


def test_authors_keep_their_order(ctx) -> None:
    book = make_book("Good Omens")
    book.set_authors([Author("Terry Pratchett"), Author("Neil Gaiman")])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Book, book.id).author_names == ["Terry Pratchett", "Neil Gaiman"]
    book = db.session.get(Book, book.id)
    book.set_authors([book.authors[1], book.authors[0]])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Book, book.id).author_names == ["Neil Gaiman", "Terry Pratchett"]


def test_sort_keys_ignore_articles_and_file_authors_by_surname(ctx) -> None:
    book = make_book("The Left Hand of Darkness")
    assert book.sort_title == "left hand of darkness"
    assert Author("Ursula K. Le Guin").sort_name == "le guin ursula k."


def test_isbns_are_normalised_on_the_model(ctx) -> None:
    book = make_book(isbn13="0-441-17271-7", isbn10="0-441-17271-7")
    assert (book.isbn13, book.isbn10) == ("9780441172719", "0441172717")
    with pytest.raises(InvalidISBN):
        book.isbn13 = "978-0-441-17271-8"


def test_usernames_are_unique(ctx) -> None:
    make_user("ada")
    with pytest.raises(IntegrityError):
        make_user("ada")


def test_one_reading_per_user_and_book(ctx) -> None:
    user, book = make_user(), make_book()
    db.session.add(Reading(user=user, book=book))
    db.session.flush()
    db.session.add(Reading(user=user, book=book))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("halves", [0, 11, -2])
def test_database_refuses_ratings_outside_half_stars(ctx, halves: int) -> None:
    user, book = make_user(), make_book()
    db.session.add(Reading(user=user, book=book, rating_halves=halves))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize("stars", [0, 0.25, 5.5, 3.3])
def test_model_refuses_ratings_outside_half_stars(stars: float) -> None:
    with pytest.raises(ValueError, match="half stars"):
        Reading().rating = stars


def test_rating_in_half_stars_round_trips(ctx) -> None:
    reading = Reading(user=make_user(), book=make_book())
    reading.rating = 3.5
    assert reading.rating_halves == 7 and reading.rating == 3.5


@pytest.mark.parametrize(
    "fields",
    [{"pages": 0}, {"pages": -3}, {"price_minor": -1}, {"format": "scroll"}, {"year": 12000}],
)
def test_database_refuses_impossible_books(ctx, fields) -> None:
    db.session.add(Book(title="Bad", **fields))
    with pytest.raises(IntegrityError):
        db.session.flush()


@pytest.mark.parametrize(
    "columns",
    [
        # A day-exact end before the start.
        {
            "started_on": date(2024, 5, 2),
            "started_precision": "day",
            "ended_on": date(2024, 5, 1),
            "ended_precision": "day",
        },
        # A read under way with an end.
        {"outcome": "in_progress", "ended_on": date(2024, 5, 1), "ended_precision": "day"},
        # A date without its precision, a precision without its date, an unknown precision.
        {"ended_on": date(2024, 5, 1)},
        {"started_precision": "day"},
        {"started_on": date(2024, 5, 1), "started_precision": "week"},
        {"outcome": "abandoned"},
    ],
)
def test_the_database_refuses_an_impossible_read(ctx, columns) -> None:
    reading = Reading(user=make_user(), book=make_book())
    reading.reads.append(Read(**{"outcome": "finished", **columns}))
    db.session.add(reading)
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_a_year_end_may_close_a_read_started_within_that_year(ctx) -> None:
    """Stored as 1 January, "finished 2024" is not before "started 2 May 2024": the CHECK
    compares day-exact ends only, the rest is the application's (may_precede)."""
    reading = Reading(user=make_user(), book=make_book())
    reading.reads.append(
        Read(
            outcome="finished",
            started_on=date(2024, 5, 2),
            started_precision="day",
            ended_on=date(2024, 1, 1),
            ended_precision="year",
        )
    )
    db.session.add(reading)
    db.session.flush()


def test_a_reading_has_at_most_one_read_under_way(ctx) -> None:
    reading = Reading(user=make_user(), book=make_book())
    reading.reads.append(Read(outcome="in_progress"))
    db.session.add(reading)
    db.session.flush()
    reading.reads.append(Read(outcome="in_progress"))
    with pytest.raises(IntegrityError):
        db.session.flush()


def test_duplicate_isbn_is_a_conflict(ctx) -> None:
    make_book("One", isbn13="9780441172719")
    with pytest.raises(IntegrityError):
        make_book("Two", isbn13="978-0441172719")


def test_deleting_a_book_keeps_posts_and_drops_its_readings_and_shelf_places(ctx) -> None:
    user, book = make_user(), make_book()
    shelf = Shelf(owner=user, name="Favourites", books=[book])
    db.session.add_all([shelf, Reading(user=user, book=book, status=ReadingStatus.READ)])
    post = Post(author=user, book=book, title="Thoughts", body="*Spice*")
    db.session.add(post)
    db.session.commit()
    db.session.execute(text("DELETE FROM books WHERE id = :id"), {"id": book.id})  # the database cascades
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Reading.id))) == 0
    assert db.session.scalar(text("SELECT count(*) FROM book_shelves")) == 0
    assert db.session.get(Post, post.id).book_id is None


def test_deleting_a_user_takes_their_posts_readings_and_shelves(ctx) -> None:
    user, book = make_user(), make_book()
    db.session.add_all(
        [Reading(user=user, book=book), Post(author=user, title="x"), Shelf(owner=user, name="s")]
    )
    db.session.commit()
    db.session.delete(user)
    db.session.commit()
    for model in (Reading, Post, Shelf):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert db.session.get(Book, book.id) is not None


def test_connection_policy_is_in_force(ctx) -> None:
    assert db.session.scalar(text("PRAGMA foreign_keys")) == 1
    assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
    assert db.session.scalar(text("PRAGMA busy_timeout")) == 30_000
