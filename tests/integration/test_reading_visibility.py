"""Readings are private or shared, as posts are; others never see a private one.

Ada has four readings: a private and a shared book she is reading now, a private and a
shared book she finished. Bo, another member, must see only the shared ones wherever
Ada's readings are shown (her profile, the book pages' other readers); Ada sees all of
hers. Each place is tried on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import csrf_token, make_user, sign_in
from tests.integration.journal_data import add_reading
from webapp.api.keys import create_api_key
from webapp.extensions import db
from webapp.models import Book, Reading, User

BOOKS = {
    # title: (status, visibility)
    "Secret Now": ("reading", "private"),
    "Open Now": ("reading", "shared"),
    "Secret Done": ("read", "private"),
    "Open Done": ("read", "shared"),
}


@pytest.fixture
def readers(any_db_app: Flask) -> tuple[Flask, User, User, dict[str, int]]:
    app = any_db_app
    ada = make_user(app, "ada")
    bo = make_user(app, "bo")
    ids = {}
    with app.app_context():
        for title, (status, visibility) in BOOKS.items():
            book = Book(title=title)
            db.session.add(book)
            db.session.flush()
            ids[title] = book.id
            add_reading(
                db.session,
                db.session.get(User, ada.id),
                book,
                status,
                date(2026, 3, 1) if status == "read" else None,
                visibility=visibility,
                rating_halves=8,
            )
        db.session.commit()
    return app, ada, bo, ids


def page_as(app: Flask, user: User, path: str) -> str:
    client = app.test_client()
    sign_in(client, user)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_profile_shows_others_only_the_shared_readings(readers) -> None:
    app, ada, bo, _ids = readers
    seen_by_bo = page_as(app, bo, "/user/ada")
    assert "Open Now" in seen_by_bo and "Open Done" in seen_by_bo
    assert "Secret Now" not in seen_by_bo and "Secret Done" not in seen_by_bo
    seen_by_ada = page_as(app, ada, "/user/ada")
    assert all(title in seen_by_ada for title in BOOKS)


def test_the_book_page_lists_only_other_readers_who_share(readers) -> None:
    app, _ada, bo, ids = readers
    for title, (_status, visibility) in BOOKS.items():
        page = page_as(app, bo, f"/books/{ids[title]}")
        shown = "Ada:" in page
        assert shown == (visibility == "shared"), title
        if not shown:
            assert "Nobody else has this book on their list yet." in page


def test_the_dashboard_shows_the_reader_their_own_private_readings(readers) -> None:
    app, ada, bo, _ids = readers
    page = page_as(app, ada, "/dashboard")
    assert "Secret Now" in page and "Open Now" in page
    assert "Secret Now" not in page_as(app, bo, "/dashboard")


def test_a_new_reading_takes_the_account_default_and_the_form_can_override_it(readers) -> None:
    app, ada, bo, ids = readers
    client = app.test_client()
    sign_in(client, bo)
    book = ids["Open Now"]
    form = client.get(f"/books/{book}").get_data(as_text=True)
    assert '<option selected value="private">Only me</option>' in form
    token = csrf_token(client)
    answer = client.post(f"/books/{book}/reading", data={"csrf_token": token, "status": "reading"})
    assert answer.status_code == 302
    with app.app_context():
        mine = db.session.scalar(select(Reading).where(Reading.user_id == bo.id, Reading.book_id == book))
        assert mine.visibility == "private"
    assert "Bo:" not in page_as(app, ada, f"/books/{book}")

    answer = client.post(
        f"/books/{book}/reading", data={"csrf_token": token, "status": "reading", "visibility": "shared"}
    )
    assert answer.status_code == 302
    assert "Bo:" in page_as(app, ada, f"/books/{book}")

    # A form without the field (an older page) leaves the choice as it was.
    client.post(f"/books/{book}/reading", data={"csrf_token": token, "status": "read"})
    assert "Bo:" in page_as(app, ada, f"/books/{book}")
    bad = client.post(
        f"/books/{book}/reading", data={"csrf_token": token, "status": "read", "visibility": "everyone"}
    )
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)


def test_the_profile_setting_sets_the_default_and_can_apply_it_to_every_reading(readers) -> None:
    app, ada, bo, _ids = readers
    client = app.test_client()
    sign_in(client, ada)
    token = csrf_token(client, "/settings/")
    answer = client.post(
        "/settings/readings", data={"csrf_token": token, "readings-reading_visibility": "shared"}
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(User, ada.id).reading_visibility == "shared"
    assert "Secret Now" not in page_as(app, bo, "/user/ada")  # existing readings keep theirs

    answer = client.post(
        "/settings/readings",
        data={
            "csrf_token": token,
            "readings-reading_visibility": "private",
            "readings-apply_to_existing": "y",
        },
    )
    assert answer.status_code == 302
    seen_by_bo = page_as(app, bo, "/user/ada")
    assert not any(title in seen_by_bo for title in BOOKS)
    with app.app_context():
        assert set(db.session.scalars(select(Reading.visibility).where(Reading.user_id == ada.id))) == {
            "private"
        }

    bad = client.post("/settings/readings", data={"csrf_token": token, "readings-reading_visibility": "x"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)


def test_the_api_reading_has_a_visibility_that_defaults_to_the_account_setting(readers) -> None:
    app, ada, bo, ids = readers
    with app.app_context():
        db.session.get(User, bo.id).reading_visibility = "shared"
        _row, key = create_api_key(db.session.get(User, bo.id), "script", ("read", "write"))
        db.session.commit()
    client = app.test_client()
    headers = {"X-API-Key": key}
    created = client.post(f"/api/v1/books/{ids['Open Now']}/reading", json={}, headers=headers)
    assert created.status_code == 201 and created.get_json()["visibility"] == "shared"
    chosen = client.post(
        f"/api/v1/books/{ids['Secret Now']}/reading", json={"visibility": "private"}, headers=headers
    )
    assert chosen.status_code == 201 and chosen.get_json()["visibility"] == "private"
    assert "Bo:" not in page_as(app, ada, f"/books/{ids['Secret Now']}")
    changed = client.patch(
        f"/api/v1/books/{ids['Secret Now']}/reading", json={"visibility": "shared"}, headers=headers
    )
    assert changed.status_code == 200 and changed.get_json()["visibility"] == "shared"
    assert "Bo:" in page_as(app, ada, f"/books/{ids['Secret Now']}")
    bad = client.patch(
        f"/api/v1/books/{ids['Secret Now']}/reading", json={"visibility": "public"}, headers=headers
    )
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    # The API's readings are the caller's own: Ada's private reading is not Bo's to read.
    assert client.get(f"/api/v1/books/{ids['Secret Done']}/reading", headers=headers).status_code == 404


def test_catalogue_search_statistics_and_api_lists_show_only_the_callers_own_readings(readers) -> None:
    """These places show one reader's readings, never anyone else's, private or shared."""
    app, _ada, bo, ids = readers
    catalogue = page_as(app, bo, "/library?status=reading")
    assert "Secret Now" not in catalogue and "Open Now" not in catalogue
    table = page_as(app, bo, "/library")
    assert "status-reading" not in table and "status-read" not in table
    results = page_as(app, bo, "/search?q=Secret")
    assert f'href="/books/{ids["Secret Now"]}"' in results  # the book is the library's
    assert "status-reading" not in results
    dashboard = page_as(app, bo, "/dashboard")
    assert "4★: 1" not in dashboard and "Secret Done" not in dashboard
    with app.app_context():
        _row, key = create_api_key(db.session.get(User, bo.id), "script", ("read",))
        db.session.commit()
    client = app.test_client()
    listed = client.get("/api/v1/books?status=read", headers={"X-API-Key": key}).get_json()
    assert listed["total"] == 0
    assert (
        client.get(f"/api/v1/books/{ids['Secret Now']}/reading", headers={"X-API-Key": key}).status_code
        == 404
    )
