"""The bundle, built once per test session with the maintainers' own entry point."""

from __future__ import annotations

import sys
import time

import pytest

from tests.desktop.conftest import launcher  # noqa: F401  (the same fixture, for frozen launches)


@pytest.fixture(scope="session")
def bundle(tmp_path_factory):
    """``build.build.build`` into a fresh folder: PyInstaller, --self-test, packages."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the CI bundle tests run on Linux; other platforms build in .github/workflows")
    from build.build import build

    started = time.perf_counter()
    result = build(tmp_path_factory.mktemp("bundle"), gui="gtk", make_packages=True)
    print(f"\nbundle built, self-tested and packaged in {time.perf_counter() - started:.1f} s")
    return result
