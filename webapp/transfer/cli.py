"""``flask --app webapp import`` and ``export``: the library in and out, from a terminal.

Thin on purpose: the engine (webapp.transfer.engine) and webapp.transfer.export do the
work. The import is recorded as an ImportJob, as the pages' and the API's imports will be.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import ImportJob, ImportStatus, User
from webapp.models.common import utcnow
from webapp.models.user import desktop_owner
from webapp.transfer.engine import run_import
from webapp.transfer.export import EXPORT_FORMATS, write_export
from webapp.transfer.files import UnreadableFile
from webapp.transfer.sources import FORMAT_NAMES, detect, source_named


class ImportRefused(click.ClickException):
    """An unreadable file, an unknown format or user: one line, exit 2."""

    exit_code = 2


class ExportRefused(ImportRefused):
    """An unwritable OUT or an unknown user: one line, exit 2."""


@click.command("import")
@click.argument("file_or_folder", type=click.Path(path_type=Path))
@click.option(
    "--user", "username", help="Whose reading history this is (the owner if omitted on the desktop)."
)
@click.option("--format", "format_name", type=click.Choice(["auto", *FORMAT_NAMES]), default="auto")
@click.option("--dry-run", is_flag=True, help="Read and match everything, write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@with_appcontext
def import_command(
    file_or_folder: Path, username: str | None, format_name: str, dry_run: bool, as_json: bool
) -> None:
    """Import another app's export (Goodreads CSV, …) into the library."""
    user = _user(username)
    if not file_or_folder.exists():
        raise ImportRefused(f"{file_or_folder} does not exist.")
    try:
        source = detect(file_or_folder) if format_name == "auto" else source_named(format_name)
    except (UnreadableFile, ModuleNotFoundError) as problem:
        raise ImportRefused(str(problem) or f"The {format_name} importer is not available yet.") from None
    job = ImportJob(
        user_id=user.id,
        format=source.name,
        file_name=file_or_folder.name[:255],
        status=ImportStatus.RUNNING,
        dry_run=dry_run,
        started_at=utcnow(),
    )
    if not dry_run:
        db.session.add(job)
        db.session.commit()
    job_id = job.id
    try:
        report = run_import(
            source,
            file_or_folder,
            user,
            data_dir=Path(current_app.config["DATA_DIR"]),
            dry_run=dry_run,
            job=None if dry_run else job,
        )
    except UnreadableFile as problem:
        db.session.rollback()
        if not dry_run:
            job = db.session.get(ImportJob, job_id)
            job.status, job.error, job.finished_at = ImportStatus.FAILED, str(problem), utcnow()
            db.session.commit()
        raise ImportRefused(str(problem)) from None
    if not dry_run:
        job = db.session.get(ImportJob, job_id)  # the engine's batches let go of their rows
        job.status, job.finished_at, job.report = ImportStatus.FINISHED, utcnow(), report.to_json()
        job.rows_total = job.rows_done = report.rows
        db.session.commit()
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        if dry_run:
            click.echo("dry run: nothing was written")
        for line in report.summary_lines():
            click.echo(line)


@click.command("export")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "format_name",
    type=click.Choice(EXPORT_FORMATS),
    required=True,
    help="shelfmark (a zip of everything), goodreads (their CSV) or csv (the catalogue).",
)
@click.option("--user", "username", help="Whose export this is (the owner if omitted on the desktop).")
@with_appcontext
def export_command(out: Path, format_name: str, username: str | None) -> None:
    """Export the library: a member's holds the catalogue and their own readings, posts,
    shelves and goals; an administrator's (and the desktop owner's) everyone's."""
    user = _user(username)
    everything = user.is_admin or current_app.config.get("MODE") != "server"
    partial = out.with_name(f".{out.name}.part")
    try:
        with partial.open("wb") as stream:
            write_export(
                format_name,
                stream,
                user,
                everything=everything,
                data_dir=Path(current_app.config["DATA_DIR"]),
            )
        partial.replace(out)
    except OSError as problem:
        partial.unlink(missing_ok=True)
        raise ExportRefused(f"{out} cannot be written: {problem.strerror or problem}.") from None
    click.echo(f"{format_name} export written to {out}")


def _user(username: str | None) -> User:
    if username:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise ImportRefused(f"There is no user {username}.")
        return user
    if current_app.config.get("MODE") == "server":
        raise ImportRefused("Say whose library this is: --user NAME.")
    user = desktop_owner()
    if user is None:
        raise ImportRefused("The library has no owner yet: open Shelfmark once, or give --user.")
    return user


def init_app(app: Flask) -> None:
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)
