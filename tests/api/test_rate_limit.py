"""One API budget per key (and per signed-in user) across every /api/v1 endpoint."""

from __future__ import annotations

import itertools

import pytest
from flask import Flask

from tests.api.conftest import KeyClient, make_key
from tests.conftest import make_user, sign_in
from webapp.api.errors import PROBLEM_MIMETYPE

BUDGET = 10
#: Reads on different endpoints; a per-endpoint limit would never stop them.
SPREAD = [
    "/api/v1/me",
    "/api/v1/books",
    "/api/v1/authors",
    "/api/v1/shelves",
    "/api/v1/posts",
    "/api/v1/search?q=x",
]


@pytest.fixture
def limited(make_app) -> Flask:
    return make_app(API_RATE_LIMIT=f"{BUDGET} per minute")


def assert_limited(response) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_MIMETYPE
    assert response.get_json(force=True)["status"] == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_calls_spread_over_endpoints_share_one_budget_per_key(limited) -> None:
    script = KeyClient(limited.test_client(), make_key(limited, make_user(limited, "one")))
    paths = itertools.cycle(SPREAD)
    statuses = [script.get(next(paths)).status_code for _ in range(BUDGET)]
    assert statuses == [200] * BUDGET
    for path in SPREAD:
        assert_limited(script.get(path))


def test_another_key_keeps_its_own_budget(limited) -> None:
    first = KeyClient(limited.test_client(), make_key(limited, make_user(limited, "one")))
    second = KeyClient(limited.test_client(), make_key(limited, make_user(limited, "two")))
    paths = itertools.cycle(SPREAD)
    for _ in range(BUDGET):
        first.get(next(paths))
    assert_limited(first.get("/api/v1/me"))
    assert [second.get(path).status_code for path in SPREAD] == [200] * len(SPREAD)


def test_a_signed_in_user_has_one_budget_across_endpoints(limited) -> None:
    browser = limited.test_client()
    sign_in(browser, make_user(limited, "one"))
    paths = itertools.cycle(SPREAD)
    assert [browser.get(next(paths)).status_code for _ in range(BUDGET)] == [200] * BUDGET
    assert_limited(browser.get("/api/v1/books"))
