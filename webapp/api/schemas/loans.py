from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Integer, Nested, String
from apiflask.validators import Length, Range

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import ISODate, QueryNumber, Text, Timestamp, UserBrief
from webapp.models.limits import ID_MAX
from webapp.models.loan import BORROWER_MAX_LENGTH, LOAN_NOTE_MAX_LENGTH


class LoanBook(Schema):
    id = Integer(required=True)
    title = String(required=True)


class LoanOut(Schema):
    id = Integer(required=True)
    book = Nested(LoanBook, required=True)
    borrower = String(required=True, metadata={"description": "A name, not an account."})
    lent_on = ISODate(required=True)
    due_on = ISODate(required=True, allow_none=True)
    returned_on = ISODate(required=True, allow_none=True, metadata={"description": "null: still out."})
    is_open = Boolean(required=True, metadata={"description": "Not returned yet."})
    overdue = Boolean(required=True, metadata={"description": "Open and past its due date."})
    note = String(required=True, allow_none=True)
    recorded_by = Nested(UserBrief, required=True, allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class LoanIn(Schema):
    borrower = Text(required=True, validate=Length(min=1, max=BORROWER_MAX_LENGTH))
    lent_on = ISODate(metadata={"description": "Default: today. Not in the future."})
    due_on = ISODate(
        allow_none=True,
        metadata={"description": "Not before lent_on; set only while the loan is open."},
    )
    returned_on = ISODate(
        allow_none=True,
        metadata={"description": "Not before lent_on, not in the future; null: still out."},
    )
    note = Text(allow_none=True, validate=Length(max=LOAN_NOTE_MAX_LENGTH))


class LoanQuery(PageQuery):
    open = Boolean(
        metadata={
            "description": "true: loans still out, overdue first, then by due date (none last); "
            "false: returned loans, latest return first. Default: both, open ones first."
        }
    )
    book = QueryNumber(validate=Range(min=1, max=ID_MAX), metadata={"description": "A book id."})


class LoanUpdate(LoanIn):
    """A change to a loan: fields left out keep their values. (Not ``LoanIn(partial=True)``:
    APIFlask names a class's schemas after its first registration, and the PATCH path
    sorts before the POST one, which would document the POST body as the partial one.)"""

    borrower = Text(validate=Length(min=1, max=BORROWER_MAX_LENGTH))
