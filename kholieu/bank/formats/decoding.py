"""How every text question file is decoded (GIFT, Aiken, JSONL, Moodle XML without a
declaration), so that all of them accept the same files: what Windows Notepad saves as
"Unicode" (UTF-16 with a BOM), UTF-8 with or without a BOM, and Windows-1258, which Vietnamese
Windows writes with tone marks as combining characters (normalised to NFC here).

The encoding is detected, not guessed: a BOM first, then strict UTF-8 over the whole file, then
Windows-1258 only when it decodes and gives Vietnamese letters. Anything else is refused with
a message saying what the file seems to be.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kholieu.bank.formats import FormatError
from kholieu.i18n import N_, Message, Term

CHUNK = 2**20
# Letters only Vietnamese uses among the Latin scripts, and the tone marks Windows-1258
# writes as combining characters: a decoding that yields none of them is not Vietnamese.
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class Encoding:
    """An encoding a file was read in: ``name`` for the report, ``codec`` for Python."""

    name: str
    codec: str

    @property
    def composes(self) -> bool:
        """Whether text must be NFC-normalised (Windows-1258's combining tone marks)."""
        return self.codec == "cp1258"


UTF8 = Encoding("utf-8", "utf-8")
UTF8_BOM = Encoding("utf-8-bom", "utf-8-sig")
UTF16_LE = Encoding("utf-16-le", "utf-16")  # the "utf-16" codec reads and drops the BOM
UTF16_BE = Encoding("utf-16-be", "utf-16")
CP1258 = Encoding("windows-1258", "cp1258")


def detect(path: Path) -> Encoding:
    """The file's encoding (see the module's docstring); FormatError when it has none of them."""
    with open(path, "rb") as source:
        head = source.read(4)
        if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
            raise FormatError(_refused(path.name, "UTF-32"))
        if head.startswith(codecs.BOM_UTF8):
            return UTF8_BOM
        if head.startswith(codecs.BOM_UTF16_LE):
            return UTF16_LE
        if head.startswith(codecs.BOM_UTF16_BE):
            return UTF16_BE
        source.seek(0)
        failed_at = _utf8_error(source)
        if failed_at is None:
            return UTF8
        source.seek(0)
        sample = source.read(CHUNK)
    if b"\x00" in sample:
        raise FormatError(_refused(path.name, Term(NO_BOM)))
    if _is_vietnamese_cp1258(path):
        return CP1258
    raise FormatError(
        "{name}: không phải văn bản UTF-8, UTF-16 hay Windows-1258 (byte {failed_at})",
        name=path.name,
        failed_at=failed_at,
    )


NO_BOM = N_("UTF-16 không có BOM")


def _refused(name: str, what: str) -> Message:
    return Message(
        N_("{name}: tệp mã hoá {what}; hãy lưu lại dạng UTF-8"), {"name": name, "what": what}
    )


def _utf8_error(source: io.BufferedIOBase) -> int | None:
    """The offset of the first byte that is not UTF-8, or None when all of it is."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    offset = 0
    while True:
        chunk = source.read(CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            return offset + exc.start
        if not chunk:
            return None
        offset += len(chunk)


def _is_vietnamese_cp1258(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("cp1258")("strict")
    found = False
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                return False  # a byte Windows-1258 leaves undefined
            found = found or bool(_VIETNAMESE.search(text))
    return found


def decode(data: bytes, encoding: Encoding) -> str:
    text = data.decode(encoding.codec)
    return unicodedata.normalize("NFC", text) if encoding.composes else text


def as_utf8(data: bytes, encoding: Encoding) -> bytes:
    """XML in another encoding as UTF-8 for the parser, without the declaration naming the
    old one."""
    return _DECLARATION.sub("", decode(data, encoding), count=1).encode("utf-8")


def read_text(path: Path, limit: int) -> tuple[str, Encoding]:
    """The whole file as text (for formats parsed whole), refused past ``limit`` bytes."""
    size = path.stat().st_size
    if size > limit:
        mib = limit // 2**20
        raise FormatError(
            "{name}: tệp lớn hơn giới hạn {mib} MiB cho định dạng này", name=path.name, mib=mib
        )
    encoding = detect(path)
    return decode(path.read_bytes(), encoding), encoding


def head_text(path: Path, size: int = 64 * 2**10) -> tuple[str, Encoding]:
    """The start of the file as text, to tell its format by."""
    encoding = detect(path)
    with open(path, "rb") as source:
        data = source.read(size)
    decoder = codecs.getincrementaldecoder(encoding.codec)("replace")
    text = decoder.decode(data, final=False)
    return (unicodedata.normalize("NFC", text) if encoding.composes else text), encoding


@contextmanager
def lines(path: Path) -> Iterator[tuple[Iterator[str], Encoding]]:
    """The file's lines, decoded as they are read (for formats read a line at a time)."""
    encoding = detect(path)
    with open(path, encoding=encoding.codec, newline=None) as text:
        if encoding.composes:
            yield (unicodedata.normalize("NFC", line) for line in text), encoding
        else:
            yield text, encoding


def _last_base(text: str) -> int:
    """Where the last character that combining marks may still join starts."""
    cut = len(text)
    while cut > 0 and unicodedata.combining(text[cut - 1]):
        cut -= 1
    return max(cut - 1, 0)


class Utf8Stream(io.RawIOBase):
    """A file in another encoding as UTF-8 bytes, for parsers that take bytes (expat); its
    XML declaration, which names the old encoding, is dropped (line numbers stay)."""

    def __init__(self, path: Path, encoding: Encoding) -> None:
        self._source = open(path, "rb")  # noqa: SIM115 (closed with the stream)
        self._decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
        self._composes = encoding.composes
        self._pending = b""
        self._started = False
        self._held = ""  # a last character a following combining mark may still join

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        """How far into the file (its own bytes) reading has come, for progress."""
        return self._source.tell()

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending:
            chunk = self._source.read(CHUNK)
            text = self._held + self._decoder.decode(chunk, final=not chunk)
            self._held = ""
            if chunk and self._composes:
                cut = _last_base(text)
                text, self._held = text[:cut], text[cut:]
            if not self._started:
                text, self._started = _DECLARATION.sub("", text, count=1), True
            if self._composes:
                text = unicodedata.normalize("NFC", text)
            self._pending = text.encode("utf-8")
            if not chunk:
                break
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        self._source.close()
        super().close()


_DECLARED = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._:-]+)"
)


def declared(path: Path) -> str | None:
    """The encoding an XML declaration names (lower case), or None: with one, the XML parser
    decodes the file itself."""
    with open(path, "rb") as source:
        found = _DECLARED.match(source.read(512))
    return found.group(1).decode("ascii").lower() if found else None


def ascii_head(path: Path, size: int = 64 * 2**10) -> str:
    """The start of a file in an ASCII-compatible encoding, enough to see its markup by."""
    with open(path, "rb") as source:
        return source.read(size).decode("latin-1")
