"""Your account: profile, password, deletion; desktop profiles; server accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import update
from werkzeug.wrappers import Response

from webapp.auth.accounts import (
    AccountError,
    create_account,
    delete_account,
    email_taken,
    end_session,
    set_password,
    start_session,
    username_taken,
)
from webapp.auth.forms import (
    AccountForm,
    ChangePasswordForm,
    DeleteAccountForm,
    DesktopProfileForm,
    EmptyForm,
    ProfileForm,
    RegistrationSettingsForm,
    RemovePasswordForm,
    ResetPasswordForm,
)
from webapp.auth.passwords import verify_password
from webapp.extensions import db
from webapp.models import Reading, Role, User
from webapp.models.site_setting import get_site_setting, set_site_setting
from webapp.security import is_desktop
from webapp.settings import bp
from webapp.settings.forms import ReadingPrivacyForm, RoleForm


@bp.before_request
@login_required
def _signed_in_only() -> None:
    """Every settings page is about the signed-in person."""


@bp.route("/", methods=["GET", "POST"])
def profile() -> Response | str:
    user = current_user._get_current_object()
    form = ProfileForm(obj=user)
    if form.validate_on_submit():
        if username_taken(form.username.data, except_user=user):
            form.username.errors.append("This username is taken.")
        elif form.email.data and email_taken(form.email.data, except_user=user):
            form.email.errors.append("An account with this email exists.")
        else:
            user.username = form.username.data.strip()
            user.display_name = (form.display_name.data or "").strip()
            user.email = (form.email.data or "").strip().lower() or None
            db.session.commit()
            flash("Your profile is saved.", "info")
            return redirect(url_for("settings.profile"))
    return render_template("settings/profile.html", form=form, readings_form=_readings_form(user))


def _readings_form(user: User, formdata: bool = False) -> ReadingPrivacyForm:
    form = ReadingPrivacyForm(prefix="readings", formdata=None if not formdata else request.form)
    if not formdata:
        form.reading_visibility.data = user.reading_visibility
    return form


@bp.post("/readings")
def reading_privacy() -> Response | tuple[str, int]:
    """The default for new readings; with the box ticked, every existing reading too
    (the way to take back readings that were shown before readings had a visibility)."""
    user = current_user._get_current_object()
    readings_form = _readings_form(user, formdata=True)
    if not readings_form.validate():
        form = ProfileForm(obj=user)
        return render_template("settings/profile.html", form=form, readings_form=readings_form), 422
    user.reading_visibility = readings_form.reading_visibility.data
    if readings_form.apply_to_existing.data:
        db.session.execute(
            update(Reading).where(Reading.user_id == user.id).values(visibility=user.reading_visibility)
        )
    db.session.commit()
    flash("Who sees your readings is saved.", "info")
    return redirect(url_for("settings.profile"))


@bp.route("/password", methods=["GET", "POST"])
def password() -> Response | str:
    user = current_user._get_current_object()
    form = ChangePasswordForm()
    form.username_for_policy = user.username
    remove_form = RemovePasswordForm(prefix="remove")
    if form.validate_on_submit():
        if user.has_password and not verify_password(user.password_hash, form.current_password.data or ""):
            form.current_password.errors.append("That is not your current password.")
        else:
            set_password(user, form.password.data)  # every other device signs in again
            start_session(user)
            db.session.commit()
            flash("Your password is changed; other sessions were signed out.", "info")
            return redirect(url_for("settings.profile"))
    return render_template("settings/password.html", form=form, remove_form=remove_form)


@bp.post("/password/remove")
def remove_password() -> Response | str:
    """Desktop profiles may go without a password (no lock at startup)."""
    if not is_desktop():
        abort(404)
    user = current_user._get_current_object()
    remove_form = RemovePasswordForm(prefix="remove")
    if remove_form.validate_on_submit() and verify_password(
        user.password_hash, remove_form.current_password.data
    ):
        user.password_hash = None
        db.session.commit()
        flash("This profile no longer asks for a password.", "info")
        return redirect(url_for("settings.profile"))
    if not remove_form.current_password.errors:
        remove_form.current_password.errors.append("That is not your current password.")
    form = ChangePasswordForm()
    return render_template("settings/password.html", form=form, remove_form=remove_form), 200


@bp.route("/delete", methods=["GET", "POST"])
def delete() -> Response | str:
    user = current_user._get_current_object()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if form.confirm_username.data.strip() != user.username:
            form.confirm_username.errors.append("That is not your username.")
        elif user.has_password and not verify_password(user.password_hash, form.current_password.data or ""):
            form.current_password.errors.append("That is not your password.")
        else:
            try:
                end_session(user)
                delete_account(user)
            except AccountError as problem:
                db.session.rollback()
                form.confirm_username.errors.append(str(problem))
            else:
                flash("The account and its posts, readings and shelves are deleted.", "info")
                return redirect(url_for("auth.login"))
    return render_template("settings/delete.html", form=form)


@bp.route("/profiles", methods=["GET", "POST"])
def profiles() -> Response | str:
    """Desktop: the household's profiles; add one, or switch to one."""
    if not is_desktop():
        abort(404)
    form = DesktopProfileForm()
    if form.validate_on_submit():
        try:
            create_account(form.username.data, form.password.data or None, form.display_name.data or "")
        except AccountError as problem:
            db.session.rollback()
            form.username.errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Profile {form.username.data} added.", "info")
            return redirect(url_for("settings.profiles"))
    users = db.session.scalars(db.select(User).order_by(User.is_admin.desc(), User.username)).all()
    return render_template(
        "settings/profiles.html", form=form, users=users, switch_form=EmptyForm(), role_form=RoleForm()
    )


