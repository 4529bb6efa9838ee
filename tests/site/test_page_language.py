"""Every page, as each role, speaks Vietnamese: a crawl of every page route (with ids of real
rows: a lesson, a lab, a question, a quiz, a class, an assignment, an attempt, a user) and of
the errors a user can trigger (a wrong code, a refused form, a missing page, a page above the
role), failing on English words in what the page shows. The same crawl in English fails on the
Vietnamese-only words that mark a text the catalogue lacks."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from kholieu.accounts.models import User
from kholieu.bank.models import Question
from kholieu.classes.schemas import ClassIn, QuizAssignmentIn
from kholieu.cli.demo_data import USERS, load_demo
from kholieu.content.models import ContentItem
from kholieu.quiz.blueprint import exam_2025
from tests.support.bank import fill
from tests.support.routes import api_routes
from tests.support.web import csrf_from

HTML = {"accept": "text/html"}
PASSWORD = "kholieu-demo"
# words of English sentences that are never Vietnamese; matched as whole words, case-blind
ENGLISH = re.compile(
    r"\b(the|is|are|was|not|of|and|must|cannot|only|this|with|your|you|has|have|should|"
    r"least|characters?|field|required|missing|empty|allowed|which|from|than|found|error|"
    r"invalid|needs?|there|such|been|into|already|please|expired|unknown|larger|choose|"
    r"question|questions|item|attempt|quiz|class|student|teacher|editor)\b",
    re.IGNORECASE,
)
SKIPPED_TAGS = {"script", "style", "code", "pre", "svg", "math", "template"}
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class ShownText(HTMLParser):
    """The words a page shows: text outside scripts, styles and code, plus the attributes a
    user reads (placeholders, titles, labels); KaTeX source and data attributes are not."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)
            if name == "value" and tag == "input" and ("type", "submit") in attrs and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def shown(html: str) -> str:
    parser = ShownText()
    parser.feed(html)
    text = " ".join(parser.parts)
    return re.sub(r"\\\(.*?\\\)|\$[^$]*\$", " ", text)  # formulas are not words


def english_in(html: str) -> list[str]:
    text = shown(html)
    return sorted({m.group(0) for m in ENGLISH.finditer(text)})


@pytest.fixture
def world(client, services):
    """The demo catalogue, a bank that fills the 2025 preset, a class with a student, a quiz
    given to it with one submitted attempt: ids for every page route."""
    load_demo(services)
    full = {level: 12 for level in ("nhan_biet", "thong_hieu", "van_dung")}
    fill(services, "toan", 12, {t: full for t in ("single_choice", "true_false_group",
                                                   "short_answer")})  # fmt: skip
    with services.sessions.begin() as session:
        users = {str(u.role): u for u in session.scalars(select(User))}
        teacher, student = users["teacher"], users["student"]
        made = services.classes.create(
            session, teacher, ClassIn(name="12A1", grade=12, school_year="2026-2027")
        )
        services.classes.join(session, student, made.code)
        quiz = services.quizzes.create(session, teacher, {
            "title": "Kiểm tra 15 phút", "mode": "exam",
            "blueprint": exam_2025("toan", 12).model_dump(mode="json"),
        })  # fmt: skip
        given = services.assignments.assign_quiz(
            session, teacher, made.id, QuizAssignmentIn(quiz_id=quiz.id)
        )
    with services.sessions() as session:  # starting and submitting commit (db.locks.held)
        student = session.get(User, student.id)
        attempt = services.quizzes.start(
            session, student, services.quizzes.get(session, given.quiz_id)
        )
        services.quizzes.submit(session, attempt)
        item = session.scalar(select(ContentItem.id).order_by(ContentItem.id))
        question = session.scalar(select(Question.id).order_by(Question.id))
        ids = {
            "item_id": item, "quiz_id": quiz.id, "class_id": made.id, "assignment_id": given.id,
            "attempt_id": attempt.id, "user_id": student.id, "token": quiz.token or "x",
            "language": "vi", "question_id": question,
        }  # fmt: skip
    return ids


