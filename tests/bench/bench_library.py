"""Server time of the library pages on a 100,000-book library (deterministic demo data).

    .venv/bin/python -m tests.bench.bench_library [--requests 300] [--data-dir DIR]

Builds the library once in DIR (default: a temporary folder): 100,000 books and posts,
one read per reading plus 20,000 re-reads, series, descriptions, copies and loans. Then
times each page through the Flask test client with time.perf_counter per request, after a
warm-up. Prints median and p95 per page; the target is p95 under 25 ms.

``/books/<id>`` walks through the books (most have one reading or none); the showcase
row is one book with several reads, a series and loans, the heaviest book page there is.
To compare with an older commit, run that commit's copy of this script on the same
machine (see tests/bench/README.md).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import sign_in
from webapp import create_app
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.models import BookSeries, Loan, Read, Reading, User
from webapp.schema_upgrade import upgrade_with_backup

PAGES = {
    "/library (first page)": "/library",
    "/library deep page (title, page 1800 of 2000)": "/library?page=1800",
    "/library deep page (author, page 1900)": "/library?sort=author&page=1900",
    "/library filtered (status=reading)": "/library?status=reading",
    "/library filtered (format=ebook, 1990-2000)": "/library?format=ebook&year_from=1990&year_to=2000",
    "/library filtered (shelf 3)": "/library?shelf=3",
    "/library sort by rating (first page)": "/library?sort=rating",
    "/library grid view": "/library?view=grid&page=40",
    "/books/<id>": "/books/{book_id}",
    "/books/<id> (several reads, series, loans)": "/books/{showcase}",
}
REREADS = 20_000


def build(data_dir: Path):
    app = create_app({"DATA_DIR": str(data_dir), "TESTING": True, "MODE": "server"})
    upgrade_with_backup(app)
    with app.app_context():
        if db.session.scalar(select(User.id).limit(1)) is None:
            started = time.perf_counter()
            generate_library(db.session, size=100_000, posts=100_000, rereads=REREADS)
            print(f"built the 100,000-book library in {time.perf_counter() - started:.1f} s")
        reader = db.session.scalar(select(User).where(User.username == "reader"))
        db.session.expunge(reader)
        showcase = showcase_book(reader.id)
        reads = db.session.scalar(select(func.count(Read.id)))
        readings = db.session.scalar(select(func.count(Reading.id)))
        print(f"{readings} readings, {reads} reads; showcase book {showcase}")
    return app, reader, showcase


def showcase_book(reader_id: int) -> int:
    """The reader's book in a series, with loans, that has the most reads."""
    reads = func.count(func.distinct(Read.id))
    book_id = db.session.scalar(
        select(Reading.book_id)
        .join(Read, Read.reading_id == Reading.id)
        .join(BookSeries, BookSeries.book_id == Reading.book_id)
        .join(Loan, Loan.book_id == Reading.book_id)
        .where(Reading.user_id == reader_id)
        .group_by(Reading.book_id)
        .order_by(reads.desc(), Reading.book_id)
        .limit(1)
    )
    assert book_id is not None, "the demo library has no book with reads, a series and loans"
    return book_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp()) / "data"
    app, reader, showcase = build(data_dir)
    client = app.test_client()
    sign_in(client, reader)
    print(f"{'page':50} {'median ms':>10} {'p95 ms':>8}")
    for name, template in PAGES.items():
        times = []
        for index in range(args.requests + 20):
            path = template.format(book_id=1 + (index * 7919) % 100_000, showcase=showcase)
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if index >= 20:  # warm-up
                times.append(elapsed)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{name:50} {statistics.median(times):10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
