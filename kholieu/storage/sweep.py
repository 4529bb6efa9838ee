"""Sweeping the object store: objects no row names, abandoned multipart uploads, and the
store's own debris.

Objects are stored before the rows that name them (docs/DESIGN.md), so a kill between the two
leaves an object nobody names, and so does a replaced file. Each capability says which key
prefixes it owns and, for a batch of keys, which of them its rows name (``Family``); an
object under an owned prefix that no row names is garbage once it is older than the grace
period, so an upload whose row is not committed yet is safe. A key under no owned prefix is
reported and never removed: nobody here knows what it is.

Nothing here knows a capability: families and upload holders are handed in.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from kholieu.errors import ObjectNotFound, UploadNotFound
from kholieu.storage.base import ObjectInfo, ObjectStore, UploadInfo

BATCH = 500  # keys per reference query (well under SQLite's limit on bound parameters)

# What a sweep sorts things into, Vietnamese first (the command line prints these).
KINDS = {
    "temporary": "tệp tạm / temporary files",
    "unreferenced": "đối tượng không còn ai dùng / unreferenced objects",
    "uploads": "tải lên bỏ dở / abandoned uploads",
    "failed_imports": "tệp của lần nhập lỗi / failed imports' files",
    "unknown": "khoá lạ, giữ lại / unknown keys (kept)",
}
KEPT = ("unknown",)  # reported, never removed

# (session, keys, now) -> those of ``keys`` a row names
Referenced = Callable[[Session, Sequence[str], datetime], Collection[str]]
# (session, upload ids) -> those a row still holds open
Holder = Callable[[Session, Sequence[str]], Collection[str]]


@dataclass(frozen=True)
class Family:
    """Keys under ``prefix`` belong to ``owner``; ``referenced`` says which a row names.
    Garbage found here is reported as ``kind``."""

    owner: str
    prefix: str
    referenced: Referenced
    kind: str = "unreferenced"


@dataclass
class Tally:
    count: int = 0
    bytes: int = 0
    names: list[str] = field(default_factory=list)

    def add(self, name: str, size: int) -> None:
        self.count += 1
        self.bytes += size
        self.names.append(name)


@dataclass
class SweepReport:
    """What a sweep removed (``applied``) or would remove, kind by kind."""

    applied: bool
    older_than_s: float
    kinds: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})

    @property
    def removed(self) -> Tally:
        """Everything but the kept kinds, together."""
        total = Tally()
        for kind, tally in self.kinds.items():
            if kind not in KEPT:
                total.count += tally.count
                total.bytes += tally.bytes
                total.names += tally.names
        return total

    def as_json(self) -> dict[str, Any]:
        total = self.removed
        return {
            "applied": self.applied,
            "older_than_hours": self.older_than_s / 3600,
            "kinds": {k: {"count": t.count, "bytes": t.bytes, "names": t.names}
                      for k, t in self.kinds.items()},
            "total": {"count": total.count, "bytes": total.bytes},
        }  # fmt: skip


def check_families(families: Iterable[Family]) -> None:
    """Refuse two owners for one key: a prefix inside another's would let one capability's
    rule remove what the other's rows name."""
    seen: list[Family] = []
    for family in families:
        if not family.prefix.endswith("/") or family.kind not in KINDS or family.kind in KEPT:
            raise ValueError(f"{family.owner}: bad object family {family.prefix!r}/{family.kind}")
        for other in seen:
            if family.prefix.startswith(other.prefix) or other.prefix.startswith(family.prefix):
                raise ValueError(
                    f"object prefix {family.prefix!r} ({family.owner}) overlaps "
                    f"{other.prefix!r} ({other.owner})"
                )
        seen.append(family)


