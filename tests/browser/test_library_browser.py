"""A real Chromium on the real server: add a book, keep a reading in place, switch theme."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from desktop.server import LocalServer
from tests.conftest import make_user, sign_in

pytestmark = pytest.mark.browser

USER_AGENT = "ShelfmarkBrowserTest/1.0"


@pytest.fixture
def server(app) -> Iterator[LocalServer]:
    running = LocalServer(app, threads=4)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def page(app, server, browser):
    """A signed-in browser tab: the session is minted through Flask's test client (with
    the same User-Agent) and copied over."""
    user = make_user(app, "reader", display_name="Robin Reader")
    client = FlaskClient(app, use_cookies=True)
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    sign_in(client, user, user_agent=USER_AGENT)
    cookie = client.get_cookie("shelfmark_session")
    context = browser.new_context(user_agent=USER_AGENT, viewport={"width": 1280, "height": 800})
    context.add_cookies([{"name": "shelfmark_session", "value": cookie.value, "url": server.url}])
    tab = context.new_page()
    tab.base_url = server.url
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.console_errors = errors
    yield tab
    context.close()


def test_adding_a_book_through_the_form(page, tmp_path) -> None:
    page.goto(page.base_url + "/")
    page.keyboard.press("n")  # the shortcut for a new book
    page.wait_for_url("**/books/new")
    page.get_by_label("Title", exact=True).fill("The Left Hand of Darkness")
    page.get_by_label("Authors").fill("Ursula K. Le Guin")
    page.get_by_label("ISBN-13").fill("0-441-47812-3")
    page.get_by_label("Year published").fill("1969")
    page.get_by_label("Format").select_option("paperback")
    page.get_by_role("button", name="Add to library").click()
    page.wait_for_url("**/books/*")
    page.screenshot(path=str(tmp_path / "added-book.png"), full_page=True)
    assert page.get_by_role("heading", level=1).inner_text() == "The Left Hand of Darkness"
    assert page.get_by_text("9780441478125").is_visible()
    assert "is in your library" in page.locator(".flashes").inner_text()
    assert page.console_errors == []


def test_a_bad_isbn_is_shown_next_to_its_field(page, tmp_path) -> None:
    page.goto(page.base_url + "/books/new")
    page.get_by_label("Title", exact=True).fill("Typo")
    page.get_by_label("ISBN-13").fill("978-0-441-17271-8")
    page.get_by_role("button", name="Add to library").click()
    page.screenshot(path=str(tmp_path / "bad-isbn.png"), full_page=True)
    assert "check digit is wrong" in page.locator("#isbn13-error").inner_text()
    assert page.get_by_label("ISBN-13").get_attribute("aria-invalid") == "true"


def test_setting_a_reading_and_rating_in_place(page, tmp_path) -> None:
    page.goto(page.base_url + "/books/new?title=Dune")
    page.get_by_role("button", name="Add to library").click()
    page.wait_for_url("**/books/*")
    book_url = page.url
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Status").select_option("reading")
    page.get_by_label("My rating").select_option("4.5")
    page.get_by_label("Percent").fill("35")
    page.get_by_role("button", name="Save my reading").click()
    summary = page.locator(".reading-summary")
    summary.get_by_text("Saved.").wait_for()
    page.screenshot(path=str(tmp_path / "reading-in-place.png"), full_page=True)
    assert page.url == book_url
    assert page.evaluate("window.stillTheSamePage") is True  # no navigation happened
    assert summary.get_by_role("img", name="4.5 stars out of 5").is_visible()
    assert "Reading" in summary.inner_text()

    page.get_by_label("My rating").select_option("")  # the form stays usable after the swap
    page.get_by_label("Percent").fill("150")
    page.get_by_role("button", name="Save my reading").click()
    page.locator("#progress_percent-error").wait_for()
    assert "0 to 100 percent" in page.locator("#progress_percent-error").inner_text()
    page.reload()
    assert page.locator(".reading-summary").get_by_role("img", name="4.5 stars out of 5").is_visible()


def test_switching_theme_is_remembered(page, tmp_path) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(page.base_url + "/library")
    background = "getComputedStyle(document.body).backgroundColor"
    light = page.evaluate(background)
    toggle = page.locator("#theme-toggle")
    toggle.click()  # auto -> light
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    toggle.click()  # light -> dark
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.inner_text().strip().endswith("Dark")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = page.evaluate(background)
    page.screenshot(path=str(tmp_path / "dark-library.png"), full_page=True)
    assert light != dark and dark == "rgb(23, 26, 25)"
    assert page.get_by_text("Your library is empty.").first.is_visible()
    page.keyboard.press("/")  # no search box on this branch: nothing breaks
    assert page.console_errors == []


def test_a_status_change_in_place_updates_the_reading_history_too(page, tmp_path) -> None:
    page.goto(page.base_url + "/books/new?title=Middlemarch")
    page.get_by_role("button", name="Add to library").click()
    page.wait_for_url("**/books/*")
    page.evaluate("window.stillTheSamePage = true")
    history = page.locator("#my-reads")
    assert "No reads recorded yet." in history.inner_text()
    page.get_by_label("Status").select_option("reading")
    page.get_by_role("button", name="Save my reading").click()
    page.locator(".reading-summary").get_by_text("Saved.").wait_for()
    history.locator(".read-item .status-reading").wait_for()
    assert page.get_by_role("button", name="Read again").count() == 0
    page.get_by_label("Status").select_option("read")
    page.get_by_role("button", name="Save my reading").click()
    history.get_by_text("Read once:").wait_for()
    page.screenshot(path=str(tmp_path / "history-in-place.png"), full_page=True)
    assert page.evaluate("window.stillTheSamePage") is True  # swapped, not reloaded
    assert page.locator("#my-reads").count() == 1  # replaced, not added
    page.get_by_role("button", name="Read again").click()  # the swapped-in forms work
    page.wait_for_url("**/books/*#my-reads")
    assert "Reading now" in page.locator("#my-reads").inner_text()
    assert page.console_errors == []
