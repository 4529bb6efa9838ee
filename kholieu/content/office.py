"""The text of Word (.docx) and PowerPoint (.pptx) documents, for search.

Read straight from the XML parts with lxml, one element at a time, through the project's zip
checks (``zipsafe``: traversal, links, bombs, sizes). python-docx and python-pptx would load
every part into memory, pictures and embedded videos included (a lecture deck can be 2 GiB);
here only the text parts are read, each capped. A damaged file gives no text and a warning:
the document is still kept, as an unreadable PDF is.
"""

from __future__ import annotations

import logging
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from kholieu.files.zipsafe import PackageLimits, PackageRejected, open_checked

log = logging.getLogger(__name__)

MAX_PART_BYTES = 64 * 2**20  # of XML read from one part (a long Word body is tens of MiB)
MAX_XML_BYTES = 256 * 2**20  # of XML read from one document, all parts together
MAX_SLIDES = 2_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_NOTES_SLIDE = "/notesSlide"
# What ends a line or a cell, and what stands for a space, in each vocabulary.
_BREAKS = {_W + "p", _W + "br", _W + "cr", _A + "p", _A + "br"}
_CELLS = {_W + "tc", _A + "tc"}
_TEXT = {_W + "t", _A + "t"}
_TABS = {_W + "tab"}


class Damaged(Exception):
    """The document cannot be read as what it says it is."""


def docx_text(path: Path, limits: PackageLimits, max_chars: int) -> str | None:
    """A Word document's body text, tables included (tracked deletions and field codes are not
    text); None when it cannot be read."""
    return _read(path, limits, max_chars, _docx_parts)


def pptx_text(path: Path, limits: PackageLimits, max_chars: int) -> str | None:
    """A deck's text slide by slide, each slide's speaker notes after it; None when it cannot
    be read."""
    return _read(path, limits, max_chars, _pptx_parts)


def _read(
    path: Path, limits: PackageLimits, max_chars: int, parts: Callable[[_Reader], Iterator[str]]
) -> str | None:
    try:
        with path.open("rb") as source:
            archive, names = open_checked(source, limits)
            with archive:
                reader = _Reader(archive, set(names))
                text = reader.text(parts(reader), max_chars)
    except (PackageRejected, Damaged, etree.LxmlError, OSError) as exc:
        log.warning("could not read the text of %s: %s", path.name, exc)
        return None
    return text


class _Reader:
    """Parts of one checked Office zip, read within the byte caps."""

    def __init__(self, archive: zipfile.ZipFile, names: set[str]) -> None:
        self.archive = archive
        self.names = names
        self.budget = MAX_XML_BYTES

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """A part's relationships: id -> (type, target part)."""
        folder, name = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        if rels_name not in self.names:
            return {}
        out = {}
        for element in self.parse(rels_name).iter(_RELS):
            if element.get("TargetMode") == "External":
                continue
            target = element.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            else:
                target = posixpath.normpath(posixpath.join(folder, target))
            out[element.get("Id", "")] = (element.get("Type", ""), target)
        return out

    def parse(self, part: str) -> etree._Element:
        """A small part (relationships, the presentation's slide list), whole."""
        return etree.fromstring(self._bytes(part), _parser())

    def text(self, parts: Iterator[str], max_chars: int) -> str:
        """The text of ``parts`` in order, a blank line between parts, at most ``max_chars``."""
        out: list[str] = []
        size = 0
        for part in parts:
            if self.budget <= 0:
                log.warning("text read from the first %d bytes of XML only", MAX_XML_BYTES)
                break
            for piece in self._pieces(part):
                out.append(piece)
                size += len(piece)
                if size >= max_chars:
                    return "".join(out)[:max_chars].strip()
            out.append("\n")
        return "".join(out).strip()

    def _pieces(self, part: str) -> Iterator[str]:
        """A part's text as it streams: runs, tabs, line and cell ends; Fallback copies of
        what AlternateContent already holds are skipped."""
        stream = _Capped(self._open(part), min(MAX_PART_BYTES, self.budget))
        skipping: etree._Element | None = None
        events = etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                 load_dtd=False, no_network=True)  # fmt: skip
        try:
            for event, element in events:
                if skipping is not None:
                    if event == "end" and element is skipping:
                        skipping = None
                        element.clear()
                    continue
                tag = element.tag
                if event == "start":
                    if tag == _MC_FALLBACK:
                        skipping = element
                    continue
                if tag in _TEXT:
                    yield element.text or ""
                elif tag in _TABS:
                    yield "\t"
                elif tag in _BREAKS:
                    yield "\n"
                elif tag in _CELLS:
                    yield "\t"
                if tag not in _TEXT:
                    _free(element)
        except etree.XMLSyntaxError:
            if not stream.exhausted:
                raise
            log.warning("text of %s cut at %d bytes", part, stream.read_bytes)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise Damaged(f"{part} is corrupt: {exc}") from None
        finally:
            self.budget -= stream.read_bytes
            stream.close()

    def _open(self, part: str) -> BinaryIO:
        if part not in self.names:
            raise Damaged(f"the part {part} is missing")
        return self.archive.open(part)

    def _bytes(self, part: str) -> bytes:
        if part not in self.names:
            raise Damaged(f"the part {part} is missing")
        if self.archive.getinfo(part).file_size > MAX_PART_BYTES:
            raise Damaged(f"the part {part} is larger than {MAX_PART_BYTES} bytes")
        try:
            return self.archive.read(part)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise Damaged(f"{part} is corrupt: {exc}") from None


class _Capped:
    """A stream that ends after ``limit`` bytes; ``exhausted`` says it was cut there."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self._stream = stream
        self._left = max(limit, 0)
        self.read_bytes = 0
        self.exhausted = False

    def read(self, size: int = -1) -> bytes:
        if self._left == 0:
            self.exhausted = True
            return b""
        want = self._left if size < 0 else min(size, self._left)
        data = self._stream.read(want)
        self._left -= len(data)
        self.read_bytes += len(data)
        return data

    def close(self) -> None:
        self._stream.close()


def _docx_parts(reader: _Reader) -> Iterator[str]:
    yield _main_part(reader, default="word/document.xml")


def _pptx_parts(reader: _Reader) -> Iterator[str]:
    """The slides in the order the presentation lists them, each followed by its notes."""
    presentation = _main_part(reader, default="ppt/presentation.xml")
    rels = reader.rels(presentation)
    listed = reader.parse(presentation).iterfind(f"{_P}sldIdLst/{_P}sldId")
    for count, slide_id in enumerate(listed):
        if count >= MAX_SLIDES:
            log.warning("text read from the first %d slides only", MAX_SLIDES)
            return
        _, slide = rels.get(slide_id.get(_R + "id", ""), ("", ""))
        if slide not in reader.names:
            continue  # a dangling reference: PowerPoint skips it too
        yield slide
        for kind, target in reader.rels(slide).values():
            if kind.endswith(_NOTES_SLIDE) and target in reader.names:
                yield target


def _main_part(reader: _Reader, default: str) -> str:
    """The part the package's relationships name as the document, else the usual name."""
    for kind, target in reader.rels("").values():
        if kind.endswith(_OFFICE_DOCUMENT):
            return target
    return default


def _free(element: etree._Element) -> None:
    """Drop what has been read, so memory holds one paragraph, not the document."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _parser() -> etree.XMLParser:
    """No entities expanded, no DTD loaded, nothing fetched."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
