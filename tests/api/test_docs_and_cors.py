"""The OpenAPI document, the offline docs page under the CSP, and CORS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webapp.api.errors import PROBLEM_MIMETYPE

STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"


def test_openapi_document_is_generated_from_the_schemas(client) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"ApiKey", "Bearer"} <= set(spec["components"]["securitySchemes"])
    create = spec["paths"]["/api/v1/books"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/BookIn")
    assert set(spec["components"]["schemas"]["BookIn"]["required"]) == {"title"}
    assert PROBLEM_MIMETYPE in create["responses"]["422"]["content"]
    assert not any(path.startswith(("/settings", "/auth", "/healthz")) for path in spec["paths"])


def test_docs_page_uses_only_vendored_assets_and_no_inline_code(client) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and "style=" not in html and " on" not in re.sub(r"\s+", " ", html).lower()
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        response = client.get(asset)
        response.close()
        assert response.status_code == 200, asset
    init = (STATIC / "js" / "api-docs.js").read_text()
    assert "X-CSRFToken" in init  # session calls from the docs page carry the token


def test_cors_is_closed_by_default(api) -> None:
    response = api.get("/api/v1/books", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


@pytest.fixture
def open_app(make_app):
    return make_app(CORS_ORIGINS=["http://localhost:5173"])


def test_cors_opens_only_to_listed_origins_and_without_credentials(open_app) -> None:
    client = open_app.test_client()
    preflight = client.options(
        "/api/v1/books",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "X-API-Key, Content-Type",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "x-api-key" in preflight.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    other = client.get("/api/v1/books", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
