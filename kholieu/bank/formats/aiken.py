"""Aiken, Moodle's simplest format: a question, options ``A)`` or ``A.`` on their own lines,
then ``ANSWER: B``. Only single-choice questions exist in it. Read as Moodle reads it: an
option needs no space after its letter, and a broken block is reported on its line and skipped
whole, never merged into the next question."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kholieu.bank import richtext
from kholieu.bank.formats import (
    MAX_WHOLE_TEXT_BYTES,
    ImageSink,
    Parsed,
    Unrepresentable,
    decoding,
    left_out,
    require_key,
)

# As Moodle's qformat_aiken reads them: ``A)``/``A.`` with or without a space after.
_OPTION = re.compile(r"^([A-Z])[.)][ \t]*(.*)$")
_ANSWER = re.compile(r"^ANSWER:(.*)$", re.I)


def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    text, _encoding = decoding.read_text(path, MAX_WHOLE_TEXT_BYTES)
    yield from parse(text, path.name)


class _Block:
    """The question being read; after an error, the rest of its block is skipped (up to its
    ``ANSWER:`` line or a blank line) so none of it becomes part of the next question."""

    def __init__(self) -> None:
        self.stem: list[str] = []
        self.options: list[str] = []
        self.start = 0
        self.skipping = False

    def reset(self, skipping: bool = False) -> None:
        self.stem, self.options, self.skipping = [], [], skipping

    @property
    def open(self) -> bool:
        return bool(self.stem or self.options)


def parse(text: str, name: str) -> Iterator[Parsed]:
    block = _Block()
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:  # a blank line ends a question (Aiken's question is one line)
            if block.options:
                yield Parsed(
                    name, block.start, error="the options are not followed by 'ANSWER: <letter>'"
                )
            elif block.open:
                yield Parsed(name, block.start, error="no options A), B), … and no 'ANSWER:' line")
            block.reset()
            continue
        answer = _ANSWER.match(line)
        if block.skipping:
            block.skipping = answer is None
            continue
        if not block.open:
            block.start = number
        if answer:
            yield _question(name, block, number, answer.group(1).strip())
            block.reset()
        elif found := _OPTION.match(line):
            yield from _option(name, block, number, *found.groups())
        elif block.options:
            error = f"expected an option or 'ANSWER:', found {line[:40]!r}"
            yield Parsed(name, number, error=error)
            block.reset(skipping=True)
        else:
            block.stem.append(line)
    if block.open:
        yield Parsed(name, block.start, error="the last question has no 'ANSWER: <letter>' line")


def _option(name: str, block: _Block, number: int, letter: str, text: str) -> Iterator[Parsed]:
    if not block.stem:
        yield Parsed(name, number, error=f"option {letter} comes before the question's text")
        block.reset(skipping=True)
    elif ord(letter) - 65 != len(block.options):
        expected = chr(65 + len(block.options))
        yield Parsed(name, number, error=f"option {letter} where {expected} was expected")
        block.reset(skipping=True)
    else:
        block.options.append(text)


def _question(name: str, block: _Block, number: int, key: str) -> Parsed:
    stem, options = block.stem, block.options
    if not stem:
        return Parsed(name, number, error="'ANSWER:' without a question before it")
    if not options:
        return Parsed(name, block.start, error="no options: a question needs options A), B), …")
    if not re.fullmatch(r"[A-Za-z]", key):
        return Parsed(name, number, error=f"ANSWER: must give one letter, found {key[:40]!r}")
    index = ord(key.upper()) - 65
    if index >= len(options):
        last = chr(64 + len(options))
        return Parsed(name, number, error=f"ANSWER: {key.upper()} names no option (A–{last})")
    data = {
        "type": "single_choice",
        "stem": richtext.plain("\n".join(stem)),
        "options": [richtext.plain(o) for o in options],
        "answer": index,
    }
    return Parsed(name, block.start, data=data)


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    skipped = []
    for q in questions:
        try:
            out.write(_block_of(q).encode())
        except (KeyError, IndexError, TypeError, ValueError) as exc:  # Unrepresentable too
            skipped.append(left_out(q, exc))
    return skipped


def _block_of(q: dict[str, Any]) -> str:
    if q["type"] != "single_choice" or q.get("weights") or len(q["options"]) > 26:
        raise Unrepresentable("Aiken holds single choice only")
    require_key(q)
    lines = [" ".join(richtext.to_text(q["stem"]).split())]
    lines += [
        f"{chr(65 + i)}) {' '.join(richtext.to_text(o).split())}"
        for i, o in enumerate(q["options"])
    ]
    lines.append(f"ANSWER: {chr(65 + q['answer'])}")
    return "\n".join(lines) + "\n\n"
