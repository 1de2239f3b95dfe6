"""The preview is a dry run in batches, each rolled back: its counts must still be the
import's, even when an author, series or shelf recurs across batches, or a book is
listed twice in one file."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.bench.bench_import import HEADER, goodreads_row, write_export
from tests.conftest import make_user
from webapp.extensions import db
from webapp.models import User
from webapp.transfer.engine import run_import
from webapp.transfer.sources import source_named

ROWS = 60
BATCH = 7


def imported(app, path: Path, *, dry_run: bool) -> dict:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "reader"))
        report = run_import(
            source_named("goodreads"),
            path,
            user,
            data_dir=Path(app.config["DATA_DIR"]),
            dry_run=dry_run,
            batch_size=BATCH,
        )
        return {"created": report.created, "matched": report.matched, "skipped": len(report.skipped)}


def test_the_preview_counts_what_the_import_then_does_across_batches(app, tmp_path) -> None:
    make_user(app, "reader")
    export = tmp_path / "goodreads_library_export.csv"
    write_export(export, ROWS)
    preview = imported(app, export, dry_run=True)
    done = imported(app, export, dry_run=False)
    assert preview == done
    assert done["created"]["books"] == ROWS
    # Authors recur in the generated file: fewer authors than books, counted once.
    assert 0 < done["created"]["authors"] < ROWS


def test_a_book_listed_twice_is_previewed_as_one_book_and_one_match(app, tmp_path) -> None:
    import random

    make_user(app, "reader")
    rng = random.Random(7)
    rows = [goodreads_row(number, rng) for number in range(1, 10)]
    export = tmp_path / "twice.csv"
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
        writer.writerow(rows[0])  # the same book again, in a later batch
    preview = imported(app, export, dry_run=True)
    done = imported(app, export, dry_run=False)
    assert preview["created"]["books"] == done["created"]["books"] == 9
    assert preview["matched"] == done["matched"] == 1


def test_a_value_too_long_for_its_column_skips_its_row_on_both_databases(any_db_app, tmp_path) -> None:
    """An author name longer than its column (PostgreSQL refuses it, SQLite would store
    it): the row is skipped on both with the same reason, and the rest stays."""
    import random

    app = any_db_app
    make_user(app, "reader")
    rng = random.Random(3)
    rows = [goodreads_row(number, rng) for number in range(1, 4)]
    rows[1][HEADER.index("Author")] = "A" * 300
    export = tmp_path / "long-author.csv"
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows(rows)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "reader"))
        report = run_import(source_named("goodreads"), export, user, data_dir=Path(app.config["DATA_DIR"]))
    assert report.created["books"] == 2
    assert [(entry["row"], entry["reason"]) for entry in report.skipped] == [
        (3, "An author's name is longer than 255 characters.")
    ]
