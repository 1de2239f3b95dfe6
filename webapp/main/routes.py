from flask import current_app, jsonify, render_template
from flask_login import login_required
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.main import bp
from webapp.models import Book, Post, Reading, ReadingStatus


@bp.get("/healthz")
def healthz():
    """For health checks and the launcher: no sign-in, no data, nothing secret."""
    return jsonify(status="ok", version=current_app.config["VERSION"])


@bp.get("/")
@login_required
def index():
    book_count = db.session.scalar(select(func.count(Book.id)))
    reading_now = db.session.scalars(
        select(Reading)
        .where(Reading.status == ReadingStatus.READING)
        .order_by(Reading.updated_at.desc())
        .limit(6)
    ).all()
    recent_books = db.session.scalars(
        select(Book).order_by(Book.added_at.desc(), Book.id.desc()).limit(8)
    ).all()
    recent_posts = db.session.scalars(select(Post).order_by(Post.created_at.desc()).limit(5)).all()
    return render_template(
        "index.html",
        book_count=book_count,
        reading_now=reading_now,
        recent_books=recent_books,
        recent_posts=recent_posts,
    )
