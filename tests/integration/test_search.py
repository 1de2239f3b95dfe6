"""Full-text search: what it finds, in what order, for whom, and that no text breaks it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.conftest import make_user, sign_in
from tests.integration.migration_helpers import db_file, fill_at_0001, migrate_to
from webapp.extensions import db
from webapp.models import Author, Book, Post, Shelf, User
from webapp.search import search_library

NASTY_QUERIES = [
    '"',
    '""',
    '"unbalanced',
    "*",
    "**",
    "dune*",
    "*dune",
    "-",
    "--",
    "-dune",
    "NEAR",
    "NEAR(dune herbert)",
    "NEAR(dune herbert, 2)",
    "dune AND",
    "OR dune",
    "NOT",
    "AND OR NOT",
    "(",
    ")",
    "((dune)",
    "dune)",
    "title:dune",
    "{title}: dune",
    "^dune",
    "dune + herbert",
    "'; DROP TABLE books; --",
    "<script>alert(1)</script>",
    "\x00",
    "\x02\x03",
    "\u0301",
    "e\u0301",
    "🙂",
    "a" * 5000,
    " ".join(["dune"] * 200),
    "978-",
    "978-0-441-17271-9-9",
    "\\",
    "%",
    "_",
    "$$",
]


def add_book(title: str, authors: tuple[str, ...] = (), **fields) -> Book:
    book = Book(title=title, **fields)
    book.set_authors([Author(name) for name in authors])
    db.session.add(book)
    db.session.commit()
    return book


def add_post(author: User, title: str, body: str = "", visibility: str = "shared") -> Post:
    post = Post(author=author, title=title, body=body, visibility=visibility)
    db.session.add(post)
    db.session.commit()
    return post


def found(query: str, viewer: User | None = None, **options) -> list[tuple[str, int]]:
    return [(hit.kind, hit.id) for hit in search_library(query, viewer, **options).hits]


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def reader(ctx) -> User:
    user = User(username="reader")
    db.session.add(user)
    db.session.commit()
    return user


def test_a_title_match_ranks_above_a_body_match(reader) -> None:
    about = add_post(reader, "Notes", "The lighthouse keeper was the best part of the lighthouse book.")
    book = add_book("The Lighthouse", ("Ada Quint",))
    assert found("lighthouse", reader) == [("book", book.id), ("post", about.id)]


def test_an_author_match_ranks_above_a_body_match(reader) -> None:
    post = add_post(reader, "Weekend", "Reading Herbert again, Herbert never gets old.")
    book = add_book("Dune", ("Frank Herbert",))
    assert found("herbert", reader) == [("book", book.id), ("post", post.id)]


def test_a_prefix_finds_longer_words_as_you_type(reader) -> None:
    book = add_book("Cartographer of Salt")
    for typed in ("ca", "cart", "cartograph", "cartographer"):
        assert found(typed, reader) == [("book", book.id)], typed
    assert found("cartographers", reader) == []


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Albert Camus", "camus"),
        ("albert camus", "CAMUS"),
        ("Emily Brontë", "Bronte"),
        ("Emily Bronte", "brontë"),
    ],
)
def test_case_and_diacritics_do_not_matter(reader, stored: str, typed: str) -> None:
    book = add_book("Some Book", (stored,))
    assert found(typed, reader) == [("book", book.id)]


@pytest.mark.parametrize(
    "typed",
    ["9780441172719", "978-0-441-17271-9", "978 0 441 17271 9", "0441172717", "0-441-17271-7", "97804411"],
)
def test_an_isbn_typed_with_or_without_hyphens_finds_its_book(reader, typed: str) -> None:
    add_book("Other", isbn13="9780261103573")
    book = add_book("Dune", isbn13="978-0-441-17271-9")
    assert found(typed, reader) == [("book", book.id)]


def test_an_isbn10_finds_a_book_that_only_has_its_isbn13(reader) -> None:
    book = add_book("Dune", isbn13="9780441172719")
    assert found("0-441-17271-7", reader) == [("book", book.id)]


def test_the_index_follows_edits_renames_and_deletes(reader) -> None:
    book = add_book("Dune", ("Frank Herbert",), publisher="Chilton")
    post = add_post(reader, "Spice diary", "the spice must flow")

    book.title = "Children of Dune"
    db.session.commit()
    assert found("children", reader) == [("book", book.id)]

    db.session.execute(text("UPDATE authors SET name = 'Brian Herbert' WHERE name = 'Frank Herbert'"))
    db.session.commit()
    assert found("brian", reader) == [("book", book.id)]
    assert found("frank", reader) == []

    book.set_authors([Author("Kevin Anderson")])
    db.session.commit()
    assert found("anderson", reader) == [("book", book.id)]
    assert found("brian", reader) == []

    shelf = Shelf(owner=reader, name="Desert island")
    shelf.books.append(book)
    db.session.add(shelf)
    db.session.commit()
    assert found("island", reader) == [("book", book.id)]
    shelf.name = "Sandworms"
    db.session.commit()
    assert found("sandworms", reader) == [("book", book.id)]
    assert found("island", reader) == []
    db.session.delete(shelf)
    db.session.commit()
    assert found("sandworms", reader) == []

    post.body = "nothing about melange"
    db.session.commit()
    assert found("spice", reader) == [("post", post.id)]  # still in its title
    assert found("melange", reader) == [("post", post.id)]

    db.session.delete(post)
    db.session.delete(book)
    db.session.commit()
    assert found("dune", reader) == []
    assert found("melange", reader) == []
    assert db.session.scalar(text("SELECT count(*) FROM search_index")) == 0


def test_private_posts_are_found_only_by_their_author(reader) -> None:
    other = User(username="other")
    db.session.add(other)
    db.session.commit()
    secret = add_post(reader, "Secret diary", "private thoughts", visibility="private")
    shared = add_post(reader, "Shared diary", "public thoughts", visibility="shared")
    assert sorted(found("diary", reader)) == sorted([("post", secret.id), ("post", shared.id)])
    assert found("diary", other) == [("post", shared.id)]
    assert found("diary", None) == [("post", shared.id)]
    secret.visibility = "shared"
    db.session.commit()
    assert sorted(found("diary", other)) == sorted([("post", secret.id), ("post", shared.id)])


def test_kinds_limit_what_is_searched(reader) -> None:
    book = add_book("Orchard")
    post = add_post(reader, "Orchard visit")
    assert found("orchard", reader, kinds=("book",)) == [("book", book.id)]
    assert found("orchard", reader, kinds=("post",)) == [("post", post.id)]


def test_snippets_highlight_matches_and_escape_user_html(reader) -> None:
    add_post(
        reader, "<b>Bold</b> & <script>x()</script>", "Some *Markdown* <img src=x onerror=alert(1)> garden"
    )
    page = search_library("garden", reader)
    hit = page.hits[0]
    assert "<script>" not in hit.title and "&lt;script&gt;" in hit.title
    assert "<img" not in hit.snippet and "&lt;img" in hit.snippet
    assert "<mark>garden</mark>" in hit.snippet
    assert "*Markdown*" not in hit.snippet
    title_hit = search_library("bold", reader).hits[0]
    assert "&lt;b&gt;<mark>Bold</mark>&lt;/b&gt;" in title_hit.title


def test_marker_characters_in_stored_text_make_nothing_but_balanced_marks(reader) -> None:
    add_book("Odd \x02title\x03 <i>here</i> \x02")
    hit = search_library("odd", reader).hits[0]
    assert "<i>" not in hit.title and "\x02" not in hit.title and "\x03" not in hit.title
    assert "<mark>Odd</mark>" in hit.title
    assert hit.title.count("<mark>") == hit.title.count("</mark>")


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_nasty_queries_are_answered_without_error(reader, query: str) -> None:
    add_book("Dune", ("Frank Herbert",), isbn13="9780441172719")
    page = search_library(query, reader)
    assert page.total >= 0


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(max_size=60))
def test_any_text_is_a_valid_query(reader, query: str) -> None:
    search_library(query, reader)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.text(alphabet="\"*-():^{}+NEARORTAND ab\\'", max_size=30))
def test_fts_syntax_soup_is_a_valid_query(reader, query: str) -> None:
    search_library(query, reader)


def test_pages_split_the_results(reader) -> None:
    for number in range(25):
        add_book(f"Harbour {number}")
    first = search_library("harbour", reader, page=1, per_page=10)
    third = search_library("harbour", reader, page=3, per_page=10)
    assert (first.total, first.pages, len(first.hits), len(third.hits)) == (25, 3, 10, 5)
    beyond = search_library("harbour", reader, page=99, per_page=10)
    assert beyond.hits == []
    ids = {hit.id for p in (1, 2, 3) for hit in search_library("harbour", reader, page=p, per_page=10).hits}
    assert len(ids) == 25


def test_rebuild_command_gives_the_index_the_triggers_keep(app, reader) -> None:
    add_book("Dune", ("Frank Herbert",), isbn13="9780441172719")
    add_post(reader, "On Dune", "spice", visibility="private")
    before = db.session.execute(text("SELECT rowid, * FROM search_index ORDER BY rowid")).all()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    after = db.session.execute(text("SELECT rowid, * FROM search_index ORDER BY rowid")).all()
    assert after == before and len(after) == 2


def test_upgrading_a_filled_database_indexes_every_row(make_app) -> None:
    app = make_app(migrate=False)
    migrate_to(app, "0001")
    fill_at_0001(db_file(app))
    migrate_to(app, "head")
    with app.app_context():
        ada = db.session.get(User, 1)
        assert found("dune", ada) == [("book", 1), ("post", 1)]
        assert found("gaiman", ada) == [("book", 2)]
        assert found("978-0-441-17271-9", ada) == [("book", 1)]
        assert found("favourites", ada) == [("book", 1)]
        assert found("spice", ada) == [("post", 1)]
        assert db.session.scalar(text("SELECT count(*) FROM search_index")) == 3


class TestPages:
    def test_search_needs_sign_in(self, client) -> None:
        # The pages send a visitor to the sign-in page; the JSON endpoint says why.
        response = client.get("/api/search?q=dune")
        assert response.status_code == 401 and response.is_json

    def test_results_page_lists_highlighted_hits(self, app, signed_in) -> None:
        with app.app_context():
            add_book("The Salt <Garden>", ("Ada Quint",))
        page = signed_in.get("/search?q=salt").get_data(as_text=True)
        assert "The <mark>Salt</mark> &lt;Garden&gt;" in page
        assert "1 result" in page

    @pytest.mark.parametrize(
        "query", ["q=%22", "q=NEAR(", "q=dune&page=abc", "page=-5", "q=x&page=99999999999999999999"]
    )
    def test_bad_input_never_fails(self, signed_in, query: str) -> None:
        assert signed_in.get(f"/search?{query}").status_code == 200
        assert signed_in.get(f"/api/search?{query}").status_code == 200
        assert signed_in.get(f"/search/suggest?{query}").status_code == 200

    def test_json_answer_has_the_collection_shape(self, app, signed_in) -> None:
        with app.app_context():
            book_id = add_book("Dune").id
        answer = signed_in.get("/api/search?q=dune&per_page=5").get_json()
        assert {"items", "total", "pages", "current_page", "per_page"} <= answer.keys()
        assert answer["items"][0] == {
            "kind": "book",
            "id": book_id,
            "title": "Dune",
            "snippet": "",
            "score": answer["items"][0]["score"],
            "url": f"http://localhost/api/v1/books/{book_id}",
            "page_url": f"http://localhost/books/{book_id}",
        }
        assert (answer["total"], answer["pages"], answer["current_page"], answer["per_page"]) == (1, 1, 1, 5)

    def test_hits_link_to_their_pages_under_the_apps_own_prefix(self, app, user, signed_in) -> None:
        with app.app_context():
            book_id = add_book("Dune").id
            post_id = add_post(db.session.get(User, user.id), "Dune again").id
        mounted = {"base_url": "http://localhost/shelf/"}  # served under /shelf (a proxy's prefix)
        page = signed_in.get("/search?q=dune", **mounted).get_data(as_text=True)
        assert f'href="/shelf/books/{book_id}"' in page and f'href="/shelf/post/{post_id}"' in page
        suggestions = signed_in.get("/search/suggest?q=dune", **mounted).get_data(as_text=True)
        assert f'href="/shelf/books/{book_id}"' in suggestions
        items = signed_in.get("/api/search?q=dune", **mounted).get_json()["items"]
        assert {item["page_url"] for item in items} == {
            f"http://localhost/shelf/books/{book_id}",
            f"http://localhost/shelf/post/{post_id}",
        }

    def test_suggestions_are_listbox_options(self, app, signed_in) -> None:
        with app.app_context():
            add_book("Dune")
        fragment = signed_in.get("/search/suggest?q=du").get_data(as_text=True)
        assert 'role="option"' in fragment and "<mark>Dune</mark>" in fragment

    def test_header_has_the_search_box_for_signed_in_users(self, app, client, user) -> None:
        assert 'id="site-search"' not in client.get("/").get_data(as_text=True)
        sign_in(client, user)
        page = client.get("/").get_data(as_text=True)
        assert 'id="site-search"' in page and 'role="combobox"' in page and "js/search.js" in page


def test_other_users_private_posts_stay_out_of_the_json(app, client) -> None:
    owner = make_user(app, "owner")
    snoop = make_user(app, "snoop")
    with app.app_context():
        add_post(db.session.get(User, owner.id), "Secret", "hidden words", visibility="private")
    sign_in(client, snoop)
    assert client.get("/api/search?q=hidden").get_json()["total"] == 0
