"""reading history (reads), series, descriptions, copies and loans

A reading's started_on, finished_on and times_read become its reads, so a re-read keeps
its own dates and nothing else stores a count:

- read: one finished read with the reading's dates;
- did not finish: one did-not-finish read with them (finished_on is when it was put down);
- reading: one read in progress from started_on, and, if an earlier finish was recorded
  (finished_on), a finished read on that date;
- want to read: a finished read if a finish date was recorded, a did-not-finish read if
  only a start was (someone who started and shelved it again);
- then undated finished reads until the finished ones number times_read (a reading
  marked read counts once even if times_read said 0).

Every date was a day, so its precision is 'day'. Books get a description (none) and
copies (1: what is catalogued was, until now, what the household has).

Downgrade keeps what the old columns can hold: times_read is the number of finished
reads, the dates are those of the read under way or else the latest dated read; the
dates of earlier reads, series, descriptions, copies and loans go.

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa

from webapp.search import sqlite_index


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_PRECISIONS = "'day', 'month', 'year'"


def upgrade():
    op.create_table(
        "reads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reading_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=14), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("started_precision", sa.String(length=5), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("ended_precision", sa.String(length=5), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('finished', 'did_not_finish', 'in_progress')", name=op.f("ck_reads_outcome")
        ),
        sa.CheckConstraint(f"started_precision IN ({_PRECISIONS})", name=op.f("ck_reads_started_precision")),
        sa.CheckConstraint(f"ended_precision IN ({_PRECISIONS})", name=op.f("ck_reads_ended_precision")),
        sa.CheckConstraint(
            "(started_on IS NULL) = (started_precision IS NULL)", name=op.f("ck_reads_started_has_precision")
        ),
        sa.CheckConstraint(
            "(ended_on IS NULL) = (ended_precision IS NULL)", name=op.f("ck_reads_ended_has_precision")
        ),
        sa.CheckConstraint(
            "outcome != 'in_progress' OR ended_on IS NULL", name=op.f("ck_reads_in_progress_has_no_end")
        ),
        sa.CheckConstraint(
            "ended_precision IS NULL OR ended_precision != 'day' OR started_on IS NULL "
            "OR ended_on >= started_on",
            name=op.f("ck_reads_ended_after_started"),
        ),
        sa.ForeignKeyConstraint(
            ["reading_id"], ["readings.id"], name=op.f("fk_reads_reading_id_readings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reads")),
    )
    op.create_index("ix_reads_reading_id", "reads", ["reading_id"])
    op.create_index("ix_reads_outcome_ended", "reads", ["outcome", "ended_on"])
    op.create_index(
        "uq_reads_one_in_progress",
        "reads",
        ["reading_id"],
        unique=True,
        sqlite_where=sa.text("outcome = 'in_progress'"),
        postgresql_where=sa.text("outcome = 'in_progress'"),
    )

    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("sort_name", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("name", name=op.f("uq_series_name")),
    )
    op.create_index("ix_series_sort_name", "series", ["sort_name"])
    op.create_table(
        "book_series",
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=20), nullable=True),
        sa.Column("position_sort", sa.Float(), nullable=True),
        sa.CheckConstraint(
            "position_sort IS NULL OR position_sort >= 0", name=op.f("ck_book_series_position_not_negative")
        ),
        sa.CheckConstraint(
            "(position IS NULL) = (position_sort IS NULL)", name=op.f("ck_book_series_position_has_sort")
        ),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_book_series_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name=op.f("fk_book_series_series_id_series"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("book_id", "series_id", name=op.f("pk_book_series")),
    )
    op.create_index(
        "ix_book_series_series_position", "book_series", ["series_id", "position_sort", "book_id"]
    )

    op.create_table(
        "loans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("book_id", sa.Integer(), nullable=False),
        sa.Column("borrower", sa.String(length=255), nullable=False),
        sa.Column("lent_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "returned_on IS NULL OR returned_on >= lent_on", name=op.f("ck_loans_returned_after_lent")
        ),
        sa.CheckConstraint("due_on IS NULL OR due_on >= lent_on", name=op.f("ck_loans_due_after_lent")),
        sa.CheckConstraint("length(trim(borrower)) > 0", name=op.f("ck_loans_borrower_named")),
        sa.ForeignKeyConstraint(
            ["book_id"], ["books.id"], name=op.f("fk_loans_book_id_books"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_loans_recorded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loans")),
    )
    op.create_index("ix_loans_book_id", "loans", ["book_id"])
    op.create_index("ix_loans_open", "loans", ["returned_on", "due_on", "lent_on"])

    _suspend_search_triggers()
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("copies", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_check_constraint(op.f("ck_books_copies_not_negative"), "copies >= 0")

    _readings_become_reads()

    op.drop_index("ix_readings_user_finished", table_name="readings")
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_readings_times_read"), type_="check")
        batch_op.drop_constraint(op.f("ck_readings_finished_after_started"), type_="check")
        batch_op.drop_column("times_read")
        batch_op.drop_column("finished_on")
        batch_op.drop_column("started_on")


def _suspend_search_triggers():
    """Batch mode rebuilds ``books`` on SQLite, which the search triggers (made by 0003
    in this same run, perhaps) would refuse; env.py puts them back after the last step."""
    if op.get_bind().dialect.name == "sqlite":
        sqlite_index.suspend_triggers(op.get_bind())


def _readings_become_reads():
    """Set-based: one INSERT … SELECT per case, then one for the undated extra reads."""
    day = "CASE WHEN {0} IS NULL THEN NULL ELSE 'day' END"
    columns = "reading_id, outcome, started_on, started_precision, ended_on, ended_precision, created_at"
    cases = (
        # (outcome, start column, end column, which readings)
        ("finished", "started_on", "finished_on", "status = 'read'"),
        ("did_not_finish", "started_on", "finished_on", "status = 'did_not_finish'"),
        ("in_progress", "started_on", "NULL", "status = 'reading'"),
        ("finished", "NULL", "finished_on", "status = 'reading' AND finished_on IS NOT NULL"),
        ("finished", "started_on", "finished_on", "status = 'want_to_read' AND finished_on IS NOT NULL"),
        (
            "did_not_finish",
            "started_on",
            "NULL",
            "status = 'want_to_read' AND finished_on IS NULL AND started_on IS NOT NULL",
        ),
    )
    for outcome, start, end, which in cases:
        op.execute(
            f"INSERT INTO reads ({columns}) "
            f"SELECT id, '{outcome}', {start}, {day.format(start)}, {end}, {day.format(end)}, updated_at "
            f"FROM readings WHERE {which} ORDER BY id"
        )
    # Then undated finished reads up to times_read. Counted against the finished reads
    # just written, whatever the status: a did-not-finish reading with dates and
    # times_read 1 was finished once before (its own read is not a finished one). In SQL,
    # so the stored updated_at goes across as it is, and at once for every reading.
    op.execute(
        "WITH RECURSIVE counted AS ("
        " SELECT r.id, r.updated_at, r.times_read - (SELECT count(*) FROM reads AS x"
        " WHERE x.reading_id = r.id AND x.outcome = 'finished') AS missing"
        " FROM readings AS r WHERE r.times_read > 0),"
        " n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n"
        " WHERE k < (SELECT coalesce(max(missing), 0) FROM counted)) "
        "INSERT INTO reads (reading_id, outcome, created_at) "
        "SELECT counted.id, 'finished', counted.updated_at FROM counted JOIN n ON n.k <= counted.missing "
        "ORDER BY counted.id, n.k"
    )


def downgrade():
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("finished_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("times_read", sa.Integer(), nullable=False, server_default="0"))

    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT reading_id, outcome, started_on, ended_on FROM reads "
            "ORDER BY reading_id, outcome = 'in_progress', coalesce(ended_on, started_on), id"
        )
    ).all()
    summary = {}
    for reading_id, outcome, started_on, ended_on in rows:
        entry = summary.setdefault(reading_id, {"times": 0, "dates": (None, None)})
        if outcome == "finished":
            entry["times"] += 1
        if started_on is not None or ended_on is not None or outcome == "in_progress":
            entry["dates"] = (started_on, ended_on)  # the last one in the order wins
    # The dates go back as they were read: untyped, since SQLite hands them over as ISO
    # text (which sa.Date would refuse) and PostgreSQL as dates; either compares in order.
    readings = sa.table(
        "readings",
        sa.column("id", sa.Integer),
        sa.column("started_on"),
        sa.column("finished_on"),
        sa.column("times_read", sa.Integer),
    )
    for reading_id, entry in summary.items():
        started_on, finished_on = entry["dates"]
        if started_on and finished_on and finished_on < started_on:
            started_on = None
        connection.execute(
            readings.update()
            .where(readings.c.id == reading_id)
            .values(started_on=started_on, finished_on=finished_on, times_read=entry["times"])
        )

    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.alter_column("times_read", existing_type=sa.Integer(), server_default=None)
        batch_op.create_check_constraint(op.f("ck_readings_times_read"), "times_read >= 0")
        batch_op.create_check_constraint(
            op.f("ck_readings_finished_after_started"),
            "finished_on IS NULL OR started_on IS NULL OR finished_on >= started_on",
        )
    op.create_index("ix_readings_user_finished", "readings", ["user_id", "finished_on"])

    _suspend_search_triggers()
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_books_copies_not_negative"), type_="check")
        batch_op.drop_column("copies")
        batch_op.drop_column("description")
    op.drop_table("loans")
    op.drop_table("book_series")
    op.drop_table("series")
    op.drop_table("reads")
