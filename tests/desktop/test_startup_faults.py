"""A library that cannot be opened ends in one sentence, exit 2, and the file as it was.

Each case launches the real program (``main.py --headless``, ``serve``, ``unlock``) on a
library broken the way a disk, a person or another program breaks one. The read-only
folder is a read-only bind mount and the full disk a 1 MiB tmpfs when we are root (as
root, permission bits stop nothing); a non-root run uses permission bits for the
read-only case and skips the full disk.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desktop.launching import MAIN, ROOT

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="mounts and POSIX permissions")

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
COMPANIONS = ("shelfmark.db-wal", "shelfmark.db-shm", "shelfmark.db-journal", "shelfmark.lock")


@pytest.fixture(scope="module")
def good_database(tmp_path_factory) -> bytes:
    """The bytes of a migrated library with its owner, made once for the module."""
    from webapp import create_app
    from webapp.launch import ensure_owner, shutdown, upgrade_with_backup

    folder = tmp_path_factory.mktemp("good")
    app = create_app({"DATA_DIR": str(folder), "MODE": "desktop"})
    upgrade_with_backup(app)
    ensure_owner(app, "reader")
    shutdown(app)
    return (folder / "shelfmark.db").read_bytes()


def run(data_dir: Path, *command: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``main.py [command] --data-dir data_dir`` to the end (``--headless`` by default)."""
    command = command or ("--headless",)
    environment = {**os.environ, **(env or {})}
    environment.pop("SHELFMARK_DATA_DIR", None)
    return subprocess.run(
        [sys.executable, str(MAIN), *command, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=120,
    )


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """The one sentence a refused launch ends with, after checking how it ended."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines, "nothing said"
    return lines[-1]


def library_with(folder: Path, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shelfmark.db").write_bytes(content)
    return folder / "shelfmark.db"


def assert_untouched(database: Path, before: bytes) -> None:
    assert database.read_bytes() == before
    for name in COMPANIONS:
        assert not (database.parent / name).exists(), f"{name} was left behind"


def noise(size: int, seed: int = 11) -> bytes:
    return random.Random(seed).randbytes(size)


DAMAGE = {
    "random bytes": lambda good: noise(50_000),
    "truncated": lambda good: good[:5000],
    "valid header, garbage pages": lambda good: good[:100] + noise(len(good) - 100),
    "garbage after the first page": lambda good: good[:4096] + noise(len(good) - 4096),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_library_is_named_and_left_as_it_was(good_database, tmp_path, damage) -> None:
    database = library_with(tmp_path / "library", DAMAGE[damage](good_database))
    before = database.read_bytes()

    said = refused(run(database.parent))

    assert said == (
        f"Your library {database} is damaged or is not a Shelfmark library, so Shelfmark has left it "
        f"untouched; move it out of {database.parent} to start a new, empty library there."
    )
    assert_untouched(database, before)


def test_a_damaged_library_names_the_newest_good_backup_and_how_to_restore_it(
    good_database, tmp_path
) -> None:
    database = library_with(tmp_path / "library", noise(30_000))
    backups = tmp_path / "library" / "backups"
    backups.mkdir()
    older = backups / "shelfmark-20260101-090000-000000-before-0004.db"
    good = backups / "shelfmark-20260301-090000-000000-before-0005.db"
    newer_but_broken = backups / "shelfmark-20260401-090000-000000-before-0005.db"
    for path, content, mtime in (
        (older, good_database, 1_700_000_000),
        (good, good_database, 1_710_000_000),
        (newer_but_broken, good_database[:3000], 1_720_000_000),
    ):
        path.write_bytes(content)
        os.utime(path, (mtime, mtime))
    before = database.read_bytes()

    said = refused(run(database.parent))

    assert said.endswith(
        f"to go back to your newest good backup, copy {good} over it and start Shelfmark again."
    )
    assert_untouched(database, before)
    assert good.read_bytes() == good_database


@pytest.mark.parametrize("command", [("serve",), ("unlock",)])
def test_serve_and_unlock_explain_a_damaged_library_the_same_way(tmp_path, command) -> None:
    database = library_with(tmp_path / "library", noise(20_000))
    before = database.read_bytes()

    said = refused(run(database.parent, *command))

    assert said.startswith(f"Your library {database} is damaged")
    assert_untouched(database, before)


def test_a_folder_where_the_library_file_belongs_is_named(tmp_path) -> None:
    (tmp_path / "library" / "shelfmark.db").mkdir(parents=True)

    said = refused(run(tmp_path / "library"))

    assert said == (
        f"{tmp_path / 'library' / 'shelfmark.db'} is a folder where Shelfmark keeps its library file; "
        f"move it out of {tmp_path / 'library'}, or choose another folder with --data-dir."
    )
    assert list((tmp_path / "library" / "shelfmark.db").iterdir()) == []


def test_a_data_folder_that_is_a_file_is_named(tmp_path) -> None:
    (tmp_path / "library").write_text("not a folder")

    said = refused(run(tmp_path / "library"))

    assert (
        said
        == f"{tmp_path / 'library'} is a file, not a folder; choose a folder for the library with --data-dir."
    )
    assert (tmp_path / "library").read_text() == "not a folder"


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` read-only for the child: a read-only bind mount as root, else its
    permission bits."""
    if not IS_ROOT:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("command", [("--headless",), ("serve",)])
def test_a_read_only_data_folder_is_named_and_nothing_is_written(good_database, tmp_path, command) -> None:
    database = library_with(tmp_path / "library", good_database)
    (database.parent / "secret_key").write_text("k" * 64)
    before = sorted(path.name for path in database.parent.iterdir())

    with read_only(database.parent):
        said = refused(run(database.parent, *command))

    assert said == (
        f"Shelfmark cannot write to {database.parent} (read-only file system), so it has changed "
        "nothing; make that folder writable, or choose another with --data-dir."
    ) or (not IS_ROOT and "(permission denied)" in said)
    assert sorted(path.name for path in database.parent.iterdir()) == before
    assert database.read_bytes() == good_database


@pytest.fixture
def full_disk(tmp_path) -> Iterator[Path]:
    """A 1 MiB tmpfs filled to the last block: a real ENOSPC for every write."""
    if not IS_ROOT:
        pytest.skip("mounting a small tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], capture_output=True
    ).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path) -> None:
    with contextlib.suppress(OSError), (disk / "filler").open("ab") as filler:
        while True:
            filler.write(b"\0" * 4096)
            filler.flush()
    assert shutil.disk_usage(disk).free == 0


