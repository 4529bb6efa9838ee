"""A QTI 3.0 content package of the chosen questions: ``imsmanifest.xml`` plus one item file
each, images beside them.

Response processing is written out so that any QTI 3 player scores like the 2025 exam:
- ``true_false_group``: four two-way choice interactions (T/F); the count of statements judged
  right gives SCORE 0, 0.1, 0.25, 0.5 or 1 (of the question's points);
- ``short_answer``: the key and its other spelling ("-1,5" and "-1.5") both map to full marks;
  a numeric key with a tolerance is compared as a float within it;
- choices use ``match_correct``, or ``map_response`` when options carry weights;
- essays have no key and are scored by hand.
The explanation goes in a scorer-only rubric block. Per-answer feedback is not written (each
such question is named in the notes returned). A question that cannot be written (an image
gone from storage, HTML that is not well-formed) is left out whole and named in the notes too.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from typing import IO, Any

import magic

from kholieu.bank import outcome_tags, richtext
from kholieu.bank.formats import Unrepresentable, left_out, name_of, require_key
from kholieu.bank.schemas import number
from kholieu.errors import is_transient
from kholieu.files.mime import IMAGE_EXTENSIONS

NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
LOM = "http://ltsc.ieee.org/xsd/LOM"
TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/"
GROUP_SCORES = {4: "1", 3: "0.5", 2: "0.25", 1: "0.1"}


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **options: Any) -> list[str]:
    read_image = options.get("images")
    skipped: list[str] = []
    resources: list[tuple[str, str, list[str], list[str]]] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        stored: dict[str, str] = {}
        for number_, q in enumerate(questions, start=1):
            identifier = f"q{number_:05d}"
            try:
                require_key(q)
                files, new = _images(q, read_image, stored)
                item = _xml(_item(q, identifier, files))
            except Exception as exc:
                if is_transient(exc):  # storage down: the export as a whole is retried
                    raise
                skipped.append(left_out(q, exc))
                continue
            for sha, (name, data) in new.items():  # only once the item is whole
                package.writestr(f"items/{name}", data)
                stored[sha] = name
            if q.get("option_feedback") or any(a.get("feedback") for a in q.get("accept") or []):
                skipped.append(f"{name_of(q)}: written without its per-answer feedback")
            href = f"items/{identifier}.xml"
            package.writestr(href, item)
            keywords = outcome_tags.tags_with_codes(q)  # outcomes as "yccd:CODE" keywords
            resources.append((identifier, href, sorted(set(files.values())), keywords))
        package.writestr("imsmanifest.xml", _xml(_manifest(resources), indent=True))
    return skipped


def _xml(element: ET.Element, *, indent: bool = False) -> bytes:
    """Items are not indented: whitespace added inside mixed content would show."""
    if indent:
        ET.indent(element)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8")


def _manifest(resources: list[tuple[str, str, list[str], list[str]]]) -> ET.Element:
    """The package's manifest; each item's tags and outcome codes are its LOM keywords."""
    manifest = ET.Element("manifest", xmlns=CP, identifier="kholieu-export")
    meta = ET.SubElement(manifest, "metadata")
    ET.SubElement(meta, "schema").text = "QTI Package"
    ET.SubElement(meta, "schemaversion").text = "3.0.0"
    ET.SubElement(manifest, "organizations")
    holder = ET.SubElement(manifest, "resources")
    for identifier, href, files, keywords in resources:
        resource = ET.SubElement(
            holder, "resource", identifier=identifier, type="imsqti_item_xmlv3p0", href=href
        )
        if keywords:
            general = ET.SubElement(
                ET.SubElement(ET.SubElement(resource, "metadata"), f"{{{LOM}}}lom"),
                f"{{{LOM}}}general",
            )
            for keyword in keywords:
                ET.SubElement(
                    ET.SubElement(general, f"{{{LOM}}}keyword"), f"{{{LOM}}}string"
                ).text = keyword
        ET.SubElement(resource, "file", href=href)
        for file in files:
            ET.SubElement(resource, "file", href=f"items/{file}")
    return manifest


def _images(
    q: dict[str, Any], read_image, stored: dict[str, str]
) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """sha256 → file name beside the item, for every bank image the question shows; and the
    images not in the package yet (sha256 → name and bytes), written once the item is."""
    texts = [q.get("stem", ""), q.get("explanation", ""), *(q.get("options") or []),
             *(q.get("statements") or [])]  # fmt: skip
    files: dict[str, str] = {}
    new: dict[str, tuple[str, bytes]] = {}
    for sha in dict.fromkeys(s for text in texts for s in richtext.images(text)):
        if sha not in stored:
            if read_image is None:
                raise Unrepresentable("its images cannot be read")
            data = read_image(sha)
            kind = IMAGE_EXTENSIONS.get(magic.from_buffer(data, mime=True), "bin")
            new[sha] = (f"images/{sha}.{kind}", data)
        files[sha] = stored.get(sha) or new[sha][0]
    return files, new


def _fragment(parent: ET.Element, html: str, files: dict[str, str]) -> None:
    """Append sanitised HTML (well-formed, as nh3 writes it) to an element."""
    for sha, name in files.items():
        html = html.replace(f"{richtext.IMAGE_PREFIX}{sha}", name)
    html = html.replace("<br>", "<br/>").replace("&nbsp;", "&#160;")
    html = _close_void(html)
    wrapper = ET.fromstring(f"<div>{html}</div>")
    parent.text = (parent.text or "") + (wrapper.text or "")
    for child in wrapper:
        parent.append(child)


def _close_void(html: str) -> str:
    return re.sub(r"<(img|hr)([^>]*?)(?<!/)>", r"<\1\2/>", html)


def el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    """An element with QTI 3's kebab-case attributes written as snake_case keywords."""
    attrib = {name.replace("_", "-"): value for name, value in attrs.items()}
    element = ET.Element(tag, attrib) if parent is None else ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _item(q: dict[str, Any], identifier: str, files: dict[str, str]) -> ET.Element:
    item = el(
        None,
        "qti-assessment-item",
        xmlns=NS,
        identifier=identifier,
        title=q.get("title") or identifier,
        adaptive="false",
        time_dependent="false",
    )
    if q["type"] == "true_false_group":
        return _true_false_group(item, q, files)
    body = _declare_and_body(item, q, files)
    _outcomes(item)
    item.append(body)
    _explanation(body, q, files)
    _processing(item, q)
    return item


