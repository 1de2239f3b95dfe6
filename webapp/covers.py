"""Cover images: checked by what they contain, scaled down and re-encoded, stored under
a generated name, served only from inside the covers folder.

The file name a browser sends and its Content-Type are the uploader's claims; Pillow
reads the bytes to find the real format and refuses anything that is not a whole
JPEG, PNG, WebP or GIF (and decompression bombs, which Pillow detects).

What is stored is never the upload itself but Pillow's re-encoding of it: at most
:data:`MAX_SIDE` pixels on its longest side (a 9000 x 9000 upload took 243 MB to
decode on every view), its aspect kept, in its own format, turned upright by its EXIF
orientation and with no metadata left (a phone photo's EXIF can hold where it was
taken). Animated GIFs and WebPs keep their first frame: a cover is a still picture.
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError

#: The longest side of a stored cover. The largest cover on any page is 14 x 21 rem
#: (224 x 336 CSS pixels), 1,008 device pixels tall on a 3x screen; 1,600 leaves room
#: for a larger view and still decodes in under 8 MB (RGB), where 9000 x 9000 took 243.
MAX_SIDE = 1600
JPEG_QUALITY = 85
#: Pillow format name -> the extension we store it under.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MEDIA_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif"}
COVERS_FOLDER = "covers"


class InvalidCover(ValueError):
    """The upload is not an acceptable cover; the message is for the form field."""


def covers_dir(data_dir: str | Path) -> Path:
    return Path(data_dir) / COVERS_FOLDER


def read_cover(stream: BinaryIO, max_bytes: int) -> tuple[bytes, str]:
    """The upload's bytes and the extension of its real format, or InvalidCover."""
    data = stream.read(max_bytes + 1)
    if not data:
        raise InvalidCover("The file is empty.")
    if len(data) > max_bytes:
        raise InvalidCover(f"A cover may be at most {max_bytes // (1024 * 1024)} MB.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only our formats' parsers ever see the bytes (not EPS, PSD, TIFF...).
            with Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS)) as image:
                kind = image.format
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidCover("This file is not an image Shelfmark can show (JPEG, PNG, WebP or GIF).") from None
    except (OSError, SyntaxError, ValueError):
        raise InvalidCover("This image is damaged or incomplete.") from None
    if kind not in ALLOWED_FORMATS:  # unreachable with formats= above; kept as the rule
        raise InvalidCover("Covers must be JPEG, PNG, WebP or GIF images.")
    try:
        return _reencoded(data, kind), ALLOWED_FORMATS[kind]
    except (OSError, SyntaxError, ValueError):  # verify() passed but decoding did not
        raise InvalidCover("This image is damaged or incomplete.") from None


def _reencoded(data: bytes, kind: str) -> bytes:
    """The picture of ``data``, at most MAX_SIDE on its longest side, without metadata."""
    with Image.open(io.BytesIO(data), formats=[kind]) as image:
        image.seek(0)
        # thumbnail() lets the JPEG decoder scale by 1/2 to 1/8 while decoding (draft
        # mode), so a huge JPEG is never decoded whole.
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
        picture = ImageOps.exif_transpose(image)
        icc_profile = image.info.get("icc_profile")  # colours, not metadata: kept
    picture.info = {}  # EXIF, XMP, text chunks, comments: some savers copy what is here
    output = io.BytesIO()
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if kind == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
        picture.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **options)
    elif kind == "WEBP":
        picture.save(output, "WEBP", quality=JPEG_QUALITY, **options)
    elif kind == "GIF":
        picture.save(output, "GIF", optimize=True)
    else:
        picture.save(output, "PNG", **options)  # optimize=True: seconds for a few per cent
    return output.getvalue()


def store_cover(data: bytes, extension: str, data_dir: str | Path) -> str:
    """Write the image under a random name and return that name (never the user's).
    A write that fails (a full disk) leaves no partial file behind."""
    folder = covers_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    try:
        (folder / name).write_bytes(data)
    except OSError:
        (folder / name).unlink(missing_ok=True)
        raise
    return name


def cover_path(data_dir: str | Path, name: str | None) -> Path | None:
    """The file for a stored cover name, only if it resolves inside the covers folder."""
    if not name:
        return None
    root = os.path.realpath(covers_dir(data_dir))
    candidate = os.path.realpath(Path(root) / name)
    if os.path.commonpath([root, candidate]) != root or candidate == root:
        return None
    path = Path(candidate)
    return path if path.is_file() else None


def remove_cover(data_dir: str | Path, name: str | None) -> None:
    path = cover_path(data_dir, name)
    if path is not None:
        path.unlink(missing_ok=True)


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lstrip("."), "application/octet-stream")
