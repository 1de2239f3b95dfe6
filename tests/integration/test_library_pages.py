"""The library pages as a reader uses them: add, show, edit and delete books, keep a
reading, arrange shelves; bad input answered with a field message and nothing saved."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.conftest import csrf_token, make_user, sign_in
from tests.today import TODAY
from webapp.extensions import db
from webapp.models import Book, Post, Reading, Shelf


@pytest.fixture
def user(app):
    """The reader of these tests keeps the library alone, so they are its administrator
    (as the desktop's owner is). What each role may do: test_book_permissions.py."""
    return make_user(app, role="admin")


def png_bytes(size: tuple[int, int] = (40, 60)) -> bytes:
    return image_bytes("PNG", size)


def image_bytes(kind: str, size: tuple[int, int] = (40, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (47, 93, 80)).save(buffer, kind)
    return buffer.getvalue()


def book_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Book))


def post_book(client, path="/books/new", **fields):
    data = {"csrf_token": csrf_token(client, "/books/new"), "title": "Dune", "format": "", **fields}
    return client.post(path, data=data, content_type="multipart/form-data")


def add_book(client, **fields) -> int:
    response = post_book(client, **fields)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def field_errors(page: str, field: str) -> str:
    match = re.search(rf'<ul class="field-errors" id="{field}-error">(.*?)</ul>', page, re.S)
    return match.group(1) if match else ""


# --- pages need a reader -------------------------------------------------------------


def test_every_library_page_answers_a_signed_in_reader(app, signed_in) -> None:
    book_id = add_book(signed_in)
    for path in (
        "/",
        "/library",
        "/library?view=grid",
        "/shelves",
        "/about",
        "/books/new",
        f"/books/{book_id}",
        f"/books/{book_id}/edit",
        f"/books/{book_id}/delete",
    ):
        response = signed_in.get(path)
        assert response.status_code == 200, path
        assert 'name="csrf-token"' in response.get_data(as_text=True)


def test_state_changing_routes_refuse_get(app, signed_in) -> None:
    book_id = add_book(signed_in)
    for path in (
        f"/books/{book_id}/reading",
        f"/books/{book_id}/shelves",
        "/shelves/1/rename",
        "/shelves/1/delete",
        f"/books/{book_id}/shelves/1/remove",
    ):
        assert signed_in.get(path).status_code == 405, path


def test_posts_without_a_csrf_token_change_nothing(app, signed_in) -> None:
    response = signed_in.post("/books/new", data={"title": "Sneaky"})
    assert response.status_code == 403
    assert book_count(app) == 0


# --- adding and editing books ----------------------------------------------------------


def test_adding_a_book_normalises_isbn_and_keeps_author_order(app, signed_in) -> None:
    book_id = add_book(
        signed_in,
        title="  Good Omens ",
        authors="Terry Pratchett\nNeil Gaiman\n\nTerry Pratchett",
        isbn13="",
        isbn10="0-552-13703-0 ",
        year="1990",
        pages="412",
        price="12.5",
        currency="gbp",
        format="paperback",
        location="Study, shelf 3",
    )
    with app.app_context():
        book = db.session.get(Book, book_id)
        assert book.title == "Good Omens"
        assert book.author_names == ["Terry Pratchett", "Neil Gaiman"]
        assert book.sort_author == "pratchett terry"
        assert (book.isbn10, book.isbn13) == ("0552137030", "9780552137034")
        assert (book.price_minor, book.currency) == (1250, "GBP")
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert "£12.50" in page and "Study, shelf 3" in page and "9780552137034" in page


def test_an_isbn10_typed_into_the_isbn13_field_is_converted(app, signed_in) -> None:
    book_id = add_book(signed_in, isbn13="0441172717")
    with app.app_context():
        book = db.session.get(Book, book_id)
        assert (book.isbn13, book.isbn10) == ("9780441172719", "0441172717")


