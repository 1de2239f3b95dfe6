"""The journal's forms: writing a post and setting the year's reading goal."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)

from webapp.extensions import db
from webapp.models import Book, PostKind, Visibility
from webapp.models.limits import ID_MAX
from webapp.validation import WholeNumberField, optional_ascii_int

TITLE_MAX = 300  # the column's length
BODY_MAX = 100_000
GOAL_MAX = 1000
GOAL_MESSAGE = f"A goal is a whole number from 1 to {GOAL_MAX}."

KIND_LABELS = {PostKind.NOTE: "Note", PostKind.REVIEW: "Review", PostKind.JOURNAL: "Journal entry"}
VISIBILITY_LABELS = {
    Visibility.PRIVATE: "Private: only you",
    Visibility.SHARED: "Shared: everyone who signs in here",
}


#: What :func:`optional_int` makes of a value that cannot be a book's id.
NOT_AN_ID = -1


def optional_int(value: object) -> int | None:
    """The book select's value (and ``?book=``): "" means no book; anything that cannot
    be a row id (not a number, below 1, too big for any row) is kept as NOT_AN_ID so the
    validator can say so instead of WTForms' generic "Not a valid choice", and no query
    ever sees a number the database cannot hold."""
    if value in (None, ""):
        return None
    number = optional_ascii_int(value)
    return number if number is not None and 1 <= number <= ID_MAX else NOT_AN_ID


class PostForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            DataRequired("Give the post a title."),
            Length(max=TITLE_MAX, message=f"Keep the title under {TITLE_MAX + 1} characters."),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    book_id = SelectField("About the book", coerce=optional_int, validate_choice=False)
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        default=PostKind.NOTE,
    )
    visibility = RadioField(
        "Who can read it",
        choices=[SelectChoice(value, label) for value, label in VISIBILITY_LABELS.items()],
        default="private",
    )
    body = TextAreaField(
        "Text",
        description="Markdown: *emphasis*, **strong**, [links](https://example.org), lists, > quotes.",
        validators=[Length(max=BODY_MAX, message=f"A post holds at most {BODY_MAX:,} characters.")],
    )

    def validate_book_id(self, field: SelectField) -> None:
        if field.data is None:
            return
        if field.data == NOT_AN_ID or db.session.get(Book, field.data) is None:
            raise ValidationError("That book is not in the library.")


def stop_if_not_a_number(_form: FlaskForm, field: WholeNumberField) -> None:
    """Text that is no integer already carries its message; say it once, not twice."""
    if field.process_errors:
        raise StopValidation()


class GoalForm(FlaskForm):
    target_books = WholeNumberField(
        "Books to read this year",
        validators=[
            InputRequired("Say how many books."),
            stop_if_not_a_number,
            NumberRange(min=1, max=GOAL_MAX, message=GOAL_MESSAGE),
        ],
        invalid_value_message=GOAL_MESSAGE,
    )
