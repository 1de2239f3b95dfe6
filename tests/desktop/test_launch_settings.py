"""One launch resolves its folders once, and the app shows the ones it really uses."""

import html
import sys
import urllib.request
from http.cookiejar import CookieJar

import pytest

from desktop.cli import build_parser
from tests.desktop.launching import origin_of
from webapp.config import resolve_launch

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="platformdirs' Linux folders")


def test_the_about_page_names_the_log_folder_the_launcher_writes_to(launcher, tmp_path) -> None:
    running = launcher(tmp_path / "library", "--headless")
    url = running.read_url()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    opener.open(url, timeout=10).read()  # the one-time launch URL: the session cookie
    about = opener.open(origin_of(url) + "/about", timeout=10).read().decode()

    log_dir = running.data_dir.resolve() / "logs"
    assert f"<code>{html.escape(str(log_dir))}</code>" in about
    running.wait_for_log("Serving on")
    assert running.log_file.parent == log_dir


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "/x/lib", "serve"],
        ["serve", "--data-dir", "/x/lib"],
        ["--data-dir", "/x/lib", "unlock", "bob"],
        ["unlock", "--data-dir", "/x/lib"],
        ["--data-dir", "/x/lib", "--headless"],
    ],
)
def test_data_dir_is_taken_before_or_after_a_subcommand(argv) -> None:
    assert build_parser().parse_args(argv).data_dir == "/x/lib"


def test_a_subcommand_without_data_dir_keeps_the_one_given_before_it_or_none() -> None:
    assert build_parser().parse_args(["serve"]).data_dir is None


def test_a_chosen_folder_keeps_logs_and_window_settings_beside_it(tmp_path) -> None:
    settings = resolve_launch(tmp_path / "lib", environ={})
    assert settings.data_dir_chosen
    assert settings.log_dir == tmp_path.resolve() / "lib" / "logs"
    assert settings.settings_dir == tmp_path.resolve() / "lib"
    assert not (tmp_path / "lib").exists()  # resolving touches nothing


def test_the_environment_chooses_the_folder_and_toolkit_when_the_command_line_does_not(tmp_path) -> None:
    environ = {"SHELFMARK_DATA_DIR": str(tmp_path / "env"), "SHELFMARK_GUI": "qt"}
    settings = resolve_launch(None, environ=environ)
    assert settings.data_dir == (tmp_path / "env").resolve()
    assert settings.data_dir_chosen and settings.gui == "qt"
    assert (
        resolve_launch(tmp_path / "cli", gui="gtk", environ=environ).data_dir == (tmp_path / "cli").resolve()
    )


def test_the_default_folders_are_the_platforms(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings = resolve_launch(None, environ={})
    assert settings.data_dir == tmp_path / "data" / "Shelfmark"
    assert settings.log_dir == tmp_path / "state" / "Shelfmark" / "log"
    assert settings.settings_dir == tmp_path / "config" / "Shelfmark"
    assert not settings.data_dir_chosen and settings.gui == "gtk"
    demo = resolve_launch(None, demo=True, environ={})
    assert demo.data_dir == tmp_path / "data" / "Shelfmark Demo" and demo.data_dir_chosen
