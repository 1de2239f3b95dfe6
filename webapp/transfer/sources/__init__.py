"""The apps whose exports Shelfmark reads, one module each, and how a file is matched to
one of them.

Each module defines ``SOURCE``, an object with:

- ``name`` (``"goodreads"``, the ``--format`` value) and ``label`` ("Goodreads");
- ``sniff(path) -> bool``: whether this file (or folder) is this app's export. Cheap:
  the header line, a folder's ``metadata.db``; never the whole file.
- ``read(path) -> Iterator[Item]``: the records (webapp.transfer.records), streamed, in
  file order. Rows it cannot use are SkippedRow with a reason; it raises UnreadableFile
  only when nothing of the file can be read.
- ``skipped_header(path) -> list[str]`` and ``skipped_delimiter``: how to write skipped
  rows back in this app's own format (the ``cells`` of SkippedRow and BookRecord), so a
  person can fix them and import that file again.

Detection tries them in the order below; the first whose ``sniff`` says yes wins.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from webapp.transfer.files import UnreadableFile, kind_of_binary
from webapp.transfer.records import Item

#: ``--format`` value -> the module holding its SOURCE. Shelfmark first: its zip is
#: unmistakable, and a CSV we exported must not be taken for Goodreads' own.
SOURCE_MODULES = {
    "shelfmark": "webapp.transfer.sources.shelfmark",
    "goodreads": "webapp.transfer.sources.goodreads",
    "storygraph": "webapp.transfer.sources.storygraph",
    "librarything": "webapp.transfer.sources.librarything",
    "calibre": "webapp.transfer.sources.calibre",
    "libib": "webapp.transfer.sources.libib",
}
FORMAT_NAMES = tuple(SOURCE_MODULES)


class Source(Protocol):
    name: str
    label: str
    skipped_delimiter: str

    def sniff(self, path: Path) -> bool: ...

    def read(self, path: Path) -> Iterator[Item]: ...

    def skipped_header(self, path: Path) -> list[str]: ...


class UnknownFormat(UnreadableFile):
    """A readable file that is no export we know."""


def source_named(name: str) -> Source:
    """The source for a ``--format`` value (KeyError for an unknown one)."""
    module = importlib.import_module(SOURCE_MODULES[name])
    return module.SOURCE


def available_sources() -> list[Source]:
    """Every source whose module exists (all of them, once every importer has landed)."""
    found = []
    for name in SOURCE_MODULES:
        try:
            found.append(source_named(name))
        except ModuleNotFoundError:
            continue
    return found


def detect(path: Path) -> Source:
    """The source of this file or folder, or UnreadableFile saying what it is not."""
    for source in available_sources():
        if source.sniff(path):
            return source
    if path.is_dir():
        raise UnknownFormat(f"{path.name} is a folder but not a Calibre library (it has no metadata.db).")
    try:
        with path.open("rb") as stream:
            start = stream.read(4096)
    except OSError as problem:
        raise UnreadableFile(f"{path.name} cannot be read: {problem.strerror or problem}.") from None
    binary = kind_of_binary(start)
    if binary:
        raise UnknownFormat(f"{path.name} is {binary}, not an export Shelfmark knows.")
    if not start.strip():
        raise UnknownFormat(f"{path.name} is empty.")
    labels = ", ".join(source.label for source in available_sources())
    raise UnknownFormat(
        f"{path.name} is not an export Shelfmark knows ({labels}): "
        "its first line is not one of their headers."
    )
