"""Every API error, whoever raises it, leaves as RFC 9457 ``application/problem+json``.

Three kinds of error reach us: APIFlask's ``HTTPError`` (our ``abort`` and request
validation), Werkzeug's ``HTTPException`` (routing 404/405, 413, webargs' 400 for bad
JSON, Flask-Limiter's 429, Flask-WTF's CSRF error) and anything unexpected (500). The
last two are handled app-wide, because routing errors happen before Flask knows the
blueprint; they become problem documents only for paths under the API's prefix, so the
HTML pages keep their own error pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, NoReturn

from apiflask import APIFlask, HTTPError
from apiflask import abort as apiflask_abort
from flask import Response, current_app, json, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

PROBLEM_MIMETYPE = "application/problem+json"
API_PREFIX = "/api/v1"

#: The problem document as OpenAPI sees it; used for every documented error response.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem document.",
    "properties": {
        "type": {"type": "string", "description": "A URI naming the problem type; about:blank here."},
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for a person to read."},
        "instance": {"type": "string", "description": "The path that was requested."},
        "errors": {
            "type": "object",
            "description": "Validation errors by location (json, query, path), then by field.",
            "additionalProperties": True,
        },
    },
    "required": ["type", "title", "status"],
}


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The one place a problem response is built."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    if errors:
        body["errors"] = errors
    response = current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def abort(status: int, detail: str | None = None, headers: Mapping[str, str] | None = None) -> NoReturn:
    """Stop the request with a problem response (``detail`` is shown to the caller)."""
    apiflask_abort(status, message=detail, headers=dict(headers or {}))


def field_error(field: str, message: str, location: str = "json") -> NoReturn:
    """A 422 for a rule one schema cannot see alone (it depends on the stored row)."""
    apiflask_abort(422, message="The request did not validate.", detail={location: {field: [message]}})


def field_errors(errors: Mapping[str, str], location: str = "json") -> NoReturn:
    """A 422 naming every field a shared service refused (ReadProblem, LoanProblem)."""
    apiflask_abort(
        422,
        message="The request did not validate.",
        detail={location: {field: [message] for field, message in errors.items()}},
    )


def _from_http_error(error: HTTPError) -> Response:
    """APIFlask's errors: ``detail`` holds field messages for validation errors."""
    status = error.status_code
    if isinstance(error.detail, Mapping) and error.detail:
        return problem(status, "The request did not validate.", errors=error.detail, headers=error.headers)
    detail = error.message if error.message != HTTPStatus(status).phrase else None
    return problem(status, detail, headers=error.headers)


def problem_from_exception(error: HTTPException) -> Response:
    """Any HTTP error under /api/ as problem+json (the page handlers delegate here)."""
    status = error.code or 500
    headers = dict(error.get_headers())
    messages = (getattr(error, "data", None) or {}).get("messages")
    if isinstance(messages, Mapping):  # webargs: {"json": ["Invalid JSON body."]}
        flat = [text for texts in messages.values() for text in texts]
        return problem(status, " ".join(flat) or None, headers=headers)
    detail = error.description if status != 500 else "The server failed; the error was logged."
    return problem(status, detail, headers=headers)


def _server_error(error: InternalServerError) -> Response | InternalServerError:
    if not is_api_request():
        return error
    return problem(500, "The server failed; the error was logged.")


def conflict_from(error: IntegrityError) -> NoReturn:
    """Turn a UNIQUE violation into 409; any other constraint means our validation missed it."""
    message = str(error.orig)
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate == "23505" or "UNIQUE constraint failed" in message:
        column = message.rsplit(".", 1)[-1].strip() if "UNIQUE constraint failed" in message else None
        detail = f"Another record already has this {column}." if column else "A record like this exists."
        abort(409, detail)
    abort(422, "The data breaks a rule of the library.")


def _from_werkzeug(error: HTTPException) -> Response | HTTPException:
    return problem_from_exception(error) if is_api_request() else error


def init_app(app: APIFlask) -> None:
    app.error_processor(_from_http_error)
    app.register_error_handler(HTTPException, _from_werkzeug)
    app.register_error_handler(InternalServerError, _server_error)
