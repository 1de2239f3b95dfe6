from __future__ import annotations

from apiflask import Schema
from apiflask.fields import Boolean, Dict, File, Float, Integer, List, Nested, String
from apiflask.validators import OneOf

from webapp.api.pagination import PageQuery
from webapp.api.schemas.common import Timestamp
from webapp.transfer.sources import FORMAT_NAMES


class ImportIn(Schema):
    file = File(required=True, metadata={"description": "The export file (CSV, TSV or Shelfmark's .zip)."})
    format = String(
        load_default="auto",
        validate=OneOf(["auto", *FORMAT_NAMES]),
        metadata={"description": "Which app made the file; `auto` detects it."},
    )
    dry_run = Boolean(
        load_default=False,
        metadata={"description": "Only the preview: report what would happen, write nothing."},
    )


class ImportProgress(Schema):
    phase = String(required=True, metadata={"description": "`preview` (reading the file) or `import`."})
    done = Integer(required=True, metadata={"description": "Rows done so far."})
    total = Integer(
        allow_none=True, metadata={"description": "Rows in the file, once the preview counted them."}
    )
    rows_per_second = Float(allow_none=True)


class ImportOut(Schema):
    id = Integer(required=True)
    status = String(
        required=True,
        metadata={"description": "previewing, ready, running, finished, cancelled, failed or undone."},
    )
    format = String(required=True)
    file_name = String(required=True)
    dry_run = Boolean(required=True)
    progress = Nested(ImportProgress, required=True)
    report = Dict(
        allow_none=True,
        metadata={
            "description": "What the import did (a dry run: would do): `format`, `rows`, `created` (counts "
            "by kind), `matched`, `updated`, `skipped` [{row, reason}], `warnings` [{row, message}], "
            "`cancelled`. Empty until the preview is done."
        },
    )
    error = String(allow_none=True, metadata={"description": "Why it failed, for a person."})
    created_at = Timestamp(required=True)
    started_at = Timestamp(allow_none=True)
    finished_at = Timestamp(allow_none=True)


class UndoOut(Schema):
    removed = Dict(keys=String(), values=Integer(), required=True)
    kept = List(
        String(), required=True, metadata={"description": "What was kept and why, one sentence each."}
    )


class ImportQuery(PageQuery):
    pass


class ExportQuery(Schema):
    everyone = Boolean(
        load_default=False,
        metadata={"description": "Server mode, administrators: every member's readings and posts."},
    )
