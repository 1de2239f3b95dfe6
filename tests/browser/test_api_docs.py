"""The interactive API docs work offline and under the CSP, in a real browser."""

import pytest
from playwright.sync_api import expect

from webapp.launch import ensure_owner, open_desktop_gate

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_the_operations_without_csp_errors(make_app, serve, page, tmp_path) -> None:
    app = make_app(MODE="desktop")
    ensure_owner(app, "tester")
    server = serve(app)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(server.url) else None,
    )

    page.goto(server.url + open_desktop_gate(app, server.port))
    page.goto(server.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Shelfmark API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/books").first).to_be_visible()
    page.screenshot(path=tmp_path / "api-docs.png")

    assert problems == []
    assert [url for url in outside if not url.startswith("data:")] == []