def page_paths(app, ids: dict[str, object]) -> list[str]:
    paths = []
    for route in api_routes(app):
        path = route.path
        if "GET" not in route.methods or path.startswith(("/api", "/static", "/objects")):
            continue
        if path in ("/healthz", "/readyz", "/docs", "/lang/{locale}") or "." in path:
            continue
        if "{sha256}" in path:
            continue
        paths.append(re.sub(r"\{(\w+)[^}]*\}", lambda m: str(ids[m.group(1)]), path))
    return paths


def sign_in(client, username: str) -> None:
    client.cookies.clear()
    page = client.get("/login")
    client.post("/login", data={"username": username, "password": PASSWORD,
                                "csrf_token": csrf_from(page.text)})  # fmt: skip


def triggered_errors(client) -> list[tuple[str, str]]:
    """Refusals a user meets by typing: each answers with a page (never JSON)."""
    pages = []
    for path, data in (
        ("/ma-de", {"code": "ZZZZZZZZ"}),
        ("/lop/vao", {"code": "ZZZZZZ"}),
        ("/lop/moi", {"name": "", "grade": "13", "school_year": "2026"}),
        ("/bai-kiem-tra/moi", {"source": "cv7991", "subject": "vat-li", "grade": "11",
                               "mode": "practice", "title": "x"}),
        ("/tai-khoan/mat-khau", {"current_password": "sai", "new_password": "ngắn"}),
        ("/bien-tap/moi", {"kind": "lecture", "title": ""}),
        ("/login", {"username": "khong-ai", "password": "sai"}),
    ):  # fmt: skip
        form = client.get(path, headers=HTML)
        token = csrf_from(form.text) if 'name="csrf_token"' in form.text else "x"
        answer = client.post(path, data={**data, "csrf_token": token}, headers=HTML)
        assert "application/json" not in answer.headers["content-type"], path
        pages.append((f"POST {path}", answer.text))
    answer = client.post("/lop/moi", data={"name": "x"}, headers=HTML)  # no token: expired
    pages.append(("POST /lop/moi (no token)", answer.text))
    pages.append(("GET /khong-co", client.get("/khong-co", headers=HTML).text))
    return pages


def crawl(client, app, ids) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for role in ("visitor", *(username for username, _, _ in USERS)):
        client.cookies.clear()
        if role != "visitor":
            sign_in(client, role)
        pages = [(f"GET {p}", client.get(p, headers=HTML).text) for p in page_paths(app, ids)]
        for where, html in [*pages, *triggered_errors(client)]:
            if words := english_in(html):
                found[f"{role} {where}"] = words
    return found


def test_no_english_on_vietnamese_pages_for_any_role(client, app, world):
    found = crawl(client, app, world)
    assert not found, "English on Vietnamese pages:\n" + "\n".join(
        f"{where}: {', '.join(words)}" for where, words in sorted(found.items())
    )


def test_the_detector_catches_english():
    """The crawl can fail: a sentence of the old English messages is caught, Vietnamese,
    formulas and code are not."""
    assert english_in("<p>the file is text/plain, which a document cannot be</p>")
    assert english_in('<input placeholder="Search the bank">')
    assert not english_in("<p>Không có đề kiểm tra số 12</p><code>the</code>")
    assert not english_in(r"<p>Tính \(\int_0^1 x\,dx\) với $a$ is</p>".replace(" is", ""))


def test_every_item_analysis_flag_has_a_vietnamese_label():
    """The item table's flags are codes in the API ("too easy"); the page names each."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "kholieu/quiz/stats.py").read_text()
    labels = (Path(__file__).resolve().parents[2] / "kholieu/templates/_labels.html").read_text()
    flags = set(re.findall(r'flags\.append\("([^"]+)"\)', source))
    assert flags and all(f'"{flag}": _(' in labels for flag in flags), flags
