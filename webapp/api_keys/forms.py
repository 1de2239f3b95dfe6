from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length


class NewKeyForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the key a name, so you know later what uses it."), Length(max=100)],
        description="What will use it, e.g. “backup script”.",
    )
    scopes = RadioField(
        "May",
        choices=[SelectChoice("read", "Read only"), SelectChoice("write", "Read and write")],
        default="read",
        validators=[DataRequired()],
    )
    submit = SubmitField("Create key")


class RevokeKeyForm(FlaskForm):
    submit = SubmitField("Revoke key")
