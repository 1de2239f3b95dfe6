"""Turn whatever a person typed into a safe full-text query.

The user's text is never handed to FTS5's or PostgreSQL's query parser as it is: quotes,
``*``, ``-``, ``NEAR``, ``AND``, column filters and unbalanced parentheses are syntax
there, and a syntax error would be a 500. Instead we pull out the words ourselves and
rebuild an expression from quoted words only. What we keep of a search box's habits:
``"quoted phrases"``, ``-word`` to leave a word out, and prefix matching on every word
of two characters or more (search-as-you-type). An ISBN typed with hyphens or spaces
becomes the digits the index holds.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from webapp.isbn import InvalidISBN, isbn10_to_isbn13, normalize_isbn10

#: Longest query we look at; the rest is ignored rather than refused.
MAX_QUERY_CHARS = 200
#: More words than this add nothing to a search box and only cost time.
MAX_TERMS = 12

_ISBN_LIKE = re.compile(r"(?<![\w-])(?:97[89][\s-]?)?\d(?:[\s-]?\d){8}[\s-]?[\dXx](?![\w-])")
_PARTIAL_ISBN = re.compile(r"\d+(?:-\d+)+-?[\dXx]?")
_PHRASE = re.compile(r'"([^"]*)"?')


@dataclass(frozen=True)
class Term:
    """One thing to look for: a word, a phrase (words in order), or alternatives."""

    words: tuple[str, ...]
    negated: bool = False
    #: Whether the last word also matches longer words that start with it.
    prefix: bool = True
    #: The words are alternatives (an ISBN-10 and its ISBN-13), not a phrase.
    any_of: bool = False


@dataclass(frozen=True)
class ParsedQuery:
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(term for term in self.terms if not term.negated)

    @property
    def is_empty(self) -> bool:
        """A query with nothing to look for (only exclusions counts as nothing)."""
        return not self.positive


def _is_separator(char: str) -> bool:
    """Mirror SQLite's unicode61 tokenizer: punctuation, spaces and controls split words."""
    return unicodedata.category(char)[0] in "PZC"


def split_words(text: str) -> list[str]:
    """The words of ``text`` as the index's tokenizer would see them (case kept)."""
    words, current = [], []
    for char in text:
        if _is_separator(char):
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    # A word made only of combining marks tokenizes to nothing once diacritics go.
    return [word for word in words if any(unicodedata.category(c)[0] != "M" for c in word)]


def _isbn_forms(candidate: str) -> tuple[str, ...]:
    """The normal forms of an ISBN as typed: digits only, and ISBN-13 for an ISBN-10."""
    digits = re.sub(r"[\s-]", "", candidate).upper()
    if len(digits) == 10:
        try:
            return (digits, isbn10_to_isbn13(normalize_isbn10(digits)))
        except InvalidISBN:
            return (digits,)
    return (digits,)


def parse_query(text: str) -> ParsedQuery:
    """Read a search box's text into terms; anything unrecognised is just words."""
    text = unicodedata.normalize("NFC", text[:MAX_QUERY_CHARS])
    terms: list[Term] = []

    def take_isbn(match: re.Match[str]) -> str:
        terms.append(Term(_isbn_forms(match.group(0)), prefix=False, any_of=True))
        return " "

    text = _ISBN_LIKE.sub(take_isbn, text)
    position = 0
    for match in _PHRASE.finditer(text):
        terms.extend(_loose_terms(text[position : match.start()]))
        words = split_words(match.group(1))
        if words:
            terms.append(Term(tuple(words), prefix=False))
        position = match.end()
    terms.extend(_loose_terms(text[position:]))
    return ParsedQuery(tuple(terms[:MAX_TERMS]))


def _loose_terms(text: str) -> list[Term]:
    """Words outside quotes; a leading ``-`` leaves the word out of the results."""
    terms = []
    for chunk in text.split():
        if _PARTIAL_ISBN.fullmatch(chunk):
            # Part of an ISBN typed with hyphens: the index holds it without them.
            terms.append(Term((chunk.replace("-", "").upper(),)))
            continue
        negated = chunk.startswith("-") and len(chunk) > 1
        for word in split_words(chunk):
            terms.append(Term((word,), negated=negated, prefix=len(word) > 1))
    return terms


def _fts5_string(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _fts5_term(term: Term) -> str:
    if term.any_of:
        return "(" + " OR ".join(_fts5_string(word) for word in term.words) + ")"
    phrase = _fts5_string(" ".join(term.words))
    return phrase + "*" if term.prefix else phrase


def fts5_expression(query: ParsedQuery) -> str | None:
    """An FTS5 MATCH expression made only of quoted strings and our own operators.

    Every word is a double-quoted FTS5 string (inner quotes doubled), so nothing the
    user typed is read as syntax. FTS5's NOT is binary, so exclusions follow the
    positive terms. None when there is nothing to look for."""
    if query.is_empty:
        return None
    expression = " AND ".join(_fts5_term(term) for term in query.positive)
    for term in query.terms:
        if term.negated:
            expression = f"({expression}) NOT {_fts5_term(term)}"
    return expression


_TSQUERY_UNSAFE = re.compile(r"[^\w]|_")


def _tsquery_word(word: str, prefix: bool) -> str | None:
    """A lexeme for to_tsquery: only letters and digits survive, so no operator can."""
    cleaned = _TSQUERY_UNSAFE.sub("", word)
    if not cleaned:
        return None
    return f"{cleaned}:*" if prefix else cleaned


def _tsquery_term(term: Term) -> str | None:
    if term.any_of:
        words = [w for w in (_tsquery_word(word, False) for word in term.words) if w]
        return "(" + " | ".join(words) + ")" if words else None
    words = [
        w
        for index, word in enumerate(term.words)
        if (w := _tsquery_word(word, term.prefix and index == len(term.words) - 1))
    ]
    if not words:
        return None
    return "(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0]


def tsquery_expression(query: ParsedQuery) -> str | None:
    """The same query for PostgreSQL's ``to_tsquery``, built from letters and digits only."""
    positive = [t for t in (_tsquery_term(term) for term in query.positive) if t]
    if not positive:
        return None
    negative = [t for t in (_tsquery_term(term) for term in query.terms if term.negated) if t]
    return " & ".join(positive + [f"!{t}" for t in negative])
