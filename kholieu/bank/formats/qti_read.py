"""IMS QTI 2.1, 2.2 and 3.0 items, alone or in a content package (zip with imsmanifest.xml).

Supported: one choice interaction (single or multiple response, fixed choices pinned, mapped
scores as weights), one text entry interaction (short answer; mapped alternatives accepted),
one extended text interaction (essay), and the shape our own QTI 3.0 export gives a true/false
group (four two-way choice interactions). Other interactions, or several in one item, are
reported. XML is parsed with defusedxml; packages pass the same checks as content packages
(traversal, links, bombs, manifest hrefs) before any item is read.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from kholieu.bank.formats import FormatError, ImageSink, Parsed, decoding
from kholieu.bank.formats.tabular import OFFICE_LIMITS
from kholieu.bank.schemas import are_equal_shares, number
from kholieu.content.packages.checks import inspect_package
from kholieu.errors import ValidationFailed
from kholieu.files.zipsafe import PackageRejected, open_checked

ITEM_TYPES = re.compile(r"^imsqti_item_xmlv(2p\d|3p\d)$")
INTERACTIONS = {
    "choiceInteraction", "textEntryInteraction", "extendedTextInteraction", "orderInteraction",
    "matchInteraction", "associateInteraction", "gapMatchInteraction", "inlineChoiceInteraction",
    "hottextInteraction", "hotspotInteraction", "sliderInteraction", "uploadInteraction",
    "graphicOrderInteraction", "selectPointInteraction", "drawingInteraction",
    "mediaInteraction", "customInteraction", "positionObjectInteraction",
    "graphicAssociateInteraction", "graphicGapMatchInteraction", "portableCustomInteraction",
    "endAttemptInteraction",
}  # fmt: skip


class ItemError(ValueError):
    pass


class MissingImage(ItemError):
    """An image the item shows is not where its ``src`` says: reported with the item's name."""


def local(tag: str) -> str:
    """``{ns}qti-choice-interaction`` → ``choiceInteraction`` (QTI 3 names → QTI 2 names)."""
    name = tag.rsplit("}", 1)[-1]
    if name.startswith("qti-"):
        head, *rest = name[4:].split("-")
        name = head + "".join(part.capitalize() for part in rest)
    return name


def normalise(root: ET.Element) -> ET.Element:
    for element in root.iter():
        element.tag = local(element.tag)
        element.attrib = {_attr(k): v for k, v in element.attrib.items()}
    return root


def _attr(name: str) -> str:
    name = name.rsplit("}", 1)[-1]
    head, *rest = name.split("-")
    return head + "".join(part.capitalize() for part in rest)


def parse_xml(data: bytes, name: str) -> ET.Element:
    try:
        return normalise(SafeET.fromstring(data))
    except DefusedXmlException as exc:
        raise ItemError(f"refused unsafe XML ({type(exc).__name__})") from None
    except ET.ParseError as exc:
        raise ItemError(f"not well-formed XML ({exc})") from None


# -- files ---------------------------------------------------------------------------------------
def read_item_file(path: Path, images: ImageSink) -> Iterator[Parsed]:
    def resource(href: str) -> bytes:
        target = (path.parent / href).resolve()
        if path.parent.resolve() not in target.parents:
            raise ItemError(f"refers to {href}, outside the item's folder")
        if not target.is_file():
            raise MissingImage(f"image {href!r} is not beside the item file")
        return target.read_bytes()

    try:
        data = item(parse_xml(_utf8(path), path.name), images, resource)
    except (ItemError, ValidationFailed, OSError) as exc:
        yield Parsed(path.name, None, error=_message(exc, path.name))
    else:
        yield Parsed(path.name, None, data=data)


def _utf8(path: Path) -> bytes:
    """The item's bytes for the XML parser: as they are when the file names its encoding or
    is UTF-8, else decoded as every text format is (UTF-16, Windows-1258)."""
    data = path.read_bytes()
    if decoding.declared(path) is not None:
        return data
    encoding = decoding.detect(path)
    if encoding in (decoding.UTF8, decoding.UTF8_BOM):
        return data
    return decoding.as_utf8(data, encoding)


