"""The dashboard and profile on a big demo library: server time per request.

Builds a demo library (100,000 books by default; the owner has about 40,000 readings and
the demo's posts), then times GET /dashboard and GET /user/reader through Flask's test
client (no network, so this is the app's and the database's time): median and p95 over
50 requests after 3 warm-up requests.

    .venv/bin/python -m tests.bench.bench_dashboard [--books 100000] [--requests 50]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date

from sqlalchemy import select

from tests.conftest import sign_in
from webapp import create_app
from webapp.demo import generate_library
from webapp.extensions import db
from webapp.models import Reading, ReadingGoal, User
from webapp.schema_upgrade import upgrade_with_backup


def timed(client, path: str, requests: int) -> tuple[float, float]:
    for _ in range(3):
        assert client.get(path).status_code == 200
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        answer = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"DATA_DIR": data_dir, "MODE": "server"})
        upgrade_with_backup(app)
        with app.app_context():
            start = time.perf_counter()
            summary = generate_library(db.session, size=args.books, today=date.today())
            built = time.perf_counter() - start
            reader = db.session.scalar(select(User).where(User.username == "reader"))
            db.session.add(ReadingGoal(user_id=reader.id, year=date.today().year, target_books=52))
            db.session.commit()
            readings = len(db.session.scalars(select(Reading.id).where(Reading.user_id == reader.id)).all())
            db.session.expunge(reader)
        client = app.test_client()
        sign_in(client, reader)
        print(f"demo library: {summary.books} books, {readings} readings of the owner, {summary.posts} posts")
        print(f"  built in {built:.1f} s")
        for path in ("/dashboard", "/user/reader", "/journal"):
            median, p95 = timed(client, path, args.requests)
            print(f"GET {path:<14} median {median:6.1f} ms   p95 {p95:6.1f} ms   ({args.requests} requests)")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
