"""MathType and Equation Editor 3.0 equations (the OLE objects Word embeds) as LaTeX.

``from_ole`` takes an ``oleObject*.bin``, ``from_mtef`` its ``Equation Native`` stream (or
bare MTEF); both give an ``Equation`` whose ``latex`` is None, with a ``warning`` saying why,
when the equation could not be converted: the caller then shows ``preview_png`` of the
object's WMF/EMF picture instead. Nothing here raises on bad input.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from .latex import to_latex
from .mtef import MAX_MTEF, MTEFError, parse
from .preview import preview_png

__all__ = ["Equation", "from_mtef", "from_ole", "mtef_from_text", "preview_png"]

MAX_OLE = 8 << 20  # an equation object is a few kilobytes; a larger one is not an equation
HEADER_SIZE = 28  # the Equation Native stream's header (EQNOLEFILEHDR) before the MTEF


@dataclass(frozen=True)
class Equation:
    latex: str | None  # KaTeX-renderable LaTeX, None when it could not be converted
    warning: str | None  # why not (Vietnamese first: "…/ …"), None when converted


def _refused(vi: str, en: str) -> Equation:
    return Equation(None, f"{vi} / {en}")


def from_mtef(data: bytes) -> Equation:
    """The ``Equation Native`` stream (28-byte header, then MTEF), or MTEF alone."""
    try:
        return Equation(to_latex(parse(_strip_header(data)).root), None)
    except (MTEFError, RecursionError) as exc:
        return _refused(f"không đọc được công thức MathType ({exc})",
                        f"the MathType equation could not be read ({exc})")  # fmt: skip
    except Exception as exc:  # untrusted bytes: no slip of the reader may break an import
        kind = type(exc).__name__
        return _refused("không đọc được công thức MathType",
                        f"the MathType equation could not be read ({kind})")  # fmt: skip


def _strip_header(data: bytes) -> bytes:
    if len(data) >= HEADER_SIZE and data[0] | data[1] << 8 == HEADER_SIZE:
        size = int.from_bytes(data[8:12], "little")
        body = data[HEADER_SIZE:]
        return body[:size] if 0 < size <= len(body) else body
    return data


def from_ole(data: bytes) -> Equation:
    """An OLE compound file (``word/embeddings/oleObject*.bin``) holding an equation."""
    import olefile

    if len(data) > MAX_OLE:
        return _refused("đối tượng nhúng quá lớn", "the embedded object is too large")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("Equation Native"):
                return _refused("đối tượng nhúng không phải công thức MathType",
                                "the embedded object is not a MathType equation")  # fmt: skip
            if ole.get_size("Equation Native") > MAX_MTEF + HEADER_SIZE:
                return _refused("công thức quá lớn", "the equation is too large")
            stream = ole.openstream("Equation Native").read()
    except Exception:  # olefile raises many kinds on a damaged file
        return _refused("tệp công thức bị hỏng", "the equation object is damaged")
    return from_mtef(stream)


_TEXT_DIGITS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-"


def mtef_from_text(text: str) -> bytes | None:
    """MTEF from MathType's text form (``MathType!MTEF!1!1!+-…!XXXX!``, as in EPS comments
    and what MathType puts on the clipboard): six bits a character, low bits first."""
    start = text.find("MathType!MTEF!")
    if start < 0:
        return None
    parts = text[start:].split("!", 4)  # MathType, MTEF, two version numbers, the rest
    if len(parts) < 5:
        return None
    rest = "".join(ch for ch in parts[4] if not ch.isspace() and ch != "%")
    encoded = rest[2:].split("!", 1)[0]  # after the two characters that stand for 62 and 63
    out = bytearray()
    bits = count = 0
    for ch in encoded:
        value = _TEXT_DIGITS.find(ch)
        if value < 0:
            return None
        bits |= value << count
        count += 6
        if count >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            count -= 8
    return bytes(out)
