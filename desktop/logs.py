"""Logging for the desktop program: a rotating file in the log folder, warnings on stderr."""

from __future__ import annotations

import logging
import re
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

LOG_FILE = "shelfmark.log"
FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

#: The launch secret travels only as ``token=`` in the bootstrap URL; whoever logs that
#: URL (pywebview at debug level, a browser's error, a traceback quoting it) must not
#: put the secret in a file that outlives the launch (docs/security.md).
SECRET_IN_URL = re.compile(r"(token=)[^&#\s'\"]+")


#: ``extra=`` for a record whose message the person is shown anyway (by ``complain``):
#: logged to the file, not repeated on stderr.
FILE_ONLY = {"file_only": True}


def redact(text: str) -> str:
    """``text`` with every URL's ``token=`` value replaced by an ellipsis."""
    return SECRET_IN_URL.sub(r"\1…", text)


class RedactingFormatter(logging.Formatter):
    """Redacts the whole formatted record, traceback and all, not only the message."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class ConsoleFormatter(RedactingFormatter):
    """One line per record on the terminal: the traceback goes to the log file only (a
    person gets the sentence; the maintainer reads the file)."""

    def format(self, record: logging.LogRecord) -> str:
        kept = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = kept


def redact_every_record() -> None:
    """Redact each record as it is made, so handlers that are not ours (pywebview adds
    its own stderr handler) never see a secret either. Idempotent."""
    make = logging.getLogRecordFactory()
    if getattr(make, "redacts", False):
        return

    def make_redacted(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: let logging report it as it always has
            return record
        if "token=" in message:
            record.msg, record.args = redact(message), None
        return record

    make_redacted.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_redacted)


class LogFile(RotatingFileHandler):
    """The log file; when it cannot be written (a full disk), one line says so on
    stderr instead of logging's own traceback for every record."""

    _complained = False

    def handleError(self, record: logging.LogRecord) -> None:
        if not LogFile._complained and sys.stderr is not None and not isinstance(sys.stderr, LogStream):
            LogFile._complained = True
            error = sys.exc_info()[1]
            reason = getattr(error, "strerror", None) or error
            print(f"Shelfmark cannot write its log {self.baseFilename} ({reason}).", file=sys.stderr)


def configure_logging(log_dir: Path, verbose: bool = False) -> Path:
    redact_every_record()
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    file_handler = LogFile(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    file_handler.setFormatter(RedactingFormatter(FORMAT))
    root.addHandler(file_handler)
    if sys.stderr is not None and not isinstance(sys.stderr, LogStream):  # None when windowed
        console = logging.StreamHandler(sys.stderr)
        console.setLevel(logging.DEBUG if verbose else logging.WARNING)
        console_format = RedactingFormatter if verbose else ConsoleFormatter
        console.setFormatter(console_format("%(levelname)s: %(message)s"))
        console.addFilter(lambda record: not getattr(record, "file_only", False))
        root.addHandler(console)
    root.setLevel(logging.INFO)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    redirect_missing_streams()
    return path


class LogStream:
    """A write-only text stream that turns each line into a log record.

    A windowed PyInstaller build (Windows, macOS) has ``sys.stdout`` and ``sys.stderr``
    set to None: a stray ``print`` or a library writing a warning would raise. Sending
    them to the log keeps the program alive and the message where a maintainer looks.
    """

    def __init__(self, logger: logging.Logger, level: int) -> None:
        self.logger = logger
        self.level = level
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            if line.strip():
                self.logger.log(self.level, "%s", line.rstrip())
        return len(text)

    def flush(self) -> None:
        if self._pending.strip():
            self.logger.log(self.level, "%s", self._pending.rstrip())
        self._pending = ""

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True


def redirect_missing_streams() -> None:
    """Give a windowed build a stdout and stderr that write to the log (see LogStream)."""
    if sys.stdout is None:
        sys.stdout = _as_text_io(LogStream(logging.getLogger("stdout"), logging.INFO))
    if sys.stderr is None:
        sys.stderr = _as_text_io(LogStream(logging.getLogger("stderr"), logging.WARNING))


def _as_text_io(stream: LogStream) -> TextIO:
    return stream  # type: ignore[return-value]  # duck-typed: write, flush, isatty
