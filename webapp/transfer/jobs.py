"""Imports started from the pages and the API: stored, previewed, confirmed, run in the
background, cancelled, and found again after the page (or Shelfmark) was closed.

A job goes ``previewing`` -> ``ready`` -> (the person confirms) ``running`` ->
``finished`` or ``cancelled``; or ``failed`` with one line saying why. Everything about
it is in its ImportJob row, so any server worker answers "how far is it?"; the thread
doing the work lives in the process that started it, and proves it is alive by bumping
the row's ``updated_at`` after every batch (its heartbeat). A job whose heartbeat
stopped — Shelfmark was quit, the worker died — is marked failed when next looked at:
what its committed batches wrote stays, and Undo removes it.

The uploaded file is kept in ``<data dir>/imports/<job id>/`` under a name this module
chooses (never the person's), and deleted once nothing needs it any more.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from webapp.extensions import db
from webapp.models import ImportJob, ImportStatus, User
from webapp.models.common import utcnow
from webapp.transfer.engine import run_import
from webapp.transfer.files import UnreadableFile
from webapp.transfer.report import ImportReport
from webapp.transfer.sources import FORMAT_NAMES, Source, detect, source_named

log = logging.getLogger(__name__)

IMPORTS_FOLDER = "imports"
#: Rows per transaction for background imports: small enough that the person's own
#: saves, waiting for the write lock, wait about a second, not several.
BACKGROUND_BATCH = 200
#: A job whose heartbeat is older than this is taken for dead (server mode; on the
#: desktop one process owns the library, so a job it is not running is dead at once).
STALE_AFTER = timedelta(minutes=2)
#: Previews nobody confirmed are forgotten (with their stored file) after this.
UNCONFIRMED_KEPT = timedelta(days=1)
#: Extensions an upload is stored under (sources sniff the content, not the name; the
#: name only helps a person who opens the folder).
STORED_SUFFIXES = {".csv", ".tsv", ".txt", ".zip"}

_threads: dict[int, threading.Thread] = {}
_threads_lock = threading.Lock()


class ImportRefused(ValueError):
    """A file that cannot be imported, or a job in no state for what was asked."""


def imports_dir() -> Path:
    return Path(current_app.config["DATA_DIR"]) / IMPORTS_FOLDER


def job_folder(job_id: int) -> Path:
    return imports_dir() / str(int(job_id))


def stored_file(job: ImportJob) -> Path | None:
    folder = job_folder(job.id)
    if not folder.is_dir():
        return None
    found = sorted(folder.glob("upload*"))
    return found[0] if found else None


def submit(
    user: User, upload: FileStorage, *, format_name: str = "auto", dry_run: bool = False, run: bool = False
) -> ImportJob:
    """Store the file, detect its format and start the preview (and, with ``run``, the
    import straight after it, for the API). Raises ImportRefused with one line for a
    file that is no export we know, before any job exists."""
    if format_name != "auto" and format_name not in FORMAT_NAMES:
        raise ImportRefused(f"Unknown format {format_name!r}: use auto or one of {', '.join(FORMAT_NAMES)}.")
    file_name = Path(upload.filename or "upload").name[:255] or "upload"
    suffix = Path(file_name).suffix.lower()
    incoming = imports_dir() / f"incoming-{secrets.token_hex(8)}"
    incoming.mkdir(parents=True)
    path = incoming / f"upload{suffix if suffix in STORED_SUFFIXES else '.dat'}"
    try:
        upload.save(path)
        source = _source_for(path, format_name)
    except ImportRefused:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    except OSError as problem:
        shutil.rmtree(incoming, ignore_errors=True)
        raise ImportRefused(f"The file could not be stored: {problem.strerror or problem}.") from None
    job = ImportJob(
        user_id=user.id,
        format=source.name,
        file_name=file_name,
        status=ImportStatus.PREVIEWING,
        dry_run=dry_run,
    )
    db.session.add(job)
    db.session.commit()
    job_folder(job.id).parent.mkdir(parents=True, exist_ok=True)
    incoming.rename(job_folder(job.id))
    _start(job.id, "preview+run" if run and not dry_run else "preview")
    return job


def _source_for(path: Path, format_name: str) -> Source:
    try:
        if format_name == "auto":
            return detect(path)
        source = source_named(format_name)
    except UnreadableFile as problem:
        raise ImportRefused(str(problem)) from None
    except ModuleNotFoundError:
        raise ImportRefused(f"The {format_name} importer is not available.") from None
    if not source.sniff(path):
        raise ImportRefused(f"{path.name.replace('upload', 'This file')} is not a {source.label} export.")
    return source


def confirm(job: ImportJob) -> None:
    """The person saw the preview and said go."""
    if job.status != ImportStatus.READY or job.dry_run:
        raise ImportRefused("Only a previewed import that is ready can be started.")
    job.status, job.rows_done, job.started_at = ImportStatus.RUNNING, 0, utcnow()
    db.session.commit()
    _start(job.id, "run")


def cancel(job: ImportJob) -> None:
    """Stop a job at its next batch; a preview waiting for confirmation is dropped."""
    if job.status == ImportStatus.READY:
        job.status, job.finished_at = ImportStatus.CANCELLED, utcnow()
        db.session.commit()
        _forget_file(job.id)
    elif job.status in (ImportStatus.PREVIEWING, ImportStatus.RUNNING):
        job.cancel_requested = True
        db.session.commit()
    else:
        raise ImportRefused(
            f"This import is {ImportStatus(job.status).label.lower()}: there is nothing to cancel."
        )


def wait(job_id: int, timeout: float) -> bool:
    """Block until this process's thread for the job is done (tests, the CLI). False if
    it is still going after ``timeout`` seconds."""
    with _threads_lock:
        thread = _threads.get(job_id)
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


def is_running_here(job_id: int) -> bool:
    with _threads_lock:
        thread = _threads.get(job_id)
    return thread is not None and thread.is_alive()


def notice_interrupted(job: ImportJob) -> ImportJob:
    """Mark a job whose worker is gone as failed, so nobody waits for it forever."""
    if not ImportStatus(job.status).is_active or is_running_here(job.id):
        return job
    desktop = current_app.config.get("MODE") == "desktop"
    if not desktop and job.updated_at > utcnow() - STALE_AFTER:
        return job
    job.status, job.finished_at = ImportStatus.FAILED, utcnow()
    done = f" The first {job.rows_done} rows were imported; Undo removes them." if job.rows_done else ""
    job.error = "Shelfmark stopped before this import finished." + done
    db.session.commit()
    return job


def forget_unconfirmed(user: User) -> None:
    """Previews left waiting for a day are dropped with their files."""
    cutoff = utcnow() - UNCONFIRMED_KEPT
    old = db.session.scalars(
        select(ImportJob).where(
            ImportJob.user_id == user.id,
            ImportJob.status == ImportStatus.READY,
            ImportJob.updated_at < cutoff,
        )
    ).all()
    for job in old:
        job.status, job.finished_at = ImportStatus.CANCELLED, utcnow()
    db.session.commit()
    for job in old:
        _forget_file(job.id)


def report_of(job: ImportJob) -> ImportReport | None:
    return ImportReport.from_json(job.report) if job.report else None


def _start(job_id: int, phases: str) -> None:
    app = current_app._get_current_object()
    thread = threading.Thread(
        target=_work, args=(app, job_id, phases), name=f"shelfmark-import-{job_id}", daemon=True
    )
    with _threads_lock:
        _threads[job_id] = thread
    thread.start()


def _work(app: Flask, job_id: int, phases: str) -> None:
    with app.app_context():
        try:
            if "preview" in phases:
                if not _preview(job_id):
                    return
                if "run" in phases:
                    job = db.session.get(ImportJob, job_id)
                    job.status, job.rows_done, job.started_at = ImportStatus.RUNNING, 0, utcnow()
                    db.session.commit()
            if "run" in phases:
                _run(job_id)
        except Exception:
            log.exception("import %s failed", job_id)
            db.session.rollback()
            _fail(
                job_id, "Shelfmark could not finish this import: this is a bug, and the log has the details."
            )
        finally:
            db.session.remove()
            with _threads_lock:
                _threads.pop(job_id, None)


def _preview(job_id: int) -> bool:
    """The dry run; True when the job goes on (ready, or straight to running)."""
    job = db.session.get(ImportJob, job_id)
    source, path, user = source_named(job.format), stored_file(job), job.user
    try:
        report = run_import(
            source,
            path,
            user,
            data_dir=Path(app_data_dir()),
            dry_run=True,
            job=job,
            batch_size=BACKGROUND_BATCH,
            progress=_heartbeat(job_id),
        )
    except UnreadableFile as problem:
        db.session.rollback()
        _fail(job_id, str(problem))
        return False
    report.header = source.skipped_header(path)
    job = db.session.get(ImportJob, job_id)
    job.report, job.rows_total, job.rows_done = report.to_json(), report.rows, report.rows
    if report.cancelled:
        job.status, job.finished_at = ImportStatus.CANCELLED, utcnow()
    elif job.dry_run:
        job.status, job.finished_at = ImportStatus.FINISHED, utcnow()
    else:
        job.status = ImportStatus.READY
    db.session.commit()
    if job.status != ImportStatus.READY:
        _forget_file(job_id)
    return job.status == ImportStatus.READY


def _run(job_id: int) -> None:
    job = db.session.get(ImportJob, job_id)
    source, path, user = source_named(job.format), stored_file(job), job.user
    header = report_of(job).header if job.report else []
    try:
        report = run_import(
            source,
            path,
            user,
            data_dir=Path(app_data_dir()),
            job=job,
            batch_size=BACKGROUND_BATCH,
            progress=_heartbeat(job_id),
        )
    except UnreadableFile as problem:
        db.session.rollback()
        _fail(job_id, str(problem))
        return
    report.header = header
    job = db.session.get(ImportJob, job_id)
    job.report, job.rows_done, job.finished_at = report.to_json(), report.rows, utcnow()
    job.status = ImportStatus.CANCELLED if report.cancelled else ImportStatus.FINISHED
    db.session.commit()
    _forget_file(job_id)


def _heartbeat(job_id: int):
    """After every batch: publish the rows done, and say whether to go on."""

    def progress(rows_done: int) -> bool:
        db.session.execute(
            update(ImportJob).where(ImportJob.id == job_id).values(rows_done=rows_done, updated_at=utcnow())
        )
        db.session.commit()
        wanted_stop = db.session.scalar(select(ImportJob.cancel_requested).where(ImportJob.id == job_id))
        return not wanted_stop

    return progress


def _fail(job_id: int, message: str) -> None:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return
    job.status, job.error, job.finished_at = ImportStatus.FAILED, message, utcnow()
    db.session.commit()
    _forget_file(job_id)


def _forget_file(job_id: int) -> None:
    shutil.rmtree(job_folder(job_id), ignore_errors=True)


def app_data_dir() -> str:
    return current_app.config["DATA_DIR"]