def test_new_book_form_is_prefilled_from_the_quick_add_title(signed_in) -> None:
    page = signed_in.get("/books/new?title=The+Dispossessed").get_data(as_text=True)
    assert 'value="The Dispossessed"' in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": "   "}, "title", "A book needs a title."),
        ({"isbn13": "978-0-441-17271-8"}, "isbn13", "check digit is wrong"),
        ({"isbn10": "0441172718"}, "isbn10", "check digit is wrong"),
        ({"isbn13": "12345"}, "isbn13", "An ISBN-13 has 13 digits."),
        ({"isbn13": "9780441172719", "isbn10": "0552137030"}, "isbn10", "different books"),
        ({"year": str(TODAY.year + 2)}, "year", f"at most {TODAY.year + 1}"),
        ({"year": "nineteen"}, "year", "Not a valid integer value."),
        ({"pages": "-3"}, "pages", "Pages must be a positive number."),
        ({"pages": "0"}, "pages", "Pages must be a positive number."),
        ({"price": "-1.00"}, "price", "A price cannot be negative."),
        ({"currency": "EURO", "price": "3"}, "currency", "A currency is three letters"),
        # Numbers beyond any column's range: a field message, not an overflow and a 500.
        ({"pages": "99999999999999999999"}, "pages", "at most 100,000 pages"),
        ({"price": "1e30"}, "price", "A price can be at most 21,474,836.47"),
        ({"year": "-99999999999999999999"}, "year", "too far in the past"),
    ],
)
def test_bad_book_input_is_explained_and_nothing_is_saved(app, signed_in, fields, field, message) -> None:
    response = post_book(signed_in, **fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in field_errors(page, field)
    assert "nothing was saved" in page
    assert book_count(app) == 0


def test_a_future_year_up_to_next_year_is_accepted(app, signed_in) -> None:
    book_id = add_book(signed_in, year=str(TODAY.year + 1))
    with app.app_context():
        assert db.session.get(Book, book_id).year == TODAY.year + 1


def test_a_duplicate_isbn_names_and_links_the_book_that_has_it(app, signed_in) -> None:
    first = add_book(signed_in, title="Dune", isbn13="9780441172719")
    response = post_book(signed_in, title="Dune again", isbn10="0441172717")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    errors = field_errors(page, "isbn10")
    assert "Another book already has this ISBN" in errors
    assert f'href="/books/{first}"' in errors and ">Dune</a>" in errors
    assert book_count(app) == 1


def test_editing_keeps_the_isbn_of_the_same_book_and_saves_changes(app, signed_in) -> None:
    book_id = add_book(signed_in, title="Dune", isbn13="9780441172719", authors="Frank Herbert")
    form = signed_in.get(f"/books/{book_id}/edit").get_data(as_text=True)
    assert 'value="9780441172719"' in form and "Frank Herbert</textarea>" in form
    response = post_book(
        signed_in,
        f"/books/{book_id}/edit",
        title="Dune Messiah",
        isbn13="9780441172719",
        authors="Frank Herbert",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Book, book_id).title == "Dune Messiah"


def test_a_bad_edit_keeps_the_stored_book(app, signed_in) -> None:
    book_id = add_book(signed_in, title="Dune", pages="412")
    response = post_book(signed_in, f"/books/{book_id}/edit", title="", pages="-1")
    assert response.status_code == 422
    with app.app_context():
        book = db.session.get(Book, book_id)
        assert (book.title, book.pages) == ("Dune", 412)


def test_unknown_books_are_404_pages(signed_in) -> None:
    response = signed_in.get("/books/999")
    assert response.status_code == 404
    assert "Not found" in response.get_data(as_text=True)


# --- covers ------------------------------------------------------------------------------


def test_a_cover_is_stored_under_a_generated_name_and_served(app, signed_in) -> None:
    image = png_bytes()
    book_id = add_book(signed_in, cover=(io.BytesIO(image), "../../evil name.jpg"))
    with app.app_context():
        name = db.session.get(Book, book_id).cover_file
    assert re.fullmatch(r"[0-9a-f]{32}\.png", name)  # the real format, not the claimed one
    covers = app.config["DATA_DIR"] + "/covers"
    with open(f"{covers}/{name}", "rb") as handle:
        assert handle.read() == image
    with signed_in.get(f"/books/{book_id}/cover") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png" and response.data == image


def test_replacing_and_removing_a_cover_deletes_the_old_file(app, signed_in) -> None:
    book_id = add_book(signed_in, cover=(io.BytesIO(png_bytes()), "a.png"))
    covers = __import__("pathlib").Path(app.config["DATA_DIR"]) / "covers"
    first = next(covers.iterdir()).name
    post_book(signed_in, f"/books/{book_id}/edit", cover=(io.BytesIO(png_bytes((30, 30))), "b.png"))
    assert [path.name for path in covers.iterdir()] != [first] and len(list(covers.iterdir())) == 1
    post_book(signed_in, f"/books/{book_id}/edit", remove_cover="y")
    assert list(covers.iterdir()) == []
    assert signed_in.get(f"/books/{book_id}/cover").status_code == 404


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"%PDF-1.4 not an image at all", "not an image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "not an image"),
        (png_bytes()[:60], "damaged or incomplete"),
        (b"", "The file is empty."),
        # Real images in formats we don't take: their parsers are never even tried.
        (image_bytes("BMP"), "not an image"),
        (image_bytes("TIFF"), "not an image"),
        (image_bytes("PPM"), "not an image"),
    ],
)
def test_a_cover_that_is_not_an_image_is_refused(app, signed_in, payload, message) -> None:
    response = post_book(signed_in, cover=(io.BytesIO(payload), "cover.png"))
    assert response.status_code == 422
    assert message in field_errors(response.get_data(as_text=True), "cover")
    assert book_count(app) == 0


