from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, List, String
from apiflask.validators import OneOf


class MeOut(Schema):
    id = Integer(required=True)
    username = String(required=True)
    display_name = String(required=True)
    email = String(allow_none=True)
    is_admin = Boolean(required=True)
    role = String(
        required=True,
        validate=OneOf(["admin", "editor", "member"]),
        metadata={"description": "What the user may do to the shared catalogue (see DELETE /books/{id})."},
    )
    reading_visibility = String(
        required=True,
        validate=OneOf(["private", "shared"]),
        metadata={"description": "Who sees the user's new readings unless a reading says otherwise."},
    )
    scopes = List(String(validate=OneOf(["read", "write"])), required=True)
    authenticated_by = String(required=True, validate=OneOf(["key", "session"]))
