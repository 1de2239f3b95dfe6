"""Pages of the journal: posts, the live preview, profiles and the dashboard."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from webapp import clock
from webapp.extensions import db
from webapp.journal import bp
from webapp.journal.charts import bar_chart
from webapp.journal.forms import BODY_MAX, NOT_AN_ID, GoalForm, PostForm, optional_int
from webapp.journal.posts import own_post_or_404, post_for_viewer_or_404, posts_by, visible_posts
from webapp.journal.statistics import (
    books_per_year,
    formats_read,
    goal_progress,
    last_twelve_months,
    ratings_distribution,
)
from webapp.journal.year_review import YEAR_FIRST, YEAR_LAST, year_review, years_with_reads
from webapp.markdown import render_markdown
from webapp.models import (
    Book,
    Post,
    Read,
    Reading,
    ReadingGoal,
    ReadingStatus,
    ReadOutcome,
    Shelf,
    User,
    book_shelves,
    readings_visible_to,
)
from webapp.pagination import requested_page

PER_PAGE = 20
BOOK_CHOICES = 100  # recent books offered in the post form; any book page can preselect others


def book_choices(user: User, also: int | None) -> list[SelectChoice]:
    """The books a post can be about: the user's most recently touched readings, plus the
    book asked for. A select of the whole library would be megabytes at 100,000 books."""
    recent = select(Reading.book_id).where(Reading.user_id == user.id)
    recent = recent.order_by(Reading.updated_at.desc()).limit(BOOK_CHOICES)
    ids = set(db.session.scalars(recent))
    if also is not None and also != NOT_AN_ID:
        ids.add(also)
    books = db.session.scalars(select(Book).where(Book.id.in_(ids)).order_by(Book.sort_title, Book.id))
    return [SelectChoice("", "No particular book")] + [SelectChoice(str(b.id), b.title) for b in books]


def requested_book_id() -> int | None:
    book_id = optional_int(request.args.get("book"))
    return None if book_id == NOT_AN_ID else book_id


@bp.get("/journal")
@login_required
def index() -> str:
    page = db.paginate(
        visible_posts(current_user), page=requested_page(), per_page=PER_PAGE, max_per_page=PER_PAGE
    )
    return render_template("journal/index.html", page=page)


@bp.get("/post/<int:post_id>")
@login_required
def post(post_id: int) -> str:
    return render_template("journal/post.html", post=post_for_viewer_or_404(post_id, current_user))


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def new_post() -> str | Response | tuple[str, int]:
    form = PostForm()
    if request.method == "GET":
        book_id = requested_book_id()
        if book_id is not None and db.session.get(Book, book_id) is not None:
            form.book_id.data = book_id
    form.book_id.choices = book_choices(current_user, form.book_id.data)
    if form.validate_on_submit():
        entry = Post(author_id=current_user.id)
        fill_post(entry, form)
        db.session.add(entry)
        db.session.commit()
        flash("Your post is saved.", "success")
        return redirect(url_for("journal.post", post_id=entry.id))
    status = 422 if form.errors else 200
    return render_template("journal/edit.html", form=form, post=None), status


@bp.route("/post/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int) -> str | Response | tuple[str, int]:
    entry = own_post_or_404(post_id, current_user)
    form = PostForm(obj=entry)
    form.book_id.choices = book_choices(current_user, form.book_id.data)
    if form.validate_on_submit():
        fill_post(entry, form)
        db.session.commit()
        flash("Your changes are saved.", "success")
        return redirect(url_for("journal.post", post_id=entry.id))
    status = 422 if form.errors else 200
    return render_template("journal/edit.html", form=form, post=entry), status


def fill_post(entry: Post, form: PostForm) -> None:
    entry.title = form.title.data
    entry.body = form.body.data or ""
    entry.book_id = form.book_id.data
    entry.kind = form.kind.data
    entry.visibility = form.visibility.data


@bp.get("/post/<int:post_id>/delete")
@login_required
def confirm_delete(post_id: int) -> str:
    """The confirmation step: deleting happens only on the POST this page's form sends."""
    return render_template("journal/delete.html", post=own_post_or_404(post_id, current_user))


@bp.post("/post/<int:post_id>/delete")
@login_required
def delete_post(post_id: int) -> Response:
    entry = own_post_or_404(post_id, current_user)
    db.session.delete(entry)
    db.session.commit()
    flash(f"“{entry.title}” is deleted.", "success")
    return redirect(url_for("journal.profile", username=current_user.username))


@bp.post("/posts/preview")
@login_required
def preview() -> Response | tuple[Response, int]:
    """The editor's live preview: the same sanitised rendering the post page will show.
    A POST because the text can be long; it changes nothing."""
    payload = request.get_json(silent=True)
    text = payload.get("text") if isinstance(payload, dict) else None
    if not isinstance(text, str):
        return jsonify(error='Send JSON like {"text": "..."}.'), 400
    if len(text) > BODY_MAX:
        return jsonify(error=f"A post holds at most {BODY_MAX:,} characters."), 413
    return jsonify(html=str(render_markdown(text)))