def test_an_oversized_cover_is_refused_with_a_field_message(make_app) -> None:
    app = make_app(COVER_MAX_BYTES=1000)
    client = app.test_client()
    sign_in(client, make_user(app))
    response = post_book(client, cover=(io.BytesIO(png_bytes((400, 400)) + b"\0" * 2000), "big.png"))
    assert response.status_code == 422
    assert "at most" in field_errors(response.get_data(as_text=True), "cover")
    assert book_count(app) == 0


def test_a_body_over_the_request_limit_gets_the_413_page(make_app) -> None:
    app = make_app(MAX_CONTENT_LENGTH=2000)
    client = app.test_client()
    sign_in(client, make_user(app))
    response = post_book(client, cover=(io.BytesIO(b"\0" * 5000), "big.png"))
    assert response.status_code == 413
    assert "Too large" in response.get_data(as_text=True)


def test_a_cover_name_outside_the_covers_folder_is_never_served(app, signed_in) -> None:
    book_id = add_book(signed_in)
    secret = __import__("pathlib").Path(app.config["DATA_DIR"]) / "secret_key"
    assert secret.exists()
    with app.app_context():
        db.session.get(Book, book_id).cover_file = "../secret_key"
        db.session.commit()
    assert signed_in.get(f"/books/{book_id}/cover").status_code == 404


# --- deleting ------------------------------------------------------------------------------


def test_deleting_asks_first_then_removes_book_and_readings_but_keeps_posts(app, signed_in, user) -> None:
    book_id = add_book(signed_in, title="Dune", cover=(io.BytesIO(png_bytes()), "c.png"))
    with app.app_context():
        db.session.add(Reading(user_id=user.id, book_id=book_id, status="read"))
        db.session.add(Post(author_id=user.id, book_id=book_id, title="On Dune", body="Spice"))
        db.session.commit()
    confirm = signed_in.get(f"/books/{book_id}/delete").get_data(as_text=True)
    assert "Delete “Dune”?" in confirm
    assert book_count(app) == 1  # asking deletes nothing
    response = signed_in.post(f"/books/{book_id}/delete", data={"csrf_token": csrf_token(signed_in)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Book, book_id) is None
        assert db.session.scalar(select(func.count()).select_from(Reading)) == 0
        assert db.session.scalar(select(Post.book_id)) is None
    assert list((__import__("pathlib").Path(app.config["DATA_DIR"]) / "covers").iterdir()) == []


# --- my reading ---------------------------------------------------------------------------------


def post_reading(client, book_id, fragment=False, **fields):
    data = {"csrf_token": csrf_token(client), "status": "reading", "rating": "", **fields}
    headers = {"X-Fragment": "reading"} if fragment else {}
    return client.post(f"/books/{book_id}/reading", data=data, headers=headers)


def test_setting_my_reading_as_a_plain_form_redirects_back_to_the_book(app, signed_in, user) -> None:
    book_id = add_book(signed_in, pages="300")
    response = post_reading(signed_in, book_id, status="read", rating="4.5")
    assert response.status_code == 302 and response.headers["Location"] == f"/books/{book_id}"
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.user_id == user.id))
        assert (reading.status, reading.rating, reading.times_read) == ("read", 4.5, 1)
        # Marked read without having been started here: a finished read with no date.
        assert [(r.outcome, r.started, r.ended) for r in reading.reads] == [("finished", None, None)]
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert 'aria-label="4.5 stars out of 5"' in page
    assert "Read once: date unknown" in page


