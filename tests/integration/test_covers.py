"""Covers are stored scaled down and without metadata (issue 11, item 13): a 9000 x 9000
upload was stored and served as it came, 243 MB to decode on every view."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import csrf_token
from webapp.covers import MAX_SIDE
from webapp.extensions import db
from webapp.models import Book


def upload(client, image: bytes, name: str) -> int:
    token = csrf_token(client, "/books/new")
    response = client.post(
        "/books/new",
        data={"title": "Covered", "csrf_token": token, "cover": (io.BytesIO(image), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[-1])


class Stored:
    """What the covers folder holds for a book, read back from the file."""

    def __init__(self, app, book_id: int) -> None:
        with app.app_context():
            name = db.session.get(Book, book_id).cover_file
        with Image.open(Path(app.config["DATA_DIR"]) / "covers" / name) as image:
            self.format, self.size, self.info = image.format, image.size, dict(image.info)
            self.exif = dict(image.getexif())


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(("kind", "side"), [("PNG", 9000), ("JPEG", 4000)])
def test_a_huge_cover_is_stored_at_most_max_side_pixels(app, signed_in, kind, side) -> None:
    # 'L' (one byte a pixel) keeps making it cheap: 81 MB for 9000 x 9000, not 243 MB in
    # RGB. The JPEG is smaller because a 9000 x 9000 one is 950 kB, and Werkzeug's test
    # client leaves the temporary file of a multipart body over 500 kB open.
    huge = encoded(Image.new("L", (side, side), 128), kind)
    assert len(huge) < 500 * 1024 < app.config["COVER_MAX_BYTES"]  # only its pixels are too many
    cover = Stored(app, upload(signed_in, huge, f"huge.{kind.lower()}"))
    assert (cover.format, cover.size) == (kind, (MAX_SIDE, MAX_SIDE))


def test_a_large_cover_keeps_its_aspect_and_loses_its_metadata(app, signed_in) -> None:
    exif = Image.Exif()
    exif[0x010E] = "Taken at 51.5007 N, 0.1246 W"  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotate 90 degrees to show it upright
    photo = encoded(
        Image.new("RGB", (2400, 1800), (47, 93, 80)), "JPEG", exif=exif.tobytes(), comment=b"secret"
    )
    cover = Stored(app, upload(signed_in, photo, "photo.jpg"))
    # Turned upright by its orientation, then scaled: 1800 x 2400 -> 1200 x 1600.
    assert (cover.format, cover.size) == ("JPEG", (1200, 1600))
    assert cover.exif == {}
    assert "exif" not in cover.info and "comment" not in cover.info


def test_a_cover_within_the_bound_keeps_its_size_and_format(app, signed_in) -> None:
    small = encoded(Image.new("RGB", (800, 1200), (122, 59, 46)), "WEBP")
    cover = Stored(app, upload(signed_in, small, "small.webp"))
    assert (cover.format, cover.size) == ("WEBP", (800, 1200))
