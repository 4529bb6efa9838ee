"""The question bank's rules: who sees and changes what, versions, where used, and images.

Versions: editing a question nobody has used yet changes it in place; editing one that a quiz
or paper has used makes a new version, and those uses keep the version they showed.

Review: an editor's approval (status ``ready``) names the version approved. A teacher's later
edit never changes that version: it becomes a new one, the question is ``changed`` (in the
editors' review queue) and quizzes go on drawing the approved version until an editor
approves the change. Only editors loosen an approved question's exposure.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import Any

import magic
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.accounts.roles import EDITORS, TEACHERS, is_in
from kholieu.audit import log as audit
from kholieu.bank import dedup, richtext
from kholieu.bank.models import (
    Exposure,
    Question,
    QuestionImage,
    QuestionStatus,
    QuestionUse,
    QuestionVersion,
)
from kholieu.bank.policy import visible
from kholieu.bank.schemas import KEYLESS_STATUSES, NO_KEY_TAG, QuestionIn, lacks_key
from kholieu.db.base import utcnow
from kholieu.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from kholieu.files.mime import IMAGE_EXTENSIONS
from kholieu.i18n import N_, Message, Term
from kholieu.outcomes.catalogue import checked_codes
from kholieu.search.analysis import shorten
from kholieu.search.outbox import Outbox
from kholieu.storage import ObjectStore

INDEX = "questions"
AUTHORS = TEACHERS
MAX_IMAGE_BYTES = 5 * 2**20
STRICTNESS = {Exposure.open: 0, Exposure.exam: 1, Exposure.secure: 2}


class DuplicateQuestion(Conflict):
    """A question saved from the editor or the API is (nearly) one the saver can already see:
    refused unless they ask to keep both (``duplicates="keep"``)."""

    code = "duplicate_question"


STATUS_WORDS = {
    QuestionStatus.draft: N_("bản nháp"),
    QuestionStatus.ready: N_("sẵn sàng"),
    QuestionStatus.changed: N_("đã sửa"),
    QuestionStatus.retired: N_("ngừng dùng"),
}


class QuestionInUse(Conflict):
    """A question a quiz, paper or attempt has shown, or one in the shared bank, is kept (its
    uses show its versions); it can be retired instead."""

    code = "question_in_use"


def image_key(sha256: str) -> str:
    return f"qimages/{sha256}"


def fill(question: Question, data: QuestionIn, sig: dedup.Signature | None = None) -> None:
    """Copy validated data onto a row, with its duplicate-detection signature."""
    for field, value in data.meta().items():
        setattr(question, field, value)
    question.tags = [t for t in question.tags if t != NO_KEY_TAG] + (
        [NO_KEY_TAG] if data.keyless else []
    )
    question.type = data.type.value
    question.body = data.body()
    sig = sig or dedup.signature(question.type, question.body)
    question.fingerprint, question.sketch = sig.fingerprint, list(sig.sketch)


class QuestionBank:
    def __init__(self, store: ObjectStore, outbox: Outbox) -> None:
        self.store = store
        self.outbox = outbox

    # -- reading -------------------------------------------------------------------------------
    def get(
        self, session: Session, user: User | None, question_id: int, *, system: bool = False
    ) -> Question:
        question = session.scalar(visible(user, system=system).where(Question.id == question_id))
        if question is None:
            raise NotFound("Không có câu hỏi số {question_id}", question_id=question_id)
        return question

    def version(self, session: Session, question_id: int, version: int) -> QuestionVersion:
        row = session.scalar(
            select(QuestionVersion).where(
                QuestionVersion.question_id == question_id, QuestionVersion.version == version
            )
        )
        if row is None:
            raise NotFound(
                "Câu hỏi số {question_id} không có phiên bản {version}",
                question_id=question_id,
                version=version,
            )
        return row

    def versions(self, session: Session, user: User, question_id: int) -> list[QuestionVersion]:
        """Every stored version of a question ``user`` may see, oldest first."""
        self.get(session, user, question_id)
        return list(
            session.scalars(
                select(QuestionVersion)
                .where(QuestionVersion.question_id == question_id)
                .order_by(QuestionVersion.version)
            )
        )

    def image(self, session: Session, sha256: str) -> QuestionImage:
        row = session.get(QuestionImage, sha256)
        if row is None:
            raise NotFound("Không có hình ảnh này")
        return row

    def where_used(self, session: Session, question_id: int) -> list[QuestionUse]:
        query = select(QuestionUse).where(QuestionUse.question_id == question_id)
        return list(session.scalars(query.order_by(QuestionUse.id)))

    # -- writing -------------------------------------------------------------------------------
    def create(
        self, session: Session, actor: User | None, data: QuestionIn, *, audit_it: bool = True,
        duplicates: str = "keep",
    ) -> Question:  # fmt: skip
        """``duplicates="refuse"``: a near duplicate of a question the actor can see raises
        ``DuplicateQuestion`` naming it (the editor and the API ask this by default)."""
        self._require_author(actor)
        if data.status != QuestionStatus.draft:
            self._require_editor(
                actor, N_("Chỉ biên tập viên được thêm câu hỏi ở trạng thái {status}"),
                status=Term(STATUS_WORDS[data.status]),
            )  # fmt: skip
        self._check_external_id(session, data.external_id, None)
        checked_codes(session, data.yccd_codes)
        question = Question(owner_id=actor.id if actor else None, version=1, updated_at=utcnow())
        fill(question, data)
        if duplicates == "refuse":
            self._refuse_duplicate(session, actor, question, None)
        _approve_if_ready(question)
        session.add(question)
        session.flush()
        self._snapshot(session, question, actor)
        self.outbox.record(session, INDEX, str(question.id))
        if audit_it:
            audit.record(session, actor, "created", f"question:{question.id}", type=question.type)
        return question

    def create_many(
        self,
        session: Session,
        actor: User | None,
        items: list[tuple[QuestionIn, dedup.Signature]],
    ) -> list[Question]:
        """The importer's path: the rows in one flush, then their versions and outbox rows.
        The caller has checked external ids against the bank (in memory, for the whole run)."""
        self._require_author(actor)
        if any(data.status != QuestionStatus.draft for data, _ in items):
            self._require_editor(
                actor, N_("Chỉ biên tập viên được thêm câu hỏi sẵn sàng hoặc ngừng dùng")
            )
        # The importer checked each row's codes; a batch naming one the catalogue lost since
        # is refused whole, and the importer's one-by-one retry names the row.
        checked_codes(session, [code for data, _ in items for code in data.yccd_codes])
        rows = []
        for data, sig in items:
            question = Question(
                owner_id=actor.id if actor else None, version=1, updated_at=utcnow()
            )
            fill(question, data, sig)
            _approve_if_ready(question)
            rows.append(question)
        session.add_all(rows)
        session.flush()
        for question in rows:
            self._snapshot(session, question, actor)
            self.outbox.record(session, INDEX, str(question.id))
        return rows

    def external_ids(self, session: Session) -> dict[str, int]:
        query = select(Question.external_id, Question.id).where(Question.external_id.is_not(None))
        return {external_id: question_id for external_id, question_id in session.execute(query)}

    def update(
        self, session: Session, actor: User | None, question_id: int, data: QuestionIn,
        *, duplicates: str = "keep",
    ) -> Question:  # fmt: skip
        """``duplicates="refuse"``: an edit of the text that makes it a near duplicate of
        another question the actor can see raises ``DuplicateQuestion``."""
        question = self.get(session, actor, question_id, system=actor is None)
        self._require_owner_or_editor(actor, question)
        editor = actor is None or is_in(actor, EDITORS)
        status = self._wanted_status(actor, question, data.status)
        self._check_exposure(actor, question, data.exposure)
        self._check_external_id(session, data.external_id, question.id)
        checked_codes(session, data.yccd_codes)
        before = (question.type, question.body)
        codes_before = list(question.yccd_codes or [])
        fill(question, data)
        if duplicates == "refuse" and before != (question.type, question.body):
            self._refuse_duplicate(session, actor, question, question.id)
        question.status = status
        question.updated_at = utcnow()
        if before != (question.type, question.body):
            self._new_content(session, question, actor)
            if not editor and question.approved_version is not None and status != "draft":
                question.status = QuestionStatus.changed  # back to review; approved one drawn
        _approve_if_ready(question)
        changed = {"yccd_codes": question.yccd_codes} if codes_before != question.yccd_codes else {}
        audit.record(
            session, actor, "updated", f"question:{question.id}", version=question.version,
            **changed,
        )  # fmt: skip
        self.outbox.record(session, INDEX, str(question.id))
        return question

    def _new_content(self, session: Session, question: Question, actor: User | None) -> None:
        """Store edited content: in place while nobody used the version and it is not the
        approved one, else as a new version (the old one stays as it was shown or approved)."""
        used = session.scalar(
            select(func.count(QuestionUse.id)).where(
                QuestionUse.question_id == question.id, QuestionUse.version == question.version
            )
        )
        if used or question.approved_version == question.version:
            question.version += 1
            self._snapshot(session, question, actor)
        else:
            current = self.version(session, question.id, question.version)
            current.type, current.body = question.type, question.body

    def _wanted_status(self, actor: User | None, question: Question, wanted: QuestionStatus) -> str:
        """The status an edit asks for: ``changed`` is the bank's to set, not the form's; only
        editors approve or retire."""
        if wanted == QuestionStatus.changed:
            return question.status
        if wanted != question.status and wanted != QuestionStatus.draft:
            self._require_editor(
                actor, N_("Chỉ biên tập viên được đánh dấu câu hỏi sẵn sàng hoặc ngừng dùng")
            )
        return wanted.value

    def _check_exposure(self, actor: User | None, question: Question, wanted: Exposure) -> None:
        """Once approved, a question's key may be guarded more by its author, less only by an
        editor (an exam may be using it)."""
        looser = STRICTNESS[Exposure(wanted)] < STRICTNESS[Exposure(question.exposure)]
        if looser and question.approved_version is not None:
            self._require_editor(
                actor, N_("Chỉ biên tập viên được nới mức bảo mật của câu hỏi đã duyệt")
            )

    def set_status(
        self, session: Session, actor: User | None, question_id: int, status: QuestionStatus
    ) -> Question:
        self._require_editor(actor, N_("Chỉ biên tập viên được đổi trạng thái câu hỏi"))
        if status == QuestionStatus.changed:
            raise ValidationFailed(
                "Trạng thái “đã sửa” do việc sửa câu hỏi đặt ra, không chọn được",
                details={"field": "status"},
            )
        question = self.get(session, actor, question_id, system=actor is None)
        if status not in KEYLESS_STATUSES and lacks_key(question.type, question.body.get("answer")):
            raise ValidationFailed(
                "Câu hỏi chưa có đáp án: hãy chọn đáp án trước khi duyệt",
                details={"field": "answer"},
            )
        question.status = status.value
        _approve_if_ready(question)
        question.updated_at = utcnow()
        audit.record(session, actor, "status", f"question:{question.id}", status=status.value)
        self.outbox.record(session, INDEX, str(question.id))
        return question

    def mark_used(
        self, session: Session, question_id: int, version: int, kind: str, ref: str,
        label: str = "",
    ) -> QuestionUse:  # fmt: skip
        """Record that ``ref`` showed this version (quizzes and papers call this)."""
        use = QuestionUse(question_id=question_id, version=version, kind=kind, ref=ref, label=label)
        session.add(use)
        return use

    def store_image(self, session: Session, data: bytes, name: str) -> str:
        """Keep an image a question shows; return its URL. Only raster types pass (an SVG can
        carry script)."""
        if len(data) > MAX_IMAGE_BYTES:
            raise ValidationFailed(
                "Hình {name}: lớn hơn {value} MiB", name=name, value=MAX_IMAGE_BYTES // 2**20
            )
        mime = magic.from_buffer(data[:8192], mime=True)
        if mime not in IMAGE_EXTENSIONS:
            raise ValidationFailed(
                "Hình {name}: {mime} không phải loại hình được nhận ({join})",
                name=name,
                mime=mime,
                join=", ".join(sorted(IMAGE_EXTENSIONS)),
            )
        sha = hashlib.sha256(data).hexdigest()
        if session.get(QuestionImage, sha) is None:
            self.store.put(image_key(sha), io.BytesIO(data), content_type=mime)
            session.add(QuestionImage(sha256=sha, mime=mime, size=len(data)))
            session.flush()
        return f"{richtext.IMAGE_PREFIX}{sha}"

    def duplicate_index(self, session: Session) -> dedup.DuplicateIndex:
        def load(question_id: int) -> dedup.Signature | None:
            row = session.get(Question, question_id)
            return dedup.signature(row.type, row.body) if row is not None else None

        index = dedup.DuplicateIndex(load)
        for qid, fingerprint, sketch in session.execute(
            select(Question.id, Question.fingerprint, Question.sketch)
        ):
            index.add(qid, fingerprint, sketch or [])
        return index

    def delete(self, session: Session, actor: User | None, question_id: int) -> None:
        """Delete a question nobody has used: its author's (not yet in the shared bank) or, for
        an editor, any. Its versions and review request go with it; its images stay (shared
        by checksum)."""
        question = self.get(session, actor, question_id, system=actor is None)
        self._require_owner_or_editor(actor, question)
        used = session.scalar(
            select(func.count(QuestionUse.id)).where(QuestionUse.question_id == question.id)
        )
        if used:
            raise QuestionInUse(
                "Câu hỏi #{id} đã được dùng trong {used} đề hoặc bài kiểm tra nên không xoá "
                "được; hãy chuyển sang “Ngừng dùng”.",
                id=question.id,
                used=used,
                details={"question": question.id, "uses": used},
            )
        if (
            question.approved_version is not None
            and actor is not None
            and not is_in(actor, EDITORS)
        ):
            raise QuestionInUse(
                "Câu hỏi #{id} đã vào ngân hàng chung; chỉ biên tập viên xoá được.",
                id=question.id,
                details={"question": question.id},
            )
        audit.record(session, actor, "deleted", f"question:{question.id}", type=question.type)
        session.execute(delete(Question).where(Question.id == question.id))
        session.expunge(question)
        self.outbox.record(session, INDEX, str(question_id), op="delete")

    def find_duplicate(
        self, session: Session, actor: User | None, question: Question, own: int | None
    ) -> tuple[int, float] | None:
        """(id, similarity) of the closest question ``actor`` can see (not retired, not
        ``own``) that ``question``'s filled-in text nearly repeats (``dedup``), if any."""
        query = (
            visible(actor, system=actor is None)
            .with_only_columns(Question.id, Question.fingerprint, Question.sketch)
            .where(Question.status != QuestionStatus.retired)
        )
        if own is not None:
            query = query.where(Question.id != own)

        def load(question_id: int) -> dedup.Signature | None:
            row = session.get(Question, question_id)
            return dedup.signature(row.type, row.body) if row is not None else None

        index = dedup.DuplicateIndex(load)
        for qid, fingerprint, sketch in session.execute(query):
            index.add(qid, fingerprint, sketch or [])
        found = index.find(dedup.signature(question.type, question.body))
        return (int(found[0]), found[1]) if found else None

    def _refuse_duplicate(
        self, session: Session, actor: User | None, question: Question, own: int | None
    ) -> None:
        found = self.find_duplicate(session, actor, question, own)
        if found is None:
            return
        other, similarity = found
        same = (
            Term(N_("trùng")) if similarity >= 1
            else Message(N_("gần giống ({percent} %)"), {"percent": round(similarity * 100)})
        )  # fmt: skip
        raise DuplicateQuestion(
            "Câu hỏi này {same} câu #{other} đã có trong ngân hàng.",
            same=same,
            other=other,
            details={"question": other, "similarity": similarity, "url": f"/cau-hoi/{other}"},
        )

    # -- helpers -------------------------------------------------------------------------------
    def _snapshot(self, session: Session, question: Question, actor: User | None) -> None:
        session.add(
            QuestionVersion(
                question_id=question.id,
                version=question.version,
                type=question.type,
                body=question.body,
                edited_by=actor.id if actor else None,
            )
        )

    def _check_external_id(self, session: Session, external_id: str | None, own: int | None):
        if not external_id:
            return
        other = session.scalar(select(Question.id).where(Question.external_id == external_id))
        if other is not None and other != own:
            raise Conflict(
                "Mã ngoài “{external_id}” đã là của câu hỏi số {other}",
                external_id=external_id,
                other=other,
                details={"field": "external_id", "question": other},
            )

    @staticmethod
    def _require_author(actor: User | None) -> None:
        if actor is not None and actor.role not in AUTHORS:
            raise PermissionDenied("Chỉ giáo viên và biên tập viên được thêm câu hỏi")

    @staticmethod
    def _require_editor(actor: User | None, message: str, **params: Any) -> None:
        if actor is not None and not is_in(actor, EDITORS):
            raise PermissionDenied(Message(message, params))

    def _require_owner_or_editor(self, actor: User | None, question: Question) -> None:
        if actor is None or is_in(actor, EDITORS):
            return
        if question.owner_id != actor.id:
            raise PermissionDenied("Giáo viên chỉ sửa được những câu hỏi mình đã thêm")