def test_starting_then_finishing_records_one_dated_read_and_saving_again_adds_none(
    app, signed_in, user
) -> None:
    book_id = add_book(signed_in)
    post_reading(signed_in, book_id, status="reading")
    post_reading(signed_in, book_id, status="read")
    post_reading(signed_in, book_id, status="read", rating="4")  # the same status: no new read
    today = TODAY
    with app.app_context():
        reading = db.session.scalar(select(Reading).where(Reading.user_id == user.id))
        assert [(r.outcome, r.started_on, r.ended_on) for r in reading.reads] == [("finished", today, today)]
    page = signed_in.get(f"/books/{book_id}").get_data(as_text=True)
    assert f"Read once: {today:%b %Y}" in page


def test_a_status_change_in_place_brings_the_reading_history_along(app, signed_in) -> None:
    """shelfmark.js swaps every section the fragment holds: the history must show the
    read the new status started, without a reload."""
    book_id = add_book(signed_in)
    response = post_reading(signed_in, book_id, fragment=True, status="reading")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="panel reading-panel"')
    history = html[html.index('<section class="panel reads-panel" id="my-reads"') :]
    assert "Reading now" in history and f"since {TODAY.day} " in history
    assert "Read again" not in history  # a read is under way
    finished = post_reading(signed_in, book_id, fragment=True, status="read").get_data(as_text=True)
    assert f"Read once: {TODAY:%b %Y}" in finished and ">Read again</button>" in finished


def test_setting_my_reading_in_place_answers_with_just_the_panel(app, signed_in) -> None:
    book_id = add_book(signed_in)
    response = post_reading(signed_in, book_id, fragment=True, rating="3", progress_percent="40")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="panel reading-panel"')
    assert "Saved." in html and "<html" not in html
    assert 'aria-label="3 stars out of 5"' in html


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"rating": "4.3"}, "rating", "in half stars"),
        ({"rating": "6"}, "rating", "in half stars"),
        ({"rating": "0"}, "rating", "in half stars"),
        ({"rating": "lots"}, "rating", "in half stars"),
        ({"progress_percent": "101"}, "progress_percent", "0 to 100 percent"),
        ({"progress_pages": "-1"}, "progress_pages", "cannot be negative"),
        ({"progress_pages": "99999999999999999999"}, "progress_pages", "at most 100,000"),
        ({"status": "devoured"}, "status", "Not a valid choice"),
    ],
)
def test_bad_reading_input_is_explained_and_nothing_is_saved(app, signed_in, fields, field, message) -> None:
    book_id = add_book(signed_in)
    for fragment in (False, True):
        response = post_reading(signed_in, book_id, fragment=fragment, **fields)
        assert response.status_code == 422
        assert message in field_errors(response.get_data(as_text=True), field)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reading)) == 0


def test_each_reader_has_their_own_reading(app, signed_in, client) -> None:
    book_id = add_book(signed_in)
    post_reading(signed_in, book_id, status="read", rating="5", visibility="shared")
    other = make_user(app, "sam")
    sign_in(client, other)
    page = client.get(f"/books/{book_id}").get_data(as_text=True)
    assert "Not on your reading list yet." in page
    assert "Reader:" in page  # a shared reading is shown to the household


# --- shelves ----------------------------------------------------------------------------------------


def test_shelves_are_created_renamed_and_deleted_and_books_placed_on_them(app, signed_in) -> None:
    book_id = add_book(signed_in, title="Dune")
    assert "No shelves yet" in signed_in.get("/shelves").get_data(as_text=True)
    token = csrf_token(signed_in)
    assert signed_in.post("/shelves", data={"csrf_token": token, "name": " Book   club "}).status_code == 302
    with app.app_context():
        shelf_id = db.session.scalar(select(Shelf.id).where(Shelf.name == "Book club"))
    assert (
        signed_in.post(f"/books/{book_id}/shelves", data={"csrf_token": token, "shelf": shelf_id}).status_code
        == 302
    )
    assert "Dune" in signed_in.get(f"/library?shelf={shelf_id}").get_data(as_text=True)
    assert "1 book" in signed_in.get("/shelves").get_data(as_text=True)

    rename = signed_in.post(
        f"/shelves/{shelf_id}/rename", data={"csrf_token": token, f"shelf-{shelf_id}-name": "Club"}
    )
    assert rename.status_code == 302
    remove = signed_in.post(f"/books/{book_id}/shelves/{shelf_id}/remove", data={"csrf_token": token})
    assert remove.status_code == 302
    assert signed_in.post(f"/shelves/{shelf_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Shelf)) == 0
    assert book_count(app) == 1  # the book stays


@pytest.mark.parametrize(
    ("name", "message"), [("", "A shelf needs a name."), ("favourites", "already have a shelf")]
)
def test_bad_shelf_names_are_explained(app, signed_in, user, name, message) -> None:
    with app.app_context():
        db.session.add(Shelf(owner_id=user.id, name="Favourites"))
        db.session.commit()
    response = signed_in.post("/shelves", data={"csrf_token": csrf_token(signed_in), "name": name})
    assert response.status_code == 422
    assert message in field_errors(response.get_data(as_text=True), "name")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Shelf)) == 1


