"""SQLite connection policy: WAL, foreign keys, busy timeout, IMMEDIATE writes.

pysqlite's own transaction handling begins transactions lazily and DEFERRED; a
deferred transaction that later wants to write can fail at once with "database is
locked" when another connection wrote in between, whatever the busy timeout. So we
take transaction control away from the driver (``isolation_level = None``) and emit
``BEGIN`` ourselves: ``BEGIN IMMEDIATE`` unless the current unit of work has declared
itself read-only (safe HTTP methods do, see :func:`read_only_requests`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, request
from sqlalchemy import Engine, event

from webapp.extensions import db

_read_only: ContextVar[bool] = ContextVar("shelfmark_read_only", default=False)
_busy_timeout_ms: int = 30_000

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _on_connect(dbapi_connection: object, _record: object) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {int(_busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN" if _read_only.get() else "BEGIN IMMEDIATE")


def install_sqlite_policy(busy_timeout_ms: int) -> None:
    """Register the connection hooks once per process (they check the dialect)."""
    global _busy_timeout_ms
    _busy_timeout_ms = busy_timeout_ms
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)


@contextmanager
def read_only() -> Iterator[None]:
    """Run a block whose transactions only read (deferred ``BEGIN``, no write lock)."""
    token = _read_only.set(True)
    try:
        yield
    finally:
        _read_only.reset(token)


@contextmanager
def writable() -> Iterator[None]:
    """Let a block inside a GET write (e.g. an API key's last-used time): transactions
    begun inside it take the write lock up front. End any read transaction first."""
    token = _read_only.set(False)
    try:
        yield
    finally:
        _read_only.reset(token)


def init_app(app: Flask) -> None:
    """Bind the database with our connection policy; safe requests only read."""
    install_sqlite_policy(app.config["SQLITE_BUSY_TIMEOUT_MS"])
    db.init_app(app)
    read_only_requests(app)


def read_only_requests(app: Flask) -> None:
    """GET/HEAD/OPTIONS change nothing (docs/security.md), so they never take the write lock."""

    @app.before_request
    def _mark_read_only() -> None:
        _read_only.set(request.method in SAFE_METHODS)
