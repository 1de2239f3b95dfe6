"""Forms of the settings pages that are not about signing in (those live in auth.forms)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from webapp.models import Role, Visibility

READING_VISIBILITY_LABELS = {
    Visibility.PRIVATE: "Private: only you see them",
    Visibility.SHARED: "Shared: every member sees them on your profile and the book's page",
}


class ReadingPrivacyForm(FlaskForm):
    """Who sees a person's new readings, and optionally all their existing ones at once."""

    reading_visibility = RadioField(
        "Who sees your new readings",
        choices=[SelectChoice(value, label) for value, label in READING_VISIBILITY_LABELS.items()],
        validators=[InputRequired("Choose who sees your readings.")],
    )
    apply_to_existing = BooleanField("Also apply this to every reading you already have")


class RoleForm(FlaskForm):
    """An administrator sets what another person may do to the shared catalogue."""

    role = SelectField(
        "Role",
        choices=[SelectChoice(role.value, role.label) for role in Role],
        validators=[InputRequired()],
    )