def sweep_objects(
    store: ObjectStore,
    sessions: sessionmaker[Session],
    families: Sequence[Family],
    report: SweepReport,
    *,
    before: datetime,
    now: datetime,
    unlisted: Iterable[ObjectInfo] = (),
    progress: Callable[[], None] = lambda: None,
) -> None:
    """Every object once (and ``unlisted``, bytes the store cannot list for want of their
    metadata): unknown keys reported, owned ones older than ``before`` checked against their
    owner's rows in batches, the unnamed removed when the report is applied."""
    batches: dict[str, list[ObjectInfo]] = {f.prefix: [] for f in families}
    by_prefix = {f.prefix: f for f in families}
    for info in chain(store.list(""), unlisted):
        family = next((f for f in families if info.key.startswith(f.prefix)), None)
        if family is None:
            report.kinds["unknown"].add(info.key, info.size)
            continue
        if info.last_modified is None or info.last_modified >= before:
            continue  # young: its row may not be committed yet
        batch = batches[family.prefix]
        batch.append(info)
        if len(batch) >= BATCH:
            _judge(store, sessions, family, batch, report, now, before)
            batch.clear()
            progress()
    for prefix, batch in batches.items():
        if batch:
            _judge(store, sessions, by_prefix[prefix], batch, report, now, before)
            progress()


def _judge(
    store: ObjectStore,
    sessions: sessionmaker[Session],
    family: Family,
    batch: list[ObjectInfo],
    report: SweepReport,
    now: datetime,
    before: datetime,
) -> None:
    """Remove the objects of ``batch`` no row names. Each is looked at once more just before
    it goes: one touched since it was listed (``ObjectStore.touch``: an upload of the same
    bytes is about to name it again) is young now, and stays."""
    with sessions() as session:
        named = set(family.referenced(session, [info.key for info in batch], now))
    for info in batch:
        if info.key in named:
            continue
        if report.applied:
            try:
                fresh = store.head(info.key).last_modified
            except ObjectNotFound:  # bytes without their metadata (local): as listed
                fresh = info.last_modified
            if fresh is None or fresh >= before:
                continue
            store.delete(info.key)
        report.kinds[family.kind].add(info.key, info.size)


def sweep_uploads(
    store: ObjectStore,
    sessions: sessionmaker[Session],
    holders: Sequence[Holder],
    report: SweepReport,
    *,
    before: datetime,
    progress: Callable[[], None] = lambda: None,
) -> None:
    """Abort the multipart uploads started before ``before`` that no row holds open."""
    for batch in _chunks((u for u in store.list_uploads() if u.started < before), BATCH):
        ids = [upload.upload_id for upload in batch]
        held: set[str] = set()
        with sessions() as session:
            for holder in holders:
                held.update(holder(session, ids))
        for upload in batch:
            if upload.upload_id in held:
                continue
            try:
                size = upload.size
                if size is None:
                    size = sum(p.size for p in store.list_parts(upload.key, upload.upload_id))
                if report.applied:
                    store.abort_upload(upload.key, upload.upload_id)
            except UploadNotFound:  # completed or aborted meanwhile
                continue
            report.kinds["uploads"].add(f"{upload.key} ({upload.upload_id})", size)
        progress()


def sweep_leftovers(
    store: ObjectStore, report: SweepReport, *, before: datetime
) -> list[ObjectInfo]:
    """The store's own debris (LocalStore's ``.tmp/`` files, broken upload folders, metadata
    without its object); returns the keys whose bytes lost their metadata, for
    ``sweep_objects`` to judge like any object (a row may name them)."""
    kinds = {"temporary": "temporary", "upload": "uploads"}
    unlisted = []
    for leftover in store.sweep_leftovers(before, remove=report.applied):
        if leftover.kind == "object":
            unlisted.append(ObjectInfo(leftover.name, leftover.size, "", None, leftover.touched))
        else:
            report.kinds[kinds[leftover.kind]].add(leftover.name, leftover.size)
    return unlisted


def _chunks(items: Iterable[UploadInfo], size: int) -> Iterator[list[UploadInfo]]:
    batch: list[UploadInfo] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
