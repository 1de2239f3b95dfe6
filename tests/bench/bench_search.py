"""Full-text search against a naive LIKE search, on 100,000 books and 100,000 posts.

Figures: latency (median, p95) of ``search_library`` over a fixed set of 200 queries
(single words, two words, prefixes, author names, ISBNs), the same queries answered by
a naive ``LIKE '%…%'`` search over the same tables in the same run, the index's size
on disk, the time to rebuild it, and the time the demo library takes to write
(``generate_library``, index refilled once at the end). Run from the project root:

    .venv/bin/python -m tests.bench.bench_search [--books 100000] [--posts 100000] [--fresh]

The library is written once into a cache folder (``--cache-dir``, by default in the
system's temporary folder) keyed by the sizes and a hash of the code that shapes it (the
demo generator, the migrations, the index's SQL), so a second run skips the minutes of
generation and reports the generation time measured when the cache was built.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from webapp import create_app
from webapp.database import read_only
from webapp.demo import ADJECTIVES, LAST_NAMES, NOUNS, demo_isbn13, generate_library
from webapp.extensions import db
from webapp.isbn import isbn13_to_isbn10
from webapp.models import User
from webapp.schema_upgrade import upgrade_with_backup
from webapp.search import rebuild_index, search_library
from webapp.search.query import split_words

ROOT = Path(__file__).resolve().parents[2]
#: The code whose changes make a cached library stale.
SHAPING_CODE = ("webapp/demo.py", "webapp/search/sqlite_index.py", "webapp/migrations/versions")
BODY_WORDS = ("prose", "ending", "memory", "chapters", "reading", "pages", "quiet", "translation")


def fixed_queries(books: int, author_names: list[str]) -> list[str]:
    """200 queries, the same every run: 50 words, 40 pairs, 40 prefixes, 40 authors, 30 ISBNs."""
    rng = random.Random(6)
    vocabulary = [*ADJECTIVES, *NOUNS, *BODY_WORDS]
    queries = [rng.choice(vocabulary).lower() for _ in range(50)]
    queries += [f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}" for _ in range(40)]
    queries += [rng.choice(vocabulary)[: rng.randrange(3, 6)].lower() for _ in range(40)]
    queries += [rng.choice(author_names) for _ in range(30)] + [rng.choice(LAST_NAMES) for _ in range(10)]
    for index in range(30):
        isbn = demo_isbn13(rng.randrange(1, books + 1))
        if index % 3 == 0:
            queries.append(f"{isbn[:3]}-{isbn[3]}-{isbn[4:7]}-{isbn[7:12]}-{isbn[12]}")
        elif index % 3 == 1:
            queries.append(isbn13_to_isbn10(isbn))
        else:
            queries.append(isbn)
    return queries


def like_search(query: str, viewer_id: int) -> int:
    """The naive way: every word LIKE '%word%' in any searched column, books and posts."""
    words = split_words(query.replace("-", "")) or [query]
    book_clauses, post_clauses, params = [], [], {"viewer": viewer_id}
    for index, word in enumerate(words):
        params[f"w{index}"] = f"%{word}%"
        book_clauses.append(
            f"(b.title LIKE :w{index} OR b.subtitle LIKE :w{index} OR b.publisher LIKE :w{index} "
            f"OR b.isbn13 LIKE :w{index} OR b.isbn10 LIKE :w{index} OR EXISTS (SELECT 1 FROM "
            f"book_authors ba JOIN authors a ON a.id = ba.author_id WHERE ba.book_id = b.id "
            f"AND a.name LIKE :w{index}))"
        )
        post_clauses.append(f"(p.title LIKE :w{index} OR p.body LIKE :w{index})")
    books = " AND ".join(book_clauses)
    posts = " AND ".join(post_clauses)
    session = db.session
    total = session.execute(
        text(
            f"SELECT (SELECT count(*) FROM books b WHERE {books}) + (SELECT count(*) FROM posts p "
            f"WHERE (p.visibility = 'shared' OR p.author_id = :viewer) AND {posts})"
        ),
        params,
    ).scalar_one()
    session.execute(
        text(
            f"SELECT 'book', b.id, b.title FROM books b WHERE {books} UNION ALL "
            f"SELECT 'post', p.id, p.title FROM posts p WHERE (p.visibility = 'shared' "
            f"OR p.author_id = :viewer) AND {posts} LIMIT 20"
        ),
        params,
    ).all()
    return total


def code_hash() -> str:
    digest = hashlib.sha256()
    for name in SHAPING_CODE:
        path = ROOT / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:12]


def cached_library(cache_dir: Path, books: int, posts: int, fresh: bool) -> tuple[Flask, float]:
    """An app on the cached library (written first if missing), and its generation time."""
    folder = cache_dir / f"search-{books}-{posts}-{code_hash()}"
    ready = folder / "ready.json"
    if fresh and folder.exists():
        for file in folder.iterdir():
            if file.is_file():
                file.unlink()
    if ready.exists():
        app = create_app({"DATA_DIR": str(folder), "TESTING": True, "MODE": "server"})
        return app, json.loads(ready.read_text())["generated_s"]
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "MODE": "server"})
    upgrade_with_backup(app)
    with app.app_context():
        started = time.perf_counter()
        generate_library(db.session, size=books, posts=posts)
        generated = time.perf_counter() - started
        db.session.remove()
    ready.write_text(json.dumps({"generated_s": generated}))
    return app, generated


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "shelfmark-bench")
    parser.add_argument("--fresh", action="store_true", help="write the library again")
    args = parser.parse_args()
    app, generated = cached_library(args.cache_dir, args.books, args.posts, args.fresh)
    with app.app_context():
        viewer = db.session.get(User, 1)
        author_names = list(db.session.scalars(text("SELECT name FROM authors ORDER BY id")))
        queries = fixed_queries(args.books, author_names)
        db.session.commit()

        started = time.perf_counter()
        with db.engine.begin() as connection:
            rebuild_index(connection)
        rebuilt = time.perf_counter() - started
        page_size = db.session.execute(text("PRAGMA page_size")).scalar_one()
        pages = db.session.execute(text("PRAGMA page_count")).scalar_one()
        free = db.session.execute(text("PRAGMA freelist_count")).scalar_one()
        index_bytes = db.session.execute(
            text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%'")
        ).scalar_one()
        db.session.commit()

        with read_only():
            for query in queries[:20]:  # warm the page cache for both
                search_library(query, viewer)
                like_search(query, viewer.id)
            fts = [timed(lambda q=query: search_library(q, viewer)) for query in queries]
            db.session.commit()
            like = [timed(lambda q=query: like_search(q, viewer.id)) for query in queries]
            db.session.commit()
            found = sum(1 for query in queries if search_library(query, viewer).total)

    print(f"library: {args.books:,} books, {args.posts:,} posts; {len(queries)} queries, {found} found")
    print(f"demo library written (generate_library): {generated:.1f} s")
    print(
        f"database: {(pages - free) * page_size / 2**20:.1f} MiB in use "
        f"({free * page_size / 2**20:.1f} MiB free pages); search index: {index_bytes / 2**20:.1f} MiB"
    )
    print(f"rebuild (flask search rebuild): {rebuilt:.1f} s")
    print(f"{'':14}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, values in (("full-text", fts), ("LIKE '%…%'", like)):
        print(f"{name:14}{statistics.median(values):10.2f}{p95(values):10.2f}{max(values):10.2f}")
    print(
        f"LIKE / full-text: median {statistics.median(like) / statistics.median(fts):.0f}x, "
        f"p95 {p95(like) / p95(fts):.0f}x"
    )
    kinds = ("word", "two words", "prefix", "author", "ISBN")
    bounds = (0, 50, 90, 130, 170, 200)
    for kind, start, end in zip(kinds, bounds, bounds[1:], strict=False):
        part = fts[start:end]
        print(f"  full-text {kind:10} median {statistics.median(part):6.2f} ms, p95 {p95(part):6.2f} ms")


if __name__ == "__main__":
    main()
