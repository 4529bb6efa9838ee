"""The words a learner reads in a package's HTML pages, kept for search.

Only the visible text counts: what a page says, not its scripts, styles, templates or
attributes (a lab's code is full of words nobody reads). A package is an untrusted upload, so
how much is read is capped (pages, bytes per page, bytes in all) as well as how much is kept.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import BinaryIO

from kholieu.content.packages.checks import PackageInfo
from kholieu.files.zipsafe import open_zip

log = logging.getLogger(__name__)

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
# Elements whose content is not shown as text (a package's scripts run: noscript is unseen).
HIDDEN = {"script", "style", "template", "noscript"}
# Elements that flow within a line: their edges do not separate words ("ph<b>â</b>n").
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
}  # fmt: skip
_SPACE = re.compile(r"\s+")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class TextLimits:
    """How much of a package is read and kept: the caps README's Limits table names."""

    max_chars: int = 2_000_000  # kept for search, all pages together (as for one PDF)
    max_pages: int = 500  # HTML pages read
    max_page_bytes: int = 4 * 2**20  # read from one page; the rest of a larger page is skipped
    max_bytes: int = 32 * 2**20  # read from all pages together


class _VisibleText(HTMLParser):
    """Collects text outside hidden elements; block edges become spaces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities decoded, split ones too
        self.parts: list[str] = []
        self.hidden = 0  # depth inside HIDDEN elements (templates nest)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag not in INLINE:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in INLINE and tag not in HIDDEN:  # <br/>, <script/>: nothing opened
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag not in INLINE:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    """A page's visible text, entities decoded and whitespace collapsed to single spaces."""
    parser = _VisibleText()
    parser.feed(_decode(data))
    parser.close()
    text = _SPACE.sub(" ", "".join(parser.parts).replace("\x00", "")).strip()  # no NUL in SQL
    return unicodedata.normalize("NFC", text)  # Windows-1258 pages write tones as marks


def package_text(source: BinaryIO, info: PackageInfo, limits: TextLimits | None = None) -> str:
    """The visible text of a checked package's pages, its launch page first, within ``limits``;
    a page that cannot be read is skipped with a warning (the package is still served)."""
    limits = limits or TextLimits()
    texts: list[str] = []
    size = budget = 0
    with open_zip(source) as archive:
        for path in _pages(info, limits):
            want = min(limits.max_page_bytes, limits.max_bytes - budget)
            if want <= 0 or size >= limits.max_chars:
                break
            try:
                with archive.open(info.root + path) as stream:
                    data = stream.read(want)
            except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
                log.warning("could not read the text of package page %s: %s", path, exc)
                continue
            budget += len(data)
            try:
                text = html_text(data)
            except (AssertionError, ValueError) as exc:  # html.parser's rare internal errors
                log.warning("could not read the text of package page %s: %s", path, exc)
                continue
            if text:
                texts.append(text)
                size += len(text) + 1
    return "\n".join(texts)[: limits.max_chars]


def _pages(info: PackageInfo, limits: TextLimits) -> Iterator[str]:
    pages = sorted(p for p in info.files if p.lower().endswith(PAGE_SUFFIXES))
    if info.entry in info.files:
        pages = [info.entry, *(p for p in pages if p != info.entry)]
    return iter(pages[: limits.max_pages])


def _decode(data: bytes) -> str:
    """UTF-8 (most pages, and what a BOM says), else the page's declared charset."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a character cut by the page's byte cap
            return data[: exc.start].decode("utf-8")
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode("utf-8", errors="replace")
