"""The native format: one JSON object a line, as docs/DESIGN.md fixes it. Each bad line is
reported with its number and the others are read: a line is never the end of the file."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kholieu.bank.formats import ImageSink, Parsed, decoding

# Deeper than any question needs (a question nests four levels); deeper values would only
# cost recursion further on (validation, the importer's spool).
MAX_DEPTH = 32
TOO_DEEP = f"nested too deeply (more than {MAX_DEPTH} levels)"


def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    with decoding.lines(path) as (lines, _encoding):
        for number, line in enumerate(lines, start=1):
            if line.strip():
                yield record(path.name, number, line)


def record(name: str, number: int, line: str) -> Parsed:
    """One line read as a question, or why it cannot be one."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return Parsed(name, number, error=f"not valid JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return Parsed(name, number, error=TOO_DEEP)
    except ValueError as exc:  # e.g. an integer too long to convert
        return Parsed(name, number, error=f"not valid JSON: {exc}")
    if not isinstance(value, dict):
        return Parsed(name, number, error="each line must be a JSON object")
    if _depth(value) > MAX_DEPTH:
        return Parsed(name, number, error=TOO_DEEP)
    return Parsed(name, number, data=value)


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value``, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in item)
    return deepest


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    for question in questions:
        out.write(json.dumps(question, ensure_ascii=False).encode() + b"\n")
    return []
