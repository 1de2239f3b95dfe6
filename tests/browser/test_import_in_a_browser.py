"""The import page in a real Chromium on the real server: drop a Goodreads export on
the page, read the preview, confirm, watch the progress bar, read the report, undo."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from desktop.server import LocalServer
from tests.bench.bench_import import write_export
from tests.conftest import make_user, sign_in
from webapp.extensions import db
from webapp.models import Book
from webapp.transfer import jobs

pytestmark = pytest.mark.browser

USER_AGENT = "ShelfmarkBrowserTest/1.0"
ROWS = 400


@pytest.fixture
def server(app) -> Iterator[LocalServer]:
    running = LocalServer(app, threads=4)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def tab(app, server, browser):
    user = make_user(app, "reader", display_name="Robin Reader")
    client = FlaskClient(app, use_cookies=True)
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    sign_in(client, user, user_agent=USER_AGENT)
    cookie = client.get_cookie("shelfmark_session")
    context = browser.new_context(user_agent=USER_AGENT, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "shelfmark_session", "value": cookie.value, "url": server.url}])
    page = context.new_page()
    page.base_url = server.url
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def drop_file(page, selector: str, name: str, content: str) -> None:
    """What a file manager's drag and drop delivers: a drop event carrying the file."""
    page.evaluate(
        """([selector, name, content]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([content], name, { type: "text/csv" }));
            const zone = document.querySelector(selector);
            zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true }));
            zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
        }""",
        [selector, name, content],
    )


def test_a_dropped_export_is_previewed_imported_with_progress_and_undone(
    app, tab, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(jobs, "BACKGROUND_BATCH", 20)
    export = tmp_path / "goodreads_library_export.csv"
    write_export(export, ROWS)
    tab.goto(tab.base_url + "/settings/import")
    with tab.expect_navigation(url="**/settings/import/*"):
        drop_file(tab, "[data-import-form]", export.name, export.read_text(encoding="utf-8"))
    tab.get_by_role("heading", name="What this import will do").wait_for(timeout=60_000)
    tab.screenshot(path=str(tmp_path / "import-preview.png"), full_page=True)
    assert f"{ROWS} rows read" in tab.locator(".import-job").inner_text()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Book)) == 0

    tab.get_by_role("button", name="Import", exact=True).click()
    bar = tab.locator("progress[data-progress-bar]")
    bar.wait_for()
    assert bar.get_attribute("max") == str(ROWS)
    # The page follows the job: the bar moves, then the page turns into the report.
    tab.wait_for_function(
        "() => { const bar = document.querySelector('progress[data-progress-bar]');"
        " return !bar || bar.value > 0; }",
        timeout=60_000,
    )
    tab.screenshot(path=str(tmp_path / "import-progress.png"), full_page=True)
    tab.get_by_role("heading", name="What the import did").wait_for(timeout=120_000)
    tab.screenshot(path=str(tmp_path / "import-report.png"), full_page=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Book)) == ROWS

    tab.get_by_role("button", name="Undo this import").click()
    tab.locator(".flashes").wait_for()
    assert tab.locator(".flashes").inner_text().startswith(f"Removed {ROWS} books, {ROWS} readings")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Book)) == 0
    assert tab.console_errors == []


def test_a_file_too_large_is_refused_before_it_is_sent(make_app, browser, serve, tmp_path) -> None:
    app = make_app(IMPORT_MAX_BYTES=100)
    server = serve(app)
    user = make_user(app, "reader")
    client = FlaskClient(app, use_cookies=True)
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    sign_in(client, user, user_agent=USER_AGENT)
    context = browser.new_context(user_agent=USER_AGENT)
    context.add_cookies(
        [
            {
                "name": "shelfmark_session",
                "value": client.get_cookie("shelfmark_session").value,
                "url": server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(server.url + "/settings/import")
    drop_file(page, "[data-import-form]", "big.csv", "x" * 500)
    error = page.locator(".field-errors")
    error.wait_for()
    assert "imports take files up to" in error.inner_text()
    assert page.url.endswith("/settings/import")
    context.close()