def read_package(path: Path, images: ImageSink) -> Iterator[Parsed]:
    with open(path, "rb") as fh:
        try:
            info = inspect_package(fh, OFFICE_LIMITS)
            archive, names = open_checked(fh, OFFICE_LIMITS)
        except PackageRejected as exc:
            raise FormatError("{name}: {message_}", name=path.name, message_=exc.message) from None
        with archive:
            manifest = parse_xml(archive.read(info.root + "imsmanifest.xml"), "imsmanifest.xml")
            items = [
                (r.get("href", ""), _keywords(r))
                for r in manifest.iter("resource")
                if ITEM_TYPES.match(r.get("type", ""))
            ]
            if not items:
                raise FormatError("{name}: gói không liệt kê câu hỏi QTI nào", name=path.name)
            for href, keywords in items:
                parsed = _package_item(path.name, archive, info.root, href, set(names), images)
                if parsed.data is not None and keywords:
                    parsed.data["tags"] = keywords  # "yccd:CODE" ones name outcomes
                yield parsed


def _keywords(resource: ET.Element) -> list[str]:
    """The LOM keywords of a manifest resource's metadata (tags, and outcome codes written
    ``yccd:CODE``); namespaces are already gone (``normalise``)."""
    found = []
    for metadata in resource.findall("metadata"):
        for keyword in metadata.iter("keyword"):
            for string in keyword.iter("string"):
                if text := (string.text or "").strip():
                    found.append(text)
    return list(dict.fromkeys(found))


def _package_item(name, archive, root: str, href: str, names: set[str], images) -> Parsed:
    where = f"{name}:{href}"
    folder = posixpath.dirname(href)

    def resource(relative: str) -> bytes:
        target = posixpath.normpath(posixpath.join(root, folder, relative))
        if target.startswith("../") or target not in names:
            raise MissingImage(f"image {relative!r} is not in the package")
        return archive.read(target)

    try:
        data = item(parse_xml(archive.read(root + href), href), images, resource)
    except (ItemError, ValidationFailed, KeyError) as exc:
        return Parsed(where, None, error=_message(exc, href))
    return Parsed(where, None, data=data)


def _message(exc: Exception, item_name: str) -> str:
    if isinstance(exc, MissingImage):
        return f"item {item_name}: {exc}"
    return getattr(exc, "message", None) or str(exc)


# -- items ---------------------------------------------------------------------------------------
def item(root: ET.Element, images: ImageSink, resource) -> dict[str, Any]:
    if root.tag != "assessmentItem":
        raise ItemError(f"not a QTI assessment item (root <{root.tag}>)")
    body = root.find("itemBody")
    if body is None:
        raise ItemError("the item has no itemBody")
    interactions = [e for e in body.iter() if e.tag in INTERACTIONS]
    if not interactions:
        raise ItemError("the item has no interaction")
    declarations = {d.get("identifier"): d for d in root.iter("responseDeclaration")}
    data: dict[str, Any] = {}
    if title := (root.get("title") or "").strip():
        data["title"] = title
    if identifier := (root.get("identifier") or "").strip():
        data["external_id"] = identifier[:100]
    for rubric in body.iter("rubricBlock"):
        if {"scorer", "tutor"} & set(rubric.get("view", "").split()):
            content = rubric.find("contentBody")
            data["explanation"] = _html(
                content if content is not None else rubric, images, resource
            )
    kinds = {e.tag for e in interactions}
    if _is_true_false_group(interactions):
        data.update(_true_false_group(body, interactions, declarations, images, resource))
    elif len(interactions) > 1:
        raise ItemError(
            f"items with {len(interactions)} interactions are not supported "
            "(the bank holds one question per item)"
        )
    elif kinds == {"choiceInteraction"}:
        data.update(_choice(body, interactions[0], declarations, images, resource))
    elif kinds == {"textEntryInteraction"}:
        data.update(_text_entry(body, interactions[0], declarations, images, resource))
        if tolerance := _tolerance(root):
            data["tolerance"] = tolerance
    elif kinds == {"extendedTextInteraction"}:
        data["type"] = "essay"
        data["stem"] = _stem(body, interactions[0], images, resource)
    else:
        raise ItemError(f"unsupported QTI interaction {interactions[0].tag}")
    return data


