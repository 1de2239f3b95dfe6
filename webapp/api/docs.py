"""The API's front door: ``/api/v1/`` (an index) and ``/api/docs`` (Swagger UI, vendored).

Swagger UI is served from static/vendor and started by static/js/api-docs.js: no CDN,
no inline script, so it works offline and under the app's Content-Security-Policy.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, render_template, url_for

from webapp.api import bp

docs_bp = Blueprint("api_docs", __name__)


@bp.get("/")
@bp.doc(hide=True)
def index():
    return {
        "name": "Shelfmark API",
        "version": current_app.config["VERSION"],
        "openapi": url_for("openapi.spec", _external=True),
        "docs": url_for("api_docs.docs", _external=True),
    }


@docs_bp.get("/")
def docs():
    """Swagger UI draws its small icons as data: SVG images; this page alone may show
    them. Scripts and styles stay 'self' only (webapp.security adds this to the policy)."""
    g.csp_additions = "img-src 'self' data:"
    return render_template("api/docs.html")