@bp.get("/user/<username>")
@login_required
def profile(username: str) -> str:
    person = db.session.scalar(select(User).where(User.username == username)) or abort(404)
    shelves = db.session.execute(
        select(Shelf, func.count(book_shelves.c.book_id))
        .outerjoin(book_shelves, book_shelves.c.shelf_id == Shelf.id)
        .where(Shelf.owner_id == person.id)
        .group_by(Shelf.id)
        .order_by(Shelf.name)
    ).all()
    page = db.paginate(posts_by(person, current_user), page=requested_page(), per_page=10, max_per_page=10)
    return render_template(
        "journal/profile.html",
        person=person,
        shelves=shelves,
        current=current_reads(person, current_user),
        recent=recent_reads(person, current_user),
        page=page,
    )


def current_reads(person: User, viewer: User, limit: int = 12) -> list[Reading]:
    """What ``person`` is reading, as far as ``viewer`` may see (private readings are
    their reader's alone)."""
    return list(
        db.session.scalars(
            select(Reading)
            .options(joinedload(Reading.book))
            .where(
                Reading.user_id == person.id,
                Reading.status == ReadingStatus.READING,
                readings_visible_to(viewer.id),
            )
            .order_by(Reading.updated_at.desc(), Reading.id.desc())
            .limit(limit)
        )
    )


def recent_reads(person: User, viewer: User, limit: int = 10) -> list[Read]:
    """What ``person`` finished lately (each finished read: a re-read shows again), as
    far as ``viewer`` may see."""
    return list(
        db.session.scalars(
            select(Read)
            .join(Reading, Reading.id == Read.reading_id)
            .options(joinedload(Read.reading).joinedload(Reading.book))
            .where(
                Reading.user_id == person.id,
                readings_visible_to(viewer.id),
                Read.outcome == ReadOutcome.FINISHED,
                Read.ended_on.is_not(None),
            )
            .order_by(Read.ended_on.desc(), Read.id.desc())
            .limit(limit)
        )
    )


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    return render_dashboard(GoalForm())


@bp.post("/dashboard/goal")
@login_required
def set_goal() -> Response | tuple[str, int]:
    form = GoalForm()
    if not form.validate_on_submit():
        return render_dashboard(form), 422
    year = clock.today().year
    goal = db.session.scalar(
        select(ReadingGoal).where(ReadingGoal.user_id == current_user.id, ReadingGoal.year == year)
    )
    if goal is None:
        goal = ReadingGoal(user_id=current_user.id, year=year, target_books=form.target_books.data)
        db.session.add(goal)
    goal.target_books = form.target_books.data
    db.session.commit()
    flash(f"Your goal for {year}: {goal.target_books} books.", "success")
    return redirect(url_for("journal.dashboard"))


@bp.get("/dashboard/year")
@login_required
def this_year_in_review() -> Response:
    return redirect(url_for("journal.year_in_review", year=clock.today().year))


@bp.get("/dashboard/year/<int:year>")
@login_required
def year_in_review(year: int) -> str:
    """What the signed-in reader finished in ``year``: only ever their own readings."""
    if not YEAR_FIRST <= year <= YEAR_LAST:
        abort(404)
    review = year_review(current_user.id, year)
    return render_template(
        "journal/year_review.html",
        review=review,
        years=years_with_reads(current_user.id),
        month_chart=bar_chart(
            f"Books finished per month in {year}",
            "books",
            "Month",
            review.by_month,
        ),
        this_year=clock.today().year,
    )


def render_dashboard(goal_form: GoalForm) -> str:
    today = clock.today()
    months = last_twelve_months(current_user.id, today)
    goal = goal_progress(current_user.id, today.year)
    if goal_form.target_books.data is None and not goal_form.errors:
        goal_form.target_books.data = goal.target
    user_id = current_user.id
    years = [(str(year), books) for year, books in books_per_year(user_id)]
    ratings = [(f"{stars:g}★", count) for stars, count in ratings_distribution(user_id)]
    charts = {
        "books_per_month": bar_chart(
            "Books finished per month", "books", "Month", [(m.short_label, m.books) for m in months]
        ),
        "pages_per_month": bar_chart(
            "Pages read per month", "pages", "Month", [(m.short_label, m.pages) for m in months]
        ),
        "books_per_year": bar_chart("Books finished per year", "books", "Year", years),
        "ratings": bar_chart("Ratings given", "readings", "Rating", ratings),
        "formats": bar_chart("Formats of the books finished", "books", "Format", formats_read(user_id)),
    }
    recent_posts = db.session.scalars(
        select(Post)
        .options(joinedload(Post.book))
        .where(Post.author_id == current_user.id)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(5)
    ).all()
    return render_template(
        "journal/dashboard.html",
        reading=current_reads(current_user, current_user),
        recent_posts=recent_posts,
        charts=charts,
        months=months,
        goal=goal,
        goal_form=goal_form,
    )
