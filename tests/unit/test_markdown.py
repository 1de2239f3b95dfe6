"""Posts' Markdown: what a writer expects renders, nothing executable survives."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from webapp.markdown import render_markdown, sanitize_html

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">entities</a>',
    '<a href=" javascript:alert(1)">space</a>',
    "[markdown link](javascript:alert(1))",
    "[entity link](javascript&#58;alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](data:image/png;base64,iVBORw0KGgo=)",
    "![image](javascript:alert(1))",
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=q><button>go</button></form>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    "<style>body{display:none}</style>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<p onclick="alert(1)" onmouseover=alert(1)>hover</p>',
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "<<script>script>alert(1)<</script>/script>",
    "<img/src=x/onerror=alert(1)>",
    '<a href="https://ok.example" onfocus=alert(1) autofocus>ok</a>',
    "<!--<script>alert(1)//--><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<textarea></textarea><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "`<script>alert(1)</script>` and\n\n    <script>alert(2)</script>",
    '<a href="&#x6A;avascript:alert(1)">hex entity</a>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<template><script>alert(1)</script></template>",
]

FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea",
                  "meta", "base", "link", "svg", "math", "img", "template", "body", "noscript"}  # fmt: skip
FORBIDDEN_SCHEMES = ("javascript:", "vbscript:", "data:")


class TagCollector(HTMLParser):
    """What a browser would see as elements and attributes (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_nothing_executable(html: str) -> None:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.tags:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            squeezed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            assert not squeezed.startswith(FORBIDDEN_SCHEMES), html
        if tag == "a" and dict(attrs).get("href"):
            assert dict(attrs).get("rel") == "noopener noreferrer", html


@pytest.mark.parametrize("attack", XSS_CORPUS)
def test_nothing_executable_survives_the_xss_corpus(attack: str) -> None:
    html = render_markdown(attack)
    assert_nothing_executable(html)
    assert sanitize_html(html) == html


def test_plain_markdown_renders_as_a_writer_expects() -> None:
    html = render_markdown("# Dune\n\n*Spice* must **flow**.\n\n- one\n- two\n\n> quoted\n\n~~gone~~")
    assert "<h1>Dune</h1>" in html
    assert "<em>Spice</em> must <strong>flow</strong>." in html
    assert "<li>one</li>" in html and "<blockquote>" in html and "<s>gone</s>" in html


def test_links_keep_their_target_and_get_noopener_noreferrer() -> None:
    html = render_markdown("[Tor](https://www.torproject.org/) and [a post](/post/3)")
    assert '<a href="https://www.torproject.org/" rel="noopener noreferrer">Tor</a>' in html
    assert '<a href="/post/3" rel="noopener noreferrer">a post</a>' in html


def test_a_dangerous_link_keeps_its_text_but_loses_its_target() -> None:
    html = render_markdown('<a href="javascript:alert(1)">click me</a>')
    assert "click me" in html and "href" not in html


def test_harmless_raw_html_is_kept() -> None:
    assert render_markdown("Press <kbd>Ctrl</kbd>") == Markup("<p>Press <kbd>Ctrl</kbd></p>\n")


def test_entities_are_text_not_markup() -> None:
    assert "&lt;script&gt;" in render_markdown("&lt;script&gt;")


def test_the_result_is_markup_and_empty_text_renders_empty() -> None:
    assert isinstance(render_markdown("x"), Markup)
    assert render_markdown(None) == Markup("")


HTML_PIECES = st.sampled_from(
    ["<", ">", "</", "/>", "=", '"', "'", " ", "\n", "\n\n", "&", "#", ";", ":", "(", ")", "[", "]", "!", "*",
     "`", "-", "|", "script", "svg", "img", "a", "p", "details", "iframe", "style", "math", "table", "td",
     "onload", "onerror", "href", "src", "javascript", "data", "JaVaScRiPt", "&#x09;", "&#106;", "&lt;",
     "<!--", "-->", "alert(1)", "x"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=200), st.lists(HTML_PIECES, max_size=60).map("".join)))
def test_no_text_makes_anything_executable_and_sanitising_again_changes_nothing(text: str) -> None:
    html = render_markdown(text)
    assert_nothing_executable(html)
    assert sanitize_html(html) == html


#: Elements a browser's parser reads in a mode of their own: raw text (style, script,
#: xmp, noembed, noframes, iframe, noscript), escapable raw text (textarea, title),
#: everything to the end (plaintext), inert content (template), foreign content (math, svg).
PARSER_MODE_TAGS = ("math", "svg", "style", "script", "template", "noscript", "iframe", "textarea",
                    "title", "xmp", "plaintext", "noembed", "noframes", "select", "object")  # fmt: skip
AFTER = "The rest of the post survives."


@pytest.mark.parametrize("tag", PARSER_MODE_TAGS)
@pytest.mark.parametrize(
    "shape",
    [
        "Before <{tag}> {after}\n\nNext paragraph.",  # never closed
        "Before <{tag}>inside</{tag}> {after}\n\nNext paragraph.",
        "<{tag}>\n\n{after}\n\nNext paragraph.",  # an HTML block of its own
        "Intro <math><{tag}> {after}\n\nNext paragraph.",  # inside foreign content
        "Intro <svg><{tag}>x</{tag}> {after}\n\nNext paragraph.",
        "Before <{TAG} class=x> {after}\n\nNext paragraph.",
    ],
)
def test_markup_that_is_not_allowed_is_dropped_and_the_text_after_it_kept(tag: str, shape: str) -> None:
    html = render_markdown(shape.format(tag=tag, TAG=tag.upper(), after=AFTER))
    text = re.sub(r"<[^>]+>", "", html)
    assert AFTER in text and "Next paragraph." in text, html
    assert "&lt;/p&gt;" not in html  # the rest of the post was not turned into raw text
    assert_nothing_executable(html)
    assert sanitize_html(html) == html


def test_the_text_inside_dropped_markup_is_kept_as_text() -> None:
    html = render_markdown("A <math><mi>x</mi></math> and <textarea>notes</textarea> here")
    assert html == Markup("<p>A   x   and  notes  here</p>\n")


def test_a_closed_script_or_style_goes_with_its_code() -> None:
    html = render_markdown("A <script>alert(1)</script> B <STYLE type=x>p{}</style > C <script>open")
    assert html == Markup("<p>A  B  C  open</p>\n")


def test_an_unclosed_comment_does_not_hide_the_rest_of_the_post() -> None:
    html = render_markdown("Visible <!-- a closed note --> text <!-- never closed\n\n" + AFTER)
    assert "a closed note" not in html
    assert AFTER in html and "never closed" in html


def test_tags_cannot_be_made_by_dropping_a_tag_between_their_halves() -> None:
    html = render_markdown("<sty<b>le>body{display:none}</sty</b>le>" + AFTER)
    assert AFTER in html
    assert_nothing_executable(html)
