"""Who may change the shared catalogue: one set of rules for the pages and the API.

The catalogue is everyone's; readings, posts and shelves are each person's own. So:

- every member adds books, and edits (fields, authors, cover) a book nobody else has a
  reading of, a post about or a place on a shelf for;
- changing a book others have readings or posts on, and deleting any book, needs an
  editor or an administrator (``User.curates``);
- deleting a book that other people have readings or posts on is refused to editors,
  with how many; an administrator may, after confirming what goes (their readings; the
  posts stay, without the link). Nothing of another person's ever goes silently.

Copies are the household's: any member records, changes, returns and deletes a loan
(webapp.lending), whoever wrote it down.

An author is part of their books: renaming or deleting one edits every book of theirs.

Counts include other people's private readings and posts: the rule protects those too.
Shelf places count because a shelf ("to buy", "lent to Sam") is someone's own list.
The message gives only the numbers, never whose they are or what they say.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import BookAuthor, Post, Reading, Shelf, User, book_shelves


@dataclass(frozen=True)
class Stake:
    """What other people have riding on a book (or on an author's books)."""

    readings: int
    posts: int
    #: Places on other people's shelves (a "to buy" or "lent to" shelf is a stake too).
    shelf_places: int = 0

    @property
    def any(self) -> bool:
        return bool(self.readings or self.posts or self.shelf_places)

    @property
    def token(self) -> str:
        """ "readings:posts:shelf places", for a confirmation to say which counts it saw."""
        return f"{self.readings}:{self.posts}:{self.shelf_places}"

    def describe(self) -> str:
        """E.g. "2 readings and 1 post", "1 reading, 1 post and 3 shelf places"."""
        nouns = ((self.readings, "reading"), (self.posts, "post"), (self.shelf_places, "shelf place"))
        parts = [f"{count} {noun if count == 1 else noun + 's'}" for count, noun in nouns if count]
        return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)


def _stake_in(book_ids, user: User) -> Stake:
    readings = db.session.scalar(
        select(func.count(Reading.id)).where(Reading.book_id.in_(book_ids), Reading.user_id != user.id)
    )
    posts = db.session.scalar(
        select(func.count(Post.id)).where(Post.book_id.in_(book_ids), Post.author_id != user.id)
    )
    shelf_places = db.session.scalar(
        select(func.count())
        .select_from(book_shelves)
        .join(Shelf, Shelf.id == book_shelves.c.shelf_id)
        .where(book_shelves.c.book_id.in_(book_ids), Shelf.owner_id != user.id)
    )
    return Stake(readings=readings or 0, posts=posts or 0, shelf_places=shelf_places or 0)


def others_stake(book_id: int, user: User) -> Stake:
    """Other people's readings of and posts about this book (private ones included)."""
    return _stake_in([book_id], user)


def others_stake_in_author(author_id: int, user: User) -> Stake:
    """The same over every book of this author."""
    return _stake_in(select(BookAuthor.book_id).where(BookAuthor.author_id == author_id), user)


def edit_refusal(user: User, stake: Stake, what: str = "this book") -> str | None:
    """Why ``user`` may not change a book (or an author), or None if they may."""
    if user.curates or not stake.any:
        return None
    return (
        f"Other members have {stake.describe()} on {what}, so only an editor or an "
        "administrator may change it. Ask one of them."
    )


@dataclass(frozen=True)
class DeleteDecision:
    """``refusal`` set: not allowed at all. ``needs_confirmation``: an administrator
    deleting a book with other people's readings or posts must say so explicitly."""

    stake: Stake
    refusal: str | None = None
    needs_confirmation: bool = False

    def consequence(self) -> str:
        """What deleting takes from other people, for the confirmation."""
        parts = []
        if self.stake.readings:
            parts.append(
                f"{self.stake.readings} {'reading' if self.stake.readings == 1 else 'readings'} "
                "by other members (with their ratings and progress) will be deleted"
            )
        if self.stake.posts:
            parts.append(
                f"{self.stake.posts} {'post' if self.stake.posts == 1 else 'posts'} by other members "
                "will lose the link to this book (their text stays)"
            )
        if self.stake.shelf_places:
            parts.append(
                f"it will leave {self.stake.shelf_places} "
                f"{'shelf' if self.stake.shelf_places == 1 else 'shelves'} of other members"
            )
        return "; ".join(parts)


def delete_decision(user: User, stake: Stake, what: str = "this book") -> DeleteDecision:
    if not user.curates:
        return DeleteDecision(
            stake, "Only an editor or an administrator may delete books from the shared catalogue."
        )
    if stake.any and not user.is_admin:
        return DeleteDecision(
            stake,
            f"Other members have {stake.describe()} on {what}; only an administrator may delete it, "
            "and only after confirming that their readings go with it.",
        )
    return DeleteDecision(stake, needs_confirmation=stake.any)
