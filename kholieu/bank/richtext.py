"""Rich text in questions: HTML that keeps its LaTeX (``$…$``, ``\\(…\\)``, ``\\[…\\]``) as text.

Everything that enters the bank goes through ``clean`` (nh3), so no script, event handler or
foreign image survives: images may only point at the bank's own image route, where they are
stored after a type check, and an image pasted from elsewhere is dropped whole (an ``<img>``
without a source shows nothing and trips every writer that embeds images). ``to_text``
gives the plain text used for duplicates and search.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

import nh3

from kholieu import latex

IMAGE_PREFIX = "/cau-hoi/anh/"
TAGS = {
    "p", "br", "b", "strong", "i", "em", "u", "s", "sub", "sup", "span", "div", "img", "table",
    "thead", "tbody", "tr", "td", "th", "ul", "ol", "li", "code", "pre", "blockquote", "hr",
    "h1", "h2", "h3", "h4", "a",
}  # fmt: skip
ATTRIBUTES = {
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "a": {"href"},
    "span": {"class"},
}
_BLOCK = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "pre", "blockquote"}


_BANK_IMAGE = re.compile(re.escape(IMAGE_PREFIX) + r"[0-9a-f]{64}")
# nh3 writes every attribute quoted, with ``"`` inside a value escaped: a ``src="`` in a tag is
# the attribute itself, never part of an ``alt``.
_IMG = re.compile(r"<img\b[^>]*>", re.I)


def attribute_filter(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src" and not _BANK_IMAGE.fullmatch(value):
        return None  # an outside image would leak who reads the question; imports store images
    if tag == "span" and name == "class":
        return value if value in ("u", "math") else None
    return value


_BARE_AMP = re.compile(r"&(?!#?\w+;)")


def _protect_math(text: str) -> str:
    """Escape ``<``, ``>`` and bare ``&`` inside LaTeX, so ``$a<b$`` is not read as a tag."""

    def escape(span: latex.Span) -> str:
        source = _BARE_AMP.sub("&amp;", span.text(text))
        return source.replace("<", "&lt;").replace(">", "&gt;")

    return latex.sub(text, escape)


def clean(text: str) -> str:
    """Sanitised HTML; plain text passes through with only ``<``, ``>``, ``&`` escaped."""
    if not text:
        return ""
    text = _protect_math(unicodedata.normalize("NFC", text))
    cleaned = nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return without_sourceless_images(cleaned).strip()


def without_sourceless_images(html: str) -> str:
    """Sanitised HTML less every ``<img>`` whose source the filter took away."""
    if "<img" not in html:
        return html
    return _IMG.sub(lambda tag: tag.group(0) if ' src="' in tag.group(0) else "", html)


def plain(text: str) -> str:
    """Plain text as rich text: escaped, with line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")
        if tag == "img":
            self.parts.append("[hình]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def to_text(rich: str) -> str:
    """The text a reader sees (LaTeX source kept), lines joined by single newlines."""
    if "<" not in rich and "&" not in rich:
        return rich.strip()
    parser = _Text()
    parser.feed(rich)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def images(rich: str) -> list[str]:
    """The sha256 of every bank image a text shows."""
    return re.findall(re.escape(IMAGE_PREFIX) + r"([0-9a-f]{64})", rich)
