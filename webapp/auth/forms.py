"""Forms for signing in and managing accounts. Field rules live here; the password
policy lives in passwords.py so the CLI applies the same one."""

from __future__ import annotations

import re

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp, ValidationError

from webapp.auth.passwords import password_problems
from webapp.validation import full_match

USERNAME_PATTERN = re.compile(r"[\w.\-]+")
USERNAME_RULE = Regexp(
    USERNAME_PATTERN, message="Use letters, digits, dots, dashes and underscores only.", matcher=full_match
)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class ProfileLoginForm(FlaskForm):
    """Desktop: choose a profile, and give its password if it has one."""

    username = SelectField("Profile", validators=[DataRequired()])
    password = PasswordField("Password", validators=[Optional(), Length(max=1024)])
    next = HiddenField()


class NewPasswordMixin:
    username_for_policy: str | None = None

    def validate_password(self, field: PasswordField) -> None:
        username = getattr(getattr(self, "username", None), "data", None) or self.username_for_policy
        for problem in password_problems(field.data or "", username):
            raise ValidationError(problem)


def _max_password() -> int:
    return current_app.config["PASSWORD_MAX_LENGTH"]


class AccountForm(NewPasswordMixin, FlaskForm):
    """A new account: the server's first administrator, a registration, or an admin's."""

    username = StringField("Username", validators=[DataRequired(), Length(min=2, max=64), USERNAME_RULE])
    display_name = StringField("Display name", validators=[Optional(), Length(max=128)])
    email = EmailField("Email", validators=[Optional(), Email(check_deliverability=False), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )
    is_admin = BooleanField("Administrator")


class ProfileForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(min=2, max=64), USERNAME_RULE])
    display_name = StringField("Display name", validators=[Optional(), Length(max=128)])
    email = EmailField("Email", validators=[Optional(), Email(check_deliverability=False), Length(max=254)])


class DesktopProfileForm(NewPasswordMixin, FlaskForm):
    """A household profile on the desktop; the password is optional."""

    username = StringField("Username", validators=[DataRequired(), Length(min=2, max=64), USERNAME_RULE])
    display_name = StringField("Display name", validators=[Optional(), Length(max=128)])
    password = PasswordField("Password (optional)", validators=[Optional()])

    def validate_password(self, field: PasswordField) -> None:
        if field.data:
            super().validate_password(field)


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    """A new password, typed twice: an administrator's for another account, and (with
    the current one) anyone's own in ChangePasswordForm."""

    password = PasswordField("New password", validators=[DataRequired()])
    confirm = PasswordField(
        "Repeat the new password",
        validators=[DataRequired(), EqualTo("password", message="The passwords differ.")],
    )


class ChangePasswordForm(ResetPasswordForm):
    current_password = PasswordField("Current password", validators=[Optional(), Length(max=1024)])


class RemovePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=1024)])


class DeleteAccountForm(FlaskForm):
    confirm_username = StringField("Type your username to confirm", validators=[DataRequired()])
    current_password = PasswordField("Password", validators=[Optional(), Length(max=1024)])


class RegistrationSettingsForm(FlaskForm):
    open_registration = BooleanField("Anyone who can reach this server may create an account")


class EmptyForm(FlaskForm):
    """Just the CSRF token, for buttons that change state (sign out, switch profile,
    delete a book or shelf, take a book off a shelf)."""