@bp.post("/profiles/<int:user_id>/switch")
def switch_profile(user_id: int) -> Response:
    if not is_desktop():
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    target = db.get_or_404(User, user_id)
    if target.has_password:
        return redirect(url_for("auth.login", profile=target.username))
    start_session(target)
    return redirect(url_for("main.index"))


@bp.route("/accounts", methods=["GET", "POST"])
def accounts() -> Response | str:
    """Server mode, administrators: create accounts and open or close registration."""
    if is_desktop() or not current_user.is_admin:
        abort(404)
    form = AccountForm(prefix="new")
    registration = RegistrationSettingsForm(prefix="reg")
    if request.method == "GET":
        registration.open_registration.data = get_site_setting("open_registration", "0") == "1"
    if "reg-submit" in request.form and registration.validate_on_submit():
        set_site_setting("open_registration", "1" if registration.open_registration.data else "0")
        db.session.commit()
        flash("Registration settings saved.", "info")
        return redirect(url_for("settings.accounts"))
    if "new-submit" in request.form and form.validate_on_submit():
        try:
            create_account(
                form.username.data,
                form.password.data,
                form.display_name.data or "",
                form.email.data or None,
                is_admin=form.is_admin.data,
            )
        except AccountError as problem:
            db.session.rollback()
            getattr(form, problem.field or "username").errors.append(str(problem))
        else:
            db.session.commit()
            flash(f"Account {form.username.data} created.", "info")
            return redirect(url_for("settings.accounts"))
    users = db.session.scalars(db.select(User).order_by(User.username)).all()
    return render_template(
        "settings/accounts.html", form=form, registration=registration, users=users, role_form=RoleForm()
    )


@bp.post("/roles/<int:user_id>")
def set_role(user_id: int) -> Response:
    """Administrators set others' roles (Accounts on a server, Profiles on the desktop).
    Nobody changes their own: the one acting stays an administrator, so there always is one."""
    if not current_user.is_admin:
        abort(403, "Only an administrator sets roles.")
    account = db.get_or_404(User, user_id)
    back = url_for("settings.profiles" if is_desktop() else "settings.accounts")
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose administrator, editor or member.", "error")
        return redirect(back)
    if account.id == current_user.id:
        flash("You cannot change your own role; another administrator can.", "error")
        return redirect(back)
    account.role = Role(form.role.data)
    db.session.commit()
    flash(f"{account.username} is now {Role(account.role).label.lower()}.", "info")
    return redirect(back)


@bp.route("/accounts/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int) -> Response | str:
    """Server mode, administrators: a new password for someone who forgot theirs (there
    is no mail to send a reset link). Their sessions end; they sign in with it."""
    if is_desktop() or not current_user.is_admin:
        abort(404)
    account = db.get_or_404(User, user_id)
    if account.id == current_user.id:
        return redirect(url_for("settings.password"))
    form = ResetPasswordForm()
    form.username_for_policy = account.username
    if form.validate_on_submit():
        set_password(account, form.password.data)
        db.session.commit()
        flash(f"{account.username} has a new password and was signed out everywhere.", "info")
        return redirect(url_for("settings.accounts"))
    return render_template("settings/reset_password.html", form=form, account=account)


@bp.app_template_filter("role_label")
def role_label(role: str) -> str:
    """ "editor" -> "Editor", for the Accounts and Profiles lists."""
    return Role(role).label
