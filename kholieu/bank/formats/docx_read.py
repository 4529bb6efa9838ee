"""Word documents in the layout Vietnamese teachers use for tests, read question by question.

    PHẦN I. …                          sections (I: choices, II: đúng/sai, III: trả lời ngắn)
    Câu 1 (NB): Stem …                 or Word's automatic numbering; level in () or [] optional
    A. …   B. …   C. …   D. …          on separate lines or on one row (tabs)
    a) … b) … c) … d) …                true_false_group statements
    <Key=1,5>                          a short answer's key
    Lời giải: / Hướng dẫn giải: …      the explanation, up to the next question
    BẢNG ĐÁP ÁN  1-A 2.B 5:A | 6:B     keys in a table or as text, instead of marks

The key is the option whose letter (or whole text) is underlined, red, bold or highlighted,
when that mark singles out some options and not all of them (a formula or picture carries no
mark; bold, or a mark on several options, yields to the answer table's key); true statements
are marked the same way. "HẾT", the proctoring footer and the key's heading end the last
question. Word equations become LaTeX (omml.py), and so do MathType and Equation 3.0 objects
(mathtype/); one that cannot be read is shown as its preview picture, the question imported
with a warning. Images are stored through the image sink. The line of a question is its
paragraph's number in the document.

The body is read as it streams (docx_package.py) and each question is given out once the next
one starts, so a bank of thousands of questions is never in memory whole; only questions that
wait for an answer table at the end are kept until it has been read (``Layout``).
"""

from __future__ import annotations

import contextlib
import html
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kholieu.bank.formats import FormatError, ImageSink, Parsed, mathtype
from kholieu.bank.formats.docx_package import ListStart, W, WordPackage, open_package
from kholieu.bank.formats.mathtype.charset import symbol_font
from kholieu.bank.formats.omml import M, MathError, to_latex
from kholieu.bank.formats.tabular import OFFICE_LIMITS
from kholieu.bank.schemas import level_code
from kholieu.errors import ValidationFailed
from kholieu.i18n import Invalid

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
MARKS = ("underline", "red", "bold", "highlight")
_QUESTION = re.compile(
    r"^\s*Câu\s*(?:hỏi\s*)?(\d+)\s*(?:[(\[]\s*(NB|TH|VDC|VD|[\w .\-]+?)\s*[)\]])?\s*[:.)：]?\s*",
    re.I,
)  # a topic code in the brackets ("Câu 12 [2D1-1.1-1]:") is no level: it is dropped
_SECTION = re.compile(r"^\s*PHẦN\s+(I{1,3}V?|IV|[1-4])\b", re.I)
# "A.", "A)", "A:", with or without a space, "*A." when the star marks the key
_LABEL = r"(\*?)\s*{letter}\s*[.):]\s*"
# A line that is only keys: "1:D|2:A|3:C", "1D 2A 3C", "1.D, 2.A, 3.C", "Đáp án: 41C - 42A - …"
# (three or more; a shorter line right after one ends it: "44.A 45.B")
_ENTRY = r"(?:(?i:Câu)\s*)?\d{1,3}\s*[-.:)]?\s*(?:[A-H]|[ĐSđs]{4})(?![\w])[\s|,;/.\-–]*"
_KEYS_LABEL = r"(?:(?i:Đáp án|ĐA|Đ/A|Key)\s*[:.]?\s*)?"
_ANSWER_STRING = re.compile(rf"^\s*{_KEYS_LABEL}(?:{_ENTRY}){{3,}}$")
_ANSWER_TAIL = re.compile(rf"^\s*{_KEYS_LABEL}(?:{_ENTRY}){{1,2}}$")
_LETTER_ENTRY = re.compile(r"(\d{1,3})\s*[-.:)]?\s*([A-H]|[ĐSđs]{4})(?![\w])")
# Cells of key tables: "41" or "Câu 41" over "C" or "C."; "41.C" in one cell
_NUMBER_CELL = re.compile(r"^(?:(?i:Câu)\s*)?(\d{1,3})\s*[.:]?$")
_LETTER_CELL = re.compile(r"^(?:[A-H]|[ĐSđs]{4})\s*\.?$")
_ENTRY_CELL = re.compile(r"^\d{1,3}\s*[-.:)]?\s*(?:[A-H]|[ĐSđs]{4})\s*\.?$")
# Words a line of keys may hold besides its entries: "Câu 1. A  Câu 2. B", "Đáp án: 1-A"
_KEY_WORDS = re.compile(r"(?i:Câu(?:\s*hỏi)?|BẢNG|Đáp án|ĐA|Đ/A|Key|Mã đề|Đề)")
# "Đáp án: C", "Chọn C", "Chọn đáp án C." — a key said in words, alone or in the explanation
_SAID_KEY = re.compile(r"(?:Đáp án|ĐA|Chọn(?:\s+đáp án)?)\s*[:.]?\s*([A-H])(?![\w])", re.I)
_KEY_LINE = re.compile(r"^\s*(?:Đáp án|ĐA|Chọn(?:\s+đáp án)?)\s*[:.]?\s*([A-H])\s*[.]?\s*$", re.I)
_KEY_ROW_LABEL = re.compile(r"^\s*(Câu(\s*hỏi)?|Đáp án|ĐA|Đ/A|Key)\s*:?\s*$", re.I)
_STATEMENT = re.compile(r"^\s*([a-d])\s*[).]\s*")
_KEY = re.compile(r"<\s*Key\s*=\s*([^>]*)>", re.I)
_EXPLANATION = re.compile(
    r"^\s*(Lời giải chi tiết|Lời giải|Hướng dẫn giải chi tiết|Hướng dẫn giải|Hướng dẫn|Giải|HDG"
    r"|Đáp án chi tiết)\s*(?:[:.]\s*|$)",
    re.I,
)
# The heading of the keys after the paper: "BẢNG ĐÁP ÁN", "ĐÁP ÁN ĐỀ 201", "Đáp án và hướng dẫn
# giải" — never a key said in words ("Đáp án: C") nor a stem's line ("Đáp án nào sau đây …")
_ANSWERS = re.compile(
    r"^\W*(?:BẢNG\s+ĐÁP\s+ÁN|ĐÁP\s+ÁN)(?:\s*[:.]?\s*$|\s+(?:ĐỀ|MÃ|VÀ|CHI\s+TIẾT|MÔN|THAM\s+KHẢO"
    r"|CHÍNH\s+THỨC|KỲ|KÌ|TRẮC\s+NGHIỆM|PHẦN|\d)\b|\s*[-–(])",
    re.I,
)
# The heading of worked solutions after the paper; "Hướng dẫn giải:" with a colon under a
# question starts its explanation instead, and so does this heading before the paper's end
_SOLUTIONS = re.compile(r"^\W*(?:HƯỚNG\s+DẪN\s+GIẢI|LỜI\s+GIẢI\s+CHI\s+TIẾT)\b(?!\s*:)", re.I)
# The end of the paper: "------ HẾT ------" and the proctoring footer under it
_END = re.compile(
    r"^\W*(?:HẾT\W*$|Thí sinh không được sử dụng tài liệu|Cán bộ coi thi không giải thích)",
    re.I,
)
_ANSWER_ENTRY = re.compile(
    r"(\d+)\s*[-.:)]\s*([A-H]{1,8}(?![\w])|[ĐSđs]{4}(?![\w])|-?\d+(?:,\d+)?(?![\w]))"
)
SECTION_TYPES = {"i": "single_choice", "1": "single_choice", "ii": "true_false_group",
                 "2": "true_false_group", "iii": "short_answer", "3": "short_answer",
                 "iv": "essay", "4": "essay"}  # fmt: skip