def _html(element: ET.Element, images: ImageSink, resource) -> str:
    """An element's content as HTML; images are stored through the sink."""
    parts = [html.escape(element.text or "", quote=False)]
    parts += [_serialise(child, images, resource) for child in element]
    return "".join(parts).strip()


def _serialise(element: ET.Element, images: ImageSink, resource) -> str:
    tail = html.escape(element.tail or "", quote=False)
    if element.tag in INTERACTIONS or element.tag in (
        "modalFeedback", "feedbackInline", "feedbackBlock", "rubricBlock", "templateBlock",
    ):  # fmt: skip
        return tail
    if element.tag == "img":
        src = element.get("src", "").strip()
        if not src:
            raise MissingImage("an image has no src")
        url = images(resource(src), src)
        return f'<img src="{url}" alt="{html.escape(element.get("alt", ""))}">{tail}'
    if element.tag in ("br", "hr"):
        return f"<{element.tag}>{tail}"
    if element.tag == "math":
        raise ItemError("MathML in items is not read yet; write the formula in LaTeX")
    return f"<{element.tag}>{_html(element, images, resource)}</{element.tag}>{tail}"


def _stem(body, interaction, images, resource, *, blank: bool = False) -> str:
    """The item body without the interaction (a text entry leaves a blank where it stood),
    followed by the interaction's prompt."""
    prompt = interaction.find("prompt")
    text = _without(body, [interaction], images, resource, " _____ " if blank else "")
    # An answer box in a paragraph of its own after the question is not a blank in it.
    text = _unwrap(re.sub(r"\s*<p>\s*_____\s*</p>\s*$", "", text))
    if prompt is not None:
        text += _html(prompt, images, resource)
    return text


def _unwrap(html_text: str) -> str:
    """Item bodies hold block elements, so plain stems travel inside one ``<div>``."""
    found = re.fullmatch(r"<div>((?:(?!<div>).)*)</div>", html_text, re.S)
    return found.group(1).strip() if found else html_text


def _without(body, interactions, images, resource, replacement: str = "") -> str:
    """The body's HTML with the interactions (wherever nested) replaced by ``replacement``."""
    removed = []
    for parent in list(body.iter()):
        for index, child in enumerate(list(parent)):
            if any(child is i for i in interactions):
                removed.append((parent, index, child, child.tail))
                child.tail = replacement + (child.tail or "")
    try:
        return _unwrap(_html(body, images, resource))
    finally:
        for _parent, _index, child, tail in removed:
            child.tail = tail


def _correct(declaration: ET.Element | None) -> list[str]:
    if declaration is None:
        return []
    correct = declaration.find("correctResponse")
    return [(v.text or "").strip() for v in correct.iter("value")] if correct is not None else []


def _mapping(declaration: ET.Element | None) -> dict[str, float]:
    mapping = declaration.find("mapping") if declaration is not None else None
    if mapping is None:
        return {}
    return {e.get("mapKey", ""): float(e.get("mappedValue", "0")) for e in mapping.iter("mapEntry")}


def _choice(body, interaction, declarations, images, resource) -> dict[str, Any]:
    choices = interaction.findall("simpleChoice")
    if len(choices) < 2:
        raise ItemError("a choice interaction needs at least 2 choices")
    ids = [c.get("identifier", "") for c in choices]
    declaration = declarations.get(interaction.get("responseIdentifier"))
    correct = _correct(declaration)
    mapping = _mapping(declaration)
    if not correct and mapping:
        correct = [k for k, v in mapping.items() if v > 0]
    unknown = [c for c in correct if c not in ids]
    if unknown or not correct:
        raise ItemError(f"the correct response {unknown or correct} names no choice")
    data: dict[str, Any] = {
        "stem": _stem(body, interaction, images, resource),
        "options": [_html(c, images, resource) for c in choices],
    }
    pinned = [i for i, c in enumerate(choices) if c.get("fixed") == "true"]
    if pinned and interaction.get("shuffle") == "true":
        data["pinned"] = pinned
    if interaction.get("maxChoices", "1") == "1" and len(correct) == 1:
        data.update(type="single_choice", answer=ids.index(correct[0]))
        top = max(mapping.values(), default=0)
        if top > 0:
            weights = [round(100 * mapping.get(i, 0) / top, 5) for i in ids]
            if weights != [100.0 if i == correct[0] else 0.0 for i in ids]:
                data["weights"] = weights
    else:
        data.update(type="multiple_response", answer=sorted(ids.index(c) for c in correct))
        positive = sum(v for v in mapping.values() if v > 0)
        if mapping and positive:
            weights = [round(100 * mapping.get(i, 0) / positive, 5) for i in ids]
            if not are_equal_shares(weights, data["answer"]):
                data["weights"] = weights
    return data


