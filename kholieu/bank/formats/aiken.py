"""Aiken, Moodle's simplest format: a question, options ``A)`` or ``A.`` on their own lines,
then ``ANSWER: B``. Only single-choice questions exist in it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kholieu.bank import richtext
from kholieu.bank.formats import ImageSink, Parsed, name_of

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER:\s*([A-Z])\s*$", re.I)


def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    yield from parse(path.read_text(encoding="utf-8-sig"), path.name)


def parse(text: str, name: str) -> Iterator[Parsed]:
    stem: list[str] = []
    options: list[str] = []
    start = 0
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            if options:  # Moodle allows blank lines only between questions
                yield Parsed(
                    name, start, error="the options are not followed by 'ANSWER: <letter>'"
                )
                stem, options = [], []
            continue
        if not stem and not options:
            start = number
        if found := _ANSWER.match(line):
            yield _question(name, start, stem, options, found.group(1).upper())
            stem, options = [], []
        elif (found := _OPTION.match(line)) and stem:
            letter, option = found.groups()
            if ord(letter) - 65 != len(options):
                expected = chr(65 + len(options))
                yield Parsed(name, number, error=f"option {letter} where {expected} was expected")
                stem, options = [], []
                continue
            options.append(option)
        elif options:
            yield Parsed(
                name, number, error=f"expected an option or 'ANSWER:', found {line[:40]!r}"
            )
            stem, options = [], []
        else:
            stem.append(line)
    if stem or options:
        yield Parsed(name, start, error="the last question has no 'ANSWER: <letter>' line")


def _question(name: str, line: int, stem: list[str], options: list[str], key: str) -> Parsed:
    if not options:
        return Parsed(name, line, error="a question without options A), B), …")
    index = ord(key) - 65
    if index >= len(options):
        return Parsed(
            name, line, error=f"ANSWER: {key} names no option (A–{chr(64 + len(options))})"
        )
    data = {
        "type": "single_choice",
        "stem": richtext.plain("\n".join(stem)),
        "options": [richtext.plain(o) for o in options],
        "answer": index,
    }
    return Parsed(name, line, data=data)


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    skipped = []
    for q in questions:
        if q["type"] != "single_choice" or q.get("weights") or len(q["options"]) > 26:
            skipped.append(f"{name_of(q)}: Aiken holds single choice only")
            continue
        lines = [" ".join(richtext.to_text(q["stem"]).split())]
        lines += [
            f"{chr(65 + i)}) {' '.join(richtext.to_text(o).split())}"
            for i, o in enumerate(q["options"])
        ]
        lines.append(f"ANSWER: {chr(65 + q['answer'])}")
        out.write(("\n".join(lines) + "\n\n").encode())
    return skipped