OBJECT = "\ufffc"  # where an image or equation stands in a line's text


@dataclass
class Piece:
    """A stretch of text with the formatting that can mark a key."""

    text: str  # plain text, or ready HTML (an image, an equation) when ``raw``
    underline: bool = False
    red: bool = False
    bold: bool = False
    highlight: bool = False
    italic: bool = False
    script: str = ""  # "superscript" | "subscript"
    raw: bool = False

    @property
    def plain(self) -> str:
        return OBJECT if self.raw else self.text

    def marks(self) -> set[str]:
        return {mark for mark in MARKS if getattr(self, mark)}

    def html(self, drop: frozenset[str] = frozenset()) -> str:
        if self.raw:
            return self.text
        out = html.escape(self.text, quote=False).replace("\t", " ")
        if self.script == "superscript":
            out = f"<sup>{out}</sup>"
        elif self.script == "subscript":
            out = f"<sub>{out}</sub>"
        if self.italic:
            out = f"<i>{out}</i>"
        if self.bold and "bold" not in drop:
            out = f"<b>{out}</b>"
        if self.underline and "underline" not in drop:
            out = f"<u>{out}</u>"
        return out


@dataclass
class Line:
    number: int
    pieces: list[Piece]
    numbering: str | None = None  # Word list format of the paragraph: decimal, upperLetter…
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported, but worth a look
    is_table: bool = False
    cells: list[str] = field(default_factory=list)  # a table row's cells, as HTML
    cell_pieces: list[list[Piece]] = field(default_factory=list)  # and as pieces (their looks)
    list_start: ListStart | None = None  # where the paragraph's Word list starts counting

    @property
    def cell_texts(self) -> list[str]:
        return ["".join(p.plain for p in pieces).strip() for pieces in self.cell_pieces]

    @property
    def text(self) -> str:
        return "".join(p.plain for p in self.pieces)

    def html(self, drop: frozenset[str] = frozenset()) -> str:
        return _join(self.pieces, drop)

    def slice(self, start: int, end: int | None = None) -> list[Piece]:
        """The pieces covering characters ``start:end`` of ``text`` (pieces cut as needed)."""
        out, position = [], 0
        end = len(self.text) if end is None else end
        for piece in self.pieces:
            length = len(piece.plain)
            lo, hi = max(start, position), min(end, position + length)
            if lo < hi:
                if piece.raw:
                    out.append(piece)
                else:
                    cut = Piece(
                        **{**piece.__dict__, "text": piece.text[lo - position : hi - position]}
                    )
                    out.append(cut)
            position += length
        return out


def _join(pieces: list[Piece], drop: frozenset[str] = frozenset()) -> str:
    text = "".join(p.html(drop) for p in pieces).strip()
    return re.sub(r"(<br>\s*)+$", "", text)


def _marks_of(pieces: list[Piece]) -> tuple[set[str], set[str]]:
    """(marks on the label's letter, marks on every visible character of the text). A formula
    or a picture carries no mark, so an option that is only one is marked by nothing: Toán
    papers mark the key on the letter of options that are all formulas."""
    visible = [p for p in pieces if p.raw or p.text.strip()]
    letter = visible[0].marks() if visible else set()
    text = [p for p in visible if not p.raw]
    if not text:
        return letter, set()
    whole = set(MARKS)
    for piece in text:
        whole &= piece.marks()
    return letter, whole


# -- reading the document ------------------------------------------------------------------------
def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    """The document's questions, read as the body streams past (docx_package.py); each record
    carries how much of the body has been read, for progress."""
    with open_package(path, OFFICE_LIMITS) as package:
        for parsed in Layout(path.name, _lines(package, images)).questions():
            parsed.share = package.share_read()
            yield parsed


