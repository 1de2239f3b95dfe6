"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%-d %b %Y}"


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"app_version": app.config["VERSION"]}
