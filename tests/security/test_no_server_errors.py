"""Every page that answers GET, asked with the query strings people and scripts send by
mistake (or on purpose): never a 500. Found huge page numbers and years overflowing
SQLite's integers; kept so new pages and parameters get the same treatment."""

from __future__ import annotations

import pytest
from flask import Flask, url_for
from sqlalchemy import select

from tests.conftest import make_user, sign_in
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.models import Author, Book, Post, Shelf, User

ODD_QUERIES = (
    "",
    "page=0",
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "per_page=0&per_page=100000",
    "sort=zzz&order=sideways&view=zzz&kind=zzz",
    "status=nonsense&format=%00&shelf=-5&shelf=abc",
    "year_from=abc&year_to=99999999999999999999",
    "year_from=2000&year_to=1000",
    "author=%27%22%3Cscript%3E&q=%22%28NEAR*",
    "q=" + "a" * 3000,
    "book=abc&book=99999999999999999999",
    "next=//evil.example&year=99999999999",
)


@pytest.fixture
def filled(make_app) -> tuple[Flask, dict[str, object]]:
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    owner = make_user(app, "owner", is_admin=True)
    with app.app_context():
        generate_library(db.session, size=20, posts=5, owner=db.session.get(User, owner.id))
        ids = {
            "book_id": db.session.scalar(select(Book.id).limit(1)),
            "post_id": db.session.scalar(select(Post.id).limit(1)),
            "shelf_id": db.session.scalar(select(Shelf.id).limit(1)),
            "user_id": owner.id,
            "username": owner.username,
            "key_id": 1,
            "author_id": db.session.scalar(select(Author.id).limit(1)),
        }
        db.session.remove()
    return app, ids


def get_paths(app: Flask, ids: dict[str, object]) -> list[str]:
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            missing = [name for name in rule.arguments if name not in ids]
            assert not missing, f"{rule}: give this test a value for {missing}"
            paths.append(url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments}))
    return sorted(set(paths))


def test_no_page_answers_odd_query_strings_with_a_server_error(filled) -> None:
    app, ids = filled
    client = app.test_client()
    with app.app_context():
        sign_in(client, db.session.get(User, ids["user_id"]))
    paths = get_paths(app, ids)
    assert len(paths) > 30  # the whole app, not a handful
    failures = [
        (path, query, status)
        for path in paths
        for query in ODD_QUERIES
        if (status := client.get(f"{path}?{query}" if query else path).status_code) >= 500
    ]
    assert failures == []