def test_a_full_disk_at_launch_is_named_and_the_library_kept(good_database, full_disk) -> None:
    database = library_with(full_disk / "library", good_database)
    (database.parent / "secret_key").write_text("k" * 64)
    fill(full_disk)

    said = refused(run(database.parent))

    assert said == (
        f"The disk holding {database.parent} is full, so Shelfmark stopped before changing your "
        "library; free some space and start it again."
    )
    assert_untouched(database, good_database)
    assert not (database.parent / "shelfmark.instance.json").exists()


def test_a_full_disk_on_first_launch_is_named_too(full_disk) -> None:
    fill(full_disk)
    filler = full_disk / "filler"
    os.truncate(filler, filler.stat().st_size - 64 * 1024)  # room for the folder, not the library

    said = refused(run(full_disk / "new library"))

    assert said.startswith(f"The disk holding {full_disk / 'new library'} is full")


def test_a_library_locked_by_another_program_is_named(good_database, tmp_path) -> None:
    database = library_with(tmp_path / "library", good_database)
    other_program = sqlite3.connect(database, isolation_level=None)
    try:
        other_program.execute("PRAGMA locking_mode = EXCLUSIVE")
        other_program.execute("BEGIN EXCLUSIVE")
        said = refused(run(database.parent, env={"SHELFMARK_SQLITE_BUSY_TIMEOUT_MS": "200"}))
    finally:
        other_program.close()

    assert said == (
        f"Your library {database} is locked by another program; close that program "
        "(a database browser, a backup or sync tool) and start Shelfmark again."
    )


def test_a_malformed_settings_file_is_named(good_database, tmp_path) -> None:
    database = library_with(tmp_path / "library", good_database)
    (database.parent / "settings.toml").write_text("gui = \n")

    said = refused(run(database.parent))

    assert said.startswith(f"{database.parent / 'settings.toml'} is not valid TOML (")
    assert said.endswith("; correct it, or move it away to use the default settings.")
    assert_untouched(database, good_database)


@pytest.mark.parametrize("key", ["empty", "not text", "too short", "a folder"])
def test_a_secret_key_file_with_no_usable_key_is_refused(good_database, tmp_path, key) -> None:
    database = library_with(tmp_path / "library", good_database)
    secret_key = database.parent / "secret_key"
    if key == "a folder":
        secret_key.mkdir()
    else:
        secret_key.write_bytes({"empty": b"", "not text": b"\xff\xfe" * 40, "too short": b"abc"}[key])

    said = refused(run(database.parent))

    assert said == (
        f"{secret_key} holds no usable key; delete it and Shelfmark will make a new one "
        "(everyone will have to sign in again)."
    )
    assert_untouched(database, good_database)


@pytest.fixture(scope="module")
def database_before_the_last_migration(tmp_path_factory) -> bytes:
    """A library one schema behind: opening it means a backup, then an upgrade."""
    from tests.integration.migration_helpers import migrate_to, revisions_oldest_first
    from webapp import create_app
    from webapp.launch import shutdown

    folder = tmp_path_factory.mktemp("older")
    app = create_app({"DATA_DIR": str(folder), "MODE": "desktop"})
    migrate_to(app, revisions_oldest_first(app)[-2])
    shutdown(app)
    return (folder / "shelfmark.db").read_bytes()


def test_a_full_disk_before_an_upgrade_leaves_no_half_backup(
    database_before_the_last_migration, full_disk
) -> None:
    database = library_with(full_disk / "library", database_before_the_last_migration)
    (database.parent / "secret_key").write_text("k" * 64)
    (database.parent / "logs").mkdir()
    fill(full_disk)
    filler = full_disk / "filler"
    os.truncate(filler, filler.stat().st_size - 48 * 1024)  # room for the lock and log, not a backup

    said = refused(run(database.parent))

    assert said.startswith(f"The disk holding {database.parent} is full")
    assert_untouched(database, database_before_the_last_migration)
    assert list((database.parent / "backups").glob("*")) == []
