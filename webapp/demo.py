"""A realistic, deterministic library for first looks, tests and benchmarks.

``generate_library(size=300)`` fills an empty database with books by real-sounding
authors, shelves, two years of readings (with their reads) and journal posts, series,
descriptions, copies and loans. The same seed always gives the same library, so a
100,000-book benchmark run is comparable with the last one. Rows are written with bulk
Core inserts: 100,000 books take seconds, not minutes.

What came later (series, descriptions, copies, loans, extra re-reads) draws on a random
generator of its own, so the books, readings and posts a seed gave before are the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from webapp.isbn import isbn13_check_digit, isbn13_to_isbn10
from webapp.models import (
    Author,
    Book,
    BookAuthor,
    BookSeries,
    Loan,
    Post,
    Read,
    Reading,
    Series,
    Shelf,
    User,
    book_shelves,
)
from webapp.models.book import sort_key_for_author, sort_key_for_title
from webapp.search import sqlite_index

FIRST_NAMES = [
    "Ada",
    "Alan",
    "Alice",
    "Amara",
    "Ana",
    "Anton",
    "Beatriz",
    "Benedict",
    "Camille",
    "Carlos",
    "Chiara",
    "Clara",
    "Colm",
    "Dara",
    "David",
    "Delia",
    "Elena",
    "Elif",
    "Emil",
    "Emma",
    "Esther",
    "Farah",
    "Felix",
    "Fiona",
    "Gabriel",
    "Grace",
    "Hana",
    "Hugo",
    "Ines",
    "Ingrid",
    "Isaac",
    "Ivan",
    "Jonas",
    "Julia",
    "Kai",
    "Karin",
    "Kenji",
    "Laila",
    "Leo",
    "Lucia",
    "Magnus",
    "Maya",
    "Mei",
    "Milan",
    "Mira",
    "Nadia",
    "Nikolai",
    "Noor",
    "Olga",
    "Omar",
    "Oscar",
    "Paula",
    "Pedro",
    "Priya",
    "Rafael",
    "Rosa",
    "Ruth",
    "Samir",
    "Sara",
    "Selma",
    "Simon",
    "Sofia",
    "Tariq",
    "Teresa",
    "Theo",
    "Tomas",
    "Ursula",
    "Vera",
    "Viktor",
    "Wanda",
    "Yara",
    "Yusuf",
    "Zofia",
    "Zora",
    "Brontë",
    "Søren",
    "Zoë",
    "René",
    "Agnès",
]
LAST_NAMES = (
    "Abbott",
    "Achebe",
    "Adeyemi",
    "Almeida",
    "Andersen",
    "Arendt",
    "Ashdown",
    "Baker",
    "Bellamy",
    "Benedetti",
    "Bergman",
    "Blackwood",
    "Calder",
    "Carvalho",
    "Castellanos",
    "Chandra",
    "Coetzee",
    "Conti",
    "Dahl",
    "Delacroix",
    "Dinesen",
    "Duarte",
    "Eckhart",
    "Ellison",
    "Esposito",
    "Falk",
    "Fernández",
    "Fischer",
    "Fontaine",
    "Gallagher",
    "García",
    "Greene",
    "Halvorsen",
    "Hartmann",
    "Holloway",
    "Ibsen",
    "Ishikawa",
    "Jansson",
    "Kaminski",
    "Kawabata",
    "Keller",
    "Kowalski",
    "Lagerlöf",
    "Lambert",
    "Le Guin",
    "Lindqvist",
    "Lorca",
    "MacLeod",
    "Mahfouz",
    "Marlowe",
    "Moreau",
    "Murakami",
    "Nakamura",
    "Novak",
    "Oyelaran",
    "Pamuk",
    "Pereira",
    "Petrov",
    "Quint",
    "Ramos",
    "Rasmussen",
    "Rossi",
    "Saramago",
    "Sato",
    "Schulz",
    "Silva",
    "Sørensen",
    "Strand",
    "Szymborska",
    "Tanaka",
    "Tolstaya",
    "Urquhart",
    "Valdés",
    "Varga",
    "Vasquez",
    "Wallace",
    "Whitfield",
    "Winterson",
    "Yilmaz",
    "Zeller",
)
ADJECTIVES = [
    "Silent",
    "Hidden",
    "Last",
    "Burning",
    "Quiet",
    "Distant",
    "Broken",
    "Golden",
    "Secret",
    "Lost",
    "Northern",
    "Salt",
    "Winter",
    "Glass",
    "Paper",
    "Iron",
    "Bright",
    "Hollow",
    "Wild",
    "Gentle",
    "Forgotten",
    "Crimson",
    "Long",
    "Small",
    "Endless",
    "Second",
    "Borrowed",
    "Amber",
]
NOUNS = [
    "Garden",
    "River",
    "Archive",
    "Lighthouse",
    "Orchard",
    "Harbour",
    "Library",
    "Map",
    "Kingdom",
    "Season",
    "Mirror",
    "Country",
    "Bridge",
    "Cartographer",
    "Daughter",
    "Island",
    "Inheritance",
    "Field",
    "Clockmaker",
    "Tide",
    "Atlas",
    "Theory",
    "Letters",
    "Voyage",
    "Weather",
    "Apprentice",
    "Forest",
    "Observatory",
    "Translator",
    "Museum",
    "Hours",
    "Mountain",
    "Ledger",
    "Sea",
]
PLACES = (
    "Lisbon",
    "Kyoto",
    "Trieste",
    "the North",
    "the Marsh",
    "Alexandria",
    "Odessa",
    "the Valley",
    "Prague",
    "the Coast",
    "Vilnius",
    "Marrakesh",
    "Reykjavík",
    "Halifax",
    "Tbilisi",
    "the Interior",
    "Córdoba",
    "Galway",
    "Samarkand",
)
PATTERNS = (
    "The {adj} {noun}",
    "{adj} {noun}",
    "The {noun} of {place}",
    "A {noun} in {place}",
    "The {noun}'s {noun2}",
    "{noun}s of the {adj} {noun2}",
    "What the {noun} Knew",
    "Notes on the {adj} {noun}",
    "The {adj} {noun} of {place}",
    "After the {noun}",
)
SUBTITLES = ("A Novel", "Stories", "A Memoir", "A History", "Essays", "Poems", "A Natural History")
PUBLISHERS = (
    "Harbour & Finch",
    "Lantern Press",
    "North Quay Books",
    "Ossory House",
    "Penwright",
    "Saltmarsh Editions",
    "Tallow & Vine",
    "Vellum Street",
    "Wren Editions",
    "Meridian Classics",
)
LANGUAGES = ("en",) * 14 + ("fr", "de", "es", "it", "pt", "ja")
FORMATS = ("paperback",) * 5 + ("hardcover",) * 3 + ("ebook",) * 2 + ("audiobook",)
ROOMS = ("Living room", "Study", "Bedroom", "Hallway", "Attic")
SERIES_KINDS = ("Trilogy", "Cycle", "Chronicles", "Quartet", "Sequence", "Saga", "Books")
LOAN_NOTES = ("Lent at book club.", "Promised back before the holidays.", "Has the dust jacket.", None, None)
SHELF_NAMES = (
    "Favourites",
    "To lend",
    "Book club",
    "Signed copies",
    "Poetry",
    "Science",
    "Travel",
    "Classics",
)
SENTENCES = (
    "The prose is spare and exact, and it rewards slow reading.",
    "I kept thinking about the ending for days.",
    "The middle section drags, but the last hundred pages are extraordinary.",
    "A quiet book about memory, inheritance and the places we leave.",
    "Some of the chapters read like **prose poems**.",
    "The translation feels *effortless*; I would read it again.",
    "I underlined half of chapter three.",
    "Not what I expected from the blurb, in the best way.",
    "It lost me around the halfway mark and I never quite came back.",
    "Recommended to anyone who liked the author's earlier novels.",
)


@dataclass(frozen=True)
class DemoSummary:
    users: int
    authors: int
    books: int
    readings: int
    posts: int
    shelves: int
    reads: int = 0
    series: int = 0
    loans: int = 0


def _title(rng: random.Random) -> str:
    pattern = rng.choice(PATTERNS)
    return pattern.format(
        adj=rng.choice(ADJECTIVES),
        noun=rng.choice(NOUNS),
        noun2=rng.choice(NOUNS),
        place=rng.choice(PLACES),
    )


def _author_names(count: int, rng: random.Random) -> list[str]:
    names: dict[str, None] = {}
    while len(names) < count:
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        middle = f" {rng.choice('ABCDEFGHJKLMNPRSTW')}." if len(names) >= 2000 or rng.random() < 0.15 else ""
        names[f"{first}{middle} {last}"] = None
        if len(names) >= len(FIRST_NAMES) * len(LAST_NAMES) * 20:
            break
    return list(names)


def demo_isbn13(index: int) -> str:
    """A valid, unique ISBN-13 per index (978-prefixed, so it also has an ISBN-10)."""
    first12 = f"978{(100_000_000 + index * 7919) % 1_000_000_000:09d}"
    return first12 + isbn13_check_digit(first12)


def _chunks(rows: list[dict], size: int = 5000):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(session: Session, table, rows: list[dict]) -> None:
    target = getattr(table, "__table__", table)
    for chunk in _chunks(rows):
        session.execute(insert(target), chunk)


def generate_library(
    session: Session,
    size: int = 300,
    seed: int = 20261126,
    posts: int | None = None,
    owner: User | None = None,
    today: date | None = None,
    rereads: int = 0,
) -> DemoSummary:
    """Fill an empty library with ``size`` books (and ``posts`` posts; default size // 5).

    ``owner`` gets the readings, shelves and posts; without one, a "reader" profile and
    two household members are created. Every reading has its reads (one each, and an
    earlier finished read for one read book in ten); ``rereads`` adds that many more
    earlier finished reads to books already read (the benchmark's "one read per reading
    plus 20,000 re-reads"). About one book in eight is in a series, a third have a
    description, and a few are lent out. Commits at the end.

    On SQLite the search index's triggers are off while the rows go in and the index is
    refilled once at the end: with them on, every book is indexed again for each author
    and shelf link, and writing 100,000 books and posts took several times as long.
    """
    bulk_index = session.get_bind().dialect.name == "sqlite"
    if bulk_index:
        sqlite_index.suspend_triggers(session.connection())
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    later = random.Random(seed + 1)  # noqa: S311 - the same, for what came after 0008
    today = today or date(2026, 11, 1)
    posts = size // 5 if posts is None else posts
    start_id = (session.scalar(select(Book.id).order_by(Book.id.desc()).limit(1)) or 0) + 1

    users = [owner] if owner is not None else []
    if owner is None:
        users = [
            User(username="reader", display_name="Robin Reader", is_admin=True, reading_visibility="shared"),
            User(username="sam", display_name="Sam Okafor", reading_visibility="shared"),
            User(username="lena", display_name="Lena Brandt", reading_visibility="shared"),
        ]
        session.add_all(users)
        session.flush()
    user_ids = [user.id for user in users]

    author_names = _author_names(max(20, size // 4), rng)
    existing = set(session.scalars(select(Author.name)))
    author_rows = [
        {"name": n, "sort_name": sort_key_for_author(n)} for n in author_names if n not in existing
    ]
    _insert(session, Author, author_rows)
    author_ids = {name: author_id for name, author_id in session.execute(select(Author.name, Author.id))}
    author_id_list = [author_ids[name] for name in author_names]
    sort_names = dict(session.execute(select(Author.id, Author.sort_name)).all())

    book_rows, link_rows = [], []
    first_added = datetime.combine(today, datetime.min.time()) - timedelta(days=3 * 365)
    for offset in range(size):
        book_id = start_id + offset
        title = _title(rng)
        isbn13 = demo_isbn13(book_id) if rng.random() < 0.9 else None
        added = first_added + timedelta(minutes=int(offset * (3 * 365 * 24 * 60) / max(size, 1)))
        year = int(min(today.year, max(1850, rng.gauss(2005, 18))))
        price = rng.choice((None, rng.randrange(499, 4500, 50)))
        book_rows.append(
            {
                "id": book_id,
                "title": title,
                "sort_title": sort_key_for_title(title),
                "subtitle": rng.choice(SUBTITLES) if rng.random() < 0.25 else None,
                "isbn13": isbn13,
                "isbn10": isbn13_to_isbn10(isbn13) if isbn13 else None,
                "publisher": rng.choice(PUBLISHERS),
                "year": year,
                "pages": rng.randrange(96, 900),
                "language": rng.choice(LANGUAGES),
                "format": rng.choice(FORMATS),
                "price_minor": price,
                "currency": "EUR" if price is not None else None,
                "location": f"{rng.choice(ROOMS)}, shelf {rng.randrange(1, 9)}",
                "added_at": added,
                "updated_at": added,
            }
        )
        chosen = rng.sample(author_id_list, 2 if rng.random() < 0.12 else 1)
        book_rows[-1]["sort_author"] = sort_names[chosen[0]]
        for position, author_id in enumerate(chosen):
            link_rows.append({"book_id": book_id, "author_id": author_id, "position": position})
    shelf_rows = [{"owner_id": user_ids[0], "name": name, "created_at": first_added} for name in SHELF_NAMES]
    _insert(session, Shelf, shelf_rows)
    shelf_ids = list(
        session.scalars(select(Shelf.id).where(Shelf.owner_id == user_ids[0]).order_by(Shelf.id))
    )
    placement_rows = []
    for book in book_rows:
        if rng.random() < 0.3:
            for shelf_id in rng.sample(shelf_ids, rng.choice((1, 1, 2))):
                placement_rows.append(
                    {"book_id": book["id"], "shelf_id": shelf_id, "added_at": book["added_at"]}
                )

    first_reading_id = (session.scalar(select(Reading.id).order_by(Reading.id.desc()).limit(1)) or 0) + 1
    reading_rows, read_rows = _readings(rng, book_rows, user_ids, today, first_reading_id)
    _describe_and_count_copies(later, book_rows, reading_rows, user_ids[0])
    _insert(session, Book, book_rows)
    _insert(session, BookAuthor, link_rows)
    _insert(session, book_shelves, placement_rows)
    _insert(session, Reading, reading_rows)
    read_rows += _rereads(later, reading_rows, read_rows, rereads)
    _insert(session, Read, read_rows)
    series_count = _series(session, later, book_rows)
    loan_rows = _loans(later, book_rows, user_ids[0], today)
    _insert(session, Loan, loan_rows)

    post_rows = []
    finish_of = {read["reading_id"]: read["ended_on"] for read in read_rows if read["outcome"] == "finished"}
    read_books = [
        dict(row, finished_on=finish_of[row["id"]]) for row in reading_rows if row["id"] in finish_of
    ]
    for index in range(posts):
        about = rng.choice(read_books) if read_books and rng.random() < 0.8 else None
        created = (
            datetime.combine(about["finished_on"], datetime.min.time())
            + timedelta(hours=rng.randrange(1, 72))
            if about
            else datetime.combine(today, datetime.min.time()) - timedelta(days=rng.randrange(1, 730))
        )
        title = (
            f"On {book_rows[about['book_id'] - start_id]['title']}"
            if about
            else f"Journal, entry {index + 1}"
        )
        body = "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(rng.randrange(1, 4)))
        post_rows.append(
            {
                "author_id": about["user_id"] if about else rng.choice(user_ids),
                "book_id": about["book_id"] if about else None,
                "title": title[:300],
                "body": body,
                "kind": "review" if about else rng.choice(("note", "journal")),
                "visibility": "shared" if rng.random() < 0.6 else "private",
                "created_at": created,
                "updated_at": created,
            }
        )
    _insert(session, Post, post_rows)
    if bulk_index:
        sqlite_index.restore_triggers(session.connection())
    _advance_sequences(session, ("books", "readings"))
    session.commit()
    return DemoSummary(
        users=len(user_ids),
        authors=len(author_rows),
        books=len(book_rows),
        readings=len(reading_rows),
        posts=len(post_rows),
        shelves=len(shelf_rows),
        reads=len(read_rows),
        series=series_count,
        loans=len(loan_rows),
    )


def _describe_and_count_copies(
    rng: random.Random, book_rows: list[dict], reading_rows: list[dict], owner_id: int
) -> None:
    """A third of the books get a description (Markdown paragraphs). Most are one copy;
    half of the owner's wishes are not owned (0, a book to buy or borrow), and one book
    in 25 is there twice."""
    wishes = {
        row["book_id"]
        for row in reading_rows
        if row["user_id"] == owner_id and row["status"] == "want_to_read"
    }
    for book in book_rows:
        book["description"] = _description(rng) if rng.random() < 0.35 else None
        if book["id"] in wishes and rng.random() < 0.5:
            book["copies"] = 0
        else:
            book["copies"] = 2 if rng.random() < 0.04 else 1


def _description(rng: random.Random) -> str:
    paragraphs = (" ".join(rng.sample(SENTENCES, rng.randrange(2, 5))) for _ in range(rng.randrange(1, 4)))
    return "\n\n".join(paragraphs)


def _rereads(rng: random.Random, reading_rows: list[dict], read_rows: list[dict], count: int) -> list[dict]:
    """``count`` earlier finished reads, each before the first read its reading has, on
    books already read (so a book may come out read three or four times)."""
    read_ids = [row["id"] for row in reading_rows if row["status"] == "read"]
    if not read_ids or count <= 0:
        return []
    earliest: dict[int, date] = {}
    for read in read_rows:
        first = read["started_on"] or read["ended_on"]
        if first is not None and (read["reading_id"] not in earliest or first < earliest[read["reading_id"]]):
            earliest[read["reading_id"]] = first
    extra = []
    for _ in range(count):
        reading_id = rng.choice(read_ids)
        ended = earliest[reading_id] - timedelta(days=rng.randrange(60, 900))
        started = ended - timedelta(days=rng.randrange(2, 40))
        earliest[reading_id] = started
        extra.append(_read_row(reading_id, "finished", started, ended))
    return extra


def _series(session: Session, rng: random.Random, book_rows: list[dict]) -> int:
    """Runs of 3 to 7 consecutive books become series (about one book in eight), numbered
    1..n; one series in ten opens with a 0.5 novella, and the first long enough one has a
    "2-3" omnibus after its third book. Returns how many series there are."""
    taken = set(session.scalars(select(Series.name)))
    names: dict[str, None] = {}
    places: list[list[tuple[int, str, float]]] = []
    omnibus_done = False
    index = 0
    while index < len(book_rows):
        if rng.random() >= 1 / 40:
            index += 1
            continue
        run = book_rows[index : index + rng.randrange(3, 8)]
        index += len(run)
        if len(run) < 3:
            break
        positions = [str(number) for number in range(1, len(run) + 1)]
        if not omnibus_done and len(run) >= 4:
            positions = ["1", "2", "3", "2-3", *positions[3:-1]]
            omnibus_done = True
        elif rng.random() < 0.1:
            positions = ["0.5", *positions[:-1]]
        name = f"The {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {rng.choice(SERIES_KINDS)}"
        while name in names or name in taken:
            name = f"{name} {rng.choice(PLACES).removeprefix('the ').title()}"
        names[name] = None
        places.append(
            [
                (book["id"], position, float(position.split("-")[0]))
                for book, position in zip(run, positions, strict=True)
            ]
        )
    if not places:
        return 0
    _insert(session, Series, [{"name": name, "sort_name": sort_key_for_title(name)} for name in names])
    ids = dict(session.execute(select(Series.name, Series.id)).all())
    links = [
        {"book_id": book_id, "series_id": ids[name], "position": position, "position_sort": sort}
        for name, run in zip(names, places, strict=True)
        for book_id, position, sort in run
    ]
    _insert(session, BookSeries, links)
    return len(names)


def _loans(rng: random.Random, book_rows: list[dict], owner_id: int, today: date) -> list[dict]:
    """A few loans of owned books, one in 150 (at least six): a third still out, a third
    overdue, a third returned; some books were lent before and are out again."""
    owned = [book for book in book_rows if book["copies"] > 0]
    if not owned:
        return []
    rows = []
    for number, book in enumerate(rng.sample(owned, min(len(owned), max(6, len(book_rows) // 150)))):
        kinds = ("open", "overdue", "returned")
        kind = kinds[number % 3]
        lent = today - timedelta(days=rng.randrange(5, 60) if kind == "open" else rng.randrange(45, 400))
        has_due = kind != "returned" or rng.random() < 0.5
        due = lent + timedelta(days=rng.randrange(14, 35)) if has_due else None
        if kind == "open" and due is not None and due < today:
            due = today + timedelta(days=rng.randrange(1, 21))
        returned = lent + timedelta(days=rng.randrange(3, 40)) if kind == "returned" else None
        if returned is not None and rng.random() < 0.4:
            # The same book out again since.
            again = min(today, returned + timedelta(days=rng.randrange(1, 30)))
            rows.append(_loan_row(rng, book["id"], again, again + timedelta(days=21), None, owner_id))
        rows.append(_loan_row(rng, book["id"], lent, due, returned, owner_id))
    return rows


def _loan_row(
    rng: random.Random, book_id: int, lent: date, due: date | None, returned: date | None, owner_id: int
) -> dict:
    at = datetime.combine(lent, datetime.min.time())
    return {
        "book_id": book_id,
        "borrower": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        "lent_on": lent,
        "due_on": due,
        "returned_on": returned,
        "note": rng.choice(LOAN_NOTES),
        "recorded_by_id": owner_id,
        "created_at": at,
        "updated_at": datetime.combine(returned, datetime.min.time()) if returned else at,
    }


def _advance_sequences(session: Session, tables: tuple[str, ...]) -> None:
    """Books and readings went in with ids chosen here; PostgreSQL's sequences must
    move past them, or the next book added by hand collides with one of them."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:  # our own table names, not input
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        session.execute(text(f"SELECT setval({sequence}, coalesce(max(id), 1)) FROM {table}"))  # noqa: S608


def _readings(
    rng: random.Random,
    book_rows: list[dict],
    user_ids: list[int],
    today: date,
    first_id: int,
) -> tuple[list[dict], list[dict]]:
    """Readings for about 40% of the books, finished ones spread over the last two years,
    and their reads: one each, and an earlier finished read for one read book in ten."""
    rows, reads = [], []
    two_years = 730
    for book in book_rows:
        for user_index, user_id in enumerate(user_ids):
            chance = 0.4 if user_index == 0 else 0.08
            if rng.random() >= chance:
                continue
            reading_id = first_id + len(rows)
            roll = rng.random()
            started = finished = None
            rating = progress_pages = progress_percent = None
            if roll < 0.55:
                status, outcome = "read", "finished"
                finished = today - timedelta(days=rng.randrange(0, two_years))
                started = finished - timedelta(days=rng.randrange(2, 40))
                rating = rng.choice((None, 4, 5, 6, 7, 7, 8, 8, 8, 9, 9, 10))
                progress_pages = book["pages"]
                if rng.random() < 0.1:
                    earlier = started - timedelta(days=rng.randrange(200, 3000))
                    reads.append(_read_row(reading_id, "finished", earlier - timedelta(days=20), earlier))
            elif roll < 0.62:
                status, outcome = "reading", "in_progress"
                started = today - timedelta(days=rng.randrange(0, 30))
                progress_percent = rng.randrange(3, 95)
            elif roll < 0.66:
                status, outcome = "did_not_finish", "did_not_finish"
                started = today - timedelta(days=rng.randrange(30, two_years))
                progress_percent = rng.randrange(5, 60)
            else:
                status, outcome = "want_to_read", None
            rows.append(
                {
                    "id": reading_id,
                    "user_id": user_id,
                    "book_id": book["id"],
                    "status": status,
                    "rating_halves": rating,
                    "progress_pages": progress_pages,
                    "progress_percent": progress_percent,
                    # The demo household shares its readings, so the book pages show them.
                    "visibility": "shared",
                    "updated_at": datetime.combine(finished or started or today, datetime.min.time()),
                }
            )
            if outcome is not None:
                reads.append(_read_row(reading_id, outcome, started, finished))
    return rows, reads


def _read_row(reading_id: int, outcome: str, started: date | None, ended: date | None) -> dict:
    return {
        "reading_id": reading_id,
        "outcome": outcome,
        "started_on": started,
        "started_precision": "day" if started else None,
        "ended_on": ended,
        "ended_precision": "day" if ended else None,
        "created_at": datetime.combine(ended or started or date(2020, 1, 1), datetime.min.time()),
    }
