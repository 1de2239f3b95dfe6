from flask import current_app, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from webapp.about import shipped_licences
from webapp.extensions import db
from webapp.library.forms import QuickAddForm
from webapp.main import bp
from webapp.models import Book, BookAuthor, Post, Reading, ReadingStatus, Visibility


@bp.get("/healthz")
def healthz():
    """For health checks and the launcher: no sign-in, no data, nothing secret."""
    return jsonify(status="ok", version=current_app.config["VERSION"])


@bp.get("/")
@login_required
def index():
    book_count = db.session.scalar(select(func.count()).select_from(Book))
    reading_now = db.session.scalars(
        select(Reading)
        .where(Reading.user_id == current_user.id, Reading.status == ReadingStatus.READING)
        .order_by(Reading.updated_at.desc())
        .options(selectinload(Reading.book).selectinload(Book.author_links).selectinload(BookAuthor.author))
        .limit(6)
    ).all()
    recent_books = db.session.scalars(
        select(Book)
        .order_by(Book.added_at.desc(), Book.id.desc())
        .options(selectinload(Book.author_links).selectinload(BookAuthor.author))
        .limit(8)
    ).all()
    recent_posts = db.session.scalars(
        select(Post)
        .where(or_(Post.author_id == current_user.id, Post.visibility == Visibility.SHARED))
        .order_by(Post.created_at.desc())
        .options(selectinload(Post.book), selectinload(Post.author))
        .limit(5)
    ).all()
    return render_template(
        "index.html",
        book_count=book_count,
        reading_now=reading_now,
        recent_books=recent_books,
        recent_posts=recent_posts,
        quick_add=QuickAddForm(formdata=None),
    )


@bp.get("/about")
@login_required
def about():
    config = current_app.config
    return render_template(
        "about.html",
        version=config["VERSION"],
        data_dir=config["DATA_DIR"],
        database=db.engine.url.render_as_string(hide_password=True),
        log_dir=config.get("LOG_DIR"),
        licences=shipped_licences(current_app.static_folder),
    )
