"""A person writes a post about a book in a real Chromium, under the app's CSP, watching
the live preview; then finds it on their profile and their dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from desktop.server import LocalServer
from tests.conftest import make_user, sign_in
from tests.integration.journal_data import add_book, add_reading
from tests.today import TODAY
from webapp.extensions import db
from webapp.models import User

pytestmark = pytest.mark.browser

USER_AGENT = "ShelfmarkBrowserTest/1.0 Chromium"


@pytest.fixture
def served(make_app):
    app = make_app()  # the app's own CSP (docs/security.md) is on every response
    server = LocalServer(app, threads=4)
    server.start()
    yield app, server
    server.stop()


def test_write_a_post_with_live_preview_then_find_it_on_profile_and_dashboard(
    browser, served, tmp_path
) -> None:
    app, server = served
    reader = make_user(app, "robin", display_name="Robin Reader")
    with app.app_context():
        book = add_book(db.session, "The Dispossessed", 387, "paperback")
        finished = add_book(db.session, "Kindred", 264, "hardcover")
        robin = db.session.get(User, reader.id)
        add_reading(db.session, robin, finished, "read", TODAY)
        db.session.commit()
        book_id = book.id
    client = app.test_client()
    sign_in(client, reader, user_agent=USER_AGENT)
    cookie = client.get_cookie("shelfmark_session")

    context = browser.new_context(user_agent=USER_AGENT, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "shelfmark_session", "value": cookie.value, "url": server.url}])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{server.url}/posts/new?book={book_id}")
    expect(page.get_by_label("About the book")).to_have_value(str(book_id))
    page.get_by_label("Title").fill("An ambiguous utopia")
    page.get_by_label("Text").press_sequentially("Shevek is **brave**; see [Anarres](https://example.org).")
    preview = page.locator("#preview")
    expect(preview.locator("strong")).to_have_text("brave")
    expect(preview.locator("a")).to_have_attribute("rel", "noopener noreferrer")
    page.get_by_label("Shared: everyone who signs in here").check()
    page.screenshot(path=tmp_path / "editor.png", full_page=True)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("An ambiguous utopia")
    expect(page.locator(".prose strong")).to_have_text("brave")
    expect(page.locator(".post-kind")).to_have_text("Note about The Dispossessed")

    page.get_by_role("navigation", name="Account").get_by_role("link", name="Robin Reader").click()
    expect(page.get_by_role("heading", name="Robin Reader")).to_be_visible()
    posts = page.locator("section.profile-posts")
    expect(posts.get_by_role("link", name="An ambiguous utopia")).to_be_visible()

    page.get_by_role("link", name="Dashboard").click()
    recent = page.locator("section", has=page.get_by_role("heading", name="Your recent posts"))
    expect(recent.get_by_role("link", name="An ambiguous utopia")).to_be_visible()
    expect(page.get_by_role("img", name="Books finished per month")).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)

    context.close()

    assert problems == []
    assert (tmp_path / "editor.png").stat().st_size > 10_000
