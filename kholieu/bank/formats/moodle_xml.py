"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): multichoice, truefalse,
shortanswer, numerical and essay questions, with their feedback, grades, tags, categories and
embedded images (``@@PLUGINFILE@@`` + base64 ``<file>``). Other Moodle types are reported as
unsupported. The XML is parsed with defusedxml: no external entities, no entity expansion.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from html import escape as html_escape
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kholieu.bank import outcome_tags, richtext
from kholieu.bank.formats import (
    FormatError,
    ImageSink,
    Parsed,
    Unrepresentable,
    decoding,
    left_out,
    require_key,
)
from kholieu.bank.formats.gift import TRUE_FALSE, topic_of
from kholieu.bank.formats.text_formats import to_html
from kholieu.bank.schemas import are_equal_shares, equal_shares, number
from kholieu.errors import ValidationFailed

SUPPORTED = {"multichoice", "truefalse", "shortanswer", "numerical", "essay"}
_QUESTION = re.compile(rb"<question\b")


class Rejected(ValueError):
    pass


def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    """The file's questions as the XML streams past: each ``<question>`` is read when its
    end tag arrives and dropped afterwards, so a large export is never in memory whole."""
    lines = _question_lines(path)
    size = max(path.stat().st_size, 1)
    category = ""
    with _open(path) as source:
        for position, element in enumerate(_questions(source, path.name)):
            line = lines[position] if position < len(lines) else None
            kind = element.get("type", "")
            if kind == "category":
                category = _text(element.find("category"))
                continue
            title = _text(element.find("name"))
            try:
                if kind not in SUPPORTED:
                    raise Rejected(f"unsupported Moodle question type {kind!r}")
                data = _question(element, kind, images)
            except (Rejected, ValidationFailed) as exc:
                message = getattr(exc, "message", None) or str(exc)
                parsed = Parsed(path.name, line, error=message, where=title)
            else:
                if category and topic_of(category):
                    data.setdefault("topic", topic_of(category))
                parsed = Parsed(path.name, line, data=data, where=title)
            parsed.share = min(source.tell() / size, 1.0)
            yield parsed


def _open(path: Path) -> IO[bytes]:
    """The file as the XML parser reads it: as it is when it names its encoding or is UTF-8,
    else decoded as every text format is (UTF-16, Windows-1258) and given as UTF-8."""
    if decoding.declared(path) is not None:
        return open(path, "rb")
    encoding = decoding.detect(path)
    if encoding in (decoding.UTF8, decoding.UTF8_BOM):
        return open(path, "rb")
    return decoding.Utf8Stream(path, encoding)


def _questions(source: IO[bytes], name: str) -> Iterator[ET.Element]:
    """Each complete ``<question>`` element; those already read are cleared from the tree."""
    root = None
    try:
        for event, element in SafeET.iterparse(source, events=("start", "end")):
            if root is None:
                root = element
                if root.tag != "quiz":
                    raise FormatError(
                        "{name}: không phải tệp câu hỏi Moodle XML (gốc là <{tag}>)",
                        name=name,
                        tag=root.tag,
                    )
            elif event == "end" and element.tag == "question":
                yield element
                root.clear()
    except DefusedXmlException as exc:
        raise FormatError(
            "{name}: từ chối XML không an toàn ({name2})", name=name, name2=type(exc).__name__
        ) from None
    except ET.ParseError as exc:
        raise FormatError("{name}: XML không đúng dạng ({exc})", name=name, exc=exc) from None


def _question_lines(path: Path) -> list[int]:
    """The line each ``<question`` tag starts on, scanning the file a chunk at a time."""
    found, line, pending = [], 1, b""
    with _open(path) as source:
        while True:
            chunk = source.read(2**20)
            data = pending + chunk
            cut = len(data) - 16 if chunk else len(data)  # a tag may run into the next chunk
            last = 0
            for match in _QUESTION.finditer(data):
                if match.start() >= cut:
                    break
                line += data.count(b"\n", last, match.start())
                last = match.start()
                found.append(line)
            line += data.count(b"\n", last, max(cut, last))
            pending = data[max(cut, last) :]
            if not chunk:
                return found


def _text(element: ET.Element | None) -> str:
    if element is None:
        return ""
    inner = element.find("text")
    return (inner.text if inner is not None else element.text) or ""


def _rich(element: ET.Element | None, images: ImageSink) -> str:
    """A text element's HTML with its embedded files stored and linked."""
    if element is None:
        return ""
    text = to_html(_text(element), element.get("format", "html"))
    for file in element.findall("file"):
        name = file.get("name", "")
        try:
            data = base64.b64decode(file.text or "", validate=False)
        except (binascii.Error, ValueError):
            raise Rejected(f"the embedded file {name!r} is not valid base64") from None
        url = images(data, name)
        for spelling in {name, unquote(name)}:
            text = text.replace(f"@@PLUGINFILE@@{file.get('path', '/')}{spelling}", url)
    if "@@PLUGINFILE@@" in text:
        missing = re.search(r"@@PLUGINFILE@@/?([^\"' >]*)", text)
        raise Rejected(
            f"refers to a file that is not in the XML: {missing.group(1) if missing else ''}"
        )
    return text