def test_other_peoples_shelves_cannot_be_changed(app, signed_in) -> None:
    other = make_user(app, "sam")
    with app.app_context():
        shelf = Shelf(owner_id=other.id, name="Sam's")
        db.session.add(shelf)
        db.session.commit()
        shelf_id = shelf.id
    token = csrf_token(signed_in)
    assert signed_in.post(f"/shelves/{shelf_id}/delete", data={"csrf_token": token}).status_code == 404
    assert signed_in.post(f"/shelves/{shelf_id}/rename", data={"csrf_token": token}).status_code == 404


# --- home, about, errors --------------------------------------------------------------------------------


def test_home_shows_what_i_am_reading_with_progress_and_recent_books(app, signed_in, user) -> None:
    book_id = add_book(signed_in, title="The Dispossessed", pages="400")
    post_reading(signed_in, book_id, progress_pages="100")
    page = signed_in.get("/").get_data(as_text=True)
    assert "The Dispossessed" in page
    assert '<progress max="100" value="25"' in page
    assert 'action="/books/new" method="get"' in page  # the quick add field


def test_empty_pages_say_what_to_do(signed_in) -> None:
    assert "Add your first book" in signed_in.get("/library").get_data(as_text=True)
    assert "not reading anything" in signed_in.get("/").get_data(as_text=True)


def test_about_names_version_data_folder_and_licences(app, signed_in) -> None:
    page = signed_in.get("/about").get_data(as_text=True)
    assert app.config["VERSION"] in page
    assert app.config["DATA_DIR"] in page
    assert re.search(r"<td>Flask</td><td>[\d.]+</td><td>Python package</td><td>BSD", page)
    assert "<td>Pillow</td>" in page or "<td>pillow</td>" in page


def test_error_pages_share_the_look_but_api_paths_are_left_alone(app, signed_in) -> None:
    page = signed_in.get("/no/such/page")
    assert page.status_code == 404 and 'class="site-header"' in page.get_data(as_text=True)
    assert signed_in.post("/library").status_code == 405
    assert "Allow" in signed_in.post("/library").headers
    api = signed_in.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and 'class="site-header"' not in api.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/library", "/journal", "/user/reader"])
def test_page_numbers_that_cannot_exist_are_404_not_500(signed_in, path) -> None:
    for page in ("0", "-1", "99999999999999999999"):
        assert signed_in.get(f"{path}?page={page}").status_code == 404
    assert signed_in.get(f"{path}?page=abc").status_code == 200  # not a number: the first page


def test_a_year_filter_beyond_any_book_is_explained_not_a_500(signed_in) -> None:
    add_book(signed_in, year="1965")
    response = signed_in.get("/library?year_to=99999999999999999999&year_from=1900")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<p class="field-errors" id="year_to-error">Give a year between -3000 and 9999.</p>' in page
    assert 'aria-describedby="year_to-error"' in page  # read out with the field
    assert "Dune" in page  # the valid part of the filter still applies


def test_an_error_in_the_database_still_gets_the_500_page(make_app) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    user = make_user(app, "someone")

    @app.get("/boom-in-the-database")
    def boom():
        db.session.add(Book(title="Too long", sort_title="too long", pages=10**20))
        db.session.flush()  # the driver refuses the number; the session needs a rollback

    client = app.test_client()
    sign_in(client, user)  # the error page shows the signed-in header: it reads the user
    response = client.get("/boom-in-the-database")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and 'class="site-header"' in page


def test_an_unexpected_error_is_a_500_page(make_app) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    make_user(app, "someone")  # a server with no accounts sends everyone to set-up

    @app.get("/boom")
    def boom():
        raise RuntimeError("bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
