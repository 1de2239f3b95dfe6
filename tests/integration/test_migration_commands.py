"""Alembic loads only when a migration is wanted, and ``flask db`` still works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from webapp.schema_upgrade import SCHEMA_HEAD, schema_state

ROOT = Path(__file__).resolve().parents[2]

OPEN_LIBRARY = """
import json, sys
from webapp import create_app
from webapp.launch import upgrade_with_backup
app = create_app({"DATA_DIR": sys.argv[1], "MODE": "desktop"})
result = upgrade_with_backup(app)
print(json.dumps({
    "upgraded": result is not None,
    "loaded": sorted(m for m in ("alembic", "flask_migrate") if m in sys.modules),
}))
"""


def open_library(data_dir: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", OPEN_LIBRARY, str(data_dir)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_schema_head_constant_is_alembics_head(make_app) -> None:
    assert schema_state(make_app(migrate=False)).head == SCHEMA_HEAD


def test_a_library_at_the_newest_schema_opens_without_loading_alembic(tmp_path) -> None:
    first = open_library(tmp_path)
    assert first == {"upgraded": True, "loaded": ["alembic", "flask_migrate"]}

    again = open_library(tmp_path)

    assert again == {"upgraded": False, "loaded": []}


def flask_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SHELFMARK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "webapp", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_flask_db_upgrade_and_current_work_from_the_command_line(tmp_path) -> None:
    listed = flask_cli(tmp_path, "db", "--help")
    assert listed.returncode == 0, listed.stderr
    assert "upgrade" in listed.stdout and "downgrade" in listed.stdout

    upgraded = flask_cli(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr

    current = flask_cli(tmp_path, "db", "current")
    assert current.returncode == 0, current.stderr
    assert f"{SCHEMA_HEAD} (head)" in current.stdout
    assert (tmp_path / "shelfmark.db").exists()
