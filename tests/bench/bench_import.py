"""Importing a generated Goodreads export: rows per second and peak memory, by size.

For each size (10,000 and 100,000 rows by default) a Goodreads library export is written
as Goodreads writes it (``="…"`` ISBNs, series in titles, shelves, reviews on one row in
ten, re-reads), then imported into an empty library by ``flask import``'s engine, in a
child process of its own so that its peak RSS is that import's alone. Baselines from the
same run: a child that only starts the app and reads the same file with the csv module
(the floor for reading it), and the import's peak RSS minus that child's (what the
import itself holds; streamed, it must not grow with the file).

    .venv/bin/python -m tests.bench.bench_import [--rows 10000 100000] [--batch 500]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from webapp.isbn import isbn13_check_digit

HEADER = [
    "Book Id", "Title", "Author", "Author l-f", "Additional Authors", "ISBN", "ISBN13", "My Rating",
    "Average Rating", "Publisher", "Binding", "Number of Pages", "Year Published",
    "Original Publication Year", "Date Read", "Date Added", "Bookshelves", "Bookshelves with positions",
    "Exclusive Shelf", "My Review", "Spoiler", "Private Notes", "Read Count", "Owned Copies",
]  # fmt: skip
WORDS = ("night", "river", "glass", "empire", "winter", "silent", "crown", "garden", "iron", "ocean")
SHELVES = ("fantasy", "science-fiction", "favourites", "book-club", "owned", "classics")
BINDINGS = ("Paperback", "Hardcover", "Kindle Edition", "Audible Audio", "Mass Market Paperback")


def goodreads_row(number: int, rng: random.Random) -> list[str]:
    """One book as Goodreads exports it; every tenth is part of a series, and ISBNs are
    unique (made from the row number) so each row is a new book."""
    first12 = f"978{number:09d}"
    isbn13 = first12 + isbn13_check_digit(first12)
    title = " ".join(rng.choice(WORDS).title() for _ in range(rng.randint(1, 4))) + f" {number}"
    if number % 10 == 0:
        title += f" (The {rng.choice(WORDS).title()} Cycle, #{number % 7 + 1})"
    author = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}son"
    shelf = rng.choice(("read", "read", "to-read", "currently-reading"))
    read = shelf == "read"
    finished = f"{rng.randint(2005, 2025)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}" if read else ""
    review = ("A <b>fine</b> book.<br/>" + " ".join(rng.choices(WORDS, k=60))) if number % 10 == 3 else ""
    return [
        str(1_000_000 + number),
        title,
        author,
        ", ".join(reversed(author.split())),
        "",
        '=""',
        f'="{isbn13}"',
        str(rng.randint(0, 5) if read else 0),
        f"{rng.uniform(3, 4.8):.2f}",
        "Bench Press",
        rng.choice(BINDINGS),
        str(rng.randint(90, 900)),
        str(rng.randint(1950, 2025)),
        str(rng.randint(1800, 2025)),
        finished,
        f"{rng.randint(2010, 2025)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}",
        ", ".join(rng.sample(SHELVES, k=rng.randint(0, 2)) + ([] if shelf == "read" else [shelf])),
        "",
        shelf,
        review,
        "",
        "",
        str(rng.choice((1, 1, 1, 2, 3)) if read else 0),
        str(rng.choice((0, 1, 1, 2))),
    ]


def write_export(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        for number in range(1, rows + 1):
            writer.writerow(goodreads_row(number, rng))


def child(mode: str, export: Path, data_dir: Path, batch: int) -> None:
    """Runs in its own process: start the app, then read or import; print JSON."""
    from webapp import create_app
    from webapp.extensions import db
    from webapp.schema_upgrade import upgrade_with_backup

    app = create_app({"DATA_DIR": str(data_dir), "MODE": "server"})
    upgrade_with_backup(app)
    started = time.perf_counter()
    result: dict[str, object] = {}
    if mode == "read":
        with export.open(newline="", encoding="utf-8") as stream:
            result["rows"] = sum(1 for _ in csv.reader(stream)) - 1
    else:
        from webapp.models import User
        from webapp.transfer.engine import run_import
        from webapp.transfer.sources import detect

        with app.app_context():
            user = User(username="reader", display_name="Reader")
            db.session.add(user)
            db.session.commit()
            report = run_import(detect(export), export, user, data_dir=data_dir, batch_size=batch)
            result.update(rows=report.rows, created=report.created, skipped=len(report.skipped))
            db.session.remove()
    result["seconds"] = time.perf_counter() - started
    result["max_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps(result))


def run_child(mode: str, export: Path, data_dir: Path, batch: int) -> dict:
    command = [sys.executable, "-m", "tests.bench.bench_import", "--child", mode, str(export), str(data_dir)]
    answer = subprocess.run(
        [*command, "--batch", str(batch)],
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode != 0:
        raise SystemExit(f"{mode} child failed:\n{answer.stderr[-3000:]}")
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "EXPORT", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, export, data_dir = args.child
        child(mode, Path(export), Path(data_dir), args.batch)
        return
    with tempfile.TemporaryDirectory() as folder:
        for rows in args.rows:
            export = Path(folder) / f"goodreads_library_export_{rows}.csv"
            write_export(export, rows)
            size_mib = export.stat().st_size / 2**20
            floor = run_child("read", export, Path(folder) / f"floor-{rows}", args.batch)
            done = run_child("import", export, Path(folder) / f"import-{rows}", args.batch)
            rate = done["rows"] / done["seconds"]
            grown = (done["max_rss_kib"] - floor["max_rss_kib"]) / 1024
            print(f"{rows:>7,} rows ({size_mib:.1f} MiB), batches of {args.batch}")
            floor_rss, done_rss = floor["max_rss_kib"] / 1024, done["max_rss_kib"] / 1024
            print(f"  csv module alone : {floor['seconds']:7.2f} s   peak RSS {floor_rss:6.1f} MiB")
            print(
                f"  import           : {done['seconds']:7.2f} s   peak RSS {done_rss:6.1f} MiB"
                f"   {rate:,.0f} rows/s   {done['seconds'] / floor['seconds']:.0f}x the csv read"
            )
            print(f"  import's own peak memory above the floor: {grown:.1f} MiB")
            print(f"  created {done['created']}, skipped {done['skipped']}")


if __name__ == "__main__":
    main()
