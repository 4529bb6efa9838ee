"""The bank as a Word document in the Vietnamese layout that ``docx_read`` reads back: sections
PHẦN I–IV by type, "Câu N (level):", options "A." on their own lines with the key's letter
underlined and red, true statements' labels underlined, ``<Key=…>`` for short answers and
"Lời giải:" for explanations. Formulas stay LaTeX between ``$`` (as Azota and similar
platforms read them), so nothing is lost on the way back; images are embedded."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import IO, Any

from docx import Document
from docx.shared import Cm, Pt, RGBColor

from kholieu.bank import richtext
from kholieu.bank.formats import Unrepresentable, left_out
from kholieu.bank.schemas import lacks_key
from kholieu.errors import is_transient

SECTIONS = [
    ("PHẦN I", "Câu trắc nghiệm nhiều phương án lựa chọn", ("single_choice", "multiple_response")),
    ("PHẦN II", "Câu trắc nghiệm đúng sai", ("true_false_group",)),
    ("PHẦN III", "Câu trắc nghiệm trả lời ngắn", ("short_answer",)),
    ("PHẦN IV", "Tự luận", ("essay",)),
]
LEVELS = {"nhan_biet": "NB", "thong_hieu": "TH", "van_dung": "VD", "van_dung_cao": "VDC"}
RED = RGBColor(0xC0, 0x00, 0x00)


class _Runs(HTMLParser):
    """Sanitised HTML → runs in a paragraph (bold, italic, underline, scripts, line breaks,
    images); other tags keep only their text."""

    def __init__(self, paragraph, read_image) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraph = paragraph
        self.read_image = read_image
        self.style = {"b": 0, "strong": 0, "i": 0, "em": 0, "u": 0, "sup": 0, "sub": 0}
        self.started = False

    def handle_starttag(self, tag, attrs):
        if tag in self.style:
            self.style[tag] += 1
        elif tag == "br" or (tag in ("p", "div", "li", "tr") and self.started):
            self.paragraph.add_run().add_break()
        elif tag == "img":
            shas = richtext.images(dict(attrs).get("src") or "")
            if not shas:  # no bank image behind it (a pasted outside image): nothing to show
                return
            self.paragraph.add_run().add_picture(io.BytesIO(self.read_image(shas[0])), width=Cm(6))
            self.started = True

    def handle_endtag(self, tag):
        if self.style.get(tag):
            self.style[tag] -= 1

    def handle_data(self, data):
        if not data:
            return
        run = self.paragraph.add_run(data)
        run.bold = bool(self.style["b"] or self.style["strong"]) or None
        run.italic = bool(self.style["i"] or self.style["em"]) or None
        run.underline = bool(self.style["u"]) or None
        run.font.superscript = bool(self.style["sup"]) or None
        run.font.subscript = bool(self.style["sub"]) or None
        self.started = True


def _rich(paragraph, html: str, read_image) -> None:
    parser = _Runs(paragraph, read_image)
    parser.feed(html)
    parser.close()


_TABLE = re.compile(r"(<table>.*?</table>)", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)


def _rich_blocks(document, paragraph, html: str, read_image) -> None:
    """Rich text that may hold tables: text goes into paragraphs, tables become Word tables
    (the reader turns them back into the same HTML)."""
    for i, part in enumerate(_TABLE.split(html)):
        if i % 2:
            rows = [_CELL.findall(row) for row in _ROW.findall(part)]
            table = document.add_table(rows=len(rows), cols=max(map(len, rows), default=1))
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, cell in enumerate(cells):
                    _rich(table.cell(r, c).paragraphs[0], cell, read_image)
            paragraph = None
            continue
        part = re.sub(r"^(<br>)+|(<br>)+$", "", part)
        if not part:
            continue
        if paragraph is None:
            paragraph = document.add_paragraph()
        _rich(paragraph, part, read_image)


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **options: Any) -> list[str]:
    read_image = options.get("images")
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(12)
    document.add_heading("NGÂN HÀNG CÂU HỎI", level=1)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for q in questions:
        by_type.setdefault(q["type"], []).append(q)
    skipped: list[str] = []
    keys: list[tuple[str, list[str]]] = []
    shelf = _Shelf(document)
    for part, title, kinds in SECTIONS:
        chosen = [q for kind in kinds for q in by_type.get(kind, [])]
        if not chosen:
            continue
        document.add_paragraph().add_run(f"{part}. {title}").bold = True
        shelf.put_away()
        entries: list[str] = []
        for q in chosen:
            try:
                _question(document, q, len(entries) + 1, read_image)
            except Exception as exc:
                if is_transient(exc):  # storage down: the export as a whole is retried
                    raise
                shelf.discard()  # what the question had written so far
                skipped.append(left_out(q, exc))
                continue
            entries.append(_key_entry(len(entries) + 1, q))
            shelf.put_away()
        keys.append((part, entries))
    _answer_table(document, keys)
    shelf.put_back()
    document.save(out)
    return skipped


class _Shelf:
    """python-docx inserts every paragraph before the section properties, finding them by a
    scan of the whole body: writing 35,000 questions that way takes minutes. Finished
    paragraphs wait here, out of the body, and go back in one pass at the end."""

    def __init__(self, document) -> None:
        self.body = document.element.body
        self.kept: list[Any] = []

    def put_away(self) -> None:
        for element in list(self.body):
            if not element.tag.endswith("}sectPr"):
                self.body.remove(element)
                self.kept.append(element)

    def discard(self) -> None:
        """Drop what is in the body since the last ``put_away``: a question left half-written."""
        for element in list(self.body):
            if not element.tag.endswith("}sectPr"):
                self.body.remove(element)

    def put_back(self) -> None:
        self.put_away()
        end = self.body[-1] if len(self.body) and self.body[-1].tag.endswith("}sectPr") else None
        for element in self.kept:
            if end is not None:
                end.addprevious(element)
            else:
                self.body.append(element)


def _key_entry(number: int, q: dict[str, Any]) -> str:
    """The question's entry in the key table; none for a draft waiting for its key, which the
    document then shows unmarked, as it came (read again, it is such a draft again)."""
    if lacks_key(q["type"], q.get("answer")):
        return ""
    if q["type"] == "single_choice":
        return f"{number}-{chr(65 + q['answer'])}"
    if q["type"] == "multiple_response":
        return f"{number}-{''.join(chr(65 + i) for i in q['answer'])}"
    if q["type"] == "true_false_group":
        return f"{number}-{''.join('Đ' if v else 'S' for v in q['answer'])}"
    return ""  # short answers carry <Key=…>; essays have none


def _answer_table(document, keys: list[tuple[str, list[str]]]) -> None:
    """The keys again at the end, as tests are printed: the only way to write a true/false
    group whose four statements are all false (nothing to underline)."""
    rows = [(part, [e for e in entries if e]) for part, entries in keys]
    rows = [(part, entries) for part, entries in rows if entries]
    if not rows:
        return
    document.add_paragraph().add_run("BẢNG ĐÁP ÁN").bold = True
    for part, entries in rows:
        document.add_paragraph(part)
        for start in range(0, len(entries), 10):
            document.add_paragraph("   ".join(entries[start : start + 10]))


def _check(q: dict[str, Any]) -> None:
    """Refuse before writing anything, so a refused question leaves no trace in the file."""
    if q.get("weights") or q.get("option_feedback"):
        raise Unrepresentable("weights and per-option feedback have no place in the layout")
    if q.get("accept") or q.get("tolerance"):
        raise Unrepresentable("alternative answers and tolerances have no place in the layout")


def _question(document, q: dict[str, Any], number: int, read_image) -> None:
    _check(q)
    if read_image is None and any(
        richtext.images(t) for t in (q["stem"], *(q.get("options") or []))
    ):
        raise Unrepresentable("its images cannot be read")
    head = document.add_paragraph()
    level = LEVELS.get(q.get("level") or "")
    head.add_run(f"Câu {number}" + (f" ({level})" if level else "") + ":").bold = True
    head.add_run(" ")
    _rich_blocks(document, head, q["stem"], read_image)
    if q["type"] in ("single_choice", "multiple_response"):
        keys = {q["answer"]} if q["type"] == "single_choice" else set(q["answer"] or ())
        for i, option in enumerate(q["options"]):
            line = document.add_paragraph()
            label = line.add_run(f"{chr(65 + i)}.")
            if i in keys:
                label.underline, label.font.color.rgb = True, RED
            line.add_run(" ")
            _rich(line, option, read_image)
    elif q["type"] == "true_false_group":
        for i, statement in enumerate(q["statements"]):
            line = document.add_paragraph()
            label = line.add_run(f"{'abcd'[i]})")
            if q["answer"] and q["answer"][i]:
                label.underline, label.font.color.rgb = True, RED
            line.add_run(" ")
            _rich(line, statement, read_image)
    elif q["type"] == "short_answer" and q.get("answer"):
        document.add_paragraph(f"<Key={q['answer']}>")
    if q.get("explanation"):
        line = document.add_paragraph()
        line.add_run("Lời giải:").bold = True
        line.add_run(" ")
        _rich(line, q["explanation"], read_image)
