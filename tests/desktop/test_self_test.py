"""``--self-test`` from a checkout, and the pieces the frozen build relies on."""

import logging
import subprocess
import sys

import pytest

from desktop import self_test
from desktop.logs import LogStream
from desktop.server import LocalServer
from tests.desktop.launching import MAIN, ROOT
from webapp.launch import ensure_owner


def test_self_test_passes_on_a_working_checkout_and_leaves_nothing_behind(tmp_path) -> None:
    library = tmp_path / "library"
    result = subprocess.run(
        [sys.executable, str(MAIN), "--self-test", "--data-dir", str(library)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok   enter GET /auth/launch?token=… -> 200" in result.stdout
    for page in self_test.PAGES:
        assert f"GET {page} -> 200" in result.stdout
    assert "ok   covers: JPEG, PNG, WEBP, GIF decode" in result.stdout
    assert (library / "shelfmark.db").is_file()
    assert not (library / "shelfmark.lock").exists()


def test_a_page_that_does_not_answer_2xx_fails_the_check(make_app) -> None:
    app = make_app(MODE="desktop")
    ensure_owner(app, "tester")
    server = LocalServer(app)
    server.start()
    try:
        with pytest.raises(self_test.CheckFailed, match=r"/no-such-page answered 404"):
            self_test.check_server(app, server, pages=("/healthz", "/no-such-page"))
    finally:
        server.stop()


def test_a_cover_format_this_build_cannot_read_fails_the_check(monkeypatch) -> None:
    from PIL import Image

    Image.init()
    monkeypatch.delitem(Image.OPEN, "WEBP")  # as if the WebP codec had been left out
    with pytest.raises(self_test.CheckFailed, match="covers: WEBP does not work in this build"):
        self_test.check_covers()


def test_a_windowed_builds_missing_streams_write_to_the_log(caplog) -> None:
    stream = LogStream(logging.getLogger("stdout"), logging.INFO)
    with caplog.at_level(logging.INFO, logger="stdout"):
        print("first line\nsecond", file=stream)
        stream.write("unfinished")
        stream.flush()
    assert [record.getMessage() for record in caplog.records] == ["first line", "second", "unfinished"]