def _lines(package: WordPackage, images: ImageSink) -> Iterator[Line]:
    number = 0
    for block in package.blocks():
        if block.tag == W + "p":
            number += 1
            yield from _soft_lines(_paragraph(block, number, package, images))
        elif block.tag == W + "tbl":
            for row in block.iter(W + "tr"):
                texts, cells, pieces, errors, warnings = [], [], [], [], []
                for cell in row.iter(W + "tc"):
                    number += 1
                    parts = [_paragraph(p, number, package, images) for p in cell.iter(W + "p")]
                    texts.append(" ".join(p.text for p in parts))
                    cells.append("<br>".join(p.html() for p in parts if p.pieces))
                    joined: list[Piece] = []
                    for part in (p for p in parts if p.pieces):
                        joined += [Piece("<br>", raw=True)] * bool(joined) + part.pieces
                    pieces.append(joined)
                    errors += [e for p in parts for e in p.errors]
                    warnings += [w for p in parts for w in p.warnings]
                yield Line(number, [Piece(" \t ".join(texts))], errors=errors, is_table=True,
                           cells=cells, cell_pieces=pieces, warnings=warnings)  # fmt: skip


def _soft_lines(line: Line) -> Iterator[Line]:
    """A paragraph split at its soft line breaks (Shift+Enter), each part a line of its own:
    many papers write a whole question — "Câu 1: … ↵ A. … ⇥ B. … ↵ C. … ⇥ D. …" — as one
    paragraph. The parts keep the paragraph's number; only the first its list numbering."""
    parts: list[list[Piece]] = [[]]
    for piece in line.pieces:
        if piece.raw and piece.text == "<br>":
            parts.append([])
        else:
            parts[-1].append(piece)
    if len(parts) == 1:
        yield line
        return
    for index, pieces in enumerate(parts):
        first = index == 0
        yield Line(
            line.number, pieces, line.numbering if first else None,
            line.errors if first else [], warnings=line.warnings if first else [],
            list_start=line.list_start if first else None,
        )  # fmt: skip


def _paragraph(p, number: int, package: WordPackage, images: ImageSink) -> Line:
    line = Line(number, [])
    props = p.find(W + "pPr")
    num = props.find(W + "numPr") if props is not None else None
    if num is None and props is not None and (style := props.find(W + "pStyle")) is not None:
        num = package.style_numbering(style.get(W + "val"))
    if num is not None:
        num_id, ilvl = num.find(W + "numId"), num.find(W + "ilvl")
        key = (num_id.get(W + "val") if num_id is not None else "",
               ilvl.get(W + "val") if ilvl is not None else "0")  # fmt: skip
        line.numbering = package.formats.get(key, "decimal")
        line.list_start = package.starts.get(key)
    for node in p.iter():
        if node is p or (node.tag in _READ and not _read_here(node, p)):
            continue
        if node.tag == W + "p":  # a text box's paragraph: a line of its own
            line.pieces.append(Piece("<br>", raw=True))
        elif node.tag == W + "r":
            line.pieces.extend(_run(node, package, images, line))
        elif node.tag == M + "oMath" and node.getparent().tag != M + "oMathPara":
            try:
                line.pieces.append(Piece(f"${html.escape(to_latex(node), quote=False)}$", raw=True))
            except MathError as exc:
                line.errors.append(f"equation could not be read: {exc}")
        elif node.tag == M + "oMathPara":
            try:
                latex = " ".join(to_latex(m) for m in node.iter(M + "oMath"))
                line.pieces.append(Piece(f"$${html.escape(latex, quote=False)}$$", raw=True))
            except MathError as exc:
                line.errors.append(f"equation could not be read: {exc}")
    return line


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_READ = (W + "p", W + "r", M + "oMath", M + "oMathPara")


def _read_here(node, paragraph) -> bool:
    """Whether a node of the paragraph is read where it stands: not a run inside an equation
    (the equation reads it), and nothing in an ``mc:Fallback`` — Word 2010+ writes a text box
    twice (the shape, then a VML copy for older readers): the shape is read, once."""
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag == _MC + "Fallback" or (node.tag == W + "r" and parent.tag.startswith(M)):
            return False
        parent = parent.getparent()
    return True


def _run(run, package: WordPackage, images: ImageSink, line: Line) -> Iterator[Piece]:
    props = run.find(W + "rPr")
    look = _look(props)
    symbol = _font(props) == "Symbol"
    for child in run:
        if child.tag == W + "t":
            text = unicodedata.normalize("NFC", child.text or "")  # Unikey's "tổ hợp": NFD
            yield Piece(_from_symbol_font(text) if symbol else text, **look)
        elif child.tag == W + "sym":
            yield Piece(_symbol(child), **look)
        elif child.tag == W + "tab":
            yield Piece("\t", **look)
        elif child.tag in (W + "br", W + "cr"):
            yield Piece("<br>", raw=True)
        elif child.tag == W + "drawing":
            for blip in child.iter(A + "blip"):
                yield _image(blip.get(R + "embed"), package, images, line)
        elif child.tag == W + "object":
            yield from _embedded(child, package, images, line)
        elif child.tag == W + "pict":
            yield from _legacy_picture(child, package, images, line)


def _legacy_picture(pict, package: WordPackage, images: ImageSink, line: Line) -> Iterator[Piece]:
    """VML (documents converted from .doc): a picture (``v:imagedata``) is stored like any
    image; a text box's paragraphs are read as lines where they stand (``_paragraph``)."""
    picture = next((e for e in pict.iter() if str(e.tag).endswith("}imagedata")), None)
    if picture is not None:
        yield _image(picture.get(R + "id"), package, images, line)
    elif next(pict.iter(W + "txbxContent"), None) is None:
        line.errors.append(
            "không đọc được hình hoặc công thức kiểu cũ / "
            "a legacy picture or equation object could not be read"
        )


def _font(props) -> str:
    fonts = props.find(W + "rFonts") if props is not None else None
    return (fonts.get(W + "ascii") or fonts.get(W + "hAnsi") or "") if fonts is not None else ""


