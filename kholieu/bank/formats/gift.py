"""GIFT, Moodle's text format (https://docs.moodle.org/en/GIFT_format), read as Moodle reads it.

Supported: categories (``$CATEGORY:`` → topic), titles, ``// [id:…]`` and ``// [tag:…]``
comment lines (``[tag:yccd:CODE]`` or ``[yccd:CODE]`` names a learning outcome),
``[html]``/``[moodle]``/``[plain]``/``[markdown]``, escapes (``\\~ \\= \\# \\{ \\}
\\: \\\\ \\n``), answer feedback and general feedback (``####``), weights (``%50%``), answer blocks
inside the sentence (``_____``), multiple choice (one key → single_choice, several weighted →
multiple_response), true/false (a single_choice "Đúng"/"Sai", feedback as Moodle assigns it: the
first for the wrong answer, the second for the right one), short answer and numerical (tolerance
``:``, ranges ``..``) → short_answer, and essays. Matching questions and descriptions are
reported, not imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from kholieu.bank import outcome_tags, richtext
from kholieu.bank.formats import (
    MAX_WHOLE_TEXT_BYTES,
    ImageSink,
    Parsed,
    Unrepresentable,
    decoding,
    left_out,
    require_key,
)
from kholieu.bank.formats.text_formats import FORMATS, to_html
from kholieu.bank.schemas import are_equal_shares, equal_shares, number

TRUE_FALSE = ("Đúng", "Sai")
# Escaped control characters become private-use placeholders while the structure is parsed.
_ESCAPES = {"~": "\ue000", "=": "\ue001", "#": "\ue002", "{": "\ue003", "}": "\ue004",
            ":": "\ue005", "\\": "\ue006"}  # fmt: skip
_RESTORE = {v: k for k, v in _ESCAPES.items()}
_FORMAT = re.compile(r"^\s*\[(" + "|".join(FORMATS) + r")\]", re.I)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


class GiftError(ValueError):
    pass


def protect(text: str) -> str:
    """Replace GIFT escapes, left to right, so ``\\\\neq`` stays ``\\neq`` and ``\\n`` is a
    line break."""
    out, i = [], 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            if nxt == "n":
                out.append("\n")
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


def restore(text: str) -> str:
    return "".join(_RESTORE.get(c, c) for c in text)


# How a line inside an answer block starts; after a blank line, anything else is read as the
# next question (the block left open is an error on its own line).
_BLOCK_LINE = ("=", "~", "#", "}", "%")


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str], list[str]]]:
    """(first line number, comment lines just before, question lines). A blank line ends a
    question, as in Moodle, except inside an answer block when the next line goes on with it
    (earlier exports put one before ``####``): an answer block left open never
    swallows the next question."""
    comments: list[str] = []
    current: list[str] = []
    start = depth = 0
    for line_number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        stripped = line.strip()
        if depth == 0 and not current and stripped.startswith("//"):
            comments.append(stripped)
            continue
        if depth == 0 and stripped.startswith("//"):
            continue  # a comment line between the lines of a question
        if not stripped:
            if depth and _goes_on(lines, line_number):
                current.append(line)
                continue
            if current:
                yield start, comments, current
            current, comments, depth = [], [] if current else comments, 0
            continue
        if not current:
            start = line_number
        current.append(line)
        safe = protect(line)
        depth = max(0, depth + safe.count("{") - safe.count("}"))
    if current:
        yield start, comments, current


def _goes_on(lines: list[str], after: int) -> bool:
    """Whether the next line that is not blank, after line ``after``, continues a block."""
    following = (line.strip() for line in lines[after:])
    return next((line for line in following if line), "").startswith(_BLOCK_LINE)


def _unclosed(start: int, block: list[str]) -> int | None:
    """The line of the ``{`` a block leaves open, or None when every brace is closed."""
    depth, opened = 0, None
    for offset, line in enumerate(block):
        for char in protect(line):
            if char == "{":
                opened = start + offset if depth == 0 else opened
                depth += 1
            elif char == "}" and depth:
                depth -= 1
    return opened if depth else None


def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    text, _encoding = decoding.read_text(path, MAX_WHOLE_TEXT_BYTES)
    yield from parse(text, path.name)


def parse(text: str, name: str) -> Iterator[Parsed]:
    category = ""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for start, comments, block in _blocks(lines):
        joined = "\n".join(block).strip()
        if joined.startswith("$CATEGORY:"):
            category = joined.removeprefix("$CATEGORY:").strip()
            continue
        if (opened := _unclosed(start, block)) is not None:
            yield Parsed(name, opened, error="the answer block '{' is not closed")
            continue
        try:
            data = question(joined, comments)
        except GiftError as exc:
            yield Parsed(name, start, error=str(exc))
            continue
        if category and topic_of(category) and "topic" not in data:
            data["topic"] = topic_of(category)
        yield Parsed(name, start, data=data, extra={"category": category})


def topic_of(category: str) -> str:
    """``$course$/top/Đại số/Chương 1`` → ``Đại số/Chương 1``."""
    parts = [p for p in category.split("/") if p]
    while parts and parts[0] in ("$course$", "$system$", "$module$", "$cat1$", "top"):
        parts.pop(0)
    return "/".join(parts)


def _meta(comments: list[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    text = " ".join(comments)
    if found := re.search(r"\[id:([^\]]+)\]", text):
        meta["external_id"] = found.group(1).strip()
    tags = [t.strip() for t in re.findall(r"\[tag:([^\]]+)\]", text)]
    if tags:
        meta["tags"] = tags  # "[tag:yccd:CODE]" is an outcome code (schemas, outcome_tags)
    codes = re.findall(r"\[ycc[dđ]\s*:([^\]]+)\]", text, re.IGNORECASE)  # "[yccd:CODE]" too
    if codes:
        meta["yccd_codes"] = [code.strip() for code in codes]
    return meta


def question(raw: str, comments: list[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = _meta(comments or [])
    text = protect(raw)
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise GiftError("the title has no closing '::'")
        data["title"] = restore(text[2:end]).strip()
        text = text[end + 2 :]
    fmt = "moodle"
    if found := _FORMAT.match(text):
        fmt, text = found.group(1).lower(), text[found.end() :]
    open_at = text.find("{")
    if open_at < 0:
        raise GiftError("a description (text without an answer block) is not a question")
    close_at = text.rfind("}")
    if close_at < open_at:
        raise GiftError("the answer block '{' is not closed")
    before, block, after = text[:open_at], text[open_at + 1 : close_at], text[close_at + 1 :]
    stem = before.strip() if not after.strip() else f"{before.strip()} _____ {after.strip()}"
    data["stem"] = _rich(stem, fmt)
    data.update(_answers(block, fmt))
    return data


def _rich(text: str, fmt: str) -> str:
    if found := _FORMAT.match(text):  # an answer may carry its own format
        fmt, text = found.group(1).lower(), text[found.end() :]
    return to_html(restore(text), fmt)


def _answers(block: str, fmt: str) -> dict[str, Any]:
    general = ""
    if "####" in block:
        block, general = block.split("####", 1)
    result: dict[str, Any] = {}
    if general.strip():
        result["explanation"] = _rich(general, fmt)
    body = block.strip()
    if not body:
        result["type"] = "essay"
        return result
    if body.startswith("#"):
        result.update(_numerical(body[1:]))
        return result
    tf = re.fullmatch(r"(TRUE|T|FALSE|F)\s*(#.*)?", body, re.S | re.I)
    if tf:
        result.update(_true_false(tf.group(1).upper().startswith("T"), tf.group(2) or "", fmt))
        return result
    answers = _split_answers(body)
    if all(mark == "=" and "->" in restore(text) for mark, text in answers):
        raise GiftError("matching questions are not supported by the bank")
    result.update(_choices(answers, fmt))
    return result


def _split_answers(body: str) -> list[tuple[str, str]]:
    if body.strip()[0] not in "~=" and not re.search(r"[~=]", body):
        return [("=", body)]  # "{One}": a single right answer needs no "="
    parts = re.split(r"(?=[~=])", body)
    answers = [(p[0], p[1:]) for p in parts if p.strip() and p[0] in "~="]
    if not answers or parts[0].strip():
        raise GiftError(f"cannot read the answer block {restore(body)[:60]!r}")
    return answers


def _weighted(text: str) -> tuple[float | None, str, str]:
    """(weight or None, answer, feedback) from ``%50%answer#feedback``."""
    text = text.strip()
    weight = None
    if found := _WEIGHT.match(text):
        weight, text = float(found.group(1)), text[found.end() :]
    answer, _, feedback = text.partition("#")
    return weight, answer.strip(), feedback.strip()


def _choices(answers: list[tuple[str, str]], fmt: str) -> dict[str, Any]:
    parsed = [(mark, *_weighted(text)) for mark, text in answers]
    weights = [(100.0 if mark == "=" else 0.0) if w is None else w for mark, w, _, _ in parsed]
    feedback = [_rich(fb, fmt) if fb else "" for *_, fb in parsed]
    texts = [_rich(answer, fmt) for _, _, answer, _ in parsed]
    if all(mark == "=" for mark, *_ in parsed):  # only right answers: a short answer
        return _short(texts, weights, feedback)
    data: dict[str, Any] = {"options": texts}
    if any(feedback):
        data["option_feedback"] = feedback
    full = [i for i, w in enumerate(weights) if w >= 100]
    positive = [i for i, w in enumerate(weights) if w > 0]
    if len(full) >= 1:
        data.update(type="single_choice", answer=full[0])
        if len(full) > 1 or any(0 < w < 100 or w < 0 for w in weights):
            data["weights"] = weights
    elif positive:
        data.update(type="multiple_response", answer=positive)
        if not are_equal_shares(weights, positive):
            data["weights"] = weights
    else:
        raise GiftError("no answer is marked right ('=' or a positive %weight%)")
    return data


def _short(texts: list[str], weights: list[float], feedback: list[str]) -> dict[str, Any]:
    keys = [richtext.to_text(t) for t in texts]
    best = max(range(len(keys)), key=lambda i: weights[i])
    data: dict[str, Any] = {"type": "short_answer", "answer": keys[best]}
    accept = [
        {"value": keys[i], "weight": weights[i], "feedback": feedback[i]}
        for i in range(len(keys))
        if i != best
    ]
    if feedback[best]:
        accept.insert(0, {"value": keys[best], "weight": weights[best], "feedback": feedback[best]})
    if accept:
        data["accept"] = accept
    return data


def _number(text: str) -> Decimal:
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise GiftError(f"{text.strip()!r} is not a number") from None


def _numeric(spec: str) -> tuple[str, float | None]:
    """``3.1415:0.0005`` or ``3.141..3.142`` or ``1822`` → (answer, tolerance)."""
    spec = restore(spec).strip()
    if ".." in spec:
        low, high = (_number(p) for p in spec.split("..", 1))
        if high < low:
            raise GiftError(f"the range {spec!r} runs backwards")
        return str((low + high) / 2), float((high - low) / 2)
    if ":" in spec:
        value, tolerance = spec.split(":", 1)
        return str(_number(value)), float(_number(tolerance))
    return str(_number(spec)), None


def _numerical(body: str) -> dict[str, Any]:
    """As Moodle reads ``{#…}``: what follows the first ``~`` is the feedback for any other
    answer (not kept: the bank has no field for it, as for a choice block's ``~`` rows); the
    rest is ``=``-separated answers, each ``%weight%value[:tolerance|..high]#feedback``."""
    body = body.partition("~")[0]
    parts = body.split("=")
    if not parts[0].strip():
        parts.pop(0)
    if not parts:
        raise GiftError("a numerical question needs at least one answer")
    accepted = []
    for text in parts:
        weight, spec, feedback = _weighted(text)
        answer, tolerance = _numeric(spec)
        accepted.append(
            {"value": answer, "tolerance": tolerance, "weight": 100.0 if weight is None else weight,
             "feedback": restore(feedback)}
        )  # fmt: skip
    best = max(accepted, key=lambda a: a["weight"])
    data: dict[str, Any] = {"type": "short_answer", "answer": best["value"]}
    if best["tolerance"]:
        data["tolerance"] = best["tolerance"]
    accept = [a for a in accepted if a is not best or a["feedback"]]
    if accept:
        data["accept"] = accept
    return data


def _true_false(is_true: bool, feedback: str, fmt: str) -> dict[str, Any]:
    bits = [b.strip() for b in feedback.split("#")[1:3]] + ["", ""]
    wrong, right = _rich(bits[0], fmt) if bits[0] else "", _rich(bits[1], fmt) if bits[1] else ""
    data: dict[str, Any] = {"type": "single_choice", "options": list(TRUE_FALSE),
                            "answer": 0 if is_true else 1}  # fmt: skip
    if wrong or right:
        data["option_feedback"] = [right, wrong] if is_true else [wrong, right]
    return data


# -- writing -------------------------------------------------------------------------------------
def escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return out.replace("\n", "\\n")


def _html(text: str) -> str:
    return escape(text or "")


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    """Every text is written as ``[html]`` (the bank's rich text is HTML). Returns why some
    questions were left out (GIFT has no true/false group)."""
    topic, skipped = "", []
    for q in questions:
        try:
            require_key(q)
            text = question_text(q)
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # Unrepresentable too
            skipped.append(left_out(q, exc))
            continue
        if q.get("topic", "") != topic:
            topic = q.get("topic", "")
            path = f"$course$/top/{topic}" if topic else "$course$/top"
            out.write(f"$CATEGORY: {path}\n\n".encode())
        out.write(text.encode() + b"\n\n")
    return skipped


def question_text(q: dict[str, Any]) -> str:
    lines = []
    if q.get("external_id"):
        lines.append(f"// [id:{q['external_id']}]")
    if tags := outcome_tags.tags_with_codes(q):  # outcome codes as tags: "[tag:yccd:…]"
        lines.append("// " + " ".join(f"[tag:{t}]" for t in tags))
    head = f"::{escape(q['title'])}::" if q.get("title") else ""
    block = _block(q)
    if q.get("explanation"):
        block = block[:-1].rstrip("\n") + f"\n####{_html(q['explanation'])}\n}}"
    lines.append(f"{head}[html]{_html(q['stem'])}{block}")
    return "\n".join(lines)


def _feedback(q: dict[str, Any], i: int) -> str:
    fb = (q.get("option_feedback") or [""] * 99)[i]
    return f"#{_html(fb)}" if fb else ""


def _block(q: dict[str, Any]) -> str:
    kind = q["type"]
    if kind == "essay":
        return "{}"
    if kind == "single_choice" and q["options"] == list(TRUE_FALSE) and not q.get("weights"):
        fb = q.get("option_feedback") or ["", ""]
        right, wrong = (fb[0], fb[1]) if q["answer"] == 0 else (fb[1], fb[0])
        tail = f"#{_html(wrong)}#{_html(right)}" if (right or wrong) else ""
        return "{" + ("TRUE" if q["answer"] == 0 else "FALSE") + tail + "}"
    if kind in ("single_choice", "multiple_response"):
        weights = q.get("weights")
        if weights is None and kind == "multiple_response":
            weights = equal_shares(q["answer"], len(q["options"]))
        rows = []
        for i, option in enumerate(q["options"]):
            if weights is None:
                mark = "=" if i == q["answer"] else "~"
            else:
                w = weights[i]
                mark = "=" if w >= 100 and kind == "single_choice" else f"~%{w:g}%" if w else "~"
            rows.append(f"\t{mark}{_html(option)}{_feedback(q, i)}")
        return "{\n" + "\n".join(rows) + "\n}"
    if kind == "short_answer":
        return _short_block(q)
    raise Unrepresentable(f"GIFT has no {kind} question type")


def _short_block(q: dict[str, Any]) -> str:
    answers = [
        {"value": q["answer"], "tolerance": q.get("tolerance"), "weight": 100, "feedback": ""}
    ]
    for extra in q.get("accept") or []:
        if extra["value"] == q["answer"]:
            answers[0]["feedback"] = extra.get("feedback") or ""
        else:
            answers.append(extra)
    # A numerical block only where the text would lose something: a tolerance, or a decimal
    # point; "1,5" (the 2025 answer sheet's form) stays text and comes back as written.
    numeric = all(number(a["value"]) is not None for a in answers) and (
        any(a.get("tolerance") for a in answers) or "." in q["answer"]
    )
    rows = []
    for a in answers:
        weight = f"%{a['weight']:g}%" if a.get("weight", 100) != 100 else ""
        fb = f"#{_html(a['feedback'])}" if a.get("feedback") else ""
        if numeric:
            value = f"{number(a['value']):g}"
            tol = f":{a['tolerance']:g}" if a.get("tolerance") else ""
            rows.append(f"\t={weight}{value}{tol}{fb}")
        else:
            rows.append(f"\t={weight}{escape(a['value'])}{fb}")
    return "{" + ("#" if numeric else "") + "\n" + "\n".join(rows) + "\n}"
