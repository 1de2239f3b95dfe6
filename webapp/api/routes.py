from flask import current_app, jsonify

from webapp.api import bp


@bp.get("/")
def api_index():
    return jsonify(name="Shelfmark API", version=current_app.config["VERSION"])
