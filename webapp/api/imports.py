"""``/imports`` and ``/exports``: the pages' import and export, for scripts.

``POST /imports`` stores the file and answers 202 at once with the job's Location; the
job previews the file and (unless ``dry_run``) imports it straight after, in the
background, as the import page does once a person confirms. ``GET`` it for the
progress and the report. ``DELETE`` undoes a finished import. Each caller sees only
their own imports. Exports stream a file; since an export holds everything a person
has written, it asks for the write scope, like changes do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select

from webapp.api import bp
from webapp.api.auth import caller
from webapp.api.errors import abort, field_error
from webapp.api.pagination import page_of, paginate
from webapp.api.records import get_or_404
from webapp.api.schemas.imports import ExportQuery, ImportIn, ImportOut, ImportQuery, UndoOut
from webapp.extensions import db
from webapp.models import ApiScope, ImportJob
from webapp.transfer import jobs
from webapp.transfer.export import EXPORT_FORMATS
from webapp.transfer.pages import export_response, progress_of
from webapp.transfer.undo import UndoRefused, undo_import

TAGS = ["Imports and exports"]
NO_IMPORT = {404: "You have no import with this id."}


def import_out(job: ImportJob) -> dict[str, Any]:
    report = jobs.report_of(job)
    return {
        "id": job.id,
        "status": job.status,
        "format": job.format,
        "file_name": job.file_name,
        "dry_run": job.dry_run,
        "progress": progress_of(job),
        "report": report.as_dict() if report else None,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def _own_import(import_id: int) -> ImportJob:
    job = get_or_404(ImportJob, import_id, "import")
    if job.user_id != caller().user_id:
        abort(404, f"There is no import with id {import_id}.")
    return jobs.notice_interrupted(job)


@bp.post("/imports")
@bp.input(ImportIn, location="form_and_files", arg_name="data")
@bp.output(ImportOut, status_code=202, description="Accepted: the file is stored; Location names the job.")
@bp.doc(
    tags=TAGS,
    summary="Import an export file",
    description="Send the file as multipart/form-data (`file`, optional `format` and `dry_run`).",
    responses={
        413: "The file is larger than the import limit.",
        422: "The file is no export Shelfmark knows (`file` says what it is not).",
    },
)
def create_import(data: dict[str, Any]):
    try:
        job = jobs.submit(
            caller().user, data["file"], format_name=data["format"], dry_run=data["dry_run"], run=True
        )
    except jobs.ImportRefused as problem:
        field_error("file", str(problem), location="files")
    return import_out(job), 202, {"Location": url_for("api.get_import", import_id=job.id, _external=True)}


@bp.get("/imports")
@bp.input(ImportQuery, location="query", arg_name="query")
@bp.output(page_of(ImportOut))
@bp.doc(tags=TAGS, summary="Your imports, newest first")
def list_imports(query: dict[str, Any]):
    statement = (
        select(ImportJob)
        .where(ImportJob.user_id == caller().user_id)
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
    )
    body, headers = paginate(statement, query["page"], query["per_page"])
    body["items"] = [import_out(jobs.notice_interrupted(job)) for job in body["items"]]
    return body, 200, headers


@bp.get("/imports/<int:import_id>")
@bp.output(ImportOut)
@bp.doc(tags=TAGS, summary="One import: status, progress and report", responses=NO_IMPORT)
def get_import(import_id: int):
    return import_out(_own_import(import_id))


@bp.post("/imports/<int:import_id>/cancel")
@bp.output(ImportOut, status_code=202, description="The job stops after its current batch.")
@bp.doc(tags=TAGS, summary="Cancel an import", responses={**NO_IMPORT, 409: "It is not running."})
def cancel_import(import_id: int):
    job = _own_import(import_id)
    try:
        jobs.cancel(job)
    except jobs.ImportRefused as problem:
        abort(409, str(problem))
    return import_out(job), 202


@bp.delete("/imports/<int:import_id>")
@bp.output(UndoOut, description="Undone: what was removed, and what was kept and why.")
@bp.doc(
    tags=TAGS,
    summary="Undo a finished import",
    responses={**NO_IMPORT, 409: "It is still running, was a dry run, or was undone already."},
)
def undo_import_call(import_id: int):
    job = _own_import(import_id)
    try:
        result = undo_import(job, data_dir=Path(current_app.config["DATA_DIR"]))
    except UndoRefused as problem:
        db.session.rollback()
        abort(409, str(problem))
    return result.as_dict()


@bp.get("/exports/<format_name>")
@bp.input(ExportQuery, location="query", arg_name="query")
@bp.doc(
    tags=TAGS,
    summary="Download an export",
    description="`shelfmark` (a .zip with library.json and the covers), `goodreads` (Goodreads' CSV) or "
    "`csv` (the catalogue for a spreadsheet). Needs a key with the write scope.",
    responses={
        200: {"description": "The file.", "content": {"application/zip": {}, "text/csv": {}}},
        403: "The key may only read, or `everyone` was asked by a member.",
        404: "No such format.",
    },
)
def download_export(format_name: str, query: dict[str, Any]):
    who = caller()
    if ApiScope.WRITE not in who.scopes:
        abort(403, "An export holds everything you have written: it needs a key with the write scope.")
    if format_name not in EXPORT_FORMATS:
        abort(404, f"There is no export format {format_name!r}: use one of {', '.join(EXPORT_FORMATS)}.")
    user = who.user
    desktop = current_app.config.get("MODE") == "desktop"
    if query["everyone"] and not (desktop or user.is_admin):
        abort(403, "Only an administrator may export every member's readings and posts.")
    return export_response(format_name, user, everything=desktop or query["everyone"])
