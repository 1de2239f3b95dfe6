"""Server mode's database: the same migrations and constraints on real PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.integration.migration_helpers import migrate_down_to, migrate_to
from webapp.extensions import db
from webapp.models import Author, Book, Reading, User
from webapp.schema_upgrade import schema_state, upgrade_with_backup
from webapp.search import search_library
from webapp.search.backend import include_name

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(make_app, postgres_url):
    return make_app(migrate=False, SQLALCHEMY_DATABASE_URI=postgres_url, MODE="server")


def test_migrations_reach_head_and_match_the_models(pg_app) -> None:
    assert upgrade_with_backup(pg_app).backup is None  # PostgreSQL backups are the admin's tools
    assert schema_state(pg_app).up_to_date
    with pg_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": include_name}
        )
        assert compare_metadata(context, db.metadata) == []


def test_downgrade_to_base_and_back(pg_app) -> None:
    migrate_to(pg_app, "head")
    migrate_down_to(pg_app, "base")
    migrate_to(pg_app, "head")
    assert schema_state(pg_app).up_to_date


def test_constraints_hold_on_postgres(pg_app) -> None:
    migrate_to(pg_app, "head")
    with pg_app.app_context():
        user = User(username="ada")
        book = Book(title="Dune", isbn13="9780441172719")
        book.set_authors([Author("Frank Herbert")])
        db.session.add_all([user, book, Reading(user=user, book=book, rating_halves=9)])
        db.session.commit()
        db.session.add(Reading(user=user, book=book))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        db.session.add(Reading(user=User(username="bob"), book=book, rating_halves=11))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(select(func.count(Reading.id))) == 1
        db.session.remove()
        db.engine.dispose()


def test_search_finds_ranks_and_respects_privacy_on_postgres(pg_app) -> None:
    """The tsvector backend answers the same questions as FTS5: ranking, prefixes,
    diacritics (unaccent), ISBNs typed with hyphens, and private posts."""
    from tests.integration.test_search import add_book, add_post, found

    migrate_to(pg_app, "head")
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        reader, other = User(username="reader"), User(username="other")
        db.session.add_all([reader, other])
        db.session.commit()
        about = add_post(reader, "Notes", "The lighthouse keeper was the best part of the lighthouse book.")
        lighthouse = add_book("The Lighthouse", ("Ada Quint",))
        assert found("lighthouse", reader) == [("book", lighthouse.id), ("post", about.id)]

        salt = add_book("Cartographer of Salt")
        for typed in ("ca", "cart", "cartograph", "cartographer"):
            assert found(typed, reader) == [("book", salt.id)], typed
        assert found("cartographers", reader) == []

        bronte = add_book("Wuthering Heights", ("Emily Brontë",))
        assert found("Bronte", reader) == [("book", bronte.id)]

        dune = add_book("Dune", ("Frank Herbert",), isbn13="978-0-441-17271-9")
        for typed in ("978-0-441-17271-9", "9780441172719", "0-441-17271-7"):
            assert found(typed, reader) == [("book", dune.id)], typed

        secret = add_post(reader, "Secret diary", "private thoughts", visibility="private")
        shared = add_post(reader, "Shared diary", "public thoughts")
        assert sorted(found("diary", reader)) == sorted([("post", secret.id), ("post", shared.id)])
        assert found("diary", other) == [("post", shared.id)]
        assert found("diary", None) == [("post", shared.id)]
        page = search_library("lighthouse", reader)
        assert "<mark>Lighthouse</mark>" in page.hits[0].title
        db.session.remove()
        db.engine.dispose()
