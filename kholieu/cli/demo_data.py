"""Loads the demo catalogue; running it again changes nothing (items are keyed by external_id,
accounts by username)."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from kholieu.accounts.models import User
from kholieu.bank.formats import Parsed
from kholieu.bank.models import Question
from kholieu.content.models import ContentItem
from kholieu.content.schemas import ContentIn
from kholieu.demo.exam_bank import exam_questions
from kholieu.demo.files import pendulum_lab_zip, quadratic_pdf
from kholieu.demo.questions import questions
from kholieu.demo.scorm import scorm_12_zip
from kholieu.demo.video import CAPTIONS_EN, CAPTIONS_VI, make_test_video
from kholieu.services import Services
from kholieu.video import media

PASSWORD = "kholieu-demo"
DEMO_QUESTIONS = 300
USERS = [
    ("giaovien", "teacher", "Cô Nguyễn Thị Lan"),
    ("hocsinh", "student", "Trần Văn Minh"),
    ("bientap", "editor", "Biên tập viên Lê Hoa"),
    ("quantri", "admin", "Quản trị viên"),
]

ARTICLE = """<p>Phương trình bậc hai một ẩn có dạng \\(ax^2 + bx + c = 0\\) với \\(a \\ne 0\\).</p>
<p>Biệt thức \\(\\Delta = b^2 - 4ac\\). Nếu \\(\\Delta > 0\\), phương trình có hai nghiệm phân biệt
\\[x_{1,2} = \\frac{-b \\pm \\sqrt{\\Delta}}{2a}.\\]</p>"""


@dataclass(frozen=True)
class DemoItem:
    external_id: str
    fields: dict
    file: tuple[str, Callable[[], bytes]] | None = None


ITEMS = [
    DemoItem("demo-bai-giang-pt-bac-hai", {
        "kind": "lecture", "title": "Phương trình bậc hai một ẩn", "subject": "toan", "grade": 9,
        "textbook_series": "ket-noi-tri-thuc", "chapter": "Chương VI", "body": ARTICLE,
        "summary": "Bài giảng: biệt thức và công thức nghiệm.", "tags": ["phuong-trinh"],
    }),
    DemoItem("demo-phieu-bai-tap-pt-bac-hai", {
        "kind": "document", "title": "Phiếu bài tập: Phương trình bậc hai", "subject": "toan",
        "grade": 9, "textbook_series": "ket-noi-tri-thuc", "chapter": "Chương VI",
    }, ("phieu-bai-tap.pdf", quadratic_pdf)),
    DemoItem("demo-thi-nghiem-con-lac-don", {
        "kind": "lab", "title": "Thí nghiệm ảo: Con lắc đơn", "subject": "vat-li", "grade": 11,
        "textbook_series": "canh-dieu", "chapter": "Dao động",
        "summary": "Thay đổi chiều dài dây và quan sát chu kì dao động.",
    }, ("con-lac-don.zip", pendulum_lab_zip)),
    DemoItem("demo-scorm-phan-so", {
        "kind": "lecture", "title": "Ôn tập phân số (SCORM)", "subject": "toan", "grade": 6,
        "textbook_series": "canh-dieu", "chapter": "Phân số",
    }, ("on-tap-phan-so.zip", scorm_12_zip)),
]  # fmt: skip


def load_demo(services: Services) -> list[str]:
    """Create what is missing; return a line for each thing created."""
    created = []
    with services.sessions.begin() as session:
        for username, role, name in USERS:
            if session.scalar(select(User.id).where(User.username == username)) is None:
                services.accounts.create_user(session, username, PASSWORD, role, name)
                created.append(f"account {username} ({role})")
    with services.sessions.begin() as session:  # the YCCĐ catalogue (kholieu outcomes seed)
        if seeded := services.outcomes.seed(session).created:
            created.append(f"{len(seeded)} learning outcomes (YCCĐ)")
    for demo in ITEMS:
        with services.sessions.begin() as session:
            exists = session.scalar(
                select(ContentItem.id).where(ContentItem.external_id == demo.external_id)
            )
            if exists is not None:
                continue
            data = ContentIn(
                **demo.fields,
                external_id=demo.external_id,
                license="CC-BY-4.0",
                authors=["Kho Học Liệu"],
            )
            item = services.content.create(session, None, data)
            if demo.file is not None:
                name, build = demo.file
                services.content.attach(session, None, item.id, io.BytesIO(build()), name)
            services.content.transition(session, None, item.id, "submit")
            services.content.transition(session, None, item.id, "approve")
            created.append(f"{demo.fields['kind']} {demo.fields['title']}")
    if (count := load_demo_questions(services)) > 0:
        created.append(f"{count} questions in the bank")
    return created


def load_demo_questions(services: Services, count: int = DEMO_QUESTIONS) -> int:
    """The demo bank, ready for teachers: ``count`` questions of every type over many subjects,
    and the exam bank (``kholieu.demo.exam_bank``) from which both presets draw for Toán 12,
    Vật lí 12 and Toán 9. Questions already there (by external_id) are kept. Every other
    question is ``open``, so that practice quizzes can be tried too."""
    with services.sessions() as session:
        present = set(
            session.scalars(select(Question.external_id).where(Question.external_id.like("demo-%")))
        )
    mixture = [Parsed("kholieu-demo", n, data=_ready(q, n)) for n, q in
               enumerate(questions(count), start=1) if q["external_id"] not in present]  # fmt: skip
    exam = [Parsed("kholieu-demo-de", n, data=_ready(q, n)) for n, q in
            enumerate(exam_questions(), start=1) if q["external_id"] not in present]  # fmt: skip
    imported = services.importer.run_records(mixture, on_duplicate="keep").imported
    # "skip": a near duplicate of a question the bank holds is never drawn beside it, so the
    # presets must not count on one (the exam bank holds none; a test checks).
    return imported + services.importer.run_records(exam, on_duplicate="skip").imported


def _ready(question: dict, number: int) -> dict:
    return {**question, "status": "ready", "exposure": "open" if number % 2 else "exam"}


VIDEO = DemoItem("demo-video-on-tap-phan-so", {
    "kind": "video", "title": "Truyền hình: Ôn tập phân số", "subject": "toan", "grade": 6,
    "textbook_series": "ket-noi-tri-thuc", "chapter": "Phân số",
    "summary": "Bài giảng truyền hình ngắn (video mẫu tạo bằng ffmpeg), có phụ đề.",
})  # fmt: skip


def load_demo_video(services: Services) -> tuple[str, str | None] | None:
    """A short generated TV lesson with Vietnamese and English captions; returns what was
    created and the transcoding job to wait for, or None when it is already there."""
    settings = services.settings
    with services.sessions.begin() as session:
        exists = session.scalar(
            select(ContentItem.id).where(ContentItem.external_id == VIDEO.external_id)
        )
        if exists is not None:
            return None
        media.tools_status(settings.ffmpeg_path, settings.ffprobe_path)  # say so if missing
        tmp = settings.data_dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=tmp) as work:
            source = make_test_video(Path(work) / "on-tap-phan-so.mp4",
                                     ffmpeg_path=settings.ffmpeg_path)  # fmt: skip
            data = ContentIn(**VIDEO.fields, external_id=VIDEO.external_id,
                             license="CC-BY-4.0", authors=["Kho Học Liệu"])  # fmt: skip
            item = services.content.create(session, None, data)
            with source.open("rb") as stream:
                file = services.content.attach(session, None, item.id, stream, source.name)
        for language, text, name in (("vi", CAPTIONS_VI, "vi.vtt"), ("en", CAPTIONS_EN, "en.srt")):
            services.content.set_captions(session, None, item.id, language, text.encode(), name)
        services.content.transition(session, None, item.id, "submit")
        services.content.transition(session, None, item.id, "approve")
        return f"video {VIDEO.fields['title']}", file.job_id