def _text_entry(body, interaction, declarations, images, resource) -> dict[str, Any]:
    declaration = declarations.get(interaction.get("responseIdentifier"))
    correct = _correct(declaration)
    mapping = _mapping(declaration)
    if not correct:
        if not mapping:
            raise ItemError("the text entry has no correct response")
        correct = [max(mapping, key=mapping.get)]
    data: dict[str, Any] = {
        "type": "short_answer",
        "stem": _stem(body, interaction, images, resource, blank=True),
        "answer": correct[0],
    }
    top = max(mapping.values(), default=0)
    accept = [
        {"value": key, "weight": round(100 * value / top, 5)}
        for key, value in mapping.items()
        if key != correct[0] and value > 0 and top > 0 and not _same_number(key, correct[0])
    ]
    accept += [{"value": v, "weight": 100.0} for v in correct[1:]]
    if accept:
        data["accept"] = accept
    return data


def _tolerance(root: ET.Element) -> float | None:
    """An absolute tolerance from ``equal`` in the response processing (our own export's)."""
    for equal in root.iter("equal"):
        if equal.get("toleranceMode") == "absolute" and equal.get("tolerance"):
            try:
                return float(equal.get("tolerance", "").split()[0])
            except ValueError:
                raise ItemError(f"tolerance {equal.get('tolerance')!r} is not a number") from None
    return None


def _same_number(a: str, b: str) -> bool:
    x, y = number(a), number(b)
    return x is not None and x == y


def _is_true_false_group(interactions: list[ET.Element]) -> bool:
    if len(interactions) != 4:
        return False
    for interaction in interactions:
        ids = [c.get("identifier") for c in interaction.findall("simpleChoice")]
        if interaction.tag != "choiceInteraction" or sorted(ids) != ["F", "T"]:
            return False
    return True


def _true_false_group(body, interactions, declarations, images, resource) -> dict[str, Any]:
    statements, answer = [], []
    for interaction in interactions:
        prompt = interaction.find("prompt")
        statement = _html(prompt, images, resource) if prompt is not None else ""
        statements.append(re.sub(r"^[a-dA-D][).]\s*", "", statement))  # "a) …" is the label
        correct = _correct(declarations.get(interaction.get("responseIdentifier")))
        if correct not in (["T"], ["F"]):
            raise ItemError("each statement needs the correct response T or F")
        answer.append(correct == ["T"])
    stem = _without(body, interactions, images, resource)
    return {"type": "true_false_group", "stem": stem, "statements": statements, "answer": answer}


def sniff_xml(path: Path, images: ImageSink) -> Iterator[Parsed]:
    """A ``.xml`` file is Moodle XML or a QTI item; the root element says which."""
    from kholieu.bank.formats import moodle_xml

    if decoding.declared(path) is not None:
        head = decoding.ascii_head(path, 4096)
    else:  # UTF-16 and Windows-1258 too, decoded as every text format is
        head = decoding.head_text(path, 4096)[0]
    if re.search(r"<(\w+:)?(assessmentItem|qti-assessment-item)\b", head):
        yield from read_item_file(path, images)
    elif re.search(r"<(\w+:)?(assessmentTest|qti-assessment-test)\b", head):
        raise FormatError(
            "{name}: đây là bài kiểm tra QTI (assessment test), chỉ trỏ tới các câu hỏi: hãy "
            "nhập gói nội dung (.zip) hoặc các tệp câu hỏi",
            name=path.name,
        )
    else:
        yield from moodle_xml.read(path, images)
