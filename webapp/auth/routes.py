"""Sign-in, sign-out, the desktop launch gate, first-run setup and registration."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from webapp.auth import bp
from webapp.auth.accounts import (
    AccountError,
    authenticate,
    create_account,
    end_session,
    find_user,
    start_session,
    user_count,
)
from webapp.auth.forms import AccountForm, EmptyForm, LoginForm, ProfileLoginForm
from webapp.auth.navigation import next_or_home
from webapp.auth.rate_limits import login_limits
from webapp.auth.setup_token import (
    SETUP_TOKEN_FILE,
    claim_setup,
    discard_setup_token,
    ensure_setup_token,
    holds_setup_claim,
    redeem_setup_token,
)
from webapp.extensions import db
from webapp.models import User
from webapp.models.site_setting import get_site_setting
from webapp.security import is_desktop, launch_gate

GENERIC_FAILURE = "That username and password do not match."


@bp.get("/launch")
def launch() -> Response:
    """The window's first request: trade the one-time secret for a session cookie."""
    gate = launch_gate()
    offered = request.args.get("token", "")
    if gate is None or not offered or not gate.redeem(offered):
        raise Forbidden("This launch link is not valid (it works once, from Shelfmark's own window).")
    session.clear()
    session["launch"] = gate.launch_id
    owner = db.session.scalar(db.select(User).order_by(User.is_admin.desc(), User.id).limit(1))
    if owner is not None and not owner.has_password:
        start_session(owner)
        return redirect(url_for("main.index"))
    return redirect(url_for("auth.login"))


def _profile_choices() -> list[tuple[str, str]]:
    users = db.session.scalars(db.select(User).order_by(User.is_admin.desc(), User.username)).all()
    return [(user.username, f"{user.name}{' (password)' if user.has_password else ''}") for user in users]


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login() -> Response | str:
    if not is_desktop() and user_count() == 0:
        return redirect(url_for("auth.setup"))
    form: LoginForm | ProfileLoginForm
    if is_desktop():
        form = ProfileLoginForm()
        form.username.choices = _profile_choices()
        if request.method == "GET" and request.args.get("profile"):
            form.username.data = request.args["profile"]
    else:
        form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = _check_credentials(form.username.data, form.password.data or "")
        if user is not None:
            start_session(user)
            db.session.commit()
            return redirect(next_or_home(form.next.data))
        form.password.errors = [*form.password.errors, GENERIC_FAILURE]
        form.password.data = ""
        return render_template("auth/login.html", form=form), 200
    return render_template("auth/login.html", form=form)


def _check_credentials(username: str, password: str) -> User | None:
    """Desktop profiles without a password open without one; everything else needs it."""
    if is_desktop():
        user = find_user(username)
        if user is not None and not user.has_password:
            return user
    return authenticate(username, password)


@bp.post("/logout")
def logout() -> Response:
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    user = current_user._get_current_object() if current_user.is_authenticated else None
    end_session(user)
    db.session.commit()
    flash("You are signed out." if not is_desktop() else "Choose a profile to continue.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> Response | str | tuple[str, int]:
    """Server mode's first visit: the administrator account, for whoever holds the
    one-time set-up link only (see :mod:`webapp.auth.setup_token`)."""
    if is_desktop():
        abort(404)
    if user_count() > 0:
        discard_setup_token(current_app)
        abort(404)
    offered = request.args.get("token")
    if offered is not None:
        if request.method != "GET" or not redeem_setup_token(current_app, offered):
            return _setup_locked(invalid=True), 403
        claim_setup()
        return redirect(url_for("auth.setup"))  # the token leaves the address bar
    if not holds_setup_claim():
        ensure_setup_token(current_app)
        return _setup_locked(invalid=False), 403 if request.method == "POST" else 200
    form = AccountForm()
    del form.is_admin
    if form.validate_on_submit() and _create_from_form(form, is_admin=True):
        discard_setup_token(current_app)
        flash("Welcome to Shelfmark. Your administrator account is ready.", "info")
        return redirect(url_for("main.index"))
    return render_template("auth/setup.html", form=form)


def _setup_locked(invalid: bool) -> str:
    """Where to find the set-up link; no form (a page elsewhere cannot claim the server)."""
    return render_template("auth/setup_locked.html", invalid=invalid, token_file=SETUP_TOKEN_FILE)


@bp.route("/register", methods=["GET", "POST"])
@login_limits
def register() -> Response | str:
    if is_desktop() or get_site_setting("open_registration", "0") != "1":
        abort(404)
    form = AccountForm()
    del form.is_admin
    if form.validate_on_submit() and _create_from_form(form, is_admin=False):
        return redirect(next_or_home(None))
    return render_template("auth/register.html", form=form)


def _create_from_form(form: AccountForm, is_admin: bool) -> bool:
    try:
        user = create_account(
            form.username.data,
            form.password.data,
            display_name=form.display_name.data or "",
            email=form.email.data or None,
            is_admin=is_admin,
        )
    except AccountError as problem:
        getattr(form, problem.field or "username").errors.append(str(problem))
        db.session.rollback()
        return False
    db.session.commit()
    start_session(user)
    current_app.logger.info("Account %s created", user.username)
    return True
