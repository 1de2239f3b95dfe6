"""``/me``: who the key (or session) acts as, and what it may do."""

from __future__ import annotations

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.schemas.me import MeOut


@bp.get("/me")
@bp.output(MeOut)
@bp.doc(tags=["Me"], summary="The user this key acts as")
def me():
    who = caller()
    user = who.user
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "is_admin": user.is_admin,
        "role": user.role,
        "reading_visibility": user.reading_visibility,
        "scopes": sorted(who.scopes),
        "authenticated_by": who.via,
    }
