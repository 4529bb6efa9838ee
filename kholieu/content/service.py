"""Content items and their editorial workflow: draft → in review → published → archived.

Every change writes, in one transaction: the item, a version snapshot (for edits), an audit
entry, and a search-outbox row. Who may see what is decided here too (``visible``), so pages,
the API and the CLI cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.audit import log as audit
from kholieu.config import Settings
from kholieu.content import body, policy
from kholieu.content.documents import DOCUMENTS
from kholieu.content.files import ingest
from kholieu.content.models import (
    ContentFile,
    ContentItem,
    ContentVersion,
    Kind,
    Status,
)
from kholieu.content.packages.checks import PackageInfo
from kholieu.content.policy import visible
from kholieu.content.schemas import ContentIn, ContentPatch
from kholieu.db.base import utcnow
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kholieu.i18n import N_, Term
from kholieu.jobs.queue import JobQueue
from kholieu.outcomes.catalogue import checked_codes
from kholieu.outcomes.codes import normalise_code
from kholieu.search.outbox import Outbox
from kholieu.storage import ObjectStore
from kholieu.video import media
from kholieu.video.captions import check_language, read_captions
from kholieu.video.models import Caption

INDEX = "content"
VERSIONED = (
    "title", "summary", "body", "subject", "grade", "textbook_series", "chapter", "lesson",
    "yccd_codes", "tags", "language", "license", "authors", "source",
)  # fmt: skip

# action: (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[set[Status], Status]] = {
    "submit": ({Status.draft}, Status.in_review),
    "approve": ({Status.in_review}, Status.published),
    "reject": ({Status.in_review}, Status.draft),
    "archive": ({Status.published}, Status.archived),
    "restore": ({Status.archived}, Status.draft),
}
# how a refusal names an action and a status (the Vietnamese first, as everywhere)
VERBS = {"submit": N_("gửi duyệt"), "approve": N_("duyệt"), "reject": N_("trả lại"),
         "archive": N_("lưu trữ"), "restore": N_("khôi phục")}  # fmt: skip
STATUS_WORDS = {Status.draft: N_("bản nháp"), Status.in_review: N_("chờ duyệt"),
                Status.published: N_("đã xuất bản"), Status.archived: N_("đã lưu trữ")}  # fmt: skip
# Every action this service writes to the audit log: the item page has a label for each
# (templates/_labels.html, content_action; tests/content/test_editor_writing.py checks).
ACTIONS = (
    "created", "updated", "file_attached", "reprocess", "processing_cancelled",
    "captions_set", "captions_removed", "reopened", *TRANSITIONS,
)  # fmt: skip
# The actions that make what learners will get: whoever did one since the item was last
# approved is one of its authors, and may not approve it (a second pair of eyes).
AUTHORING = ("created", "updated", "file_attached", "captions_set", "captions_removed", "submit")


# Fields another capability keeps beside an item (a textbook's publisher and edition).
EXTRA_FIELDS = ("publisher", "edition")


class ItemExtension(Protocol):
    """Another capability's rows beside an item (kholieu.textbooks), kept in step with it:
    given the extra fields when the item is created or edited, told of every change."""

    def values(self, session: Session, item: ContentItem) -> dict[str, Any]: ...

    def store(self, session: Session, item: ContentItem, values: dict[str, Any]) -> None: ...

    def changed(self, session: Session, item: ContentItem, action: str) -> None: ...


class EmptyLecture(ValidationFailed):
    code = "empty_lecture"


class OwnSubmission(PermissionDenied):
    code = "own_submission"


def _package_summary(info: PackageInfo | None) -> dict[str, Any] | None:
    if info is None:
        return None
    return {
        "standard": info.standard, "entry": info.entry, "root": info.root, "title": info.title,
        "files": len(info.files), "bytes": info.total_size, "aspect": info.aspect,
    }  # fmt: skip


def outcome_codes(session: Session, values: list[str], kept: Iterable[str] = ()) -> list[str]:
    """The outcome codes an item names, normalised: each one the catalogue holds (422 naming
    the others), but for codes the item already names (written before the catalogue existed,
    they stay until an editor takes them out)."""
    held = set(kept)
    typed = [value.strip() for value in values if value.strip()]
    checked_codes(session, [value for value in typed if value not in held])
    return list(dict.fromkeys(v if v in held else normalise_code(v) for v in typed))


def snapshot(item: ContentItem) -> dict[str, Any]:
    return {field: getattr(item, field) for field in VERSIONED}


class ContentService:
    def __init__(
        self, settings: Settings, store: ObjectStore, outbox: Outbox, queue: JobQueue
    ) -> None:
        self.settings = settings
        self.store = store
        self.outbox = outbox
        self.queue = queue
        self.extensions: list[ItemExtension] = []

    def extend(self, extension: ItemExtension) -> None:
        """Keep ``extension``'s rows in step with items (the composition root calls it)."""
        self.extensions.append(extension)

    def extra(self, session: Session, item: ContentItem) -> dict[str, Any]:
        """The item's extra fields as the extensions keep them (the edit form shows them)."""
        values: dict[str, Any] = {}
        for extension in self.extensions:
            values |= extension.values(session, item)
        return values

    def get(
        self, session: Session, user: User | None, item_id: int, *, system: bool = False
    ) -> ContentItem:
        item = session.scalar(visible(user, system=system).where(ContentItem.id == item_id))
        if item is None:
            raise NotFound("Không có học liệu số {item_id}", item_id=item_id)
        return item

    def preview(self, session: Session, user: User | None, item_id: int) -> ContentItem:
        """The item as a learner will see it, for an editor before publishing: anyone else
        is told there is no such page (404), whatever the item's status."""
        if not policy.sees_drafts(user):
            raise NotFound("Không có học liệu số {item_id}", item_id=item_id)
        return self.get(session, user, item_id)

    def authors(self, session: Session, item: ContentItem) -> set[int | None]:
        """Who wrote, changed or submitted the item since it was last approved."""
        return audit.actors_since(session, f"content:{item.id}", AUTHORING, after="approve")

    def may_approve(self, session: Session, actor: User | None, item: ContentItem) -> bool:
        """Nobody approves what they wrote or submitted, admins included; the command line
        (``None``) is the one-person deployment's way to publish."""
        return actor is None or actor.id not in self.authors(session, item)

    def create(self, session: Session, actor: User | None, data: ContentIn) -> ContentItem:
        self._require_editor(actor)
        if data.external_id and session.scalar(
            select(ContentItem.id).where(ContentItem.external_id == data.external_id)
        ):
            raise Conflict(
                "Mã ngoài “{external_id}” đã được dùng",
                external_id=data.external_id,
                details={"field": "external_id"},
            )
        fields = {**data.model_dump(), "yccd_codes": outcome_codes(session, data.yccd_codes)}
        extra = {name: fields.pop(name) for name in EXTRA_FIELDS}
        item = ContentItem(**fields, owner_id=actor.id if actor else None, updated_at=utcnow())
        session.add(item)
        session.flush()
        for extension in self.extensions:
            extension.store(session, item, extra)
        self._version(session, item, actor)
        self._changed(session, item, actor, "created", kind=item.kind, title=item.title)
        return item

    def update(
        self, session: Session, actor: User | None, item_id: int, patch: ContentPatch
    ) -> ContentItem:
        self._require_editor(actor)
        item = self.get(session, actor, item_id, system=actor is None)
        if item.status == Status.archived:
            raise Conflict("Học liệu đã lưu trữ không sửa được; hãy khôi phục trước")
        sent = patch.model_dump(exclude_unset=True)
        if "yccd_codes" in sent:
            sent["yccd_codes"] = outcome_codes(session, sent["yccd_codes"], item.yccd_codes)
        extra = {name: sent.pop(name) for name in EXTRA_FIELDS if name in sent}
        stored = self.extra(session, item)
        extra = {k: v for k, v in extra.items() if k in stored and stored[k] != v}
        changes = {k: v for k, v in sent.items() if getattr(item, k) != v}
        if not changes and not extra:
            return item
        for field, value in changes.items():
            setattr(item, field, value)
        for extension in self.extensions:
            extension.store(session, item, extra)
        changes |= extra
        item.version += 1
        item.updated_at = utcnow()
        self._version(session, item, actor)
        self._changed(session, item, actor, "updated", fields=sorted(changes))
        self._reopen(session, item, actor)
        return item

    def transition(
        self,
        session: Session,
        actor: User | None,
        item_id: int,
        action: str,
        *,
        reason: str | None = None,
        note: str | None = None,
    ) -> ContentItem:
        """Move an item through the workflow; rejecting needs a reason for the author."""
        self._require_editor(actor)
        if action not in TRANSITIONS:
            raise ValidationFailed(
                "Không có thao tác “{action}” trong quy trình duyệt", action=action
            )
        if action == "reject" and not (reason or "").strip():
            raise ValidationFailed("Lí do: từ chối cần có lí do cho tác giả")
        sources, target = TRANSITIONS[action]
        item = self.get(session, actor, item_id, system=actor is None)
        if item.status not in sources:
            raise Conflict(
                "Không thể {action} một học liệu đang ở trạng thái {status}",
                action=Term(VERBS[action]),
                status=Term(STATUS_WORDS[item.status]),
            )
        if action in ("submit", "approve"):
            self._require_something_to_show(session, item)
        if action == "approve" and not self.may_approve(session, actor, item):
            raise OwnSubmission(
                "Bạn không thể tự duyệt học liệu do chính mình soạn, sửa hoặc gửi duyệt: "
                "một biên tập viên khác hoặc quản trị viên phải duyệt."
            )
        item.status = target
        item.updated_at = utcnow()
        if action == "reject":
            item.review_reason, item.review_note = reason, note or ""
        elif action == "submit":
            item.review_reason = item.review_note = None
        if target == Status.published:
            item.published_at = utcnow()
        extra = {"reason": reason, "note": note} if action == "reject" else {}
        self._changed(session, item, actor, action, status=target.value, **extra)
        return item

    def attach(
        self,
        session: Session,
        actor: User | None,
        item_id: int,
        source: BinaryIO,
        filename: str,
        *,
        source_key: str | None = None,
    ) -> ContentFile:
        """Store ``source`` as the item's file (checked, deduplicated) and, for packages, queue
        the unpacking; the object is stored before the row that points at it."""
        self._require_editor(actor)
        item = self.get(session, actor, item_id, system=actor is None)
        blob = ingest(
            self.store,
            source,
            kind=item.kind,
            filename=filename,
            max_bytes=self.settings.max_upload_bytes,
            tmp_dir=self.settings.data_dir / "tmp",
            limits=self.settings.package_limits,
            source_key=source_key,
            probe_video=lambda path: self._probe(path, filename),
        )
        file = session.scalar(select(ContentFile).where(ContentFile.item_id == item.id))
        if file is None:
            file = ContentFile(item_id=item.id)
            session.add(file)
        elif file.job_id:  # the file it was processing is being replaced
            self.queue.cancel(session, file.job_id)
        file.sha256, file.size, file.mime, file.filename = (
            blob.sha256,
            blob.size,
            blob.mime,
            filename,
        )
        file.package = _package_summary(blob.package)
        file.unpacked = blob.package is None
        file.media, file.hls, file.job_id = blob.media, None, None
        self._process(session, actor, file)
        item.version += 1
        item.updated_at = utcnow()
        self._version(session, item, actor)
        self._changed(
            session,
            item,
            actor,
            "file_attached",
            file=filename,
            sha256=blob.sha256,
            mime=blob.mime,
            size=blob.size,
        )
        self._reopen(session, item, actor)
        return file

    def reprocess(self, session: Session, actor: User | None, item_id: int) -> ContentFile:
        """Start the item's processing again (after a failure), or stop it (``cancel``)."""
        self._require_editor(actor)
        item = self.get(session, actor, item_id, system=actor is None)
        file = self.file(session, item.id)
        if file is None or self._task(file) is None:
            raise Conflict("Học liệu này không có tệp để xử lí")
        if file.job_id:
            self.queue.cancel(session, file.job_id)
        self._process(session, actor, file)
        self._changed(session, item, actor, "reprocess", sha256=file.sha256)
        return file

    def cancel_processing(self, session: Session, actor: User | None, item_id: int) -> None:
        self._require_editor(actor)
        item = self.get(session, actor, item_id, system=actor is None)
        file = self.file(session, item.id)
        if file is None or not file.job_id or not self.queue.cancel(session, file.job_id):
            raise Conflict("Học liệu này không có gì đang được xử lí")
        self._changed(session, item, actor, "processing_cancelled", job=file.job_id)

    def set_captions(
        self, session: Session, actor: User | None, item_id: int, language: str,
        data: bytes, filename: str,
    ) -> Caption:  # fmt: skip
        """Store (or replace) a video's captions in ``language``; their words become
        searchable with the item."""
        self._require_editor(actor)
        item = self.get(session, actor, item_id, system=actor is None)
        if item.kind != Kind.video:
            raise ValidationFailed("Phụ đề chỉ dành cho video", details={"field": "kind"})
        check_language(language)
        parsed = read_captions(data, filename)
        caption = session.scalar(
            select(Caption).where(Caption.item_id == item.id, Caption.language == language)
        )
        if caption is None:
            caption = Caption(item_id=item.id, language=language)
            session.add(caption)
        caption.vtt, caption.text, caption.cues = parsed.vtt, parsed.text, parsed.cues
        caption.filename, caption.updated_at = filename, utcnow()
        self._changed(session, item, actor, "captions_set", language=language, cues=parsed.cues)
        self._reopen(session, item, actor)
        session.flush()  # defaults for the reply
        return caption

    def remove_captions(
        self, session: Session, actor: User | None, item_id: int, language: str
    ) -> None:
        self._require_editor(actor)
        item = self.get(session, actor, item_id, system=actor is None)
        caption = session.scalar(
            select(Caption).where(Caption.item_id == item.id, Caption.language == language)
        )
        if caption is None:
            raise NotFound(
                "Học liệu số {item_id} không có phụ đề {language}",
                language=language,
                item_id=item_id,
            )
        session.delete(caption)
        self._changed(session, item, actor, "captions_removed", language=language)
        self._reopen(session, item, actor)

    def captions(self, session: Session, item_id: int) -> list[Caption]:
        query = select(Caption).where(Caption.item_id == item_id).order_by(Caption.language)
        return list(session.scalars(query))

    def file(self, session: Session, item_id: int) -> ContentFile | None:
        return session.scalar(select(ContentFile).where(ContentFile.item_id == item_id))

    def versions(self, session: Session, actor: User, item_id: int) -> list[ContentVersion]:
        self._require_editor(actor)
        self.get(session, actor, item_id)
        query = select(ContentVersion).where(ContentVersion.item_id == item_id)
        return list(session.scalars(query.order_by(ContentVersion.version)))

    # -- helpers ---------------------------------------------------------------------------
    def _probe(self, path: Path, filename: str) -> dict[str, Any]:
        settings = self.settings
        return media.probe(path, ffmpeg_path=settings.ffmpeg_path,
                           ffprobe_path=settings.ffprobe_path, name=filename).as_json()  # fmt: skip

    @staticmethod
    def _task(file: ContentFile) -> str | None:
        if file.package is not None:
            return "content.unpack_package"
        if file.mime in DOCUMENTS:
            return "content.extract_document"
        if file.media is not None:
            return "content.transcode_video"
        return None

    def _process(self, session: Session, actor: User | None, file: ContentFile) -> None:
        """Queue the job that makes the file usable (unpack, extract text, transcode)."""
        task = self._task(file)
        if task is not None:
            job = self.queue.enqueue(
                session, task, {"sha256": file.sha256}, started_by=actor.id if actor else None
            )
            file.job_id = job.id

    def _require_something_to_show(self, session: Session, item: ContentItem) -> None:
        """A lecture needs its text or a file: never a blank page for learners."""
        if (
            item.kind == Kind.lecture
            and body.is_empty(item.body)
            and not self.file(session, item.id)
        ):
            raise EmptyLecture(
                "Bài giảng chưa có nội dung: hãy viết nội dung bài giảng hoặc đính kèm tệp "
                "trước khi gửi duyệt.",
                details={"field": "body"},
            )

    def _reopen(self, session: Session, item: ContentItem, actor: User | None) -> None:
        """A person's change to a published item sends it back to review: learners never get
        an edit no second editor has seen (they do not see the item until it is approved
        again). The command line (``None``, trusted like the one-person deployment's publisher)
        keeps it published."""
        if actor is not None and item.status == Status.published:
            item.status = Status.in_review
            item.review_reason = item.review_note = None
            self._changed(session, item, actor, "reopened", status=Status.in_review.value)

    def _require_editor(self, actor: User | None) -> None:
        """``None`` is the command line (``kholieu content import``), trusted like an editor."""
        if actor is not None and not policy.sees_drafts(actor):
            raise PermissionDenied("Chỉ biên tập viên được thay đổi học liệu")

    def _version(self, session: Session, item: ContentItem, actor: User | None) -> None:
        session.add(
            ContentVersion(
                item_id=item.id,
                version=item.version,
                data=snapshot(item),
                edited_by=actor.id if actor else None,
            )
        )

    def _changed(
        self, session: Session, item: ContentItem, actor: User | None, action: str, **detail: Any
    ) -> None:
        audit.record(session, actor, action, f"content:{item.id}", **detail)
        self.outbox.record(session, INDEX, str(item.id))
        for extension in self.extensions:
            extension.changed(session, item, action)


