"""What the About page lists: the Python packages and vendored scripts we ship, with
their licences, read from the installed metadata and the vendor folders themselves so
the list cannot drift from what is actually bundled."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

#: Runtime requirements (requirements.txt) whose licences the About page names.
RUNTIME_PACKAGES = (
    "Flask",
    "Werkzeug",
    "Jinja2",
    "MarkupSafe",
    "itsdangerous",
    "click",
    "blinker",
    "Flask-SQLAlchemy",
    "SQLAlchemy",
    "Flask-Migrate",
    "alembic",
    "Mako",
    "waitress",
    "platformdirs",
    "pywebview",
    "Flask-Login",
    "Flask-WTF",
    "WTForms",
    "Flask-Limiter",
    "limits",
    "argon2-cffi",
    "pillow",
    "psycopg",
)


@dataclass(frozen=True)
class Licence:
    name: str
    version: str
    licence: str
    kind: str  # "Python package" or "JavaScript"


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    if classifiers:
        return ", ".join(classifiers)
    text = (meta.get("License") or "").strip()
    return text.splitlines()[0][:80] if text else "see the package"


def python_licences() -> list[Licence]:
    found = []
    for name in RUNTIME_PACKAGES:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(Licence(dist.metadata["Name"], dist.version, _licence_of(dist), "Python package"))
    return sorted(found, key=lambda item: item.name.casefold())


def vendored_licences(static_folder: str | None) -> list[Licence]:
    """Each static/vendor/<name>/ folder holds a library and its LICENSE file."""
    if not static_folder:
        return []
    vendor = Path(static_folder) / "vendor"
    found = []
    for folder in sorted(vendor.iterdir()) if vendor.is_dir() else []:
        licence_file = next(iter(sorted(folder.glob("LICEN[CS]E*"))), None)
        first_line = licence_file.read_text(encoding="utf-8").strip().splitlines()[0] if licence_file else "?"
        version_file = folder / "VERSION"
        version = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else ""
        found.append(Licence(folder.name, version, first_line, "JavaScript"))
    return found


def shipped_licences(static_folder: str | None) -> list[Licence]:
    return python_licences() + vendored_licences(static_folder)
