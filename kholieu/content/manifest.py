"""`kholieu content import MANIFEST.jsonl`: one JSON object a line (format in docs/DESIGN.md).

Each line is imported in its own transaction, so a bad line is reported (with its number and
the reason) and skipped, and the good lines around it are kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from kholieu.content.schemas import ContentIn
from kholieu.content.service import ContentService
from kholieu.errors import KholieuError, first_problem

STATUSES = {"draft", "published"}


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "rejected": self.rejected, "ids": self.ids}


def import_manifest(
    content: ContentService, sessions: sessionmaker[Session], manifest: Path
) -> ImportReport:
    report = ImportReport()
    with open(manifest, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item_id, job = _import_line(content, sessions, manifest.parent, line)
            except LineError as exc:
                report.rejected.append({"line": number, "error": str(exc)})
            except KholieuError as exc:
                report.rejected.append({"line": number, "error": exc.message})
            else:
                report.imported += 1
                report.ids.append(item_id)
                if job:
                    report.jobs.append(job)
    return report


class LineError(Exception):
    pass


def _import_line(
    content: ContentService, sessions: sessionmaker[Session], base: Path, line: str
) -> tuple[int, str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(record, dict):
        raise LineError("each line must be a JSON object")
    status = record.pop("status", "draft")
    if status not in STATUSES:
        raise LineError(f"status: {status!r} is not one of draft, published")
    file = record.pop("file", None)
    captions = record.pop("captions", None) or {}
    if not isinstance(captions, dict):
        raise LineError('captions: expected {"vi": "file.vtt", "en": "file.srt"}')
    if "description" in record:
        record["summary"] = record.pop("description")
    try:
        data = ContentIn.model_validate(record)
    except ValidationError as exc:
        where, message = first_problem(exc)
        raise LineError(f"{where}: {message}") from None
    path = (base / file) if file else None
    if path is not None and not path.is_file():
        raise LineError(f"file: {file} does not exist next to the manifest")
    for language, name in captions.items():
        if not isinstance(name, str) or not (base / name).is_file():
            raise LineError(f"captions.{language}: {name} does not exist next to the manifest")
    with sessions.begin() as session:
        item = content.create(session, None, data)
        job = None
        if path is not None:
            with open(path, "rb") as source:
                attached = content.attach(session, None, item.id, source, path.name)
            job = attached.job_id
        for language, name in captions.items():
            data = (base / name).read_bytes()
            content.set_captions(session, None, item.id, language, data, name)
        if status == "published":
            content.transition(session, None, item.id, "submit")
            content.transition(session, None, item.id, "approve")
        return item.id, job