def load_documents(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The search documents for content items (the outbox loader for the ``content`` index)."""
    wanted = [int(i) for i in ids]
    items = session.scalars(select(ContentItem).where(ContentItem.id.in_(wanted)))
    texts: dict[int, list[str]] = {}
    for item_id, text in (
        session.execute(
            select(ContentFile.item_id, ContentFile.text).where(ContentFile.item_id.in_(wanted))
        ).all()
        + session.execute(
            select(Caption.item_id, Caption.text)
            .where(Caption.item_id.in_(wanted))
            .order_by(Caption.language)
        ).all()
    ):
        texts.setdefault(item_id, []).append(text or "")
    return {
        str(item.id): {
            "kind": item.kind, "title": item.title, "summary": item.summary,
            "body": "\n".join(filter(None, [body.to_html(item.body), *texts.get(item.id, [])])),
            "subject": item.subject, "grade": item.grade, "series": item.textbook_series,
            "chapter": item.chapter, "tags": item.tags, "license": item.license,
            "outcome": item.yccd_codes,
            "status": item.status, "owner": item.owner_id,
            "updated_at": item.updated_at.isoformat(), "popularity": item.views,
        }
        for item in items
    }  # fmt: skip


def document_ids(session: Session) -> Iterator[str]:
    """Every content item, for rebuilding the ``content`` index."""
    for item_id in session.scalars(select(ContentItem.id).order_by(ContentItem.id)):
        yield str(item_id)
