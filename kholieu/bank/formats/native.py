"""The native format: one JSON object a line, as docs/DESIGN.md fixes it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from kholieu.bank.formats import ImageSink, Parsed


def read(path: Path, images: ImageSink) -> Iterator[Parsed]:
    with open(path, encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Parsed(
                    path.name, number, error=f"not valid JSON: {exc.msg} (column {exc.colno})"
                )
                continue
            if not isinstance(record, dict):
                yield Parsed(path.name, number, error="each line must be a JSON object")
                continue
            yield Parsed(path.name, number, data=record)


def write(questions: Iterable[dict[str, Any]], out: IO[bytes], **_: Any) -> list[str]:
    for question in questions:
        out.write(json.dumps(question, ensure_ascii=False).encode() + b"\n")
    return []
