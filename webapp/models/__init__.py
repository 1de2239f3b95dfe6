"""The data model. Importing this package registers every table on ``db.metadata``."""

from webapp.models.api_key import ApiKey, ApiScope
from webapp.models.book import Author, Book, BookAuthor, BookFormat, book_shelves
from webapp.models.goal import ReadingGoal
from webapp.models.import_job import (
    BookSource,
    ImportItem,
    ImportItemAction,
    ImportItemKind,
    ImportJob,
    ImportStatus,
)
from webapp.models.loan import Loan
from webapp.models.post import Post, PostKind, Visibility
from webapp.models.read import Read, ReadOutcome
from webapp.models.reading import Reading, ReadingStatus, readings_visible_to
from webapp.models.series import BookSeries, Series
from webapp.models.shelf import Shelf
from webapp.models.site_setting import SiteSetting
from webapp.models.user import Role, User

__all__ = [
    "ApiKey",
    "ApiScope",
    "Author",
    "Book",
    "BookAuthor",
    "BookFormat",
    "BookSeries",
    "BookSource",
    "ImportItem",
    "ImportItemAction",
    "ImportItemKind",
    "ImportJob",
    "ImportStatus",
    "Loan",
    "Post",
    "PostKind",
    "Read",
    "ReadOutcome",
    "Reading",
    "ReadingGoal",
    "ReadingStatus",
    "Role",
    "Series",
    "Shelf",
    "SiteSetting",
    "User",
    "Visibility",
    "book_shelves",
    "readings_visible_to",
]
