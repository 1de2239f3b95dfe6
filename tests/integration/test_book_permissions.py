"""Who may change the shared catalogue, operation by operation, on SQLite and PostgreSQL.

Every route and API operation that writes to a book or its authors is tried by an
administrator, an editor and a member, on a book nobody else has a stake in and on one
another member has a (private) reading of and a post about. Refusals are 403 pages in
the app's look with the reason, or problem+json, and leave the database as it was; an
administrator deleting other people's readings must confirm (page 422, API 409 until
they do). The actor's own reading is on every book: it never counts against them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import csrf_token, make_user, sign_in
from webapp.api.keys import create_api_key
from webapp.covers import cover_path, store_cover
from webapp.extensions import db
from webapp.models import Author, Book, Post, Reading, Shelf, User

ROLES = ("admin", "editor", "member")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 45), (10, 120, 90)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Case:
    app: Flask
    actor: User
    key: str
    book_id: int
    author_id: int

    def page(self):
        client = self.app.test_client()
        sign_in(client, self.actor)
        return client

    def form(self, path: str, **fields):
        client = self.page()
        data = {"csrf_token": csrf_token(client), "format": "", **fields}
        return client.post(path, data=data, content_type="multipart/form-data")

    def api(self, method: str, path: str, **kwargs):
        client = self.app.test_client()
        return client.open(path, method=method, headers={"X-API-Key": self.key}, **kwargs)


# --- the operations -----------------------------------------------------------------


def html_new_book(c: Case):
    return c.form("/books/new", title="A new book")


def html_edit_page(c: Case):
    return c.page().get(f"/books/{c.book_id}/edit")


def html_edit(c: Case):
    return c.form(f"/books/{c.book_id}/edit", title="Renamed", authors="Someone Else")


def html_cover_upload(c: Case):
    return c.form(f"/books/{c.book_id}/edit", title="Shared book", cover=(io.BytesIO(png()), "new.png"))


def html_cover_remove(c: Case):
    return c.form(f"/books/{c.book_id}/edit", title="Shared book", remove_cover="y")


def html_delete_page(c: Case):
    return c.page().get(f"/books/{c.book_id}/delete")


def html_delete(c: Case):
    return c.form(f"/books/{c.book_id}/delete")


def seen_counts(c: Case) -> str:
    """The counts the delete page showed, which a confirmation sends back."""
    page = c.page().get(f"/books/{c.book_id}/delete").get_data(as_text=True)
    match = re.search(r'id="others_seen" name="others_seen" type="hidden" value="([^"]*)"', page)
    return match.group(1) if match else ""


def html_delete_confirmed(c: Case):
    return c.form(f"/books/{c.book_id}/delete", confirm_others="y", others_seen=seen_counts(c))


def api_create_book(c: Case):
    return c.api("POST", "/api/v1/books", json={"title": "A new book", "authors": ["New Author"]})


def api_patch_book(c: Case):
    return c.api("PATCH", f"/api/v1/books/{c.book_id}", json={"title": "Renamed", "authors": ["X"]})


def api_put_book(c: Case):
    return c.api("PUT", f"/api/v1/books/{c.book_id}", json={"title": "Renamed"})


def api_delete_book(c: Case):
    return c.api("DELETE", f"/api/v1/books/{c.book_id}")


def api_delete_book_confirmed(c: Case):
    return c.api("DELETE", f"/api/v1/books/{c.book_id}?delete_others_readings=true")


def api_create_author(c: Case):
    return c.api("POST", "/api/v1/authors", json={"name": f"Brand New {c.book_id}"})


def api_rename_author(c: Case):
    return c.api("PATCH", f"/api/v1/authors/{c.author_id}", json={"name": f"Renamed Author {c.book_id}"})


def api_delete_author(c: Case):
    return c.api("DELETE", f"/api/v1/authors/{c.author_id}")


# --- what each role gets: (role, others have a stake) -> status ---------------------


def everyone(status: int) -> dict[tuple[str, bool], int]:
    return {(role, others): status for role in ROLES for others in (False, True)}


def editing(ok: int) -> dict[tuple[str, bool], int]:
    """Members edit only books nobody else has a stake in."""
    return everyone(ok) | {("member", True): 403}


def deleting(ok: int, admin_unconfirmed: int) -> dict[tuple[str, bool], int]:
    """Editors and administrators delete; others' readings: administrators, confirmed."""
    return {
        ("admin", False): ok,
        ("admin", True): admin_unconfirmed,
        ("editor", False): ok,
        ("editor", True): 403,
        ("member", False): 403,
        ("member", True): 403,
    }


