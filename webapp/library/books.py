"""A book's pages: add, show, edit, delete, its cover, and the reader's reading of it."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp import clock
from webapp.auth.forms import EmptyForm
from webapp.auth.navigation import is_local_path
from webapp.catalogue import (
    apply_book_data,
    apply_reading_data,
    delete_book,
    isbn_conflicts,
    reading_for,
    reading_to_update,
)
from webapp.covers import InvalidCover, cover_path, media_type, read_cover, remove_cover, store_cover
from webapp.extensions import db
from webapp.lending import open_loan_count
from webapp.library import bp
from webapp.library.forms import BookDeleteForm, BookForm, PlaceOnShelfForm, ReadingForm, options
from webapp.models import Book, BookAuthor, BookSeries, Reading, Shelf, readings_visible_to
from webapp.permissions import DeleteDecision, delete_decision, edit_refusal, others_stake

#: Invalid submissions are answered with the form and its messages, and this status.
INVALID = 422


def _book_or_404(book_id: int) -> Book:
    return db.get_or_404(Book, book_id)


def _editable_book_or_403(book_id: int) -> Book:
    """The book, if the signed-in person may change it (webapp.permissions); else a 403
    page that says why. Covers are part of the book: uploading or removing one is editing."""
    book = _book_or_404(book_id)
    refusal = edit_refusal(current_user, others_stake(book.id, current_user))
    if refusal:
        abort(403, refusal)
    return book


def _check_isbns(form: BookForm, exclude_id: int | None) -> bool:
    """ISBNs are unique: say which book already has one, with a link to it."""
    conflicts = isbn_conflicts(form.isbn13.data, form.isbn10.data, exclude_id)
    for conflict in conflicts:
        field = getattr(form, conflict.field)
        link = url_for("library.book", book_id=conflict.book.id)
        message = Markup('Another book already has this ISBN: <a href="{}">{}</a>.').format(
            link, conflict.book.title
        )
        field.errors = [*field.errors, message]
    return not conflicts


def _take_cover(form: BookForm) -> tuple[bytes, str] | None:
    """The checked upload, or None when there is none; errors go on the field."""
    upload = form.cover.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return read_cover(upload.stream, current_app.config["COVER_MAX_BYTES"])
    except InvalidCover as problem:
        form.cover.errors = [*form.cover.errors, str(problem)]
        return None


def _save_book(book: Book, form: BookForm, cover: tuple[bytes, str] | None) -> None:
    data_dir = current_app.config["DATA_DIR"]
    apply_book_data(book, form.book_data(current_app.config["DEFAULT_CURRENCY"]))
    old_cover = book.cover_file
    if cover is not None:
        book.cover_file = store_cover(*cover, data_dir)
    elif form.remove_cover.data:
        book.cover_file = None
    db.session.add(book)
    db.session.commit()
    if old_cover and old_cover != book.cover_file:
        remove_cover(data_dir, old_cover)


@bp.route("/books/new", methods=["GET", "POST"])
@login_required
def new_book():
    form = BookForm()
    if request.method == "GET" and request.args.get("title"):
        form.title.data = request.args["title"][:500]
    if form.validate_on_submit():
        cover = _take_cover(form)
        if _check_isbns(form, None) and not form.cover.errors:
            book = Book(title=form.title.data)
            _save_book(book, form, cover)
            flash(f"“{book.title}” is in your library.", "success")
            return redirect(url_for("library.book", book_id=book.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("library/book_form.html", form=form, book=None), status


@bp.get("/books/<int:book_id>")
@login_required
def book(book_id: int):
    book = db.session.scalar(
        select(Book)
        .where(Book.id == book_id)
        .options(
            selectinload(Book.author_links).joinedload(BookAuthor.author),
            selectinload(Book.shelves),
            selectinload(Book.series_links).joinedload(BookSeries.series),
            selectinload(Book.loans),
        )
    ) or abort(404)
    reading = reading_for(current_user, book)
    return _book_page(book, reading, _reading_form_for(reading))


def _reading_form_for(reading: Reading | None) -> ReadingForm:
    """The "My reading" form as saved (a new one takes the reader's default visibility)."""
    form = ReadingForm(formdata=None)
    if reading is not None:
        form.fill_from(reading)
    else:
        form.visibility.data = current_user.reading_visibility
    return form


def book_page_again(book: Book, **panels: object):
    """The book page with another panel's refused form (lend, add a read) and its
    messages; status 422."""
    reading = reading_for(current_user, book)
    return _book_page(book, reading, _reading_form_for(reading), INVALID, **panels)


def _book_page(
    book: Book, reading: Reading | None, reading_form: ReadingForm, status: int = 200, **panels: object
):
    """The book page; ``panels`` are the forms of other panels (copies: a lend form that
    failed) for their templates to show again with their messages."""
    others = db.session.scalars(
        select(Reading)
        .where(
            Reading.book_id == book.id,
            Reading.user_id != current_user.id,
            readings_visible_to(current_user.id),
        )
        .options(selectinload(Reading.user))
    ).all()
    stake = others_stake(book.id, current_user)
    my_shelves = db.session.scalars(
        select(Shelf).where(Shelf.owner_id == current_user.id).order_by(Shelf.name)
    ).all()
    on_shelves = [shelf for shelf in book.shelves if shelf.owner_id == current_user.id]
    place_form = PlaceOnShelfForm(formdata=None)
    place_form.shelf.choices = options(
        (shelf.id, shelf.name) for shelf in my_shelves if shelf not in on_shelves
    )
    return (
        render_template(
            "library/book.html",
            book=book,
            reading=reading,
            reading_form=reading_form,
            others=others,
            on_shelves=on_shelves,
            place_form=place_form,
            confirm_form=EmptyForm(formdata=None),
            may_edit=edit_refusal(current_user, stake) is None,
            may_delete=delete_decision(current_user, stake).refusal is None,
            **panels,
        ),
        status,
    )


@bp.route("/books/<int:book_id>/edit", methods=["GET", "POST"])
@login_required
def edit_book(book_id: int):
    book = _editable_book_or_403(book_id)
    form = BookForm()
    form.lent_out = open_loan_count(book)
    if request.method == "GET":
        form.fill_from(book)
    elif form.validate_on_submit():
        cover = _take_cover(form)
        if _check_isbns(form, book.id) and not form.cover.errors:
            _save_book(book, form, cover)
            flash("Saved.", "success")
            return redirect(url_for("library.book", book_id=book.id))
    status = INVALID if form.is_submitted() else 200
    return render_template("library/book_form.html", form=form, book=book), status


@bp.route("/books/<int:book_id>/delete", methods=["GET", "POST"])
@login_required
def delete_book_page(book_id: int):
    """GET asks "are you sure?"; only the POST from that page deletes. Editors and
    administrators only; other people's readings go only when an administrator ticks the
    box that says how many (webapp.permissions)."""
    book = _book_or_404(book_id)
    decision = delete_decision(current_user, others_stake(book.id, current_user))
    if decision.refusal:
        abort(403, decision.refusal)
    form = BookDeleteForm()
    if form.validate_on_submit():
        if decision.needs_confirmation and not form.confirm_others.data:
            form.confirm_others.errors = ["Tick this to delete the book with what it takes from others."]
            return _delete_question(book, form, decision, 422)
        if decision.needs_confirmation and form.others_seen.data != decision.stake.token:
            form.confirm_others.data = False
            form.confirm_others.errors = ["Other members' readings or posts changed since; look again."]
            return _delete_question(book, form, decision, 422)
        title = book.title
        cover = delete_book(book)
        db.session.commit()
        remove_cover(current_app.config["DATA_DIR"], cover)
        flash(f"“{title}” was deleted.", "success")
        return redirect(url_for("library.catalogue"))
    if form.is_submitted():
        abort(400)
    return _delete_question(book, form, decision)


def _delete_question(book: Book, form: BookDeleteForm, decision: DeleteDecision, status: int = 200):
    form.others_seen.data = decision.stake.token
    return render_template("library/book_delete.html", book=book, form=form, decision=decision), status


@bp.get("/books/<int:book_id>/cover")
@login_required
def cover(book_id: int):
    book = _book_or_404(book_id)
    path = cover_path(current_app.config["DATA_DIR"], book.cover_file)
    if path is None:
        abort(404)
    return send_file(path, mimetype=media_type(path), max_age=3600, conditional=True)


@bp.post("/books/<int:book_id>/reading")
@login_required
def update_reading(book_id: int):
    """Works as a plain form POST (redirects back) and from reading.js, which asks for
    just the reading panel (``X-Fragment: reading``) to swap in place."""
    book = _book_or_404(book_id)
    form = ReadingForm()
    fragment = request.headers.get("X-Fragment") == "reading"
    if form.validate_on_submit():
        reading = reading_to_update(current_user, book)
        apply_reading_data(reading, form.reading_data(), today=clock.today())
        db.session.commit()
        if fragment:
            form = ReadingForm(formdata=None)
            form.fill_from(reading)
            return render_template(
                "library/_reading.html", book=book, reading=reading, reading_form=form, saved=True
            )
        flash("Your reading is saved.", "success")
        return redirect(url_for("library.book", book_id=book.id))
    reading = reading_for(current_user, book)
    if fragment:
        return render_template(
            "library/_reading.html", book=book, reading=reading, reading_form=form
        ), INVALID
    return _book_page(book, reading, form, INVALID)


@bp.post("/books/<int:book_id>/shelves")
@login_required
def place_on_shelf(book_id: int):
    book = _book_or_404(book_id)
    form = PlaceOnShelfForm()
    mine = db.session.scalars(select(Shelf).where(Shelf.owner_id == current_user.id)).all()
    form.shelf.choices = options((shelf.id, shelf.name) for shelf in mine)
    if not form.validate_on_submit():
        flash("Choose one of your shelves.", "error")
        return redirect(url_for("library.book", book_id=book.id))
    shelf = next(shelf for shelf in mine if shelf.id == form.shelf.data)
    if shelf not in book.shelves:
        book.shelves.append(shelf)
        db.session.commit()
    flash(f"Added to “{shelf.name}”.", "success")
    return redirect(url_for("library.book", book_id=book.id))


@bp.post("/books/<int:book_id>/shelves/<int:shelf_id>/remove")
@login_required
def remove_from_shelf(book_id: int, shelf_id: int):
    book = _book_or_404(book_id)
    shelf = db.get_or_404(Shelf, shelf_id)
    if shelf.owner_id != current_user.id or not EmptyForm().validate_on_submit():
        abort(403 if shelf.owner_id != current_user.id else 400)
    if shelf in book.shelves:
        book.shelves.remove(shelf)
        db.session.commit()
    flash(f"Removed from “{shelf.name}”.", "success")
    target = request.form.get("next")
    return redirect(target if is_local_path(target) else url_for("library.book", book_id=book.id))
