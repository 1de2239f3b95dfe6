"""Sign-in rate limits: per address and per account, counting only failed attempts.

A failed attempt re-renders the form with status 200; a success redirects. Limits use a
moving window, so "5 per minute" means at most five failures in any sixty seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from webapp.extensions import limiter


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


def _failed(response: Response) -> bool:
    return response.status_code == 200


def login_limits(view: Callable[..., Any]) -> Callable[..., Any]:
    per_account = limiter.limit(
        _limit, key_func=_account_key, methods=["POST"], deduct_when=_failed, scope="login-account"
    )
    per_address = limiter.limit(
        _limit, key_func=get_remote_address, methods=["POST"], deduct_when=_failed, scope="login-address"
    )
    return per_address(per_account(view))
