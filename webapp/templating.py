"""Jinja filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF "}
ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW"}


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%-d %b %Y}"


def format_money(minor: int | None, currency: str | None) -> str:
    """Minor units to a price: (1299, "EUR") -> "€12.99"; unknown currencies keep their code."""
    if minor is None:
        return ""
    code = (currency or "").upper()
    amount = f"{minor:,}" if code in ZERO_DECIMAL_CURRENCIES else f"{minor / 100:,.2f}"
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol:
        return f"{symbol}{amount}"
    return f"{amount} {code}".strip()


def stars_label(rating: float | None) -> str:
    if rating is None:
        return "Not rated"
    shown = f"{rating:g}"
    return f"{shown} {'star' if rating == 1 else 'stars'} out of 5"


def status_label(status: str | None) -> str:
    """ "did_not_finish" -> "Did not finish"; unknown values are shown as they are."""
    if not status:
        return ""
    from webapp.models import ReadingStatus

    try:
        return ReadingStatus(status).label
    except ValueError:
        return status


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.filters["stars_label"] = stars_label
    app.jinja_env.filters["status_label"] = status_label

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {"app_version": app.config["VERSION"]}
