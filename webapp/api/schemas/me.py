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
    scopes = List(String(validate=OneOf(["read", "write"])), required=True)
    authenticated_by = String(required=True, validate=OneOf(["key", "session"]))
