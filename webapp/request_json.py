"""One loader for every JSON body the app reads, bounded before anything else sees it.

Python's ``json`` reads more than JSON and recurses without a bound of ours: arrays
100,000 deep end in RecursionError (a 500), ``NaN`` and ``Infinity`` are read as
floats, ``1e400`` becomes ``inf`` and an integer of 5,000 digits raises ValueError
(another 500). Our largest real document is two levels deep (a book with its list of
authors) and our largest number has ten digits, so the bounds below are generous.

The same loader is Flask's (``app.json.loads``, so ``request.get_json()`` is bounded)
and runs on every JSON request body before the view (:func:`check_request_body`),
because APIFlask's request parser (webargs) calls the standard library's
``json.loads`` itself: by the time it does, the body is known to be within bounds.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, Response, jsonify, request
from flask.json.provider import DefaultJSONProvider

#: Levels of arrays and objects; ``{"authors": ["..."]}`` is two.
MAX_DEPTH = 32
#: Characters in one number literal (``-1.5e10`` is seven); ours need at most ten digits.
MAX_NUMBER_LENGTH = 100


class UnreadableJSON(ValueError):
    """Well-formed enough to parse, but beyond what we read; the message is for the client."""


def _short(literal: str) -> str:
    if len(literal) > MAX_NUMBER_LENGTH:
        raise UnreadableJSON(f"A number in the JSON body is longer than {MAX_NUMBER_LENGTH} characters.")
    return literal


def _integer(literal: str) -> int:
    return int(_short(literal))


def _float(literal: str) -> float:
    number = float(_short(literal))
    if not math.isfinite(number):
        raise UnreadableJSON(f"The number {literal} in the JSON body is too large to read.")
    return number


def _constant(name: str) -> Any:
    raise UnreadableJSON(f"{name} is not a JSON number; send a number or null.")


def _too_deep() -> UnreadableJSON:
    return UnreadableJSON(f"The JSON body is nested more than {MAX_DEPTH} levels deep.")


def _check_depth(value: Any) -> None:
    """Iterative, so a deep document cannot exhaust the stack here either."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def loads(text: str | bytes) -> Any:
    """``json.loads`` that says no (UnreadableJSON) to what it will not read: nesting
    deeper than MAX_DEPTH, NaN and Infinity, numbers too long or too large for a
    float. Malformed JSON raises ``json.JSONDecodeError`` as usual."""
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError:
        raise _too_deep() from None
    _check_depth(value)
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with :func:`loads` for reading (``request.get_json()``)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s)


def _refusal(message: str) -> Response:
    from webapp.api.errors import is_api_request, problem

    if is_api_request():
        return problem(400, message)
    response = jsonify(error=message)
    response.status_code = 400
    return response


def check_request_body() -> Response | None:
    """A JSON body beyond the bounds is a 400 with the reason, for every route. Any
    other body, and malformed JSON, is left to the view (and its own message)."""
    if not request.is_json:
        return None
    body = request.get_data(cache=True)
    if not body:
        return None
    try:
        loads(body)
    except UnreadableJSON as problem:
        return _refusal(str(problem))
    except ValueError:  # JSONDecodeError, UnicodeDecodeError: the view's parser says so
        return None
    return None


def init_app(app: Flask) -> None:
    """After security's checks (registered before this), so a request that may not
    come in is refused before its body is read."""
    app.json = BoundedJSONProvider(app)
    app.before_request(check_request_body)
