"""Posts' Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

The sanitiser is the security boundary, not the renderer: markdown-it passes raw HTML
through (so ``<kbd>`` or ``<details>`` in a post work) and nh3 then keeps only the
tags, attributes and URL schemes listed here. No ``<script>``, no ``on*`` attribute,
no ``javascript:`` or ``data:`` URL can survive, and every link gets
``rel="noopener noreferrer"``. Images are dropped: the app is offline and the CSP
forbids remote images anyway, so an ``<img>`` could only ever be a broken icon or a
tracking pixel.

Markup that is not allowed is dropped and its text kept. nh3 alone cannot promise
that: it parses as a browser does before it drops anything, and to a browser an
unclosed ``<style>``, ``<script>`` or ``<template>`` holds the rest of the document (then
dropped with it), ``<textarea>``, ``<title>``, ``<xmp>`` or ``<plaintext>`` turn the rest
into raw text, and in ``<math>`` or ``<svg>`` a ``<style>`` swallows the paragraph. So
every tag that is not allowed is taken out before nh3 parses, and an unclosed comment
opener is shown as text; nh3 then does the sanitising, as before. A whole ``<script>``
or ``<style>`` element goes with its content, which is code, not the writer's prose.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "em", "strong", "del", "s", "ins", "mark", "sub", "sup", "small", "kbd", "abbr", "cite", "q",
        "code", "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
        "a", "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "span",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
}
#: Relative links (another post, a book page) pass; of absolute ones only these.
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

#: A start or end tag as an HTML tokenizer sees one begin: "<" or "</" and a letter.
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")
COMMENT_OPEN, COMMENT_CLOSE = "<!--", "-->"
#: Elements whose content is code: a closed one is dropped whole.
CODE_ELEMENTS = ("script", "style")
_CODE_OPEN = {name: re.compile(rf"<{name}(?=[\s/>])[^>]*>", re.IGNORECASE) for name in CODE_ELEMENTS}
_CODE_CLOSE = {name: re.compile(rf"</{name}(?=[\s/>])[^>]*>", re.IGNORECASE) for name in CODE_ELEMENTS}


def _drop_code_elements(html: str) -> str:
    """``<script>...</script>`` and ``<style>...</style>`` with what is between them.
    An opener with no closer after it is left for the tag pass (which keeps the text
    after it); once one has none, no later one of that name has either."""
    for name in CODE_ELEMENTS:
        end = html.rfind(">") + 1  # no tag ends after the last ">" (see _drop_disallowed_tags)
        kept, position = [], 0
        while opener := _CODE_OPEN[name].search(html, position, end):
            closer = _CODE_CLOSE[name].search(html, opener.end(), end)
            if closer is None:
                break
            # Halves joined here into a tag are met by the tag pass, which runs after.
            kept.append(html[position : opener.start()])
            position = closer.end()
        html = "".join(kept) + html[position:]
    return html


def _drop_disallowed_tags(html: str) -> str:
    """Every tag nh3 would drop anyway, gone before it parses (so none can change how
    the text after it is read). A space stands in for each, so two halves around one
    cannot join into a new tag (``<sty<b>le>``)."""

    def keep_if_allowed(match: re.Match[str]) -> str:
        return match.group(0) if match.group(2).lower() in ALLOWED_TAGS else " "

    # After the last ">" no tag can end: searching there would scan to the end from every
    # "<" (seconds for 100 kB of "<a "), so the tail is left out.
    end = html.rfind(">") + 1
    return _TAG.sub(keep_if_allowed, html[:end]) + html[end:]


def _escape_unclosed_comment(html: str) -> str:
    """A comment with no end would hide the rest of the post: from the first opener
    that has no ``-->`` after it, the openers are text."""
    position = 0
    while (start := html.find(COMMENT_OPEN, position)) != -1:
        end = html.find(COMMENT_CLOSE, start + len(COMMENT_OPEN))
        if end == -1:
            return html[:start] + html[start:].replace(COMMENT_OPEN, "&lt;!--")
        position = end + len(COMMENT_CLOSE)
    return html


@cache
def _renderer() -> MarkdownIt:
    """Made on the first post shown, not at start-up (markdown-it's import and rule set
    cost ~15 ms that a launch straight to the library page doesn't need)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "breaks": False}).enable(["table", "strikethrough"])


def sanitize_html(html: str) -> str:
    """Keep only harmless markup. Idempotent: sanitising the result again changes nothing."""
    html = str(html)  # not Markup, whose slices and joins escape what they are given
    return nh3.clean(
        _drop_disallowed_tags(_drop_code_elements(_escape_unclosed_comment(html))),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str | None) -> Markup:
    """A post body as HTML that is safe to put into a page as it is."""
    return Markup(sanitize_html(_renderer().render(text or "")))  # noqa: S704 - sanitised just above