def _approve_if_ready(question: Question) -> None:
    """A question an editor sets (or keeps) ready is approved as it now stands."""
    if question.status == QuestionStatus.ready:
        question.approved_version = question.version


def as_native(question: Question) -> dict[str, Any]:
    """A question in the native JSON Lines shape (what every exporter starts from)."""
    meta = {
        "title": question.title, "subject": question.subject, "grade": question.grade,
        "topic": question.topic, "level": question.level, "tags": question.tags,
        "yccd_codes": question.yccd_codes or [],
        "status": question.status, "exposure": question.exposure,
        "external_id": question.external_id, "source": question.source,
        "license": question.license, "author": question.author,
    }  # fmt: skip
    data = {"type": question.type, **question.body}
    data.update({k: v for k, v in meta.items() if v not in (None, "", [])})
    return data


def load_documents(session: Session, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Search documents for questions (the outbox loader of the ``questions`` index)."""
    wanted = [int(i) for i in ids]
    rows = session.scalars(select(Question).where(Question.id.in_(wanted)))
    uses = dict(
        session.execute(
            select(QuestionUse.question_id, func.count(QuestionUse.id))
            .where(QuestionUse.question_id.in_(wanted))
            .group_by(QuestionUse.question_id)
        ).all()
    )
    docs = {}
    for q in rows:
        body = q.body
        stem = richtext.to_text(body.get("stem", ""))
        docs[str(q.id)] = {
            "type": q.type, "title": q.title or shorten(stem, 120), "stem": stem,
            "options": [richtext.to_text(o) for o in body.get("options", [])],
            "statements": [richtext.to_text(s) for s in body.get("statements", [])],
            "explanation": richtext.to_text(body.get("explanation", "")),
            "subject": q.subject, "grade": q.grade, "topic": q.topic, "level": q.level,
            "tags": q.tags, "outcome": q.yccd_codes or [], "status": q.status,
            "exposure": q.exposure,
            "updated_at": q.updated_at.isoformat(), "kind": q.type, "owner": q.owner_id,
            "popularity": uses.get(q.id, 0),
        }  # fmt: skip
    return docs


def document_ids(session: Session) -> Iterator[str]:
    """Every question, for rebuilding the ``questions`` index."""
    for question_id in session.scalars(select(Question.id).order_by(Question.id)):
        yield str(question_id)
