"""A return address (``next=``) is followed only when it is a path of this site.

One check (:func:`webapp.auth.navigation.is_local_path`) serves every route that
honours one: signing in (server and desktop) and taking a book off a shelf. Each odd
address below is one a browser, or something on the way, could read as another site,
or one that would break the Location header; each route answers it with its own page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.urls import iri_to_uri

from tests.conftest import csrf_token
from webapp.auth.navigation import is_local_path
from webapp.auth.passwords import hash_password
from webapp.extensions import db
from webapp.models import Book, Shelf, User

PASSWORD = "quiet library evenings"
HOME = "/dashboard"  # where signing in goes without a usable next=

OFF_SITE = [
    pytest.param("//evil.example/x", id="protocol-relative"),
    pytest.param("/\\evil.example", id="slash-backslash"),
    pytest.param("\\/evil.example", id="backslash-slash"),
    pytest.param("/\t/evil.example", id="tab-between-slashes"),
    pytest.param("/\n/evil.example", id="newline-between-slashes"),
    pytest.param("/%2F/evil.example", id="encoded-slash"),
    pytest.param("/%5c/evil.example", id="encoded-backslash"),
    pytest.param("/%09/evil.example", id="encoded-tab"),
    pytest.param("http:evil.example", id="scheme-without-slashes"),
    pytest.param("https://evil.example/", id="absolute-url"),
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param(" /x", id="leading-space"),
    pytest.param("/x\x00", id="nul"),
    pytest.param("/x\x1b[31m", id="escape"),
    pytest.param("/x\x7f", id="delete"),
    pytest.param("/x\r\nSet-Cookie: session=evil", id="header-injection"),
    pytest.param("", id="empty"),
]
OURS = [
    pytest.param("/", id="root"),
    pytest.param("/.", id="dot"),
    pytest.param("/books/12", id="book"),
    pytest.param("/settings/?tab=1", id="query"),
    pytest.param("/search?q=a%2Fb", id="encoded-slash-in-query"),
    pytest.param("/user/zoë_brontë", id="non-ascii"),
    pytest.param("/library?title=" + "x" * 4000, id="very-long"),
]


def host_a_browser_reads(location: str) -> str | None:
    """The host a browser goes to for ``location`` on our page (WHATWG URL parsing, in
    the parts that matter: C0 and space trimmed at the ends, tab and newline dropped
    inside, backslash read as slash)."""
    trimmed = location.strip("".join(chr(code) for code in range(0x21)))
    cleaned = trimmed.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urlsplit(urljoin("http://shelf.example/", cleaned)).hostname


@pytest.fixture
def server_sign_in(app: Flask, client: FlaskClient) -> Callable[[str], tuple[str, str]]:
    with app.app_context():
        db.session.add(User(username="reader", password_hash=hash_password(PASSWORD)))
        db.session.commit()

    def follow(target: str) -> tuple[str, str]:
        data = {"username": "reader", "password": PASSWORD, "next": target}
        response = client.post("/auth/login", data={**data, "csrf_token": csrf_token(client, "/auth/login")})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"], HOME

    return follow


@pytest.fixture
def desktop_sign_in(window: FlaskClient) -> Callable[[str], tuple[str, str]]:
    def follow(target: str) -> tuple[str, str]:
        data = {"username": "tester", "next": target, "csrf_token": csrf_token(window, "/auth/login")}
        response = window.post("/auth/login", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"], HOME

    return follow


@pytest.fixture
def shelf_removal(app: Flask, signed_in: FlaskClient, user: User) -> Callable[[str], tuple[str, str]]:
    with app.app_context():
        book = Book(title="Dune")
        db.session.add(book)
        db.session.commit()
        book_id = book.id
    token = csrf_token(signed_in)

    def follow(target: str) -> tuple[str, str]:
        with app.app_context():
            shelf = db.session.scalar(select(Shelf).where(Shelf.owner_id == user.id))
            if shelf is None:
                shelf = Shelf(owner_id=user.id, name="Club")
            shelf.books.append(db.session.get(Book, book_id))
            db.session.add(shelf)
            db.session.commit()
            shelf_id = shelf.id
        path = f"/books/{book_id}/shelves/{shelf_id}/remove"
        response = signed_in.post(path, data={"csrf_token": token, "next": target})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"], f"/books/{book_id}"

    return follow


ROUTES = ["server_sign_in", "desktop_sign_in", "shelf_removal"]


@pytest.mark.parametrize("target", OFF_SITE)
@pytest.mark.parametrize("route", ROUTES)
def test_a_return_address_that_could_leave_the_site_gives_the_routes_own_page(
    request: pytest.FixtureRequest, route: str, target: str
) -> None:
    location, own_page = request.getfixturevalue(route)(target)
    assert location == own_page


@pytest.mark.parametrize("target", OURS)
@pytest.mark.parametrize("route", ROUTES)
def test_a_path_of_this_site_is_where_the_route_returns(
    request: pytest.FixtureRequest, route: str, target: str
) -> None:
    location, _own_page = request.getfixturevalue(route)(target)
    assert location == iri_to_uri(target)
    assert host_a_browser_reads(location) == "shelf.example"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_odd_addresses_are_refused(target: str) -> None:
    assert not is_local_path(target)


ODD_PIECES = st.sampled_from(["/", "\\", "\t", "\n", "\r", " ", "%2F", "%5C", "%09", ":", "@", "?", "#", "."])


@given(st.lists(ODD_PIECES | st.text(max_size=3), max_size=8).map("".join))
def test_whatever_is_accepted_a_browser_reads_as_this_site_even_once_decoded(target: str) -> None:
    if is_local_path(target):
        assert host_a_browser_reads(target) == "shelf.example"
        assert host_a_browser_reads(unquote(target)) == "shelf.example"
