"""The library and book pages of two checkouts, timed in turns on the same machine.

    .venv/bin/python -m tests.bench.bench_compare --old /tmp/bench-old --old-data DIR1 \\
        --new . --new-data DIR2 [--rounds 5] [--requests 200]

Each checkout's own ``tests.bench.bench_library`` builds its library first (its demo
data as that commit wrote it); this script only times. Every round runs the old tree
and then the new one in a fresh process, each asking the same pages (the same book ids),
so a noisy neighbour slows both alike; the figure per page is the median over rounds of
each round's median, and p95 is over every request. Wall time counts the waits for a
shared core too; the process's CPU time per request (time.process_time) does not, so on a
busy machine the CPU ratio is the one to trust. The showcase book is the new
library's book with several reads, a series and loans (the old page of that id shows
what the old code showed for it).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

LIBRARY_PAGES = {
    "/library (first page)": "/library",
    "/library deep page (title, page 1800)": "/library?page=1800",
    "/library deep page (author, page 1900)": "/library?sort=author&page=1900",
    "/library filtered (status=reading)": "/library?status=reading",
    "/library filtered (ebook, 1990-2000)": "/library?format=ebook&year_from=1990&year_to=2000",
    "/library filtered (shelf 3)": "/library?shelf=3",
    "/library sort by rating": "/library?sort=rating",
    "/library grid view": "/library?view=grid&page=40",
    "/books/<id> (walking the books)": "/books/{book_id}",
    "/books/<id> (several reads, series, loans)": "/books/{showcase}",
}


def child(data_dir: str, requests: int, showcase: int) -> None:
    """Time every page with the checkout in the working directory; JSON on stdout."""
    sys.path.insert(0, str(Path.cwd()))
    from sqlalchemy import select

    from tests.conftest import sign_in
    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import User

    app = create_app({"DATA_DIR": data_dir, "TESTING": True, "MODE": "server"})
    with app.app_context():
        reader = db.session.scalar(select(User).where(User.username == "reader"))
        db.session.expunge(reader)
    client = app.test_client()
    sign_in(client, reader)
    found: dict[str, dict[str, list[float]]] = {}
    for name, template in LIBRARY_PAGES.items():
        times = found.setdefault(name, {"wall": [], "cpu": []})
        for index in range(requests + 20):
            path = template.format(book_id=1 + (index * 7919) % 100_000, showcase=showcase)
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if index >= 20:  # warm-up
                times["wall"].append(elapsed)
                times["cpu"].append(cpu)
    print(json.dumps(found))


def showcase_of(new_tree: Path, data_dir: str) -> int:
    code = (
        "import sys; sys.path.insert(0, '.');"
        "from tests.bench.bench_library import build;"
        f"print(build(__import__('pathlib').Path({data_dir!r}))[2])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=new_tree, check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", help="the older checkout (e.g. a git worktree of 09294e9)")
    parser.add_argument("--old-data", help="its bench library, built by its bench_library")
    parser.add_argument("--new", default=".")
    parser.add_argument("--new-data", help="this checkout's bench library")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--child", nargs=3, metavar=("DATA", "REQUESTS", "SHOWCASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), int(args.child[2]))
        return
    if not (args.old and args.old_data and args.new_data):
        parser.error("--old, --old-data and --new-data are needed")
    showcase = showcase_of(Path(args.new).resolve(), args.new_data)
    script = str(Path(__file__).resolve())
    sides = {"old": (args.old, args.old_data), "new": (args.new, args.new_data)}
    medians: dict[tuple[str, str], dict[str, list[float]]] = {}
    every: dict[tuple[str, str], dict[str, list[float]]] = {}
    for _ in range(args.rounds):
        for side, (tree, data_dir) in sides.items():
            out = subprocess.run(
                [sys.executable, script, "--child", data_dir, str(args.requests), str(showcase)],
                cwd=tree,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            for name, kinds in json.loads(out.splitlines()[-1]).items():
                for kind, times in kinds.items():
                    medians.setdefault((side, kind), {}).setdefault(name, []).append(statistics.median(times))
                    every.setdefault((side, kind), {}).setdefault(name, []).extend(times)
    print(f"showcase book {showcase}; {args.rounds} rounds of {args.requests} requests per page")
    for kind in ("cpu", "wall"):
        print(f"\n{kind} time, ms")
        print(f"{'page':44} {'old':>7} {'new':>7} {'ratio':>6} {'old p95':>8} {'new p95':>8}")
        for name in LIBRARY_PAGES:
            old, new = (statistics.median(medians[side, kind][name]) for side in sides)
            p95 = [_p95(every[side, kind][name]) for side in sides]
            print(f"{name:44} {old:7.1f} {new:7.1f} {new / old:6.2f} {p95[0]:8.1f} {p95[1]:8.1f}")


def _p95(times: list[float]) -> float:
    return sorted(times)[int(len(times) * 0.95) - 1]


if __name__ == "__main__":
    main()
