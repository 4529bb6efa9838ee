"""A Word package read part by part, so that a large document never sits in memory whole.

The body (``word/document.xml``, tens of MiB in a bank of thousands of questions) is parsed
one top-level paragraph or table at a time with lxml's ``iterparse``, each freed once it has
been read; the small parts (relationships, numbering, styles) are parsed whole. The zip was
checked first (``zipsafe``): no traversal, no bombs, bounded unpacked size.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from lxml import etree

from kholieu.bank.formats import FormatError
from kholieu.files.zipsafe import PackageLimits, PackageRejected, open_checked

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_WORD_TYPES = {  # the main part of a document, a macro-enabled one, and their templates
    f"application/vnd.{kind}.main+xml"
    for kind in (
        "openxmlformats-officedocument.wordprocessingml.document",
        "openxmlformats-officedocument.wordprocessingml.template",
        "ms-word.document.macroEnabled",
        "ms-word.template.macroEnabledTemplate",
    )
}
MAX_SMALL_PART = 16 * 2**20  # styles, numbering, relationships: a few KiB in real files


def _parser() -> etree.XMLParser:
    """No entities expanded, no DTD loaded, nothing fetched."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


class _Counting:
    """A stream that counts what has been read from it, for progress."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.read_bytes += len(data)
        return data


class WordPackage:
    """An open .docx: ``blocks()`` streams the body; the rest answers lookups from it."""

    def __init__(self, path: Path, limits: PackageLimits) -> None:
        self.name = path.name
        self._file = open(path, "rb")  # noqa: SIM115 (closed in close())
        try:
            self._zip, names = open_checked(self._file, limits)
            self._names = set(names)
            self.main = self._main_part()
            relations = self._relations(self.main)
            self._rels = {rid: name for rid, name, _ in relations}
            self._kinds = {name: kind for _, name, kind in relations if name in self._names}
            self._styles = self._style_numbering()
            self.formats, self.starts = self._numbering_formats()
        except BaseException:
            self.close()
            raise
        self._progress: _Counting | None = None

    def close(self) -> None:
        if getattr(self, "_zip", None) is not None:
            self._zip.close()
        self._file.close()

    def __enter__(self) -> WordPackage:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the body ------------------------------------------------------------------------------
    def blocks(self) -> Iterator[Any]:
        """The body's paragraphs and tables in order, each complete when yielded and cleared
        afterwards (with anything before it): memory holds what the parser has read ahead (one
        chunk of XML), not the document."""
        stream = _Counting(self._zip.open(self.main))
        self._progress = stream
        events = etree.iterparse(
            stream, events=("end",), tag=(W + "p", W + "tbl"),
            resolve_entities=False, load_dtd=False, no_network=True,
        )  # fmt: skip
        try:
            for _, element in events:
                parent = element.getparent()
                if not _in_body(parent):
                    continue  # a paragraph inside a table or a text box: read with it
                yield element
                element.clear(keep_tail=False)
                while element.getprevious() is not None:
                    del parent[0]
        except etree.XMLSyntaxError as exc:
            raise FormatError(
                "{name}: XML của tài liệu bị hỏng ({exc})", name=self.name, exc=exc
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise FormatError("{name}: tài liệu bị hỏng ({exc})", name=self.name, exc=exc) from None
        finally:
            stream.stream.close()

    def share_read(self) -> float:
        """How much of the body has been read (0–1)."""
        if self._progress is None:
            return 0.0
        size = self._zip.getinfo(self.main).file_size
        return min(1.0, self._progress.read_bytes / max(size, 1))

    # -- lookups -------------------------------------------------------------------------------
    def image(self, rid: str | None) -> tuple[bytes, str]:
        """The bytes and file name of the image a relationship id names (KeyError if none)."""
        target = self._rels.get(rid or "")
        if target is None or target not in self._names:
            raise KeyError(rid)
        return self._zip.read(target), posixpath.basename(target)

    def style_numbering(self, style_id: str | None) -> Any:
        """A list style ("List Number") carries its numbering in the style, not the paragraph."""
        return self._styles.get(style_id or "")

    # -- reading the package -------------------------------------------------------------------
    def _xml(self, name: str) -> Any:
        info = self._zip.getinfo(name)
        if info.file_size > MAX_SMALL_PART:
            raise FormatError(
                "{name}: phần {name2} lớn hơn {max_small_part} byte",
                name=self.name,
                name2=name,
                max_small_part=MAX_SMALL_PART,
            )
        try:
            return etree.fromstring(self._zip.read(name), _parser())
        except etree.XMLSyntaxError as exc:
            raise FormatError(
                "{name}: phần {name2} bị hỏng ({exc})", name=self.name, name2=name, exc=exc
            ) from None

    def _main_part(self) -> str:
        if "[Content_Types].xml" not in self._names:
            raise FormatError(
                "{name}: không đọc được tài liệu Word (không phải gói OOXML)", name=self.name
            )
        main = next((n for _, n, kind in self._relations("") if kind == "officeDocument"), None)
        if main is None or main not in self._names:
            raise FormatError(
                "{name}: không đọc được tài liệu Word (không có phần tài liệu chính)",
                name=self.name,
            )
        types = self._xml("[Content_Types].xml")
        declared = next(
            (o.get("ContentType") for o in types.iter(_TYPES + "Override")
             if o.get("PartName", "").lstrip("/") == main),
            None,
        )  # fmt: skip
        if declared not in _WORD_TYPES:
            raise FormatError(
                "{name}: không phải tài liệu Word (phần chính là {value})",
                name=self.name,
                value=declared or "undeclared",
            )
        return main

    def _relations(self, part: str) -> list[tuple[str, str, str]]:
        """(id, part name, kind) of a part's internal relationships ("" for the package's)."""
        folder, file = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", file + ".rels")
        if rels not in self._names:
            return []
        found = []
        for rel in self._xml(rels).iter(_PACKAGE_RELS + "Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            kind = rel.get("Type", "").removeprefix(_OFFICE)
            found.append((rel.get("Id", ""), posixpath.normpath(name), kind))
        return found

    def _part_of_kind(self, kind: str) -> str | None:
        return next((name for name, k in self._kinds.items() if k == kind), None)

    def _style_numbering(self) -> dict[str, Any]:
        name = self._part_of_kind("styles")
        if name is None:
            return {}
        found = {}
        for style in self._xml(name).iter(W + "style"):
            props = style.find(W + "pPr")
            numbering = props.find(W + "numPr") if props is not None else None
            if numbering is not None:
                found[style.get(W + "styleId", "")] = numbering
        return found

    def _numbering_formats(self) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], Any]]:
        """(numId, level) → the list's number format (decimal, upperLetter, lowerLetter…), and
        → ``ListStart``: where its count starts ("Câu %1:" from 41 on a paper's second part)."""
        name = self._part_of_kind("numbering")
        if name is None:
            return {}, {}
        numbering = self._xml(name)
        abstract: dict[str | None, dict[str | None, tuple[str | None, int]]] = {}
        for definition in numbering.iter(W + "abstractNum"):
            abstract[definition.get(W + "abstractNumId")] = {
                level.get(W + "ilvl"): (_val(level.find(W + "numFmt")),
                                        _number(level.find(W + "start"), 1))
                for level in definition.iter(W + "lvl")
            }  # fmt: skip
        formats, starts = {}, {}
        for num in numbering.iter(W + "num"):
            ref = _val(num.find(W + "abstractNumId")) or ""
            overrides = {
                o.get(W + "ilvl"): _number(o.find(W + "startOverride"), None)
                for o in num.iter(W + "lvlOverride")
            }
            for ilvl, (fmt, start) in abstract.get(ref, {}).items():
                key = (num.get(W + "numId"), ilvl)
                if fmt is not None:
                    formats[key] = fmt
                restart = overrides.get(ilvl)
                starts[key] = ListStart((ref, ilvl), restart or start, restart is not None, key)
        return formats, starts


class ListStart(NamedTuple):
    """Where a list level counts from. Lists that share a definition share one count, as Word
    numbers them, unless one restarts it (``startOverride``, Word's "Restart at …")."""

    counter: tuple[str, str | None]
    start: int
    restarts: bool
    instance: tuple[str | None, str | None] = (None, None)  # (numId, level): restarts once


_CONTAINERS = (W + "sdt", W + "sdtContent", W + "customXml")


def _in_body(parent: Any) -> bool:
    """Whether a paragraph or table with this parent is one of the body's own: directly, or
    inside content controls (``w:sdt``, from templates and exam-making add-ins) or custom
    XML around paragraphs, which show their content as if it stood in the body."""
    while parent is not None and parent.tag in _CONTAINERS:
        parent = parent.getparent()
    return parent is not None and parent.tag == W + "body"


def _val(element: Any) -> str | None:
    return element.get(W + "val") if element is not None else None


def _number(element: Any, default: int | None) -> int | None:
    try:
        return int(_val(element) or "")
    except ValueError:
        return default


def open_package(path: Path, limits: PackageLimits) -> WordPackage:
    """The package, or FormatError saying why it cannot be read."""
    try:
        return WordPackage(path, limits)
    except PackageRejected as exc:
        raise FormatError("{name}: {message_}", name=path.name, message_=exc.message) from None
    except (zipfile.BadZipFile, KeyError) as exc:
        raise FormatError(
            "{name}: không đọc được tài liệu Word ({exc})", name=path.name, exc=exc
        ) from None
