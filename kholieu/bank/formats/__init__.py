"""Question file formats. Each reader turns a file into ``Parsed`` records, one per question,
each either the native dictionary (docs/DESIGN.md) or the reason it cannot be one; each writer turns
native dictionaries into a file. Readers never touch the database: the importer does that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kholieu.i18n import N_, Message

# Stores an image a question shows and returns the URL to put in its HTML; raises
# ValidationFailed when the bytes are not an allowed image.
ImageSink = Callable[[bytes, str], str]


@dataclass
class Parsed:
    """One question read from a file, or why it could not be read."""

    file: str
    line: int | None
    data: dict[str, Any] | None = None
    error: str | None = None
    where: str = ""  # a human hint beyond the line: "Câu 12", an item's file name
    extra: dict[str, Any] = field(default_factory=dict)
    share: float | None = None  # how much of the file had been read, for progress (0–1)

    def location(self) -> dict[str, Any]:
        found: dict[str, Any] = {"file": self.file, "line": self.line}
        if self.where:
            found["where"] = self.where
        return found


class Unrepresentable(ValueError):
    """A question the target format cannot hold; writers leave it out and say so."""


def name_of(question: dict[str, Any]) -> str:
    """How a writer's note names a question: its external id, else the start of its stem."""
    return question.get("external_id") or str(question.get("stem") or "")[:40]


def left_out(question: dict[str, Any], exc: Exception) -> str:
    """A writer's note on a question it leaves out: why the format cannot hold it, or what
    broke on it (a body not as the bank stores it), never the end of the export."""
    from kholieu.errors import public_message

    if isinstance(exc, Unrepresentable):
        return f"{name_of(question)}: {exc}"
    return f"{name_of(question)}: could not be written ({public_message(exc)})"


def require_key(question: dict[str, Any]) -> None:
    """Formats that cannot say "no key yet" (GIFT, Aiken, Moodle, QTI) leave such a draft out:
    written with no right answer, it would come back as a question nobody can get right."""
    from kholieu.bank.schemas import lacks_key

    if lacks_key(question.get("type", ""), question.get("answer")):
        raise Unrepresentable("chưa có đáp án / it has no key yet")


class FormatError(Exception):
    """The whole file cannot be read (not the format it claims, unsafe, truncated); worded
    like the services' errors, a template and its parameters (``kholieu.i18n``)."""

    def __init__(self, message: str | Message, **params: Any) -> None:
        self.text = message if isinstance(message, Message) else Message(message, params)
        super().__init__(self.text.render("vi"))

    def __str__(self) -> str:
        return self.text.render()


Reader = Callable[[Path, ImageSink], Iterator[Parsed]]

READERS = {
    ".jsonl": "kholieu.bank.formats.native:read",
    ".ndjson": "kholieu.bank.formats.native:read",
    ".gift": "kholieu.bank.formats.gift:read",
    ".txt": "kholieu.bank.formats.aiken:read",
    ".xml": "kholieu.bank.formats.qti_read:sniff_xml",
    ".zip": "kholieu.bank.formats.qti_read:read_package",
    ".csv": "kholieu.bank.formats.tabular:read",
    ".xlsx": "kholieu.bank.formats.tabular:read",
    ".docx": "kholieu.bank.formats.docx_read:read",
}
# The largest file each reader takes. The XML, Word, spreadsheet and JSONL readers stream (one
# question in memory at a time); GIFT and Aiken are parsed from the whole text, so less.
MAX_FILE_BYTES = 100 * 2**20
MAX_WHOLE_TEXT_BYTES = 16 * 2**20
_READ_WHOLE = (".gift", ".txt")


def size_limit(path: Path | str) -> int:
    """The largest file the reader for ``path``'s suffix takes, in bytes."""
    whole = Path(path).suffix.lower() in _READ_WHOLE
    return MAX_WHOLE_TEXT_BYTES if whole else MAX_FILE_BYTES