def _symbol(sym) -> str:
    """A character inserted with Insert > Symbol (``w:sym``): the Symbol font's private-use
    positions (F057 is Ω, F070 π) become the characters they show; another font's character
    is kept when it is plain Unicode, dropped when it is a private-use glyph (Wingdings…)."""
    try:
        code = int(sym.get(W + "char") or "", 16)
    except ValueError:
        return ""
    font = sym.get(W + "font") or ""
    if font == "Symbol":
        return symbol_font(code - 0xF000 if code >= 0xF000 else code) or ""
    return "" if 0xE000 <= code <= 0xF8FF else chr(code)


def _from_symbol_font(text: str) -> str:
    """Text typed in the Symbol font ("W" shows Ω): the characters it shows."""
    return "".join(symbol_font(ord(c) % 0xF000 if ord(c) >= 0xF000 else ord(c)) or c for c in text)


def _embedded(obj, package: WordPackage, images: ImageSink, line: Line) -> Iterator[Piece]:
    """An embedded object: a MathType or Equation 3.0 equation becomes LaTeX (mathtype.py);
    one that cannot is shown as its preview picture, with a warning — the question is
    imported, never refused for it. Any other object is an error."""
    ole = next((e for e in obj.iter() if str(e.tag).endswith("OLEObject")), None)
    prog = ole.get("ProgID", "") if ole is not None else ""
    if not prog.startswith("Equation"):
        line.errors.append(f"an embedded object ({prog or 'unknown'}) could not be read")
        return
    try:
        equation = mathtype.from_ole(package.image(ole.get(R + "id"))[0])
    except KeyError:
        equation = mathtype.Equation(
            None, "không thấy dữ liệu công thức / the equation's data is missing"
        )
    if equation.latex is not None:
        yield Piece(f"${html.escape(equation.latex, quote=False)}$", raw=True)
        return
    picture = next((e for e in obj.iter() if str(e.tag).endswith("imagedata")), None)
    try:
        preview, name = package.image(picture.get(R + "id") if picture is not None else None)
        png = mathtype.preview_png(preview, _PREVIEW_TYPES.get(name.rsplit(".", 1)[-1].lower(), ""))
    except KeyError:
        png = None
    if png is None:
        line.errors.append(f"equation could not be read: {equation.warning}")
        return
    url = images(png, name.rsplit(".", 1)[0] + ".png")
    line.warnings.append(
        f"công thức giữ dạng ảnh, hãy gõ lại / an equation is kept as its picture: "
        f"{equation.warning}"
    )
    yield Piece(f'<img src="{url}" alt="">', raw=True)


_PREVIEW_TYPES = {"wmf": "image/x-wmf", "emf": "image/x-emf", "png": "image/png"}


def _image(rid: str | None, package: WordPackage, images: ImageSink, line: Line) -> Piece:
    try:
        url = images(*package.image(rid))
    except (KeyError, ValidationFailed) as exc:
        line.errors.append(getattr(exc, "message", None) or f"image {rid} is missing")
        return Piece("")
    return Piece(f'<img src="{url}" alt="">', raw=True)


def _look(props) -> dict[str, Any]:
    if props is None:
        return {}

    def on(tag: str) -> bool:
        element = props.find(W + tag)
        return element is not None and element.get(W + "val", "true") not in ("0", "false", "none")

    color = props.find(W + "color")
    colour = (color.get(W + "val") or "").upper() if color is not None else ""
    vert = props.find(W + "vertAlign")
    return {
        "underline": on("u"),
        "bold": on("b"),
        "italic": on("i"),
        "highlight": on("highlight") or _shaded(props.find(W + "shd")),
        "red": _is_red(colour),
        "script": vert.get(W + "val", "") if vert is not None else "",
    }


def _shaded(shading) -> bool:
    """Whether a run's shading shows: text pasted from the web carries ``w:shd`` with a white
    or automatic fill, which is no highlight; a coloured fill (or a solid pattern) is."""
    if shading is None or shading.get(W + "val", "") in ("nil", "none"):
        return False
    blank = ("", "AUTO", "FFFFFF")
    if shading.get(W + "val") == "solid":
        return (shading.get(W + "color") or "").upper() not in blank
    return (shading.get(W + "fill") or "").upper() not in blank


def _is_red(colour: str) -> bool:
    if len(colour) != 6:
        return False
    try:
        red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return False
    return red >= 0xB0 and green <= 0x60 and blue <= 0x60


# -- from lines to questions ---------------------------------------------------------------------
@dataclass
class Block:
    number: int
    line: int
    section: str | None
    level: str | None
    lines: list[Line]
    heading: str = ""  # "PHẦN II", to tell apart questions numbered again in each part

    @property
    def where(self) -> str:
        return f"{self.heading} Câu {self.number}".strip()


@dataclass
class Choice:
    pieces: list[Piece]
    line: int
    label: int = 0  # characters of "A. " or "a) " at the start of the pieces
    starred: bool = False  # "*A." — the star marks the key

    def html(self, drop: frozenset[str] = frozenset()) -> str:
        return _join(self.pieces, drop)


class _Pending(Exception):
    """The question's key is not marked: it waits for the answer table at the document's end."""


Answers = dict[tuple[str | None, int], Any]