def _explanation(body: ET.Element, q: dict[str, Any], files) -> None:
    """The worked solution, for scorers only (candidates never see a scorer rubric)."""
    if q.get("explanation"):
        rubric = el(body, "qti-rubric-block", view="scorer", use="instructions")
        _fragment(el(rubric, "qti-content-body"), q["explanation"], files)


def _declare(item: ET.Element, identifier: str, cardinality: str, base_type: str) -> ET.Element:
    return el(
        item,
        "qti-response-declaration",
        identifier=identifier,
        cardinality=cardinality,
        base_type=base_type,
    )


def _outcome(item: ET.Element, identifier: str, base_type: str, default: str) -> None:
    outcome = el(
        item,
        "qti-outcome-declaration",
        identifier=identifier,
        cardinality="single",
        base_type=base_type,
    )
    el(el(outcome, "qti-default-value"), "qti-value", default)


def _outcomes(item: ET.Element) -> None:
    _outcome(item, "SCORE", "float", "0")
    _outcome(item, "MAXSCORE", "float", "1")


def _declare_and_body(item: ET.Element, q: dict[str, Any], files) -> ET.Element:
    kind = q["type"]
    body = el(None, "qti-item-body")
    _fragment(el(body, "div"), q["stem"], files)
    if kind in ("single_choice", "multiple_response"):
        single = kind == "single_choice"
        declaration = _declare(item, "RESPONSE", "single" if single else "multiple", "identifier")
        correct = el(declaration, "qti-correct-response")
        for index in [q["answer"]] if single else q["answer"]:
            el(correct, "qti-value", f"C{index}")
        if q.get("weights"):
            mapping = el(
                declaration, "qti-mapping", default_value="0", lower_bound="0", upper_bound="1"
            )
            for i, weight in enumerate(q["weights"]):
                el(mapping, "qti-map-entry", map_key=f"C{i}", mapped_value=f"{weight / 100:g}")
        interaction = el(
            body,
            "qti-choice-interaction",
            response_identifier="RESPONSE",
            shuffle="true",
            max_choices="1" if single else "0",
        )
        for i, option in enumerate(q["options"]):
            pinned = {"fixed": "true"} if i in q.get("pinned", []) else {}
            _fragment(
                el(interaction, "qti-simple-choice", identifier=f"C{i}", **pinned), option, files
            )
    elif kind == "short_answer":
        numeric = q.get("tolerance") is not None
        declaration = _declare(item, "RESPONSE", "single", "float" if numeric else "string")
        value = f"{number(q['answer']):g}" if numeric else q["answer"]
        el(el(declaration, "qti-correct-response"), "qti-value", value)
        if not numeric:
            mapping = el(declaration, "qti-mapping", default_value="0")
            for spelling, weight in _spellings(q):
                el(
                    mapping,
                    "qti-map-entry",
                    map_key=spelling,
                    mapped_value=f"{weight:g}",
                    case_sensitive="false",
                )
        el(
            el(body, "p"),
            "qti-text-entry-interaction",
            response_identifier="RESPONSE",
            expected_length="8",
        )
    elif kind == "essay":
        _declare(item, "RESPONSE", "single", "string")
        el(body, "qti-extended-text-interaction", response_identifier="RESPONSE")
    else:
        raise Unrepresentable(f"no QTI mapping for {kind}")
    return body


