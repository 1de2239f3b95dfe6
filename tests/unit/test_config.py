import os
import stat

import pytest

from webapp import create_app
from webapp.config import load_secret_key


def test_precedence_defaults_file_environment_mapping(tmp_path, monkeypatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text('backup_keep = 3\nmode = "server"\nbusy = 1\n')
    monkeypatch.setenv("SHELFMARK_BACKUP_KEEP", "4")
    app = create_app({"DATA_DIR": str(data), "MODE": "desktop"})
    assert app.config["BACKUP_KEEP"] == 4  # environment beats the file
    assert app.config["MODE"] == "desktop"  # the mapping beats everything
    assert app.config["MAX_CONTENT_LENGTH"] == 16 * 1024 * 1024  # default kept


def test_environment_picks_data_dir_and_database(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SHELFMARK_DATA_DIR", str(tmp_path / "elsewhere"))
    app = create_app()
    assert app.config["DATA_DIR"] == str(tmp_path / "elsewhere")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'elsewhere' / 'shelfmark.db'}"
    assert app.instance_path == str(tmp_path / "elsewhere")


def test_database_url_points_server_mode_elsewhere(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://shelf@localhost/shelf")
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://shelf@localhost/shelf"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_secret_key_is_made_once_and_private(tmp_path) -> None:
    first = load_secret_key(tmp_path)
    assert load_secret_key(tmp_path) == first
    assert len(bytes.fromhex(first)) == 32
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_healthz_says_status_and_version_only(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": client.application.config["VERSION"]}


def test_home_page_is_real(signed_in) -> None:
    page = signed_in.get("/").get_data(as_text=True)
    assert "<title>Home · Shelfmark</title>" in page
    assert "Nothing catalogued yet." in page