class Layout:
    """Lines grouped into questions as they arrive. A question whose key is marked is ready at
    once; one that needs a BẢNG ĐÁP ÁN waits for the end, and so (to keep the document's
    order) does every question after it, kept as its small record, not its lines."""

    def __init__(self, name: str, lines: Iterable[Line]) -> None:
        self.name = name
        self.lines = lines

    def questions(self) -> Iterator[Parsed]:
        held: list[Block | Parsed] = []
        answer_lines: list[tuple[str | None, Line]] = []
        any_block = False
        for block in self._blocks(answer_lines):
            any_block = True
            try:
                parsed = self._parsed(block, None)
            except _Pending:
                held.append(block)
                continue
            if held:
                held.append(parsed)
            else:
                yield parsed
        if not any_block:
            raise FormatError(
                "{name}: không tìm thấy câu hỏi nào (mỗi câu bắt đầu bằng “Câu N:”)", name=self.name
            )
        answers = _answer_table(answer_lines)
        for item in held:
            yield self._parsed(item, answers) if isinstance(item, Block) else item

    def _parsed(self, block: Block, answers: Answers | None) -> Parsed:
        where = block.where
        try:
            data = self._question(block, answers)
        except ValueError as exc:
            return Parsed(self.name, block.line, error=f"{where}: {exc}", where=where)
        warnings = [w for line in block.lines for w in line.warnings]
        extra = {"warnings": warnings} if warnings else {}
        return Parsed(self.name, block.line, data=data, where=where, extra=extra)

    def _blocks(self, answers: list[tuple[str | None, Line]]) -> Iterator[Block]:
        """Each question's lines, yielded once the next question starts; the lines after the
        BẢNG ĐÁP ÁN heading go to ``answers``."""
        current: Block | None = None
        section: str | None = None
        heading = ""
        in_answers = False
        ended = False  # "HẾT" or the proctoring footer has been read
        counts: dict[Any, int] = {}  # Word lists' counts, by the definition they share
        restarted: set[Any] = set()
        for line, is_key in _keys_apart(self.lines):
            if is_key:  # an answer string or a key table, with or without a heading
                answers.append((section, line))
                continue
            text = line.text
            if found := _SECTION.match(text):
                section = SECTION_TYPES.get(found.group(1).lower())
                heading = f"PHẦN {found.group(1).upper()}"
                counts.clear()
                restarted.clear()
                continue
            if _ANSWERS.match(text) or (ended and _SOLUTIONS.match(text)):
                in_answers = True  # the question before it ends: the heading is no option
                if current is not None:
                    yield current
                    current = None
                continue
            if _END.match(text):
                ended = True
                if current is not None:
                    yield current
                    current = None
                continue
            if in_answers:
                answers.append((section, line))
                continue
            found = _QUESTION.match(text)
            if found:
                rest = [Line(line.number, line.slice(found.end()), line.numbering, line.errors,
                             warnings=line.warnings)]  # fmt: skip
                row = _row_paragraph(line) if line.is_table else None
                if row is not None and (in_cells := _QUESTION.match(row.text)):
                    # a question laid out in a table ("Câu 3:" | its stem and options): the
                    # cells' paragraphs are its lines, with their looks (the key's mark)
                    found = in_cells
                    cells = Line(row.number, row.slice(found.end()), errors=row.errors,
                                 warnings=row.warnings)  # fmt: skip
                    rest = list(_soft_lines(cells))
                if current is not None:
                    yield current
                current = Block(
                    int(found.group(1)), line.number, section, found.group(2), rest, heading
                )
            elif line.numbering == "decimal" and not (current and _in_explanation(current)):
                if current is not None:
                    yield current
                number = _count(line.list_start, counts, restarted)
                current = Block(number, line.number, section, None, [line], heading)
            elif current is not None:
                current.lines.append(line)
        if current is not None:
            yield current

    def _question(self, block: Block, answers: Answers | None) -> dict[str, Any]:
        """The question's record; ``answers`` is None until the answer table has been read,
        and a question that needs it then raises ``_Pending``."""
        stem: list[str] = []
        options: list[Choice] = []
        statements: list[Choice] = []
        explanation: list[str] = []
        key: str | None = None
        errors = [e for line in block.lines for e in line.errors]
        if errors:
            raise ValueError(errors[0])
        explaining = False
        rows: list[list[str]] = []  # a table in the stem or the explanation, row by row
        said: list[str] = []  # a key said in words: "Đáp án: C", "Chọn C", <Key=C>
        said_in_explanation: list[str] = []
        for index, line in enumerate([*block.lines, Line(0, [])]):
            if line.is_table and (found_options := _table_options(line, len(options))):
                stem.extend(_into_stem(statements))
                options.extend(found_options)
                continue
            if line.is_table and not options and not statements:
                rows.append(line.cells)
                continue
            if rows:
                (explanation if explaining else stem).append(_table(rows))
                rows = []
            text = line.text
            if not explaining and (found := _EXPLANATION.match(text)):
                explaining = True
                line = Line(line.number, line.slice(found.end()))
                text = line.text
            if found := _KEY.search(text):
                key = found.group(1).strip()
                line = Line(line.number, line.slice(0, found.start()) + line.slice(found.end()),
                            line.numbering)  # fmt: skip
                text = line.text
            if explaining:
                if text.strip():
                    explanation.append(line.html())
                    said_in_explanation += [k.upper() for k in _SAID_KEY.findall(text)]
                continue
            if not text.strip() and not line.pieces:
                continue
            if found := _KEY_LINE.match(text):
                said.append(found.group(1).upper())
                continue
            if _starts_options(line, options):
                stem.extend(_into_stem(statements))  # "Cho các phát biểu sau: a) … e) …"
                options.extend(_split_options(line, len(options)))
            elif not options and (_STATEMENT.match(text) or line.numbering == "lowerLetter"):
                found = _STATEMENT.match(text)
                start = found.end() if found else 0
                label = line.slice(0, start) if found else []
                width = len("".join(p.plain for p in label))
                statements.append(Choice(label + line.slice(start), line.number, width))
            elif statements:
                statements[-1].pieces += [Piece("<br>", raw=True), *line.pieces]
            elif options:
                options[-1].pieces += [Piece("<br>", raw=True), *line.pieces]
            elif (
                not statements
                and (start := _inline_options(text)) is not None
                and not any(_starts_options(later, []) for later in block.lines[index + 1 :])
            ):  # "Chất X là A. Cho A tác dụng với B. …" with the options on the next lines
                stem.append(Line(line.number, line.slice(0, start)).html())  # "… A. … B. …"
                options.extend(_split_options(Line(line.number, line.slice(start)), 0))
            elif text.strip() or line.pieces:
                stem.append(line.html())
        data: dict[str, Any] = {"stem": "<br>".join(s for s in stem if s)}
        if block.level:
            with contextlib.suppress(ValueError):  # "(2 điểm)" and the like: not a level
                data["level"] = level_code(block.level)
        if explanation:
            data["explanation"] = "<br>".join(explanation)

        def table() -> Any:
            if answers is None:
                raise _Pending
            return answers.get((block.section, block.number)) or answers.get((None, block.number))

        if key is not None and re.fullmatch(r"[A-Ha-h]+", key):
            said.insert(0, key.upper())
        if options:
            # an explanation ends with its conclusion: "… nên B sai. Chọn C."
            data.update(_choices(options, table, said or said_in_explanation[-1:]))
        elif statements:
            data.update(_statements(statements, table))
        elif key is not None:
            data.update(type="short_answer", answer=key)
        elif block.section == "short_answer":
            data.update(type="short_answer", answer=table() or None)
        elif block.section in ("single_choice", "true_false_group"):
            raise Invalid("không tìm thấy phương án (A. B. C. D.) hay các ý (a) b) c) d))")
        elif _looks_like_options(data["stem"]):
            raise Invalid("có vẻ là câu trắc nghiệm nhưng không tách được các phương án A, B, C, D")
        else:
            data["type"] = "essay"
        if not data["stem"]:
            raise Invalid("câu hỏi không có đề bài trước các phương án")
        return data


