"""``flask --app webapp users ...``: accounts from the command line (server set-up)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from webapp.auth.accounts import AccountError, create_account
from webapp.auth.passwords import password_problems
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
    click.echo(f"Created {'administrator' if admin else 'account'} {username}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
