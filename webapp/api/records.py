"""Finding and saving rows the way every resource needs: 404 and 409 as problems."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from webapp.api.errors import abort, conflict_from
from webapp.extensions import db
from webapp.models.limits import ID_MAX

Model = TypeVar("Model")


def get_or_404(model: type[Model], record_id: int, noun: str) -> Model:
    """Ids past the 32-bit range cannot exist (and SQLite cannot even bind past 64 bits)."""
    record = db.session.get(model, record_id) if 0 < record_id <= ID_MAX else None
    if record is None:
        abort(404, f"There is no {noun} with id {record_id}.")
    return record


def save() -> None:
    """Commit; a UNIQUE violation becomes 409 and nothing is kept."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        conflict_from(error)


def apply(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Copy the given fields only: PATCH leaves what it does not mention."""
    for name in fields:
        if name in data:
            setattr(record, name, data[name])
