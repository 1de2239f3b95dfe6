"""/shelves: a reader's own shelves (tags): create, rename, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from webapp.auth.forms import EmptyForm
from webapp.extensions import db
from webapp.library import bp
from webapp.library.forms import ShelfForm
from webapp.models import Shelf, book_shelves


def _my_shelf(shelf_id: int) -> Shelf:
    shelf = db.get_or_404(Shelf, shelf_id)
    if shelf.owner_id != current_user.id:
        abort(404)  # other people's shelves are not ours to see or change
    return shelf


def _name_taken(name: str, except_id: int | None = None) -> bool:
    query = select(Shelf.id).where(Shelf.owner_id == current_user.id, func.lower(Shelf.name) == name.lower())
    if except_id is not None:
        query = query.where(Shelf.id != except_id)
    return db.session.scalar(query) is not None


def _shelves_page(form: ShelfForm, rename_forms: dict[int, ShelfForm] | None = None, status: int = 200):
    counts = dict(
        db.session.execute(
            select(book_shelves.c.shelf_id, func.count())
            .join(Shelf, Shelf.id == book_shelves.c.shelf_id)
            .where(Shelf.owner_id == current_user.id)
            .group_by(book_shelves.c.shelf_id)
        ).all()
    )
    shelves = db.session.scalars(
        select(Shelf).where(Shelf.owner_id == current_user.id).order_by(func.lower(Shelf.name))
    ).all()
    rename_forms = rename_forms or {}
    for shelf in shelves:
        if shelf.id not in rename_forms:
            rename_forms[shelf.id] = ShelfForm(formdata=None, prefix=f"shelf-{shelf.id}", name=shelf.name)
    return (
        render_template(
            "library/shelves.html",
            form=form,
            shelves=shelves,
            counts=counts,
            rename_forms=rename_forms,
            confirm_form=EmptyForm(formdata=None),
        ),
        status,
    )


@bp.route("/shelves", methods=["GET", "POST"])
@login_required
def shelves():
    form = ShelfForm()
    if form.validate_on_submit():
        name = " ".join(form.name.data.split())
        if _name_taken(name):
            form.name.errors = [*form.name.errors, f"You already have a shelf called “{name}”."]
        else:
            db.session.add(Shelf(owner_id=current_user.id, name=name))
            db.session.commit()
            flash(f"Shelf “{name}” created.", "success")
            return redirect(url_for("library.shelves"))
    return _shelves_page(form, status=422 if form.is_submitted() else 200)


@bp.post("/shelves/<int:shelf_id>/rename")
@login_required
def rename_shelf(shelf_id: int):
    shelf = _my_shelf(shelf_id)
    form = ShelfForm(prefix=f"shelf-{shelf.id}")
    if form.validate_on_submit():
        name = " ".join(form.name.data.split())
        if _name_taken(name, except_id=shelf.id):
            form.name.errors = [*form.name.errors, f"You already have a shelf called “{name}”."]
        else:
            shelf.name = name
            db.session.commit()
            flash(f"Renamed to “{name}”.", "success")
            return redirect(url_for("library.shelves"))
    return _shelves_page(ShelfForm(formdata=None), {shelf.id: form}, status=422)


@bp.post("/shelves/<int:shelf_id>/delete")
@login_required
def delete_shelf(shelf_id: int):
    """Deleting a shelf keeps its books; they are only no longer on it."""
    shelf = _my_shelf(shelf_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = shelf.name
    db.session.delete(shelf)
    db.session.commit()
    flash(f"Shelf “{name}” deleted; its books are still in your library.", "success")
    return redirect(url_for("library.shelves"))
