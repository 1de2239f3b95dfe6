"""Settings → Import and Settings → Export: the pages around webapp.transfer.jobs.

An import is a page of its own (``/settings/import/<id>``) from the moment its file is
stored: it shows the preview, then the progress, then the report, and it is there again
when the person comes back after closing it. Without JavaScript the page refreshes
itself while the job is working; with it, import.js polls the progress and draws the bar.
Each person sees only their own imports (another's id is a 404, as if it did not exist).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from webapp.extensions import db
from webapp.models import ImportJob, ImportStatus
from webapp.models.common import utcnow
from webapp.transfer import jobs
from webapp.transfer.forms import ConfirmForm, ImportForm
from webapp.transfer.skipped_file import skipped_file_name, skipped_rows_file
from webapp.transfer.sources import source_named
from webapp.transfer.undo import UndoRefused, undo_import

bp = Blueprint("transfer", __name__)
#: Imports listed on the import page.
RECENT_IMPORTS = 20


@bp.before_request
@login_required
def _signed_in_only() -> None:
    """Imports and exports are the signed-in person's."""


def _own_job(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return jobs.notice_interrupted(job)


def _recent_jobs() -> list[ImportJob]:
    jobs.forget_unconfirmed(current_user)
    found = db.session.scalars(
        select(ImportJob)
        .where(ImportJob.user_id == current_user.id)
        .order_by(ImportJob.created_at.desc(), ImportJob.id.desc())
        .limit(RECENT_IMPORTS)
    ).all()
    return [jobs.notice_interrupted(job) for job in found]


@bp.get("/import")
def import_page() -> str:
    return _import_page(ImportForm())


def _import_page(form: ImportForm, status: int = 200):
    page = render_template(
        "transfer/import.html",
        form=form,
        recent=_recent_jobs(),
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
    )
    return page if status == 200 else (page, status)


@bp.post("/import")
def start_import() -> Response | tuple[str, int]:
    form = ImportForm()
    if not form.validate_on_submit():
        return _import_page(form, 422)
    try:
        job = jobs.submit(current_user._get_current_object(), form.file.data, format_name=form.format.data)
    except jobs.ImportRefused as problem:
        form.file.errors.append(str(problem))
        return _import_page(form, 422)
    return redirect(url_for("transfer.import_job", job_id=job.id))


@bp.get("/import/<int:job_id>")
def import_job(job_id: int) -> str:
    job = _own_job(job_id)
    report = jobs.report_of(job)
    return render_template(
        "transfer/import_job.html",
        job=job,
        status=ImportStatus(job.status),
        report=report,
        progress=progress_of(job),
        form=ConfirmForm(),
        source_label=_source_label(job.format),
    )


def _source_label(name: str) -> str:
    try:
        return source_named(name).label
    except (KeyError, ModuleNotFoundError):
        return name


def progress_of(job: ImportJob) -> dict:
    """What the progress bar shows; the API's ``progress`` too."""
    status = ImportStatus(job.status)
    started = job.started_at if status == ImportStatus.RUNNING else job.created_at
    per_second = None
    if status.is_active and started and job.rows_done:
        elapsed = (utcnow() - started).total_seconds()
        per_second = round(job.rows_done / elapsed, 1) if elapsed > 0 else None
    total = job.rows_total if status == ImportStatus.RUNNING else None
    return {
        "status": status.value,
        "label": status.label,
        "phase": "preview" if status == ImportStatus.PREVIEWING else "import",
        "done": job.rows_done,
        "total": total,
        "rows_per_second": per_second,
        "active": status.is_active,
        "error": job.error,
    }


@bp.get("/import/<int:job_id>/progress")
def import_progress(job_id: int) -> Response:
    return jsonify(progress_of(_own_job(job_id)))


def _checked_post(job_id: int) -> ImportJob:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return _own_job(job_id)


@bp.post("/import/<int:job_id>/confirm")
def confirm_import(job_id: int) -> Response:
    job = _checked_post(job_id)
    try:
        jobs.confirm(job)
    except jobs.ImportRefused as problem:
        flash(str(problem), "error")
    return redirect(url_for("transfer.import_job", job_id=job_id))


@bp.post("/import/<int:job_id>/cancel")
def cancel_import(job_id: int) -> Response:
    job = _checked_post(job_id)
    try:
        jobs.cancel(job)
    except jobs.ImportRefused as problem:
        flash(str(problem), "error")
    else:
        flash("Cancelling: what was imported before the cancel stays, and Undo removes it.", "info")
    return redirect(url_for("transfer.import_job", job_id=job_id))


@bp.post("/import/<int:job_id>/undo")
def undo(job_id: int) -> Response:
    job = _checked_post(job_id)
    try:
        result = undo_import(job, data_dir=Path(current_app.config["DATA_DIR"]))
    except UndoRefused as problem:
        db.session.rollback()
        flash(str(problem), "error")
    else:
        flash(result.summary(), "info")
    return redirect(url_for("transfer.import_job", job_id=job_id))


@bp.get("/import/<int:job_id>/skipped")
def skipped_rows(job_id: int) -> Response:
    job = _own_job(job_id)
    report = jobs.report_of(job)
    if report is None or not report.skipped:
        abort(404)
    return Response(
        skipped_rows_file(report),
        mimetype="text/csv",
        headers={"Content-Disposition": _attachment(skipped_file_name(report, job.file_name))},
    )


def _attachment(name: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    return f'attachment; filename="{safe}"'


@bp.get("/export")
def export_page() -> str:
    from webapp.transfer.export import EXPORT_FORMATS

    return render_template(
        "transfer/export.html", formats=EXPORT_FORMATS, may_export_everything=may_export_everything()
    )


def may_export_everything() -> bool:
    """Desktop: the whole library. Server: administrators may take everyone's."""
    return current_app.config.get("MODE") == "desktop" or bool(current_user.is_admin)


@bp.get("/export/<format_name>")
def download_export(format_name: str) -> Response:
    from webapp.transfer.export import EXPORT_FORMATS

    if format_name not in EXPORT_FORMATS:
        abort(404)
    everything = may_export_everything() and (
        current_app.config.get("MODE") == "desktop" or request.args.get("everyone") == "1"
    )
    return export_response(format_name, current_user._get_current_object(), everything=everything)


def export_response(format_name: str, user, *, everything: bool) -> Response:
    """The export as a download. It is written to a temporary file first (a zip cannot
    be streamed while it is being built), then streamed from it and the file removed;
    the generator opens it itself, so a response nobody reads leaves no open file."""
    from webapp.transfer.export import export_file_name, media_type, write_export

    handle, name = tempfile.mkstemp(prefix="shelfmark-export-")
    path = Path(name)
    try:
        with os.fdopen(handle, "wb") as spool:
            write_export(
                format_name, spool, user, everything=everything, data_dir=Path(current_app.config["DATA_DIR"])
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise

    def chunks():
        try:
            with path.open("rb") as stream:
                while chunk := stream.read(64 * 1024):
                    yield chunk
        finally:
            path.unlink(missing_ok=True)

    response = Response(chunks(), mimetype=media_type(format_name), direct_passthrough=True)
    response.headers["Content-Disposition"] = _attachment(export_file_name(format_name))
    response.headers["Content-Length"] = str(path.stat().st_size)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    app.register_blueprint(bp, url_prefix="/settings")
