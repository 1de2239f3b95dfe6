"""The data folder's secret key file: made private, kept private."""

from __future__ import annotations

import os
import stat

import pytest

from webapp.config import load_secret_key

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def test_a_new_secret_key_is_readable_by_its_owner_only(tmp_path) -> None:
    load_secret_key(tmp_path)
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_secret_key_restored_with_loose_permissions_is_made_private_again(tmp_path) -> None:
    key = load_secret_key(tmp_path)
    (tmp_path / "secret_key").chmod(0o644)  # e.g. copied back from a backup

    assert load_secret_key(tmp_path) == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
