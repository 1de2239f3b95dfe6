"""The REST API, ``/api/v1``: JSON for script authors, described by its own OpenAPI document.

One APIBlueprint holds every resource (one module each); the schemas beside them both
validate requests and generate ``/api/v1/openapi.json``. Every request passes one gate
(:func:`webapp.api.auth.require_access`): who calls, may they write, CSRF for sessions,
JSON bodies only. Errors are problem+json (:mod:`webapp.api.errors`).
"""

from __future__ import annotations

from apiflask import APIBlueprint, APIFlask
from flask import current_app, request

from webapp.api.auth import rate_limit_key, require_access
from webapp.api.errors import PROBLEM_MIMETYPE, PROBLEM_SCHEMA, abort
from webapp.api.errors import init_app as init_errors
from webapp.extensions import csrf, limiter
from webapp.pagination import MAX_PER_PAGE

bp = APIBlueprint("api", __name__, enable_openapi=True)

#: Answer without a key in server mode: the index (and the OpenAPI document, which lives
#: outside the blueprint). A key that is sent must still be valid, and the desktop gate
#: lets nothing in without the launch session or a valid key (webapp.security).
PUBLIC_ENDPOINTS = frozenset({"api.index"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
#: The one call whose body is a file, not JSON.
MULTIPART_ENDPOINTS = frozenset({"api.create_import"})


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


@bp.before_request
def _gate() -> None:
    if request.method == "OPTIONS" or request.endpoint in PUBLIC_ENDPOINTS:
        return
    require_access()
    if request.endpoint in MULTIPART_ENDPOINTS:
        if request.mimetype != "multipart/form-data":
            abort(415, "Send the file as multipart/form-data, in a field named file.")
    elif request.method in BODY_METHODS and not request.is_json:
        abort(415, "Send a JSON body with Content-Type: application/json.")


# Session calls are checked for CSRF in the gate, after we know they are session calls.
csrf.exempt(bp)
#: One budget per key (or signed-in user) for the whole API: a shared limit, one scope.
#: ``limiter.limit`` on a blueprint would give every endpoint a budget of its own.
API_RATE_LIMIT_SCOPE = "api"
limiter.shared_limit(_api_rate_limit, scope=API_RATE_LIMIT_SCOPE, key_func=rate_limit_key)(bp)

SECURITY_SCHEMES = {
    "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "Bearer": {"type": "http", "scheme": "bearer", "description": "The same API key as a bearer token."},
}


def _finish_spec(spec: dict) -> dict:
    """Document what every operation shares: the key, and problem+json for every error."""
    spec["security"] = [{"ApiKey": []}, {"Bearer": []}]
    spec.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem_content = {PROBLEM_MIMETYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, response in list(responses.items()):
                if str(status)[0] in "45":
                    response["content"] = problem_content
            responses.setdefault("401", {"description": "No key, or a key that is wrong or revoked."})
            responses["401"]["content"] = problem_content
            responses.setdefault("429", {"description": "Too many requests for this key; see Retry-After."})
            responses["429"]["content"] = problem_content
            responses["default"] = {
                "description": "Any other error, as a problem document.",
                "content": problem_content,
            }
    return spec


def init_app(app: APIFlask) -> None:
    """Wire the API into the app: errors, OpenAPI settings, CORS, the docs page."""
    from webapp.api import (  # noqa: F401
        authors,
        books,
        docs,
        imports,
        loans,
        me,
        posts,
        readings,
        reads,
        search,
        series,
        shelves,
    )
    from webapp.api.cors import init_app as init_cors

    app.config.update(
        OPENAPI_VERSION="3.1.0",
        AUTO_SERVERS=False,
        AUTO_200_RESPONSE=False,
        AUTO_TAGS=False,
        HTTP_ERROR_SCHEMA=PROBLEM_SCHEMA,
        VALIDATION_ERROR_SCHEMA=PROBLEM_SCHEMA,
        SECURITY_SCHEMES=SECURITY_SCHEMES,
        DESCRIPTION=(
            "Shelfmark's JSON API. Authenticate with an API key made in Settings → API keys, "
            "sent as `X-API-Key` or `Authorization: Bearer`. Lists take `page` and `per_page` "
            f"(1 to {MAX_PER_PAGE}) and answer `items`, `total`, `pages`, `current_page`, `per_page` with a "
            "`Link` header. Errors are RFC 9457 problem documents (`application/problem+json`); a "
            "422 names each field it refuses. A read's dates are ISO 8601 as precisely as they are "
            "known (`2019`, `2019-03`, `2019-03-20`); other dates are days (`2019-03-20`)."
        ),
    )
    app.spec_processor(_finish_spec)
    init_errors(app)
    init_cors(app)
    app.register_blueprint(bp, url_prefix="/api/v1")
    app.register_blueprint(docs.docs_bp, url_prefix="/api/docs")