def too_large(name: str, size: int) -> Message | None:
    """Why a file of ``size`` bytes is refused, or None."""
    limit = size_limit(name)
    if size <= limit:
        return None
    template = N_("{name}: tệp lớn hơn giới hạn {mib} MiB cho tệp {suffix}")
    return Message(template, {"name": name, "mib": limit // 2**20, "suffix": Path(name).suffix})


WRITERS = {
    "jsonl": "kholieu.bank.formats.native:write",
    "gift": "kholieu.bank.formats.gift:write",
    "aiken": "kholieu.bank.formats.aiken:write",
    "moodle": "kholieu.bank.formats.moodle_xml:write",
    "xlsx": "kholieu.bank.formats.tabular:write_xlsx",
    "csv": "kholieu.bank.formats.tabular:write_csv",
    "qti": "kholieu.bank.formats.qti_write:write",
    "docx": "kholieu.bank.formats.docx_write:write",
}


def _load(ref: str) -> Callable[..., Any]:
    import importlib

    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


# What each suffix names, and the reader of each format a file's content can be told by.
FORMAT_OF = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".gift": "gift", ".txt": "aiken", ".xml": "xml",
    ".zip": "qti", ".csv": "csv", ".xlsx": "xlsx", ".docx": "docx",
}  # fmt: skip
_BY_CONTENT = {
    "jsonl": "kholieu.bank.formats.native:read",
    "gift": "kholieu.bank.formats.gift:read",
    "aiken": "kholieu.bank.formats.aiken:read",
    "moodle_xml": "kholieu.bank.formats.qti_read:sniff_xml",
    "qti": "kholieu.bank.formats.qti_read:sniff_xml",
}
_BINARY = (".zip", ".xlsx", ".docx")


@dataclass(frozen=True)
class Choice:
    """The format a file is read as, the encoding its text is in (None: not a text file),
    and the reader."""

    format: str
    encoding: str | None
    reader: Reader

    def as_json(self) -> dict[str, str | None]:
        return {"format": self.format, "encoding": self.encoding}


def choose(path: Path) -> Choice:
    """The reader for ``path``: a text file's content decides where it is unambiguous (a
    ``.txt`` is GIFT or Aiken; a wrong or missing extension is overruled), else its suffix;
    ``*.gift.txt`` and ``*.aiken.txt`` are what they say."""
    from kholieu.bank.formats import decoding, sniffing

    suffix, name = path.suffix.lower(), path.name.lower()
    if suffix in _BINARY:
        return Choice(FORMAT_OF[suffix], None, _load(READERS[suffix]))
    if suffix == ".csv":  # the spreadsheet reader decodes for itself
        return Choice("csv", sniffing.encoding_name(path), _load(READERS[suffix]))
    declared = decoding.declared(path)
    if declared is not None:  # XML that names its encoding: the XML parser reads it
        head, encoding_name = decoding.ascii_head(path), declared
    else:
        try:
            head, encoding = decoding.head_text(path)
        except FormatError:
            if suffix in READERS:
                raise
            raise FormatError(_unknown(path)) from None
        encoding_name = encoding.name
    fmt = sniffing.by_name(name) or sniffing.by_content(head)
    if fmt is None and suffix == ".txt":
        fmt = sniffing.gift_or_aiken(head)
    if fmt is None and suffix in FORMAT_OF:
        fmt = FORMAT_OF[suffix]
    if fmt == "xml":
        fmt = sniffing.xml_kind(head)
    if fmt is None or fmt not in _BY_CONTENT:
        raise FormatError(_unknown(path))
    return Choice(fmt, encoding_name, _load(_BY_CONTENT[fmt]))


def _unknown(path: Path) -> Message:
    template = N_("{name}: không nhận ra định dạng tệp câu hỏi (đã biết: {known})")
    return Message(template, {"name": path.name, "known": ", ".join(sorted(READERS))})


def reader_for(path: Path) -> Reader:
    return choose(path).reader


def writer_for(fmt: str) -> Callable[..., None]:
    ref = WRITERS.get(fmt)
    if ref is None:
        raise FormatError(
            "Không có định dạng xuất “{fmt}” (có: {join})", fmt=fmt, join=", ".join(sorted(WRITERS))
        )
    return _load(ref)
