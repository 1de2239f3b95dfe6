"""Pieces every model uses: UTC timestamps and enum-valued string columns."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, String


def utcnow() -> datetime:
    """Naive UTC: SQLite has no time zones, so we store UTC and say so here, once."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column_type(enum_class: type[enum.StrEnum]) -> String:
    return String(max(len(member.value) for member in enum_class))


def enum_check(column: str, enum_class: type[enum.StrEnum], name: str) -> CheckConstraint:
    """A CHECK that keeps the column within the enum's values, in the database itself."""
    values = ", ".join(f"'{member.value}'" for member in enum_class)
    return CheckConstraint(f"{column} IN ({values})", name=name)
