"""``flask --app webapp users ...``: accounts from the command line (server set-up, and
the way back in for an administrator who forgot their password)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from webapp.auth.accounts import AccountError, create_account, find_user, set_password
from webapp.auth.passwords import password_problems
from webapp.auth.setup_token import discard_setup_token
from webapp.extensions import db

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("username")
@click.option("--email", default=None, help="Optional email address.")
@click.option("--display-name", default="", help="Name shown on posts.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.password_option(help="The password (asked for if not given).")
def create_user(username: str, email: str | None, display_name: str, admin: bool, password: str) -> None:
    """Create an account (the first administrator of a server, for instance)."""
    problems = password_problems(password, username)
    if problems:
        raise click.ClickException(" ".join(problems))
    try:
        create_account(username, password, display_name=display_name, email=email, is_admin=admin)
    except AccountError as problem:
        raise click.ClickException(str(problem)) from problem
    db.session.commit()
    discard_setup_token(current_app)  # the server has an account: set-up is over
    click.echo(f"Created {'administrator' if admin else 'account'} {username}.")


@users.command("set-password")
@click.argument("username")
@click.password_option(help="The new password (asked for if not given).")
def set_user_password(username: str, password: str) -> None:
    """Give an account a new password and sign it out everywhere."""
    user = find_user(username)
    if user is None:
        raise click.ClickException(f"There is no account named {username!r}.")
    problems = password_problems(password, user.username)
    if problems:
        raise click.ClickException(" ".join(problems))
    set_password(user, password)
    db.session.commit()
    click.echo(f"{user.username} has a new password and was signed out everywhere.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