def _fraction(answer: ET.Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError:
        raise Rejected(f"fraction={answer.get('fraction')!r} is not a number") from None


def _question(element: ET.Element, kind: str, images: ImageSink) -> dict[str, Any]:
    data: dict[str, Any] = {"stem": _rich(element.find("questiontext"), images)}
    title = _text(element.find("name")).strip()
    if title and not " ".join(richtext.to_text(data["stem"]).split()).startswith(title):
        data["title"] = title  # a name that only repeats the stem's start is Moodle's filler
    if explanation := _rich(element.find("generalfeedback"), images):
        data["explanation"] = explanation
    if (idnumber := element.findtext("idnumber") or "").strip():
        data["external_id"] = idnumber.strip()
    tags = [t for t in (_text(tag).strip() for tag in element.iter("tag")) if t]
    if tags:
        data["tags"] = tags
    answers = element.findall("answer")
    if kind == "essay":
        data["type"] = "essay"
    elif kind == "multichoice":
        data.update(_multichoice(element, answers, images))
    elif kind == "truefalse":
        data.update(_true_false(answers, images))
    else:
        data.update(_short(kind, answers, images))
    return data


def _multichoice(element: ET.Element, answers: list[ET.Element], images: ImageSink):
    if len(answers) < 2:
        raise Rejected("a multichoice question needs at least 2 answers")
    single = (element.findtext("single") or "true").strip().lower() in ("true", "1")
    options = [_rich(a, images) for a in answers]
    weights = [_fraction(a) for a in answers]
    feedback = [_rich(a.find("feedback"), images) for a in answers]
    data: dict[str, Any] = {"options": options}
    if any(feedback):
        data["option_feedback"] = feedback
    if single:
        best = max(range(len(weights)), key=lambda i: weights[i])
        if weights[best] <= 0:
            raise Rejected("no answer has a positive fraction")
        data.update(type="single_choice", answer=best)
        if any(w not in (0, 100) for w in weights) or weights.count(100) > 1:
            data["weights"] = weights
    else:
        right = [i for i, w in enumerate(weights) if w > 0]
        if not right:
            raise Rejected("no answer has a positive fraction")
        data.update(type="multiple_response", answer=right)
        if not are_equal_shares(weights, right):
            data["weights"] = weights
    return data


def _true_false(answers: list[ET.Element], images: ImageSink) -> dict[str, Any]:
    by_value = {_text(a).strip().lower(): a for a in answers}
    if set(by_value) != {"true", "false"}:
        raise Rejected("a truefalse question needs the answers 'true' and 'false'")
    right = 0 if _fraction(by_value["true"]) > 0 else 1
    feedback = [_rich(by_value[v].find("feedback"), images) for v in ("true", "false")]
    data: dict[str, Any] = {"type": "single_choice", "options": list(TRUE_FALSE), "answer": right}
    if any(feedback):
        data["option_feedback"] = feedback
    return data


def _short(kind: str, answers: list[ET.Element], images: ImageSink) -> dict[str, Any]:
    accepted = []
    for answer in answers:
        value = richtext.to_text(_text(answer)).strip()
        tolerance = None
        if kind == "numerical":
            if value == "*":  # "any other answer": feedback only
                continue
            if number(value) is None:
                raise Rejected(f"numerical answer {value!r} is not a number")
            tolerance = float(answer.findtext("tolerance") or 0) or None
        accepted.append(
            {"value": value, "tolerance": tolerance, "weight": _fraction(answer),
             "feedback": _rich(answer.find("feedback"), images)}
        )  # fmt: skip
    if not accepted or max(a["weight"] for a in accepted) <= 0:
        raise Rejected(f"a {kind} question needs an answer with a positive fraction")
    best = max(accepted, key=lambda a: a["weight"])
    data: dict[str, Any] = {"type": "short_answer", "answer": best["value"]}
    if best["tolerance"]:
        data["tolerance"] = best["tolerance"]
    accept = [
        {k: v for k, v in a.items() if v is not None}
        for a in accepted
        if a is not best or a["feedback"]
    ]
    if accept:
        data["accept"] = accept
    return data


# -- writing -------------------------------------------------------------------------------------
def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **options: Any) -> list[str]:
    read_image = options.get("images")
    quiz = ET.Element("quiz")
    skipped, topic = [], None
    for q in questions:
        try:
            require_key(q)
            element = _element(q, read_image)
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # Unrepresentable too
            skipped.append(left_out(q, exc))
            continue
        if q.get("topic", "") != topic:
            topic = q.get("topic", "")
            category = ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category")
            path = f"$course$/top/{topic}" if topic else "$course$/top"
            ET.SubElement(category, "text").text = path
        quiz.append(element)
    ET.indent(quiz)
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(quiz, encoding="utf-8"))
    return skipped


