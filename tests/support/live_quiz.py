"""Quizzes on a live server (tests/e2e): the JSON API with a token, a small bank imported
through `kholieu questions import`, an exam and a practice quiz made by the teacher co.hoa."""

from __future__ import annotations

import json
import urllib.request

from tests.support.bank import body
from tests.support.web import E2E_PASSWORD

BLUEPRINT = {
    "title": "Kiểm tra 10 phút", "subject": "toan", "grade": 10, "duration_min": 10,
    "sections": [
        {"title": "PHẦN I", "type": "single_choice", "points_each": 1, "shuffle_options": False,
         "rows": [{"counts": {"nhan_biet": 2}}]},
        {"title": "PHẦN II", "type": "true_false_group", "points_each": 1,
         "rows": [{"counts": {"thong_hieu": 1}}]},
        {"title": "PHẦN III", "type": "short_answer", "points_each": 1,
         "rows": [{"counts": {"van_dung": 1}}]},
    ],
}  # fmt: skip

# Practice: three single choices of grade 11 (their own bank, open to practice), options in
# the order written, so the key of each is A.
PRACTICE = {
    "title": "Luyện tập cộng số", "subject": "toan", "grade": 11, "duration_min": 10,
    "sections": [
        {"title": "PHẦN I", "type": "single_choice", "points_each": 1, "shuffle_options": False,
         "rows": [{"counts": {"nhan_biet": 3}}]},
    ],
}  # fmt: skip


def api(base: str, path: str, data: dict | None, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    payload = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(base + path, payload, headers)
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def token(base: str, username: str) -> str:
    form = f"username={username}&password={E2E_PASSWORD}".encode()
    with urllib.request.urlopen(base + "/api/v1/auth/token", form) as response:
        return json.loads(response.read())["access_token"]


def _import(live_server, tmp_path, lines: list[dict], name: str) -> None:
    bank = tmp_path / name
    bank.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in lines))
    live_server.kholieu("questions", "import", str(bank), "--status", "ready")


def _student(live_server, username: str) -> None:
    live_server.kholieu("users", "create", username, "--role", "student", "--password-stdin",
                        stdin=E2E_PASSWORD + "\n")  # fmt: skip


def exam_for(live_server, tmp_path, student: str) -> tuple[dict, str]:
    """The small bank (imported once; a second import skips its duplicates), a student and an
    exam of BLUEPRINT: (the quiz as its teacher gets it, the teacher's API token)."""
    lines = []
    for n, (qtype, level) in enumerate(
        [("single_choice", "nhan_biet")] * 2 + [("true_false_group", "thong_hieu"),
                                                ("short_answer", "van_dung")], start=500
    ):  # fmt: skip
        lines.append({"type": qtype, **body(qtype, n), "subject": "toan", "grade": 10,
                      "level": level, "explanation": f"Lời giải câu {n}: $x = {n}$."})  # fmt: skip
    _import(live_server, tmp_path, lines, "bank.jsonl")
    _student(live_server, student)
    teacher = token(live_server.base, "co.hoa")
    quiz = api(live_server.base, "/api/v1/quizzes",
               {"title": "Kiểm tra 10 phút", "blueprint": BLUEPRINT, "mode": "exam"},
               teacher)  # fmt: skip
    return quiz, teacher


def practice_for(live_server, tmp_path, student: str, **settings) -> dict:
    """Three open single choices (imported once), a student and a practice quiz of PRACTICE
    with ``settings`` (e.g. ``practice_checks``), as its teacher gets it."""
    lines = [{"type": "single_choice", **body("single_choice", n), "subject": "toan",
              "grade": 11, "level": "nhan_biet", "exposure": "open",
              "explanation": f"Lời giải câu {n}: cộng hai số, $x = {n}$."}
             for n in range(700, 703)]  # fmt: skip
    _import(live_server, tmp_path, lines, "practice.jsonl")
    _student(live_server, student)
    teacher = token(live_server.base, "co.hoa")
    data = {"title": "Luyện tập cộng số", "blueprint": PRACTICE, "mode": "practice", **settings}
    return api(live_server.base, "/api/v1/quizzes", data, teacher)


def long_exam_for(live_server, tmp_path, student: str) -> dict:
    """An exam of three single choices of grade 12 whose stems are long (a reading passage),
    so that a question is taller than a phone's screen, and a student."""
    lines = []
    for n in range(810, 813):
        question = body("single_choice", n)
        passage = " ".join(f"({k}) {question['stem']}." for k in range(1, 31))
        lines.append({**question, "type": "single_choice", "stem": passage, "subject": "toan",
                      "grade": 12, "level": "nhan_biet"})  # fmt: skip
    _import(live_server, tmp_path, lines, "long.jsonl")
    _student(live_server, student)
    teacher = token(live_server.base, "co.hoa")
    plan = {**PRACTICE, "title": "Đọc hiểu", "grade": 12}
    data = {"title": "Đọc hiểu", "blueprint": plan, "mode": "exam"}
    return api(live_server.base, "/api/v1/quizzes", data, teacher)