def _row_paragraph(line: Line) -> Line:
    """A table row as one paragraph of its pieces: each filled cell, and each paragraph in
    it, after a soft line break (``_soft_lines`` makes them lines)."""
    pieces: list[Piece] = []
    for cell, text in zip(line.cell_pieces, line.cell_texts, strict=True):
        if text:
            pieces += [Piece("<br>", raw=True)] * bool(pieces) + cell
    return Line(line.number, pieces, errors=line.errors, warnings=line.warnings)


def _count(start: ListStart | None, counts: dict[Any, int], restarted: set[Any]) -> int:
    """The number Word shows on an automatically numbered question: its list's count, from
    the list's start ("Câu %1:" starting at 41), restarted where the list says so."""
    if start is None:
        start = ListStart(("", None), 1, False)
    if start.restarts and start.instance not in restarted:
        restarted.add(start.instance)
        counts.pop(start.counter, None)
    counts[start.counter] = counts.get(start.counter, start.start - 1) + 1
    return counts[start.counter]


def _into_stem(statements: list[Choice]) -> list[str]:
    """Lines "a) …" read as statements, given back to the stem (and the list emptied) once
    options follow: a choice question counting true statements ("Cho các phát biểu sau: a) …
    e) … Số phát biểu đúng là A. 2 B. 3 …") keeps them, in order, with its closing line."""
    lines = [("" if s.label else f"{chr(97 + i)}) ") + s.html() for i, s in enumerate(statements)]
    statements.clear()
    return lines


def _keys_apart(lines: Iterable[Line]) -> Iterator[tuple[Line, bool]]:
    """Each line, and whether it gives keys rather than content (with or without a heading):
    a line that is only keys ("1:D|2:A|…", "1D 2A …", and a shorter line right after one), a
    table row of entries ("41.C" | "42.A" …), a table row of question numbers followed by a
    row of as many letters (several such pairs make one key table; a first cell "Câu" /
    "Đáp án" is a label), or a vertical table ("Câu | Đáp án" over "41 | C" rows). A row of
    numbers or labels is held back one line to see what follows it."""
    held: Line | None = None
    keyed = False  # the line before gave keys: a short last line or a pair row goes on
    for line in lines:
        if held is not None:
            if _keys_under(held, line):
                yield held, True
                yield line, True
                held, keyed = None, True
                continue
            yield held, False
            held = None
        verdict = _key_line(line, keyed)
        if verdict is None:
            held = line
            continue
        keyed = verdict
        yield line, verdict
    if held is not None:
        yield held, False


def _key_line(line: Line, keyed: bool) -> bool | None:
    """Whether the line gives keys; None for a table row that does if the next row does."""
    if not line.is_table:
        tail = keyed and _ANSWER_TAIL.match(line.text)
        return bool(_ANSWER_STRING.match(line.text) or tail)
    cells = [c for c in line.cell_texts if c]
    if cells and all(_ENTRY_CELL.match(c) for c in cells) and (len(cells) >= 2 or keyed):
        return True
    pairs = _pairs(cells, _LETTER_CELL)
    if pairs and (len(pairs) >= 2 or keyed or re.match(r"(?i:Câu)", cells[0])):
        return True
    numbers = _key_cells(line.cell_texts)
    if len(numbers) >= 2 and all(_NUMBER_CELL.match(n) for n in numbers):
        return None
    if len(cells) >= 2 and all(_KEY_ROW_LABEL.match(c) for c in cells):
        return None
    return False


def _keys_under(held: Line, line: Line) -> bool:
    """Whether ``line`` makes the held row keys: letters under its numbers, or the first pair
    row under a "Câu | Đáp án" label row."""
    if not line.is_table:
        return False
    numbers = _key_cells(held.cell_texts)
    if all(_NUMBER_CELL.match(n) for n in numbers):
        keys = _key_cells(line.cell_texts)
        return len(keys) == len(numbers) and all(_LETTER_CELL.match(k) for k in keys)
    return bool(_pairs([c for c in line.cell_texts if c], _LETTER_CELL))


