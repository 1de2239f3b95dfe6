"""Forms of the library pages. Each one turns text into checked values and says, per
field, what is wrong; the routes save only what a valid form hands over."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from webapp import clock
from webapp.catalogue import check_series, parse_series_lines, split_author_names
from webapp.isbn import InvalidISBN, isbn10_to_isbn13, isbn13_to_isbn10, normalize_isbn10, normalize_isbn13
from webapp.library.listing import PAGE_SIZES, SORTS
from webapp.models import BookFormat, ReadingStatus, Visibility
from webapp.models.book import COPIES_MAX
from webapp.models.limits import DESCRIPTION_MAX, PAGES_MAX, PRICE_MAX, YEAR_MAX, YEAR_MIN
from webapp.templating import ZERO_DECIMAL_CURRENCIES
from webapp.validation import PlainDecimalField, WholeNumberField, ascii_int, full_match

FORMAT_CHOICES = [("", "Not set")] + [(member.value, member.value.title()) for member in BookFormat]
STATUS_CHOICES = [(member.value, member.label) for member in ReadingStatus]
RATING_CHOICES = [("", "No rating")] + [
    (f"{halves / 2:g}", f"{halves / 2:g} ★") for halves in range(10, 0, -1)
]


def options(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 wants select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


#: The years a book may have (the books table's CHECK); a filter outside them could only
#: match nothing, and a huge number would overflow SQLite's integers.
#: A description is a blurb or a summary, not a book: bounded so one paste cannot bloat
#: the library (and the search index, which holds it too).

YEAR_RANGE = NumberRange(
    min=YEAR_MIN, max=YEAR_MAX, message=f"Give a year between {YEAR_MIN} and {YEAR_MAX}."
)


def latest_allowed_year() -> int:
    """Next year's books are announced and pre-ordered; later ones are typos."""
    return clock.today().year + 1


def _blank_to_none(value: Any) -> Any:
    return value.strip() or None if isinstance(value, str) else value


class BookForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("A book needs a title."), Length(max=500)])
    subtitle = StringField("Subtitle", validators=[Optional(), Length(max=500)])
    authors = TextAreaField(
        "Authors", description="One per line, in the order the cover gives them.", validators=[Optional()]
    )
    isbn13 = StringField(
        "ISBN-13",
        description="Hyphens and spaces are fine; an ISBN-10 here is converted.",
        filters=[_blank_to_none],
    )
    isbn10 = StringField("ISBN-10", filters=[_blank_to_none])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=255)])
    year = WholeNumberField("Year published", validators=[Optional()])
    pages = WholeNumberField(
        "Pages",
        validators=[
            Optional(),
            NumberRange(min=1, message="Pages must be a positive number."),
            NumberRange(max=PAGES_MAX, message=f"A book has at most {PAGES_MAX:,} pages here."),
        ],
    )
    language = StringField(
        "Language", description="e.g. en, fr, pt-BR", validators=[Optional(), Length(max=35)]
    )
    format = SelectField("Format", choices=options(FORMAT_CHOICES), default="")
    price = PlainDecimalField(
        "Price",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, message="A price cannot be negative."),
            NumberRange(max=PRICE_MAX, message=f"A price can be at most {PRICE_MAX:,}."),
        ],
        description="What it cost or is worth.",
    )
    currency = StringField(
        "Currency",
        description="Three letters, e.g. EUR, USD, GBP.",
        filters=[_blank_to_none],
        validators=[
            Optional(),
            Regexp(r"[A-Za-z]{3}", message="A currency is three letters, e.g. EUR.", matcher=full_match),
        ],
    )
    location = StringField(
        "Location",
        description="Where it stands, e.g. Study, shelf 3.",
        validators=[Optional(), Length(max=255)],
    )
    copies = WholeNumberField(
        "Copies",
        default=1,
        description="0 = not owned (a wish or a library book).",
        validators=[
            Optional(),
            NumberRange(min=0, message="The number of copies cannot be negative."),
            NumberRange(max=COPIES_MAX, message=f"At most {COPIES_MAX:,} copies."),
        ],
    )
    series = TextAreaField(
        "Series",
        description="One per line, its number after #: The Locked Tomb #1, Discworld #0.5, Omnibus #2-3.",
        validators=[Optional(), Length(max=5_000)],
        render_kw={"rows": 3},
    )
    description = TextAreaField(
        "Description",
        description="Markdown: the blurb, a summary, notes on the edition.",
        render_kw={"rows": 8},
        validators=[
            Optional(),
            Length(
                max=DESCRIPTION_MAX,
                message=f"A description is at most {DESCRIPTION_MAX:,} characters.",
            ),
        ],
    )
    cover = FileField("Cover image", description="JPEG, PNG, WebP or GIF.")
    remove_cover = BooleanField("Remove the current cover")

    #: Open loans of the book being edited (set by the edit route): fewer copies than
    #: that would leave a lent-out copy that the household does not own.
    lent_out: int = 0

    def validate_series(self, field: TextAreaField) -> None:
        problem = check_series(parse_series_lines(field.data or ""))
        if problem:
            raise ValidationError(problem)

    def validate_copies(self, field: WholeNumberField) -> None:
        if field.errors or not self.lent_out:
            return
        if (1 if field.data is None else field.data) < self.lent_out:
            lent = "1 copy is" if self.lent_out == 1 else f"{self.lent_out} copies are"
            raise ValidationError(f"{lent} lent out; record the return first.")

    def validate_authors(self, field: StringField) -> None:
        for name in split_author_names(field.data or ""):
            if len(name) > 255:
                raise ValidationError("An author's name may be at most 255 characters.")

    def validate_year(self, field: WholeNumberField) -> None:
        if field.data is None:
            return
        latest = latest_allowed_year()
        if field.data > latest:
            raise ValidationError(f"The year can be at most {latest}.")
        if field.data < YEAR_MIN:
            raise ValidationError("The year is too far in the past.")

    def validate_isbn13(self, field: StringField) -> None:
        if field.data:
            try:
                field.data = normalize_isbn13(field.data)
            except InvalidISBN as problem:
                raise ValidationError(str(problem)) from None

    def validate_isbn10(self, field: StringField) -> None:
        if field.data:
            try:
                field.data = normalize_isbn10(field.data)
            except InvalidISBN as problem:
                raise ValidationError(str(problem)) from None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if valid:
            valid = self._isbns_agree()
        return valid

    def _isbns_agree(self) -> bool:
        """Fill the missing ISBN form from the other; refuse two that name different books."""
        isbn13, isbn10 = self.isbn13.data, self.isbn10.data
        if isbn10 and not isbn13:
            self.isbn13.data = isbn10_to_isbn13(isbn10)
        elif isbn13 and not isbn10:
            self.isbn10.data = isbn13_to_isbn10(isbn13)
        elif isbn13 and isbn10 and isbn10_to_isbn13(isbn10) != isbn13:
            self.isbn10.errors.append("This ISBN-10 and the ISBN-13 above are different books.")
            return False
        return True

    def book_data(self, default_currency: str) -> dict[str, Any]:
        """The checked values, as catalogue.apply_book_data takes them."""
        currency = (self.currency.data or "").upper() or None
        price_minor = None
        if self.price.data is not None:
            currency = currency or default_currency
            factor = 1 if currency in ZERO_DECIMAL_CURRENCIES else 100
            price_minor = int((self.price.data * factor).to_integral_value())
        return {
            "title": self.title.data,
            "subtitle": self.subtitle.data,
            "authors": split_author_names(self.authors.data or ""),
            "isbn13": self.isbn13.data,
            "isbn10": self.isbn10.data,
            "publisher": self.publisher.data,
            "year": self.year.data,
            "pages": self.pages.data,
            "language": self.language.data,
            "format": self.format.data or None,
            "price_minor": price_minor,
            "currency": currency if price_minor is not None else None,
            "location": self.location.data,
            "copies": 1 if self.copies.data is None else self.copies.data,
            "series": parse_series_lines(self.series.data or ""),
            "description": (self.description.data or "").strip() or None,
        }

    def fill_from(self, book: Any) -> None:
        """Show a stored book in the form (GET of the edit page)."""
        for name in ("title", "subtitle", "isbn13", "isbn10", "publisher", "year", "pages", "language"):
            getattr(self, name).data = getattr(book, name)
        self.location.data = book.location
        self.format.data = book.format or ""
        self.authors.data = "\n".join(book.author_names)
        self.currency.data = book.currency
        self.copies.data = book.copies
        links = sorted(book.series_links, key=lambda link: link.series.sort_name)
        self.series.data = "\n".join(link.label for link in links)
        self.description.data = book.description or ""
        if book.price_minor is not None:
            factor = 1 if (book.currency or "") in ZERO_DECIMAL_CURRENCIES else 100
            self.price.data = Decimal(book.price_minor) / factor


