from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db


class SiteSetting(db.Model):
    """Settings an administrator changes from the web UI (e.g. open registration).

    Kept in the database, not settings.toml, so every server process sees a change
    at once."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def get_site_setting(key: str, default: str | None = None) -> str | None:
    row = db.session.get(SiteSetting, key)
    return default if row is None else row.value


def set_site_setting(key: str, value: str) -> None:
    row = db.session.get(SiteSetting, key)
    if row is None:
        db.session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value