def _pairs(cells: list[str], key: re.Pattern[str]) -> list[tuple[int, str]]:
    """A vertical key table's row read as (question, key) pairs: "41 | C" or "Câu 41 | C",
    several pairs side by side ("41 | C | 51 | B"); [] when the row is not one."""
    if not cells or len(cells) % 2:
        return []
    pairs = []
    for number, value in zip(cells[::2], cells[1::2], strict=True):
        found = _NUMBER_CELL.match(number)
        if found is None or not key.match(value):
            return []
        pairs.append((int(found.group(1)), value))
    return pairs


def _key_cells(cells: list[str]) -> list[str]:
    """A key table row's cells without its label cell ("Câu", "Đáp án") and empty cells."""
    if cells and _KEY_ROW_LABEL.match(cells[0]):
        cells = cells[1:]
    return [c for c in cells if c]


def _table(rows: list[list[str]]) -> str:
    cells = ("".join(f"<td>{cell}</td>" for cell in row) for row in rows)
    return "<table><tbody>" + "".join(f"<tr>{row}</tr>" for row in cells) + "</tbody></table>"


def _in_explanation(block: Block) -> bool:
    return any(_EXPLANATION.match(line.text) for line in block.lines)


def _starts_options(line: Line, options: list[Choice]) -> bool:
    if line.numbering == "upperLetter":
        return True
    if len(options) >= 8:
        return False
    return bool(re.match(r"^\s*" + _LABEL.format(letter=chr(65 + len(options))), line.text))


def _split_options(line: Line, already: int) -> list[Choice]:
    """ "A. 2   B. 3   C. 4   D. 5" on one row → four options (letters must follow in order)."""
    text = line.text
    if line.numbering == "upperLetter" and not re.match(r"^\s*[A-H]\s*[.)]", text):
        return [Choice(line.pieces, line.number)]
    # labels set out with tabs (or wide spaces) first: "A. điểm B. ⇥ B. điểm C. ⇥ …" has a
    # "B." in option A's text; labels after any space when that finds more
    tabbed = _labels(text, already, r"(?:^|(?<=\t)|(?<=\s\s))")
    spaced = _labels(text, already, r"(?:^|(?<=\s))")
    starts = tabbed if len(tabbed) >= max(2, len(spaced)) else spaced
    choices = []
    for i, (begin, label_end, starred) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        choices.append(Choice(line.slice(begin, end), line.number, label_end - begin, starred))
    return choices


def _labels(text: str, already: int, before: str) -> list[tuple[int, int, bool]]:
    """(start, end, starred) of the labels of the next options in order, each where
    ``before`` allows one (after a tab; after any space)."""
    starts = []
    position, letter = 0, already
    while letter < 8:
        label = _LABEL.format(letter=chr(65 + letter))
        found = re.compile(before + label).search(text, position)
        if found is None:
            break
        starts.append((found.start(), found.end(), bool(found.group(1))))
        position, letter = found.end(), letter + 1
    while len(starts) > 1 and not text[starts[-1][1] :].strip():
        starts.pop()  # "A. điểm B." or "D. Vitamin E.": a letter ending the text is no label
    return starts


def _table_options(line: Line, already: int) -> list[Choice] | None:
    """Options laid out in a table (2×2, 1×4, 4×1): every filled cell starts with the next
    letter's label, or is that label alone with the option's text in the next filled cell
    ("A. | 3 | B. | 4"; the label cell's marks tell the key, as a label's do). None when the
    row is not options."""
    filled = [Line(line.number, pieces) for pieces, text in zip(line.cell_pieces,
              line.cell_texts, strict=True) if text]  # fmt: skip
    if not filled:
        return None
    choices: list[Choice] = []
    index = 0
    while index < len(filled):
        cell, letter = filled[index], already + len(choices)
        text = cell.text.lstrip()
        found = re.match(_LABEL.format(letter=chr(65 + letter)), text) if letter < 8 else None
        if found is None:
            return None
        pieces = cell.slice(len(cell.text) - len(text))
        index += 1
        if not text[found.end() :].strip():  # the label alone: its text is the next cell
            nxt = _LABEL.format(letter=chr(66 + letter))
            if index == len(filled) or re.match(r"^\s*" + nxt, filled[index].text):
                return None
            pieces = [*pieces, Piece(" "), *filled[index].pieces]
            index += 1
        choices.append(Choice(pieces, line.number, found.end(), bool(found.group(1))))
    return choices


def _label_and_text(choice: Choice) -> tuple[list[Piece], list[Piece]]:
    whole = Line(choice.line, choice.pieces)
    return whole.slice(0, choice.label), whole.slice(choice.label)


def _marked(choices: list[Choice], allow_all: bool) -> tuple[list[int], str | None]:
    """Indexes marked by the first mark that singles some out (or, for statements, any)."""
    looks = []
    for choice in choices:
        label, text = _label_and_text(choice)
        letter, _ = _marks_of(label) if label else (set(), set())
        _, whole = _marks_of(text)
        looks.append((letter, whole))
    for mark in MARKS:
        marked = [i for i, (letter, whole) in enumerate(looks) if mark in letter or mark in whole]
        if marked and (allow_all or len(marked) < len(choices)):
            return marked, mark
    return [], None


def _inline_options(text: str) -> int | None:
    """Where options A, B, C (and on) begin inside a line of the stem ("Thủ đô là A. Hà Nội
    B. Huế C. …"), or None: at least three labels in order, the first after a space."""
    starts = []
    position = 0
    for letter in "ABC":
        label = re.compile(r"(?<=\s)" + _LABEL.format(letter=letter))
        found = label.search(text, position)
        if found is None:
            return None
        starts.append(found.start())
        position = found.end()
    return starts[0]


def _looks_like_options(stem_html: str) -> bool:
    """Three or more of the labels A–D in the text: a choice question whose options were not
    recognised, never to be stored as an essay holding them in its stem."""
    text = re.sub(r"<[^>]+>", " ", stem_html)
    labels = re.findall(r"(?:^|(?<=\s))\*?([A-D])\s*[.):]\s*\S", text)
    return len(set(labels)) >= 3