OPERATIONS: dict[str, tuple[Callable[[Case], object], dict[tuple[str, bool], int]]] = {
    "page: add a book": (html_new_book, everyone(302)),
    "page: the edit form": (html_edit_page, editing(200)),
    "page: edit fields and authors": (html_edit, editing(302)),
    "page: upload a cover": (html_cover_upload, editing(302)),
    "page: remove the cover": (html_cover_remove, editing(302)),
    "page: the delete question": (html_delete_page, deleting(200, 200)),
    "page: delete": (html_delete, deleting(302, 422)),
    "page: delete, confirming others' readings": (html_delete_confirmed, deleting(302, 302)),
    "api: POST /books": (api_create_book, everyone(201)),
    "api: PATCH /books/<id>": (api_patch_book, editing(200)),
    "api: PUT /books/<id>": (api_put_book, everyone(405)),
    "api: DELETE /books/<id>": (api_delete_book, deleting(204, 409)),
    "api: DELETE /books/<id>?delete_others_readings=true": (api_delete_book_confirmed, deleting(204, 204)),
    "api: POST /authors": (api_create_author, everyone(201)),
    "api: PATCH /authors/<id>": (api_rename_author, editing(200)),
    "api: DELETE /authors/<id>": (api_delete_author, editing(204)),
}


# --- the library each case starts from ----------------------------------------------


def make_book(app: Flask, actor: User, other: User, others: bool, n: int) -> tuple[int, int]:
    """A book with its own author and a cover; the actor's reading; with ``others``, the
    other member's private reading and their post about it."""
    with app.app_context():
        author = Author(f"Author {n} {actor.username} {others}")
        book = Book(title="Shared book")
        book.set_authors([author])
        book.cover_file = store_cover(png(), "png", app.config["DATA_DIR"])
        db.session.add(book)
        db.session.flush()
        db.session.add(Reading(user_id=actor.id, book_id=book.id, status="reading"))
        if others:
            db.session.add(Reading(user_id=other.id, book_id=book.id, status="read", rating_halves=10))
            db.session.add(Post(author_id=other.id, book_id=book.id, title="My review", visibility="private"))
        db.session.commit()
        return book.id, author.id


def snapshot(app: Flask, book_id: int, author_id: int) -> tuple:
    """Everything a refused operation must leave as it was."""
    with app.app_context():
        book = db.session.get(Book, book_id)
        author = db.session.get(Author, author_id)
        return (
            book and (book.title, book.cover_file, book.updated_at, tuple(book.author_names)),
            book is not None and cover_path(app.config["DATA_DIR"], book.cover_file) is not None,
            author and author.name,
            db.session.scalar(select(func.count(Reading.id)).where(Reading.book_id == book_id)),
            tuple(db.session.scalars(select(Post.book_id).order_by(Post.id))),
            db.session.scalar(select(func.count(Book.id))),
            db.session.scalar(select(func.count(Author.id))),
        )


@pytest.fixture
def household(any_db_app: Flask) -> tuple[Flask, dict[str, tuple[User, str]], User]:
    """One account per role, each with a write key, and another member who reads."""
    actors = {}
    for role in ROLES:
        user = make_user(any_db_app, f"the-{role}", role=role)
        with any_db_app.app_context():
            _row, key = create_api_key(db.session.get(User, user.id), "script", ("read", "write"))
            db.session.commit()
        actors[role] = (user, key)
    return any_db_app, actors, make_user(any_db_app, "other-reader")


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_role_may_change_the_catalogue_only_as_its_permissions_say(household, operation) -> None:
    app, actors, other = household
    run, expected = OPERATIONS[operation]
    for n, ((role, others), status) in enumerate(expected.items()):
        actor, key = actors[role]
        book_id, author_id = make_book(app, actor, other, others, n)
        before = snapshot(app, book_id, author_id)
        response = run(Case(app, actor, key, book_id, author_id))
        case = f"{operation} by {role}, {'others have readings' if others else 'nobody else reads it'}"
        assert response.status_code == status, (case, response.get_data(as_text=True)[:600])
        if status >= 400:
            assert snapshot(app, book_id, author_id) == before, case
        if status == 403:
            body = response.get_data(as_text=True)
            if operation.startswith("api"):
                assert response.mimetype == "application/problem+json", case
                detail = response.get_json()["detail"]
            else:
                assert "Error 403" in body and 'class="error-reason"' in body, case
                detail = body
            if role == "member" and "delet" in operation.lower() and "author" not in operation:
                assert "Only an editor or an administrator may delete books" in detail, case
            else:  # refused for others' stake: the numbers, never whose
                assert "Other members have 1 reading and 1 post on" in detail, case


def test_an_editor_is_told_how_many_readings_and_posts_keep_a_book(household) -> None:
    app, actors, other = household
    editor, key = actors["editor"]
    book_id, author_id = make_book(app, editor, other, True, 0)
    answer = Case(app, editor, key, book_id, author_id).api("DELETE", f"/api/v1/books/{book_id}")
    assert answer.status_code == 403
    assert answer.get_json()["detail"] == (
        "Other members have 1 reading and 1 post on this book; only an administrator may delete it, "
        "and only after confirming that their readings go with it."
    )