def _spellings(q: dict[str, Any]) -> list[tuple[str, float]]:
    """The key and the accepted answers, numbers also with the other decimal separator."""
    rows = [(q["answer"], 1.0)]
    rows += [(a["value"], a.get("weight", 100) / 100) for a in q.get("accept") or []]
    seen: dict[str, float] = {}
    for value, weight in rows:
        spellings = [value]
        if number(value) is not None:
            spellings += [value.replace(",", "."), value.replace(".", ",")]
        for spelling in spellings:
            seen.setdefault(spelling, weight)
    return list(seen.items())


def _processing(item: ET.Element, q: dict[str, Any]) -> None:
    kind = q["type"]
    if kind == "essay":
        return
    if kind == "short_answer" and q.get("tolerance") is not None:
        rp = el(item, "qti-response-processing")
        branch = el(el(rp, "qti-response-condition"), "qti-response-if")
        tolerance = f"{q['tolerance']:g}"
        equal = el(
            branch, "qti-equal", tolerance_mode="absolute", tolerance=f"{tolerance} {tolerance}"
        )
        el(equal, "qti-variable", identifier="RESPONSE")
        el(equal, "qti-correct", identifier="RESPONSE")
        _set(branch, "SCORE", "1")
        return
    template = "map_response" if kind == "short_answer" or q.get("weights") else "match_correct"
    el(item, "qti-response-processing", template=f"{TEMPLATES}{template}.xml")


def _set(parent: ET.Element, identifier: str, value: str) -> None:
    el(
        el(parent, "qti-set-outcome-value", identifier=identifier),
        "qti-base-value",
        value,
        base_type="float",
    )


def _true_false_group(item: ET.Element, q: dict[str, Any], files) -> ET.Element:
    for i, truth in enumerate(q["answer"]):
        declaration = _declare(item, f"R{'ABCD'[i]}", "single", "identifier")
        el(el(declaration, "qti-correct-response"), "qti-value", "T" if truth else "F")
    _outcomes(item)
    _outcome(item, "NUMCORRECT", "integer", "0")
    body = el(item, "qti-item-body")
    _fragment(el(body, "div"), q["stem"], files)
    for i, statement in enumerate(q["statements"]):
        interaction = el(
            body,
            "qti-choice-interaction",
            response_identifier=f"R{'ABCD'[i]}",
            shuffle="false",
            max_choices="1",
        )
        _fragment(el(interaction, "qti-prompt"), f"{'abcd'[i]}) {statement}", files)
        el(interaction, "qti-simple-choice", "Đúng", identifier="T")
        el(interaction, "qti-simple-choice", "Sai", identifier="F")
    _explanation(body, q, files)
    rp = el(item, "qti-response-processing")
    for letter in "ABCD":  # NUMCORRECT counts the statements judged right
        branch = el(el(rp, "qti-response-condition"), "qti-response-if")
        match = el(branch, "qti-match")
        el(match, "qti-variable", identifier=f"R{letter}")
        el(match, "qti-correct", identifier=f"R{letter}")
        total = el(el(branch, "qti-set-outcome-value", identifier="NUMCORRECT"), "qti-sum")
        el(total, "qti-variable", identifier="NUMCORRECT")
        el(total, "qti-base-value", "1", base_type="integer")
    condition = el(rp, "qti-response-condition")
    for position, (right, score) in enumerate(GROUP_SCORES.items()):
        branch = el(condition, "qti-response-if" if position == 0 else "qti-response-else-if")
        match = el(branch, "qti-match")
        el(match, "qti-variable", identifier="NUMCORRECT")
        el(match, "qti-base-value", str(right), base_type="integer")
        _set(branch, "SCORE", score)
    return item
