"""The key list, the create form, and revoke-with-confirmation (no JavaScript needed).

A new key is rendered once in the answer to the POST that made it, and never stored or
redirected through the session; the answer is marked ``no-store`` so no cache keeps it.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.api.keys import create_api_key, keys_of, revoke
from webapp.api_keys import bp
from webapp.api_keys.forms import NewKeyForm, RevokeKeyForm
from webapp.extensions import db
from webapp.models import ApiKey


def _own_key(key_id: int) -> ApiKey:
    key = db.session.scalar(select(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == current_user.id))
    if key is None:
        abort(404)
    return key


@bp.get("/")
@login_required
def index():
    return render_template("api_keys/index.html", keys=keys_of(current_user), form=NewKeyForm(), new_key=None)


@bp.post("/")
@login_required
def create():
    form = NewKeyForm()
    if not form.validate_on_submit():
        return render_template(
            "api_keys/index.html", keys=keys_of(current_user), form=form, new_key=None
        ), 422
    key, plaintext = create_api_key(current_user, form.name.data, [form.scopes.data])
    db.session.commit()
    response = render_template(
        "api_keys/index.html",
        keys=keys_of(current_user),
        form=NewKeyForm(formdata=None),
        new_key=plaintext,
        made=key,
    )
    return response, 201, {"Cache-Control": "no-store"}


@bp.get("/<int:key_id>/revoke")
@login_required
def confirm_revoke(key_id: int):
    return render_template("api_keys/revoke.html", key=_own_key(key_id), form=RevokeKeyForm())


@bp.post("/<int:key_id>/revoke")
@login_required
def do_revoke(key_id: int):
    key = _own_key(key_id)
    if RevokeKeyForm().validate_on_submit():
        revoke(key)
        db.session.commit()
        flash(f"Key “{key.name}” is revoked; scripts using it now get 401.", "success")
    return redirect(url_for("api_keys.index"))
