"""Collection paused for start-up comes back on every way out of it."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterator

import pytest

from desktop import startup_gc
from desktop.launcher import LocalLaunch
from webapp.instance_lock import InstanceLock
from webapp.launch import DatabaseTooNew, resolve_launch


@pytest.fixture
def paused_gc() -> Iterator[None]:
    startup_gc.pause()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def launch_on(tmp_path) -> LocalLaunch:
    lock = InstanceLock(tmp_path)
    lock.acquire()
    return LocalLaunch(resolve_launch(tmp_path), lock, demo=False)


def test_collection_resumes_with_start_up_objects_frozen_once_serving(tmp_path, paused_gc) -> None:
    launch = launch_on(tmp_path)
    assert not gc.isenabled()
    try:
        assert launch.prepare().startswith("http://127.0.0.1:")
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        launch.close()
        launch.lock.release()


def test_collection_resumes_when_the_library_cannot_be_opened(tmp_path, paused_gc) -> None:
    database = sqlite3.connect(tmp_path / "shelfmark.db")
    database.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    database.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    database.commit()
    database.close()
    launch = launch_on(tmp_path)
    try:
        with pytest.raises(DatabaseTooNew):
            launch.prepare()
        assert gc.isenabled()
    finally:
        launch.close()
        launch.lock.release()
