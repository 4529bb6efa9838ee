"""Teachers' quiz pages: their quizzes, a new quiz from a preset or a blueprint (YAML/JSON), and
one quiz's page: the code and link to share, the questions with their keys (version 101), and
the results with the score histogram and the item table."""

from __future__ import annotations

from typing import Annotated

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from kholieu.curriculum import SUBJECTS
from kholieu.errors import ValidationFailed
from kholieu.quiz import blueprint as blueprints
from kholieu.quiz.models import Quiz
from kholieu.quiz.pages import TeacherDep, safe
from kholieu.quiz.quiz_api import results_of
from kholieu.web.deps import ServicesDep, SessionDep
from kholieu.web.templating import render

router = APIRouter(prefix="/bai-kiem-tra", tags=["pages"], include_in_schema=False)
PRESETS = {"exam_2025": "Đề thi tốt nghiệp THPT 2025", "cv7991": "Kiểm tra định kì (CV 7991)"}


@router.get("")
def my_quizzes(request: Request, user: TeacherDep, session: SessionDep) -> Response:
    quizzes = session.scalars(
        select(Quiz).where(Quiz.owner_id == user.id).order_by(Quiz.id.desc()).limit(200)
    ).all()
    return render(request, "quiz/quizzes.html", {"quizzes": quizzes})


def _form(request: Request, error: str | None = None, values: dict | None = None, status=200):
    context = {"presets": PRESETS, "subjects": SUBJECTS, "exam_subjects": blueprints.EXAM_2025,
               "error": error, "values": values or {}}  # fmt: skip
    return render(request, "quiz/new_quiz.html", context, status_code=status)


@router.get("/moi")
def new_quiz(request: Request, user: TeacherDep) -> Response:
    return _form(request)


@router.post("/moi")
def create_quiz(
    request: Request,
    user: TeacherDep,
    services: ServicesDep,
    session: SessionDep,
    title: Annotated[str, Form(max_length=300)] = "",
    source: Annotated[str, Form()] = "exam_2025",
    subject: Annotated[str, Form()] = "toan",
    grade: Annotated[int, Form(ge=1, le=12)] = 12,
    blueprint: Annotated[str, Form(max_length=100_000)] = "",
    mode: Annotated[str, Form()] = "exam",
    minutes: Annotated[int | None, Form(ge=1, le=360)] = None,
) -> Response:
    values = {"title": title, "source": source, "subject": subject, "grade": grade,
              "blueprint": blueprint, "mode": mode, "minutes": minutes}  # fmt: skip
    try:
        if source == "exam_2025":
            plan = blueprints.exam_2025(subject, grade).model_dump(mode="json")
        elif source == "cv7991":
            plan = blueprints.periodic_7991(subject, grade).model_dump(mode="json")
        else:
            try:
                plan = yaml.safe_load(blueprint)
            except yaml.YAMLError as exc:
                raise ValidationFailed(f"blueprint: not valid YAML or JSON: {exc}") from None
        data = {"title": title, "blueprint": plan, "mode": mode}
        if minutes:
            data["time_limit_s"] = minutes * 60
        quiz = services.quizzes.create(session, user, data)
    except ValidationFailed as exc:
        session.rollback()
        return _form(request, exc.message, values, status=422)
    session.commit()
    return RedirectResponse(f"/bai-kiem-tra/{quiz.id}", status_code=303)


@router.get("/{quiz_id}")
def quiz_page(
    request: Request, quiz_id: int, user: TeacherDep, services: ServicesDep, session: SessionDep
) -> Response:
    quiz = services.quizzes.get(session, quiz_id)
    services.quizzes.require_owner(quiz, user)
    preview = []
    if quiz.versions:
        items = quiz.versions[0]["items"]
        bodies = services.quizzes.bodies(session, items)
        for item in items:
            body = bodies[item["id"]]
            order = item["order"] or range(len(body.get("options") or []))
            options = [body["options"][i] for i in order] if body.get("options") else []
            preview.append({"item": item, "stem": body.get("stem", ""), "options": options,
                            "statements": body.get("statements") or []})  # fmt: skip
    data = results_of(services, session, quiz)
    session.commit()
    peak = max(data["stats"]["histogram"] or [0]) or 1
    link = str(request.base_url).rstrip("/") + f"/lam-bai/{quiz.id}"
    return render(request, "quiz/quiz_page.html", {
        "quiz": quiz, "preview": preview, "results": data, "peak": peak, "link": link,
        "rich": safe, "subjects": SUBJECTS,
    })  # fmt: skip
