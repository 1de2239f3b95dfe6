"""The book page's reading history: add, edit, remove a read and read again, as a reader
does it; bad input answered with a field message (422) and nothing saved; nobody but the
reader ever touches or sees their reads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, make_user, sign_in
from tests.integration.journal_data import add_read
from tests.today import TODAY
from webapp.extensions import db
from webapp.models import Book, Read, Reading, User


@pytest.fixture
def book_id(app) -> int:
    with app.app_context():
        book = Book(title="Middlemarch", pages=880)
        db.session.add(book)
        db.session.commit()
        return book.id


def field_errors(page: str, field_id: str) -> str:
    match = re.search(rf'<ul class="field-errors" id="{field_id}-error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


def reads_of(app, user) -> list[tuple[str, str | None, str | None]]:
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.user_id == user.id))
        if reading is None:
            return []
        return [
            (r.outcome, r.started and r.started.iso(), r.ended and r.ended.iso()) for r in reading.history
        ]


def give_reads(app, user, book_id, *reads, status="read", visibility="private") -> list[int]:
    """A reading of ``book_id`` by ``user`` with these (outcome, started, ended) reads."""
    with app.app_context():
        reading = Reading(
            user=db.session.get(User, user.id), book=db.session.get(Book, book_id), status=status
        )
        reading.visibility = visibility
        made = [add_read(reading, *read) for read in reads]
        db.session.add(reading)
        db.session.commit()
        return [read.id for read in made]


def post_new_read(client, book_id, outcome="finished", started="", ended=""):
    data = {
        "read-new-csrf_token": csrf_token(client),
        "read-new-outcome": outcome,
        "read-new-started_on": started,
        "read-new-ended_on": ended,
    }
    return client.post(f"/books/{book_id}/reads", data=data)


def post_edit(client, book_id, read_id, outcome="finished", started="", ended=""):
    prefix = f"read-{read_id}"
    data = {
        f"{prefix}-csrf_token": csrf_token(client),
        f"{prefix}-outcome": outcome,
        f"{prefix}-started_on": started,
        f"{prefix}-ended_on": ended,
    }
    return client.post(f"/books/{book_id}/reads/{read_id}", data=data)


def test_a_history_of_several_reads_is_shown_oldest_first(app, signed_in, user, book_id) -> None:
    give_reads(
        app,
        user,
        book_id,
        ("finished", "2024-01-30", "2024-02-11"),
        ("finished", "2019-03-01", "2019-03-20"),
        ("did_not_finish", "2021-06", "2021-07"),
        ("finished", None, "2010"),
    )
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert "Read 3 times: 2010, Mar 2019, Feb 2024" in page
    history = page[page.index('id="my-reads"') :]
    dates = re.findall(r'<span class="read-dates">(.*?)</span>', history)
    dash = "\N{EN DASH}"
    assert dates == [
        "2010",
        f"1 Mar 2019 {dash} 20 Mar 2019",
        f"Jun 2021 {dash} Jul 2021",
        f"30 Jan 2024 {dash} 11 Feb 2024",
    ]
    assert "Did not finish" in history and ">Read again</button>" in history


def test_the_book_page_links_to_a_page_of_its_own_for_adding_a_read(signed_in, book_id) -> None:
    book_page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert f'href="/books/{book_id}/reads/new"' in book_page
    assert 'name="read-new-started_on"' not in book_page  # the form is not rendered on every view
    form_page = signed_in.get(f"/books/{book_id}/reads/new")
    assert form_page.status_code == 200
    assert f'action="/books/{book_id}/reads"' in form_page.get_data(as_text=True)
    assert signed_in.get("/books/999999/reads/new").status_code == 404


def test_adding_a_read_with_dates_of_any_precision_saves_it(app, signed_in, user, book_id) -> None:
    response = post_new_read(signed_in, book_id, "finished", "2019-03", "2019")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/books/{book_id}#my-reads"
    assert reads_of(app, user) == [("finished", "2019-03", "2019")]
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.user_id == user.id))
        assert reading.status == "read" and reading.visibility == "private"
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert "The read is added to your history." in page and "Read once: 2019" in page


@pytest.mark.parametrize(
    ("started", "ended", "outcome", "field", "message"),
    [
        ("2019-03-20", "2019-03-01", "finished", "ended_on", "A read ends after it starts."),
        ("2020", "2019-12", "finished", "ended_on", "A read ends after it starts."),
        ((TODAY + timedelta(days=1)).isoformat(), "", "finished", "started_on", "in the future"),
        ("", str(TODAY.year + 1), "finished", "ended_on", "in the future"),
        ("", "2019-13", "finished", "ended_on", "not a date in the calendar"),
        ("2019-02-30", "", "finished", "started_on", "not a date in the calendar"),
        ("last spring", "", "finished", "started_on", "Write a date as YYYY-MM-DD, YYYY-MM or YYYY."),
        ("\uff12\uff10\uff11\uff19", "", "finished", "started_on", "YYYY-MM-DD"),
        ("2019-3-5x", "", "finished", "started_on", "YYYY-MM-DD"),
        ("2019-01-01", "2019-02-01", "in_progress", "ended_on", "has no end yet"),
        ("", "", "devoured", "outcome", "Not a valid choice"),
    ],
)
def test_a_bad_read_is_explained_on_its_field_and_nothing_is_saved(
    app, signed_in, user, book_id, started, ended, outcome, field, message
) -> None:
    response = post_new_read(signed_in, book_id, outcome, started, ended)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_errors(page, f"read-new-{field}")
    assert "Add a read of" in page  # the read's own page again, with what was typed
    assert "nothing was saved" in page
    if started:
        assert f'value="{started}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reading)) == 0  # not even a reading
        assert db.session.scalar(select(func.count()).select_from(Read)) == 0


def test_a_second_read_under_way_is_refused(app, signed_in, user, book_id) -> None:
    give_reads(app, user, book_id, ("in_progress", "2026-01-01", None), status="reading")
    response = post_new_read(signed_in, book_id, "in_progress", "2026-02-01")
    assert response.status_code == 422
    assert "finish that read before starting another" in field_errors(
        response.get_data(as_text=True), "read-new-outcome"
    )
    assert reads_of(app, user) == [("in_progress", "2026-01-01", None)]


def test_editing_a_read_saves_it_and_a_bad_edit_changes_nothing(app, signed_in, user, book_id) -> None:
    (read_id,) = give_reads(app, user, book_id, ("finished", "2019-03-01", "2019-03-20"))
    book_page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert f'href="/books/{book_id}/reads/{read_id}">Edit' in book_page
    form = signed_in.get(f"/books/{book_id}/reads/{read_id}").get_data(as_text=True)
    assert 'value="2019-03-01"' in form and 'value="2019-03-20"' in form
    assert ">Remove this read</button>" in form

    saved = post_edit(signed_in, book_id, read_id, "did_not_finish", "2019-03", "2019-04-02")
    assert saved.status_code == 302 and saved.headers["Location"] == f"/books/{book_id}#my-reads"
    assert reads_of(app, user) == [("did_not_finish", "2019-03", "2019-04-02")]
    with app.app_context():
        assert db.session.scalar(select(Reading.status)) == "did_not_finish"  # it follows the read

    refused = post_edit(signed_in, book_id, read_id, "finished", "2019-05-01", "2019-04-02")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "A read ends after it starts." in field_errors(page, f"read-{read_id}-ended_on")
    assert 'value="2019-05-01"' in page  # what was typed, to correct
    assert reads_of(app, user) == [("did_not_finish", "2019-03", "2019-04-02")]
    garbage = post_edit(signed_in, book_id, read_id, "finished", "2019-3-5x", "")
    assert garbage.status_code == 422
    assert "YYYY-MM-DD" in field_errors(garbage.get_data(as_text=True), f"read-{read_id}-started_on")
    assert reads_of(app, user) == [("did_not_finish", "2019-03", "2019-04-02")]


def test_removing_a_read_takes_it_out_of_the_history(app, signed_in, user, book_id) -> None:
    first, second = give_reads(app, user, book_id, ("finished", None, "2019"), ("finished", None, "2024-02"))
    token = csrf_token(signed_in)
    response = signed_in.post(f"/books/{book_id}/reads/{second}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert reads_of(app, user) == [("finished", None, "2019")]
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert "Read once: 2019" in page and "The read is removed" in page
    # Without the form's token nothing happens.
    assert signed_in.post(f"/books/{book_id}/reads/{first}/remove").status_code == 403
    assert len(reads_of(app, user)) == 1


def test_read_again_starts_a_read_today_once(app, signed_in, user, book_id) -> None:
    give_reads(app, user, book_id, ("finished", "2019-03-01", "2019-03-20"))
    token = csrf_token(signed_in)
    response = signed_in.post(f"/books/{book_id}/reads/again", data={"csrf_token": token})
    assert response.status_code == 302
    today = TODAY.isoformat()
    assert reads_of(app, user) == [("finished", "2019-03-01", "2019-03-20"), ("in_progress", today, None)]
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert ">Read again</button>" not in page  # a read is under way
    assert '<span class="status status-reading">Reading</span>' in page  # the status followed
    again = signed_in.post(f"/books/{book_id}/reads/again", data={"csrf_token": token})
    assert again.status_code == 422 and "finish that read" in again.get_data(as_text=True)
    assert len(reads_of(app, user)) == 2


def test_read_again_without_a_reading_is_404(signed_in, book_id) -> None:
    token = csrf_token(signed_in)
    assert signed_in.post(f"/books/{book_id}/reads/again", data={"csrf_token": token}).status_code == 404


def test_another_readers_reads_cannot_be_edited_or_removed(app, signed_in, user, book_id) -> None:
    other = make_user(app, "sam")
    (theirs,) = give_reads(app, other, book_id, ("finished", "2020-01-01", "2020-02-01"), visibility="shared")
    (mine,) = give_reads(app, user, book_id, ("finished", "2021-01-01", "2021-02-01"))
    with app.app_context():
        elsewhere = Book(title="Elsewhere")
        db.session.add(elsewhere)
        db.session.commit()
        elsewhere_id = elsewhere.id
    token = csrf_token(signed_in)
    # Sam's read on this book; my own read, but under another book's address.
    for book, read in ((book_id, theirs), (elsewhere_id, mine)):
        assert signed_in.get(f"/books/{book}/reads/{read}").status_code == 404
        assert post_edit(signed_in, book, read, ended="2022").status_code == 404
        remove = signed_in.post(f"/books/{book}/reads/{read}/remove", data={"csrf_token": token})
        assert remove.status_code == 404
    assert (
        signed_in.post(f"/books/{book_id}/reads/99999/remove", data={"csrf_token": token}).status_code == 404
    )
    assert reads_of(app, other) == [("finished", "2020-01-01", "2020-02-01")]
    assert reads_of(app, user) == [("finished", "2021-01-01", "2021-02-01")]


def test_the_history_is_the_readers_own_and_never_shows_others_reads(app, client, book_id) -> None:
    ada, bo = make_user(app, "ada"), make_user(app, "bo")
    give_reads(app, ada, book_id, ("finished", "2019-03-01", "2019-03-20"), visibility="private")
    sign_in(client, bo)
    page = client.get(f"/books/{book_id}").get_data(as_text=True)
    history = page[page.index('id="my-reads"') : page.index("</section>", page.index('id="my-reads"'))]
    assert "No reads recorded yet." in history and "Mar 2019" not in page
    assert "Ada:" not in page  # her private reading is hers alone
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.user_id == ada.id))
        reading.visibility = "shared"
        db.session.commit()
    page = client.get(f"/books/{book_id}").get_data(as_text=True)
    assert "Ada:" in page  # shared: listed among the other readers ...
    history = page[page.index('id="my-reads"') : page.index("</section>", page.index('id="my-reads"'))]
    assert "Mar 2019" not in history  # ... but her reads are not Bo's history