def test_an_administrator_is_asked_to_confirm_what_deleting_takes_from_others(household) -> None:
    app, actors, other = household
    admin, key = actors["admin"]
    book_id, author_id = make_book(app, admin, other, True, 0)
    case = Case(app, admin, key, book_id, author_id)
    question = case.page().get(f"/books/{book_id}/delete").get_data(as_text=True)
    assert "1 reading by other members (with their ratings and progress) will be deleted" in question
    assert "1 post by other members will lose the link to this book (their text stays)" in question
    assert 'name="confirm_others"' in question

    refused = case.form(f"/books/{book_id}/delete")
    assert refused.status_code == 422
    assert "Tick this to delete the book" in refused.get_data(as_text=True)
    conflict = case.api("DELETE", f"/api/v1/books/{book_id}")
    assert conflict.status_code == 409 and "delete_others_readings=true" in conflict.get_json()["detail"]

    stale = case.form(f"/books/{book_id}/delete", confirm_others="y", others_seen="0:1:0")
    assert stale.status_code == 422  # confirmed fewer readings than would go
    assert "changed since; look again" in stale.get_data(as_text=True)
    assert seen_counts(case) == "1:1:0"
    answer = case.form(f"/books/{book_id}/delete", confirm_others="y", others_seen=seen_counts(case))
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(Book, book_id) is None
        assert db.session.scalar(select(Post.book_id).where(Post.author_id == other.id)) is None
        assert db.session.scalar(select(func.count(Post.id))) == 1  # the review's text stays


def test_the_book_page_offers_only_what_the_reader_may_do(household) -> None:
    app, actors, other = household
    member, key = actors["member"]
    theirs, author_id = make_book(app, member, other, True, 0)
    mine, _ = make_book(app, member, other, False, 1)
    case = Case(app, member, key, theirs, author_id)
    page = case.page().get(f"/books/{theirs}").get_data(as_text=True)
    assert f"/books/{theirs}/edit" not in page and f"/books/{theirs}/delete" not in page
    assert "an editor or administrator changes it" in page
    page = case.page().get(f"/books/{mine}").get_data(as_text=True)
    assert f"/books/{mine}/edit" in page and f"/books/{mine}/delete" not in page
    editor = Case(app, actors["editor"][0], actors["editor"][1], theirs, author_id)
    page = editor.page().get(f"/books/{theirs}").get_data(as_text=True)
    assert f"/books/{theirs}/edit" in page and f"/books/{theirs}/delete" not in page
    admin = Case(app, actors["admin"][0], actors["admin"][1], theirs, author_id)
    page = admin.page().get(f"/books/{theirs}").get_data(as_text=True)
    assert f"/books/{theirs}/edit" in page and f"/books/{theirs}/delete" in page


def test_data_dir_covers_survive_a_refused_cover_removal(household) -> None:
    """The cover file on disk is part of the book: a refused removal keeps it."""
    app, actors, other = household
    member, key = actors["member"]
    book_id, author_id = make_book(app, member, other, True, 0)
    with app.app_context():
        name = db.session.get(Book, book_id).cover_file
    assert html_cover_remove(Case(app, member, key, book_id, author_id)).status_code == 403
    assert (Path(app.config["DATA_DIR"]) / "covers" / name).is_file()


def test_a_place_on_another_members_shelf_is_a_stake_too(household) -> None:
    app, actors, other = household
    member, member_key = actors["member"]
    editor, editor_key = actors["editor"]
    admin, admin_key = actors["admin"]
    book_id, author_id = make_book(app, member, other, False, 0)
    with app.app_context():
        db.session.add(Shelf(owner_id=other.id, name="To lend", books=[db.session.get(Book, book_id)]))
        db.session.commit()
    before = snapshot(app, book_id, author_id)
    refused = Case(app, member, member_key, book_id, author_id).api(
        "PATCH", f"/api/v1/books/{book_id}", json={"title": "Renamed"}
    )
    assert refused.status_code == 403 and "1 shelf place" in refused.get_json()["detail"]
    editor_case = Case(app, editor, editor_key, book_id, author_id)
    assert editor_case.api("DELETE", f"/api/v1/books/{book_id}").status_code == 403
    admin_case = Case(app, admin, admin_key, book_id, author_id)
    question = admin_case.page().get(f"/books/{book_id}/delete").get_data(as_text=True)
    assert "it will leave 1 shelf of other members" in question
    assert admin_case.form(f"/books/{book_id}/delete").status_code == 422
    assert snapshot(app, book_id, author_id) == before
    assert admin_case.api("DELETE", f"/api/v1/books/{book_id}?delete_others_readings=true").status_code == 204