class QuickAddForm(FlaskForm):
    """The home page's one-field "add a book": it only prefills /books/new (a GET)."""

    class Meta:
        csrf = False

    title = StringField("Add a book by title", validators=[Optional(), Length(max=500)])


READING_VISIBILITY_CHOICES = [
    (Visibility.PRIVATE.value, "Only me"),
    (Visibility.SHARED.value, "Every member"),
]


class ReadingForm(FlaskForm):
    status = SelectField("Status", choices=options(STATUS_CHOICES), default=ReadingStatus.WANT_TO_READ.value)
    rating = SelectField("My rating", choices=options(RATING_CHOICES), default="", validate_choice=False)
    progress_pages = WholeNumberField(
        "Page",
        validators=[
            Optional(),
            NumberRange(min=0, message="A page number cannot be negative."),
            NumberRange(max=PAGES_MAX, message=f"A page number can be at most {PAGES_MAX:,}."),
        ],
    )
    progress_percent = WholeNumberField(
        "Percent",
        validators=[Optional(), NumberRange(min=0, max=100, message="Progress is 0 to 100 percent.")],
    )
    visibility = SelectField(
        "Who sees it",
        choices=options(READING_VISIBILITY_CHOICES),
        # Absent from a form that predates it: the reading keeps what it had.
        validators=[Optional()],
        description="Shared: other members see it on your profile and this book's page.",
    )

    def validate_rating(self, field: SelectField) -> None:
        field.stars = None
        if field.data in (None, ""):
            return
        try:
            stars = float(field.data)
        except ValueError:
            raise ValidationError("A rating is 0.5 to 5 stars, in half stars.") from None
        if not (stars * 2).is_integer() or not 1 <= stars * 2 <= 10:
            raise ValidationError("A rating is 0.5 to 5 stars, in half stars.")
        field.stars = stars

    def reading_data(self) -> dict[str, Any]:
        return {
            "status": self.status.data,
            "rating": self.rating.stars,
            "progress_pages": self.progress_pages.data,
            "progress_percent": self.progress_percent.data,
        } | ({"visibility": self.visibility.data} if self.visibility.data in set(Visibility) else {})

    def fill_from(self, reading: Any) -> None:
        self.status.data = reading.status
        self.rating.data = "" if reading.rating is None else f"{reading.rating:g}"
        self.progress_pages.data = reading.progress_pages
        self.progress_percent.data = reading.progress_percent
        self.visibility.data = reading.visibility


class ShelfForm(FlaskForm):
    name = StringField("Shelf name", validators=[DataRequired("A shelf needs a name."), Length(max=100)])


class PlaceOnShelfForm(FlaskForm):
    shelf = SelectField("Add to shelf", coerce=ascii_int, validate_choice=True)


class BookDeleteForm(FlaskForm):
    """The delete button; an administrator deleting a book other people have readings or
    posts on must also tick the box that says what goes with it."""

    confirm_others = BooleanField("Delete it with the other members' readings")
    #: The counts the person was shown ("readings:posts"): a confirmation covers those only.
    others_seen = HiddenField()


class LibraryFilterForm(FlaskForm):
    """The catalogue's sort, filter and page-size controls, read from the query string."""

    class Meta:
        csrf = False

    view = SelectField("View", choices=options([("table", "Table"), ("grid", "Covers")]), default="table")
    sort = SelectField("Sort by", choices=options(list(SORTS.items())), default="title")
    order = SelectField(
        "Order", choices=options([("", "Default"), ("asc", "Ascending"), ("desc", "Descending")]), default=""
    )
    status = SelectField("Status", choices=options([("", "Any status"), *STATUS_CHOICES]), default="")
    shelf = SelectField("Shelf", choices=options([("", "Any shelf")]), default="")
    author = StringField("Author", validators=[Optional(), Length(max=255)])
    year_from = WholeNumberField("Year from", validators=[Optional(), YEAR_RANGE])
    year_to = WholeNumberField("Year to", validators=[Optional(), YEAR_RANGE])
    format = SelectField("Format", choices=options([("", "Any format"), *FORMAT_CHOICES[1:]]), default="")
    #: A series' id, from a series page's link (a list of every series would be too long
    #: for a select); the page shows its name with a way to clear it.
    series = WholeNumberField("Series", validators=[Optional(), NumberRange(min=1, max=2**31 - 1)])
    per_page = SelectField(
        "Per page", choices=options([(str(size), str(size)) for size in PAGE_SIZES]), default="50"
    )