def _text_element(parent: ET.Element | None, tag: str, html: str, read_image, **attrs: str):
    """``<tag format="html"><text>…</text><file …/></tag>``: bank images become
    ``@@PLUGINFILE@@`` references with the image embedded in base64."""
    if parent is None:
        element = ET.Element(tag, format="html", **attrs)
    else:
        element = ET.SubElement(parent, tag, format="html", **attrs)
    shas = richtext.images(html)
    for sha in dict.fromkeys(shas):
        html = html.replace(f"{richtext.IMAGE_PREFIX}{sha}", f"@@PLUGINFILE@@/{sha}")
    ET.SubElement(element, "text").text = html
    for sha in dict.fromkeys(shas):
        if read_image is None:
            raise Unrepresentable("its images cannot be read")
        file = ET.SubElement(element, "file", name=sha, path="/", encoding="base64")
        file.text = base64.b64encode(read_image(sha)).decode()
    return element


def _element(q: dict[str, Any], read_image) -> ET.Element:
    kind = {
        "single_choice": "multichoice", "multiple_response": "multichoice",
        "short_answer": "shortanswer", "essay": "essay",
    }.get(q["type"])  # fmt: skip
    if kind is None:
        raise Unrepresentable(f"Moodle has no {q['type']} question type")
    if q["type"] == "single_choice" and q["options"] == list(TRUE_FALSE) and not q.get("weights"):
        kind = "truefalse"
    if kind == "shortanswer" and _numeric(q):
        kind = "numerical"
    element = ET.Element("question", type=kind)
    name = q.get("title") or " ".join(richtext.to_text(q["stem"]).split())[:60] or "?"
    ET.SubElement(ET.SubElement(element, "name"), "text").text = name
    _text_element(element, "questiontext", q["stem"], read_image)
    _text_element(element, "generalfeedback", q.get("explanation", ""), read_image)
    if q.get("external_id"):
        ET.SubElement(element, "idnumber").text = q["external_id"]
    for answer in _answers(q, kind, read_image):
        element.append(answer)
    if kind == "multichoice":
        ET.SubElement(element, "single").text = "true" if q["type"] == "single_choice" else "false"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "ABCD"
    if written := outcome_tags.tags_with_codes(q):  # outcome codes as tags "yccd:…"
        tags = ET.SubElement(element, "tags")
        for tag in written:
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    return element


def _numeric(q: dict[str, Any]) -> bool:
    """Numerical only where text would lose something: a tolerance or a decimal point ("1,5",
    the 2025 answer sheet's form, stays a text answer and comes back as written)."""
    values = [q["answer"], *(a["value"] for a in q.get("accept") or [])]
    has_tolerance = q.get("tolerance") or any(a.get("tolerance") for a in q.get("accept") or [])
    return all(number(v) is not None for v in values) and bool(has_tolerance or "." in q["answer"])


def _answer(fraction: float, html: str, feedback: str, read_image, **extra: str) -> ET.Element:
    answer = _text_element(None, "answer", html, read_image, fraction=f"{fraction:g}")
    _text_element(answer, "feedback", feedback, read_image)
    for tag, value in extra.items():
        ET.SubElement(answer, tag).text = value
    return answer


def _answers(q: dict[str, Any], kind: str, read_image) -> Iterator[ET.Element]:
    feedback = q.get("option_feedback") or [""] * len(q.get("options") or [])
    if kind == "truefalse":
        for i, value in enumerate(("true", "false")):
            yield _answer(100 if q["answer"] == i else 0, value, feedback[i], read_image)
    elif kind == "multichoice":
        weights = q.get("weights")
        if weights is None:
            weights = (
                [100 if i == q["answer"] else 0 for i in range(len(q["options"]))]
                if q["type"] == "single_choice"
                else equal_shares(q["answer"], len(q["options"]))
            )
        for i, option in enumerate(q["options"]):
            yield _answer(weights[i], option, feedback[i], read_image)
    elif kind in ("shortanswer", "numerical"):
        rows = [{"value": q["answer"], "tolerance": q.get("tolerance"), "weight": 100}]
        for extra in q.get("accept") or []:
            if extra["value"] == q["answer"]:
                rows[0]["feedback"] = extra.get("feedback") or ""
            else:
                rows.append(extra)
        for row in rows:
            more = {"tolerance": f"{row.get('tolerance') or 0:g}"} if kind == "numerical" else {}
            text = html_escape(row["value"])
            yield _answer(
                row.get("weight", 100), text, row.get("feedback") or "", read_image, **more
            )
