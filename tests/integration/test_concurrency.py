"""Sixteen threads on one SQLite file: no "database is locked", no lost writes."""

import sqlite3
import threading

from sqlalchemy import func, select

from tests.integration.migration_helpers import db_file
from webapp.database import read_only
from webapp.extensions import db
from webapp.models import Book, Reading, User

THREADS = 16
ROUNDS = 25


def test_sixteen_threads_write_and_read_without_locks_or_lost_updates(app) -> None:
    with app.app_context():
        user = User(username="ada")
        book = Book(title="Shared counter")
        reading = Reading(user=user, book=book, progress_pages=0)
        db.session.add(reading)
        db.session.commit()
        reading_id = reading.id

    errors: list[BaseException] = []
    inserted = [0] * THREADS
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        try:
            start.wait()
            for round_number in range(ROUNDS):
                with app.app_context():
                    # Read-modify-write in Python: only safe because the transaction
                    # took the write lock at BEGIN (IMMEDIATE); DEFERRED would fail or lose.
                    counter = db.session.get(Reading, reading_id)
                    counter.progress_pages += 1
                    db.session.add(Book(title=f"Thread {index} book {round_number}"))
                    db.session.commit()
                    inserted[index] += 1
                    with read_only():
                        db.session.scalar(select(func.count(Book.id)))
                        db.session.rollback()
                    db.session.remove()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(inserted) == THREADS * ROUNDS
    with app.app_context():
        assert db.session.get(Reading, reading_id).progress_pages == THREADS * ROUNDS
        assert db.session.scalar(select(func.count(Book.id))) == THREADS * ROUNDS + 1
        db.session.remove()
        db.engine.dispose()
    connection = sqlite3.connect(db_file(app))
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
