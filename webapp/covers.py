"""Cover images: checked by what they contain, stored under a generated name, served
only from inside the covers folder.

The file name a browser sends and its Content-Type are the uploader's claims; Pillow
reads the bytes to find the real format and refuses anything that is not a whole
JPEG, PNG, WebP or GIF (and decompression bombs, which Pillow detects).
"""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

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
    return data, ALLOWED_FORMATS[kind]


def store_cover(data: bytes, extension: str, data_dir: str | Path) -> str:
    """Write the image under a random name and return that name (never the user's)."""
    folder = covers_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    (folder / name).write_bytes(data)
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
