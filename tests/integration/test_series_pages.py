"""Series, descriptions and copies as a reader meets them: the book form, the book page,
the series pages and the library's series filter and sort."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token, make_user
from tests.integration.test_library_pages import add_book, field_errors, post_book
from webapp.catalogue import set_series
from webapp.extensions import db
from webapp.lending import lend
from webapp.models import Book, BookSeries, Read, Reading, Series
from webapp.models.book import COPIES_MAX
from webapp.models.limits import DESCRIPTION_MAX


@pytest.fixture
def user(app):
    return make_user(app, role="admin")


def book_titles(page: str) -> list[str]:
    """The book titles a series page or the catalogue table lists, in order."""
    return re.findall(r'<a href="/books/\d+">([^<]+)</a>', page)


def stored_series(app, book_id: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        book = db.session.get(Book, book_id)
        return sorted((link.series.name, link.position) for link in book.series_links)


# --- the book form -----------------------------------------------------------------------


def test_series_typed_one_per_line_are_saved_with_their_positions(app, signed_in) -> None:
    lines = "The Locked Tomb #1\nDiscworld # 0.5\n\nOmnibus #2\N{EN DASH}3\nStandalones"
    book_id = add_book(signed_in, series=lines)
    assert stored_series(app, book_id) == [
        ("Discworld", "0.5"),
        ("Omnibus", "2-3"),
        ("Standalones", None),
        ("The Locked Tomb", "1"),
    ]
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    with app.app_context():
        tomb = db.session.scalar(select(Series).where(Series.name == "The Locked Tomb"))
    assert f'<a href="/series/{tomb.id}">The Locked Tomb #1</a>' in page


def test_a_series_named_again_in_other_case_is_the_same_series(app, signed_in) -> None:
    add_book(signed_in, series="The Locked Tomb #1")
    add_book(signed_in, title="Harrow the Ninth", series="the locked tomb #2")
    with app.app_context():
        assert db.session.scalars(select(Series.name)).all() == ["The Locked Tomb"]


@pytest.mark.parametrize(
    ("series", "message"),
    [
        ("The Locked Tomb #abc", "a number such as 1, 0.5 or 2-3"),
        ("Omnibus #3-2", "goes up"),
        ("#1", "needs a name"),
        ("Dune #1\ndune #2", "listed twice"),
        ("S" * 256 + " #1", "at most 255"),
    ],
)
def test_a_bad_series_line_is_a_field_message_and_nothing_is_saved(app, signed_in, series, message) -> None:
    response = post_book(signed_in, series=series)
    assert response.status_code == 422
    assert message in field_errors(response.get_data(as_text=True), "series")
    with app.app_context():
        assert db.session.scalar(select(Book.id)) is None
        assert db.session.scalar(select(Series.id)) is None


def test_a_bad_series_on_edit_keeps_the_stored_book_and_its_series(app, signed_in) -> None:
    book_id = add_book(signed_in, series="Dune #1")
    response = post_book(signed_in, f"/books/{book_id}/edit", title="Dune Messiah", series="Dune #two")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Book, book_id).title == "Dune"
    assert stored_series(app, book_id) == [("Dune", "1")]


def test_editing_fills_the_form_and_replaces_the_series(app, signed_in) -> None:
    book_id = add_book(signed_in, series="Dune #1\nClassics", description="*Spice*", copies="2")
    form = signed_in.get(f"/books/{book_id}/edit").get_data(as_text=True)
    assert "Classics\nDune #1</textarea>" in form
    assert "\n*Spice*</textarea>" in form
    assert re.search(r'name="copies"[^>]*value="2"', form)
    add = post_book(signed_in, f"/books/{book_id}/edit", series="Dune #1.5", copies="2")
    assert add.status_code == 302
    assert stored_series(app, book_id) == [("Dune", "1.5")]
    with app.app_context():
        assert db.session.get(Book, book_id).description is None  # emptied
        # The emptied series stays: its page may be bookmarked, its next book may come.
        assert db.session.scalar(select(Series.id).where(Series.name == "Classics")) is not None


def test_copies_default_to_one_and_zero_means_not_owned(app, signed_in) -> None:
    form = signed_in.get("/books/new").get_data(as_text=True)
    assert re.search(r'name="copies"[^>]*value="1"', form)
    assert "0 = not owned (a wish or a library book)" in form
    kept = add_book(signed_in)
    wished = add_book(signed_in, title="A wish", copies="0")
    with app.app_context():
        assert db.session.get(Book, kept).copies == 1
        assert db.session.get(Book, wished).copies == 0


@pytest.mark.parametrize(
    ("copies", "message"),
    [("-1", "cannot be negative"), (str(COPIES_MAX + 1), f"At most {COPIES_MAX}"), ("two", "")],
)
def test_a_bad_number_of_copies_is_a_field_message(app, signed_in, copies, message) -> None:
    response = post_book(signed_in, copies=copies)
    assert response.status_code == 422
    errors = field_errors(response.get_data(as_text=True), "copies")
    assert errors and message in errors
    with app.app_context():
        assert db.session.scalar(select(Book.id)) is None


def test_copies_cannot_drop_below_the_copies_lent_out(app, signed_in, user) -> None:
    book_id = add_book(signed_in, copies="3")
    with app.app_context():
        book = db.session.get(Book, book_id)
        for borrower in ("Ana", "Ben"):
            lend(book, {"borrower": borrower, "lent_on": date(2026, 1, 5)}, by=user, today=date(2026, 2, 1))
        db.session.commit()
    response = post_book(signed_in, f"/books/{book_id}/edit", copies="1")
    assert response.status_code == 422
    assert "2 copies are lent out" in field_errors(response.get_data(as_text=True), "copies")
    assert post_book(signed_in, f"/books/{book_id}/edit", copies="2").status_code == 302
    with app.app_context():
        assert db.session.get(Book, book_id).copies == 2


def test_an_overlong_description_is_refused(app, signed_in) -> None:
    response = post_book(signed_in, description="x" * (DESCRIPTION_MAX + 1))
    assert response.status_code == 422
    assert f"at most {DESCRIPTION_MAX:,} characters" in field_errors(
        response.get_data(as_text=True), "description"
    )


# --- the description on the book page ----------------------------------------------------


def test_the_description_is_rendered_markdown_in_a_panel(app, signed_in) -> None:
    book_id = add_book(signed_in, description="A *desert* planet.\n\n- spice\n- worms")
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert 'class="panel book-description"' in page
    assert "<em>desert</em>" in page and "<li>worms</li>" in page


def test_no_description_panel_without_a_description(app, signed_in) -> None:
    book_id = add_book(signed_in, description="   ")
    assert "book-description" not in signed_in.get(f"/books/{book_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    "hostile",
    [
        "<img src=x onerror=alert(1)>",
        "<script>alert(1)</script>",
        'Fine <a href="javascript:alert(1)" onclick="alert(1)">link</a>',
        "<p onmouseover=alert(1)>hover</p><style>body{display:none}</style>",
    ],
)
def test_html_in_a_description_never_reaches_the_page_as_html(app, signed_in, hostile) -> None:
    """Imported descriptions are often HTML (Calibre's comments): the same sanitiser as
    posts' keeps the text and drops what could run."""
    book_id = add_book(signed_in, description=hostile)
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    panel = page.split('class="panel book-description"', 1)[1].split("</section>", 1)[0]
    lowered = panel.lower()
    for forbidden in ("<img", "onerror", "<script", "alert(1)</script", "javascript:", "onclick", "<style"):
        assert forbidden not in lowered
    assert "onmouseover" not in lowered


# --- series pages ------------------------------------------------------------------------


def _series_with_books(app, placements: list[tuple[str, str | None]], name: str = "Discworld") -> int:
    with app.app_context():
        for title, position in placements:
            book = Book(title=title)
            db.session.add(book)
            set_series(book, [(name, position)])
            db.session.flush()
        db.session.commit()
        return db.session.scalar(select(Series.id).where(Series.name == name))


def _reading(app, user, title: str, status: str, finished_reads: int = 0) -> None:
    with app.app_context():
        book = db.session.scalar(select(Book).where(Book.title == title))
        reading = Reading(user_id=user.id, book_id=book.id, status=status)
        db.session.add(reading)
        db.session.flush()
        for _ in range(finished_reads):
            db.session.add(Read(reading_id=reading.id, outcome="finished"))
        db.session.commit()


def test_a_series_page_orders_positions_as_numbers_and_unnumbered_last(app, signed_in) -> None:
    series_id = _series_with_books(
        app,
        [
            ("Ten", "10"),
            ("Zebra without number", None),
            ("Omnibus", "2-3"),
            ("One", "1"),
            ("Apple without number", None),
            ("Prequel", "0.5"),
            ("Also one", "1"),
        ],
    )
    page = signed_in.get(f"/series/{series_id}").get_data(as_text=True)
    # Each title is linked twice (the "next for you" line names the first one again).
    assert book_titles(page.split('<ol class="series-books">', 1)[1]) == [
        "Prequel",
        "Also one",
        "One",
        "Omnibus",
        "Ten",
        "Apple without number",
        "Zebra without number",
    ]
    assert "#0.5" in page and "#2-3" in page


def test_next_unread_is_the_first_book_neither_finished_nor_being_read(app, signed_in, user) -> None:
    series_id = _series_with_books(app, [("First", "1"), ("Second", "2"), ("Third", "3"), ("Fourth", "4")])
    _reading(app, user, "First", "read", finished_reads=1)
    _reading(app, user, "Second", "reading")
    # Stopped once, wants to try again: not finished, so it can be next.
    _reading(app, user, "Third", "want_to_read")
    page = signed_in.get(f"/series/{series_id}").get_data(as_text=True)
    marked = re.findall(r'<li class="panel series-book series-book-next">.*?</li>', page, re.S)
    assert len(marked) == 1 and ">Third<" in marked[0]
    assert "next for you: <a" in page


def test_a_re_read_in_progress_is_not_next_and_an_old_finish_counts(app, signed_in, user) -> None:
    series_id = _series_with_books(app, [("First", "1"), ("Second", "2"), ("Third", "3")])
    _reading(app, user, "First", "want_to_read", finished_reads=1)  # read before, listed again
    _reading(app, user, "Second", "reading", finished_reads=1)
    page = signed_in.get(f"/series/{series_id}").get_data(as_text=True)
    marked = re.findall(r'<li class="panel series-book series-book-next">.*?</li>', page, re.S)
    assert len(marked) == 1 and ">Third<" in marked[0]


def test_when_every_book_is_read_nothing_is_next(app, signed_in, user) -> None:
    series_id = _series_with_books(app, [("First", "1")])
    _reading(app, user, "First", "read", finished_reads=1)
    page = signed_in.get(f"/series/{series_id}").get_data(as_text=True)
    assert "series-book-next" not in page and "you have read them all" in page


def test_next_unread_is_the_readers_own(app, signed_in) -> None:
    other = make_user(app, "other")
    series_id = _series_with_books(app, [("First", "1"), ("Second", "2")])
    _reading(app, other, "First", "read", finished_reads=1)
    page = signed_in.get(f"/series/{series_id}").get_data(as_text=True)
    marked = re.findall(r'<li class="panel series-book series-book-next">.*?</li>', page, re.S)
    assert len(marked) == 1 and ">First<" in marked[0]


def test_an_emptied_series_has_a_page_that_says_so(app, signed_in) -> None:
    with app.app_context():
        db.session.add(Series("Abandoned"))
        db.session.commit()
        series_id = db.session.scalar(select(Series.id))
    response = signed_in.get(f"/series/{series_id}")
    assert response.status_code == 200
    assert "No books in this series" in response.get_data(as_text=True)
    assert signed_in.get("/series/999999").status_code == 404
    assert signed_in.get(f"/series/{series_id}?page=2").status_code == 404


def test_the_series_index_is_alphabetical_with_counts_and_pages(app, signed_in) -> None:
    _series_with_books(app, [("Mort", "4"), ("Guards! Guards!", "8")], name="Discworld")
    _series_with_books(app, [("Gideon", "1")], name="The Locked Tomb")
    _series_with_books(app, [("Dune", "1")], name="Arrakis")
    page = signed_in.get("/series").get_data(as_text=True)
    names = re.findall(r'<a href="/series/\d+">([^<]+)</a>', page)
    assert names == ["Arrakis", "Discworld", "The Locked Tomb"]  # "The" is not filed under T
    assert "2 books" in page and "1 book<" in page
    with app.app_context():
        for index in range(60):
            db.session.add(Series(f"Series {index:02}"))
        db.session.commit()
    first = signed_in.get("/series").get_data(as_text=True)
    assert 'rel="next" href="/series?page=2"' in first
    assert signed_in.get("/series?page=2").status_code == 200
    assert signed_in.get("/series?page=3").status_code == 404
    assert 'href="/series"' in signed_in.get("/library").get_data(as_text=True)


def test_series_pages_need_a_signed_in_reader(client, app) -> None:
    assert client.get("/series").status_code in (302, 401)
    assert client.get("/series/1").status_code in (302, 401)


# --- the library's series filter and sort ------------------------------------------------


def test_the_library_filters_by_series(app, signed_in) -> None:
    series_id = _series_with_books(app, [("Mort", "4"), ("Sourcery", "5")])
    _series_with_books(app, [("Gideon", "1")], name="The Locked Tomb")
    add_book(signed_in, title="Alone")
    page = signed_in.get(f"/library?series={series_id}").get_data(as_text=True)
    assert book_titles(page) == ["Mort", "Sourcery"]
    assert "2 of 2 books matching your filters" in page.replace("1\N{EN DASH}", "")
    assert "Discworld" in page  # the chosen series is named, with a way back
    unknown = signed_in.get("/library?series=99999")
    assert unknown.status_code == 200 and "no such series" in unknown.get_data(as_text=True)
    assert signed_in.get("/library?series=abc").status_code == 200


def test_sorting_by_series_orders_series_then_position_and_leaves_the_rest_last(app, signed_in) -> None:
    _series_with_books(app, [("Ten", "10"), ("Two", "2"), ("Unnumbered", None), ("Half", "0.5")])
    _series_with_books(app, [("Gideon", "1"), ("Harrow", "2")], name="The Locked Tomb")
    _series_with_books(app, [("Dune", "1")], name="Arrakis")
    with app.app_context():
        # In two series: listed once, under the first by name (Arrakis before Discworld).
        both = db.session.scalar(select(Book).where(Book.title == "Two"))
        set_series(both, [("Discworld", "2"), ("Arrakis", "2")])
        db.session.add_all([Book(title="Zed alone"), Book(title="Alpha alone")])
        db.session.commit()
    page = signed_in.get("/library?sort=series&per_page=20").get_data(as_text=True)
    expected = ["Dune", "Two", "Half", "Ten", "Unnumbered", "Gideon", "Harrow", "Alpha alone", "Zed alone"]
    assert book_titles(page) == expected
    assert "The Locked Tomb #1" in page  # the rows say where each book stands
    descending = signed_in.get("/library?sort=series&order=desc").get_data(as_text=True)
    assert book_titles(descending) == [
        "Harrow", "Gideon", "Ten", "Half", "Unnumbered", "Two", "Dune", "Zed alone", "Alpha alone"
    ]  # fmt: skip


def test_sorting_one_series_follows_that_series_order(app, signed_in) -> None:
    series_id = _series_with_books(app, [("Ten", "10"), ("Two", "2"), ("Unnumbered", None), ("Half", "0.5")])
    with app.app_context():
        # Also first in a series filed earlier by name; the filter's series decides.
        ten = db.session.scalar(select(Book).where(Book.title == "Ten"))
        set_series(ten, [("Discworld", "10"), ("Aardvark", "1")])
        db.session.commit()
    page = signed_in.get(f"/library?series={series_id}&sort=series").get_data(as_text=True)
    assert book_titles(page) == ["Half", "Two", "Ten", "Unnumbered"]
    descending = signed_in.get(f"/library?series={series_id}&sort=series&order=desc").get_data(as_text=True)
    assert book_titles(descending) == ["Ten", "Two", "Half", "Unnumbered"]


def test_series_sort_pages_through_both_segments_without_gaps(app, signed_in) -> None:
    _series_with_books(app, [(f"In series {index:02}", str(index)) for index in range(1, 26)])
    with app.app_context():
        db.session.add_all([Book(title=f"Alone {index:02}") for index in range(25)])
        db.session.commit()
    seen = []
    for number in (1, 2, 3):
        page = signed_in.get(f"/library?sort=series&per_page=20&page={number}").get_data(as_text=True)
        seen += book_titles(page)
    assert seen == [f"In series {index:02}" for index in range(1, 26)] + [
        f"Alone {index:02}" for index in range(25)
    ]


def test_book_series_rows_go_with_the_book(app, signed_in) -> None:
    book_id = add_book(signed_in, series="Dune #1")
    token = csrf_token(signed_in, f"/books/{book_id}/delete")
    signed_in.post(f"/books/{book_id}/delete", data={"csrf_token": token})
    with app.app_context():
        assert db.session.scalar(select(BookSeries.book_id)) is None


def test_the_series_order_is_the_same_on_postgresql(any_db_app) -> None:
    """The series sort fixes SQLite's join order with a CROSS JOIN; other databases get
    a plain JOIN and must list the same books in the same order."""
    from webapp.library.listing import CatalogueQuery, page_of_ids

    _series_with_books(any_db_app, [("Ten", "10"), ("Unnumbered", None), ("Half", "0.5")])
    _series_with_books(any_db_app, [("Gideon", "1")], name="The Locked Tomb")
    with any_db_app.app_context():
        db.session.add(Book(title="Alone"))
        db.session.commit()
        titles = dict(db.session.execute(select(Book.id, Book.title)).all())
        for descending, expected in (
            (False, ["Half", "Ten", "Unnumbered", "Gideon", "Alone"]),
            (True, ["Gideon", "Ten", "Half", "Unnumbered", "Alone"]),
        ):
            query = CatalogueQuery(sort="series", descending=descending)
            assert [titles[i] for i in page_of_ids(0, query, 0, 10)] == expected
            assert [titles[i] for i in page_of_ids(0, query, 2, 2)] == expected[2:4]