def _choices(
    options: list[Choice], table: Callable[[], Any], said: list[str] = ()
) -> dict[str, Any]:
    """The key, from the first of: stars ("*B."), a key said in words or a <Key=…> tag, the
    marks (underline, colour, bold, highlight), the answer table. Marks that may be stray —
    bold (a formula set in bold, a letter left unbolded) or several options marked alike —
    yield to the answer table's key when it has one, so such a question waits for the table
    (the rest still stream)."""
    starred = [i for i, o in enumerate(options) if o.starred]
    marked, mark = _marked(options, allow_all=False)
    if starred:
        marked, mark = starred, None
    elif said:
        marked, mark = [ord(c) - 65 for c in said[0]], None
    elif marked and (mark == "bold" or len(marked) > 1) and (given := _letters(table())):
        marked, mark = given, None
    if not marked:
        marked = _letters(table()) or []
    drop = frozenset({mark} if mark else ()) | _shared_marks(options)
    texts = [_join(_label_and_text(o)[1], drop) for o in options]
    if not marked:  # no key anywhere: the importer keeps it as a draft waiting for one
        return {"type": "single_choice", "options": texts, "answer": None}
    if any(i >= len(options) for i in marked):
        raise Invalid(
            "đáp án chỉ phương án {chr}, phương án này không có", chr=chr(65 + max(marked))
        )
    if len(marked) == 1:
        return {"type": "single_choice", "options": texts, "answer": marked[0]}
    return {"type": "multiple_response", "options": texts, "answer": marked}


def _letters(given: Any) -> list[int] | None:
    """The answer table's key for a choice question (option indexes), or None."""
    if isinstance(given, list) and given and all(isinstance(i, int) for i in given):
        return given
    return None


def _shared_marks(options: list[Choice]) -> frozenset[str]:
    """Marks covering the whole text of every option: the paper's style, not emphasis."""
    shared = set(MARKS)
    for option in options:
        shared &= _marks_of(_label_and_text(option)[1])[1]
    return frozenset(shared)


def _statements(statements: list[Choice], table: Callable[[], Any]) -> dict[str, Any]:
    marked, mark = _marked(statements, allow_all=True)
    if mark is None:
        given = table()
        keyed = isinstance(given, list) and all(isinstance(v, bool) for v in given)
        truths = given if keyed else None  # None: a draft waiting for its key
    else:
        truths = [i in marked for i in range(len(statements))]
    drop = frozenset({mark}) if mark else frozenset()
    texts = [_join(_label_and_text(s)[1], drop) for s in statements]
    return {"type": "true_false_group", "statements": texts, "answer": truths}


def _answer_table(lines: list[tuple[str | None, Line]]) -> dict[tuple[str | None, int], Any]:
    """Keys given apart from the questions: "1-A", "1.A", "5:A | 6:B", "3-ĐSĐĐ", "7-1,5", a
    table with question numbers in one row and keys in the next, or a vertical one ("41 | C").
    A later key for a question replaces an earlier one (a table of numbers over letters in a
    stem looks like keys; the paper's own key comes last), but prose gives none: worked
    solutions after the table ("Câu 42: … tỉ lệ 42: 2 …") never change it, and their
    "Chọn C." counts only where no key is given."""
    found: dict[tuple[str | None, int], Any] = {}
    said: dict[tuple[str | None, int], str] = {}
    solving: tuple[str | None, int] | None = None  # the worked solution being read
    rows = [(section, _key_cells(_cells(line)), line) for section, line in lines]
    for index, (section, numbers, line) in enumerate(rows):
        following = rows[index + 1] if index + 1 < len(rows) else (None, [], None)
        keys = following[1]
        if line.is_table:
            if (
                numbers
                and all(_NUMBER_CELL.match(c) for c in numbers)
                and len(keys) == len(numbers)
            ):
                for n, k in zip(numbers, keys, strict=True):
                    number = int(_NUMBER_CELL.match(n).group(1))
                    found[(section, number)] = _key_value(k)
                continue
            if pairs := _pairs([c for c in line.cell_texts if c], re.compile(r".")):
                for number, k in pairs:
                    found[(section, number)] = _key_value(k)
                continue
        text = line.text
        if not line.is_table and (question := _QUESTION.match(text)):
            solving = (section, int(question.group(1)))
        if solving is not None and (chosen := _SAID_KEY.findall(text)):
            said[solving] = chosen[-1].upper()
        if _ANSWER_STRING.match(text) or _ANSWER_TAIL.match(text):
            entries = _LETTER_ENTRY
        elif _only_keys(text):
            entries = _ANSWER_ENTRY
        else:
            continue
        for match in entries.finditer(text):
            found[(section, int(match.group(1)))] = _key_value(match.group(2))
    for question, key in said.items():
        found.setdefault(question, _key_value(key))
    return found


def _only_keys(text: str) -> bool:
    """Whether a line under the key heading holds keys only ("1-A  2.B  5:A | 6:B"), not the
    prose of a worked solution."""
    rest = _KEY_WORDS.sub(" ", _ANSWER_ENTRY.sub(" ", text))
    return not re.search(r"[^\W\d_]", rest)


def _cells(line: Line) -> list[str]:
    if line.is_table and line.cell_pieces:
        return line.cell_texts
    return [c.strip() for c in line.text.split("\t")]


def _key_value(key: str) -> Any:
    key = key.strip()
    key = re.sub(r"^([A-H]+|[ĐSđs]{4})\s*\.$", r"\1", key)  # "C." in a key table's cell
    if re.fullmatch(r"[A-H]+", key):
        return [ord(c) - 65 for c in key]
    if re.fullmatch(r"[ĐSđs]{4}", key):
        return [c in "Đđ" for c in key]
    return key
