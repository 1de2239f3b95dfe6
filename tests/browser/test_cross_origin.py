"""docs/security.md, row 4 in a real browser: a page on another local port posts a
``text/plain`` form at the app (the classic CSRF shape that skips CORS preflight)."""

import pytest

from webapp.extensions import db
from webapp.launch import ensure_owner, open_desktop_gate
from webapp.models import User

pytestmark = pytest.mark.browser

ATTACKER_PAGE = """<!doctype html><html><body>
<form id="f" method="post" enctype="text/plain" action="{target}">
<input name='display_name' value='Hacked'><input name='username' value='tester'>
</form><p>cute cat pictures</p>
<script>document.getElementById('f').submit()</script></body></html>"""


def attacker_app(target: str):
    body = ATTACKER_PAGE.format(target=target).encode()

    def application(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))])
        return [body]

    return application


def owner_name(app) -> str:
    with app.app_context():
        name = db.session.scalar(db.select(User.display_name))
        db.session.remove()
        return name


def test_a_text_plain_form_from_another_port_changes_nothing(make_app, serve, page, tmp_path) -> None:
    app = make_app(MODE="desktop")
    ensure_owner(app, "tester")
    shelfmark = serve(app)
    launch_path = open_desktop_gate(app, shelfmark.port)

    page.goto(shelfmark.url + launch_path)  # the window signs in through the gate
    assert page.locator("h1").first.inner_text() == "Your library"
    before = owner_name(app)

    evil = serve(attacker_app(shelfmark.url + "/settings/"))

    def is_the_forged_post(response) -> bool:
        return response.request.method == "POST" and response.url == shelfmark.url + "/settings/"

    with page.expect_response(is_the_forged_post) as answer:
        page.goto(evil.url + "/")
    page.screenshot(path=tmp_path / "after-attack.png")

    # Another port on 127.0.0.1 is the same *site*, so the SameSite cookie IS sent:
    # the Origin check and the CSRF token are what stop this request.
    assert answer.value.status == 403
    assert owner_name(app) == before == "tester"
    # The real window still works afterwards.
    page.goto(shelfmark.url + "/settings/")
    assert page.locator("h1").first.inner_text() == "Profile"
