"""The gradebook (sổ điểm) of a class: students × assignments with each one's status and score
on the 10-point scale; its export for the school's records; a student's attempt as the
teacher opens it; and the essays waiting for a mark, per assignment.

Only the class's teachers (co-teachers too) and admins see any of it (``ClassService.managed``
and ``AssignmentService.managed``): 404 to outsiders, 403 to the class's students.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.accounts.models import User
from kholieu.bank.models import Question
from kholieu.classes import heatmap
from kholieu.classes.assignments import AssignmentService
from kholieu.classes.models import Assignment
from kholieu.errors import NotFound, PermissionDenied
from kholieu.files import spreadsheets
from kholieu.outcomes import catalogue
from kholieu.quiz.models import Attempt
from kholieu.web.templating import comma

STATUS_WORDS = {  # the export is the school's record: Vietnamese
    "not_started": "Chưa làm", "in_progress": "Đang làm", "needs_marking": "Chờ chấm",
    "submitted": "Đã nộp", "opened": "Đã mở", "done": "Đã học xong",
}  # fmt: skip
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ESSAYS = 2_000  # a page of a queue: 200 students × 10 essays


class Gradebook:
    def __init__(self, assignments: AssignmentService) -> None:
        self.assignments = assignments
        self.classes = assignments.classes
        self.quizzes = assignments.quizzes

    def table(self, session: Session, teacher: User, class_id: int) -> dict[str, Any]:
        made = self.classes.managed(session, teacher, class_id, archived_ok=True)
        given = list(session.scalars(
            select(Assignment).where(Assignment.class_id == made.id).order_by(Assignment.id)
        ))  # fmt: skip
        students = self.classes.students(session, made.id)
        states = self.assignments.states(session, given, [u.id for u, _ in students])
        rows = [
            {"user_id": u.id, "name": u.display_name or u.username, "username": u.username,
             "student_number": m.student_number or "",
             "cells": [states[(a.id, u.id)] for a in given]}
            for u, m in students
        ]  # fmt: skip
        return {
            "class": {"id": made.id, "name": made.name, "school_year": made.school_year},
            "assignments": [self.assignments.view(a) for a in given],
            "rows": rows,
        }

    def export(self, table: dict[str, Any], fmt: str) -> tuple[bytes, str]:
        """The table as CSV (UTF-8 with a BOM, for Excel) or XLSX: STT, name, student number,
        then per assignment the score with a decimal comma, or its status. Text cells are
        safe (``files.spreadsheets``): a name starting with "=" is not run as a formula."""
        header = ["STT", "Họ và tên", "Mã học sinh", "Tên đăng nhập"]
        header += [a["title"] for a in table["assignments"]]
        body = []
        for number, row in enumerate(table["rows"], start=1):
            cells = [number, row["name"], row["student_number"], row["username"]]
            for cell in row["cells"]:
                score = cell.get("score_10")
                if score is not None:
                    cells.append(score if fmt == "xlsx" else comma(score))
                else:
                    cells.append(STATUS_WORDS.get(cell["status"], cell["status"]))
            body.append(cells)
        if fmt == "csv":
            out = io.StringIO()
            writer = csv.writer(out)
            for row in [header, *body]:
                writer.writerow([spreadsheets.csv_cell(v) for v in row])
            return ("\ufeff" + out.getvalue()).encode(), "text/csv; charset=utf-8"
        from openpyxl import Workbook  # costs a quarter second to import: only here

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Sổ điểm")
        for row in [header, *body]:
            spreadsheets.append_xlsx(sheet, row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), XLSX

    # -- learning outcomes -------------------------------------------------------------------

    def outcome_heatmap(self, session: Session, teacher: User, class_id: int) -> dict[str, Any]:
        """Students × outcomes: each cell the facility (points earned / possible) of the
        student's graded items assessing the outcome, over every submitted attempt of the
        class's assigned quizzes (``classes.heatmap``); a row for the whole class. Only the
        class's teachers and admins: 404 to anyone else, its students included (what a test
        assesses is not theirs to learn here)."""
        try:
            made = self.classes.managed(session, teacher, class_id, archived_ok=True)
        except PermissionDenied:
            raise NotFound("Không có lớp số {class_id}", class_id=class_id) from None
        quiz_ids = list(session.scalars(
            select(Assignment.quiz_id).where(Assignment.class_id == made.id,
                                             Assignment.quiz_id.is_not(None))
            .order_by(Assignment.id)
        ))  # fmt: skip
        quizzes = [self.quizzes.get(session, qid) for qid in quiz_ids]
        attempts = [a for quiz in quizzes for a in self.quizzes.submitted(session, quiz)]
        students = self.classes.students(session, made.id)
        in_class = {u.id for u, _ in students}
        ids = {i["id"] for a in attempts for i in a.items}
        codes_of: dict[int, list[str]] = {}
        if ids:
            rows = session.execute(
                select(Question.id, Question.yccd_codes).where(Question.id.in_(list(ids)))
            )
            codes_of = {qid: list(codes or []) for qid, codes in rows}
        cells, totals, pending = heatmap.tally(attempts, codes_of, in_class)
        known = catalogue.by_code(session, totals)

        def place(code: str) -> tuple:  # the catalogue's order; codes it lacks last
            row = known.get(code)
            return (False, row.subject, row.grade, row.position, code) if row else \
                (True, "", 0, 0, code)  # fmt: skip

        order = sorted(totals, key=place)
        outcomes = [{"code": c, "text": known[c].text if c in known else "",
                     "strand": known[c].strand if c in known else ""} for c in order]  # fmt: skip
        return {
            "class": {"id": made.id, "name": made.name, "school_year": made.school_year},
            "outcomes": outcomes,
            "rows": [
                {"user_id": u.id, "name": u.display_name or u.username,
                 "student_number": m.student_number or "",
                 "cells": [cells.get((u.id, c), heatmap.Cell()).view() for c in order]}
                for u, m in students
            ],
            "total": [totals[c].view() for c in order],
            "attempts": sum(1 for a in attempts if a.user_id in in_class),
            "pending": pending, "min_items": heatmap.MIN_ITEMS,
        }  # fmt: skip

    # -- a student's work, as the teacher sees it --------------------------------------------

    def attempt(self, session: Session, teacher: User, attempt_id: int) -> dict[str, Any]:
        """Every question of the attempt with the student's answer, the key, what it
        scored and the teacher's comment: whatever the review policy shows the student."""
        found = session.get(Attempt, attempt_id)
        if found is None:
            raise NotFound("Không có lượt làm số {attempt_id}", attempt_id=attempt_id)
        quiz = self.quizzes.get(session, found.quiz_id)
        if not self.quizzes.is_owner(session, quiz, teacher):
            raise NotFound(
                "Không có lượt làm số {attempt_id}", attempt_id=attempt_id
            )  # another class's looks like none
        self.quizzes.finish_if_due(session, found, quiz)
        student = session.get(User, found.user_id)
        bodies = self.quizzes.bodies(session, found.items)
        questions = self.quizzes.questions(session, found)
        results = found.results or [None] * len(found.items)
        items = []
        for item, shown, result in zip(found.items, questions, results, strict=True):
            body = bodies[item["id"]]
            items.append(shown | {
                "answer": found.answers.get(str(item["id"])), "key": item["key"],
                "explanation": body.get("explanation", ""), "result": result,
            })  # fmt: skip
        return {
            "id": found.id, "quiz_id": quiz.id, "title": quiz.title, "number": found.number,
            "student": (student.display_name or student.username) if student else "",
            "user_id": found.user_id, "code": found.version_code, "source": found.source,
            "submitted": found.submitted_at is not None, "score": found.score,
            "max_score": found.max_score,
            "score_10": self.quizzes.result(session, found, quiz)["score_10"]
            if found.submitted_at is not None else None,
            "items": items,
        }  # fmt: skip

    def essays(
        self, session: Session, teacher: User, assignment_id: int, *, marked: bool = False
    ) -> dict[str, Any]:
        """The essays of the assignment's handed-in attempts waiting for a mark (``marked``:
        those already marked), each with the question, the model answer or rubric, the
        student's answer and the points it is out of."""
        assignment, made = self.assignments.managed(session, teacher, assignment_id)
        if assignment.quiz_id is None:
            return {"assignment": self.assignments.view(assignment), "essays": []}
        quiz = self.quizzes.get(session, assignment.quiz_id)
        names = {u.id: u.display_name or u.username
                 for u, _ in self.classes.students(session, made.id)}  # fmt: skip
        out = []
        for attempt in self.quizzes.submitted(session, quiz):
            bodies = self.quizzes.bodies(session, attempt.items)
            for item, result in zip(attempt.items, attempt.results or [], strict=True):
                if item["type"] != "essay" or result["pending"] == marked:
                    continue
                body = bodies[item["id"]]
                out.append({
                    "attempt_id": attempt.id, "question_id": item["id"],
                    "student": names.get(attempt.user_id, ""), "user_id": attempt.user_id,
                    "stem": body.get("stem", ""), "model_answer": body.get("explanation", ""),
                    "answer": attempt.answers.get(str(item["id"])) or "",
                    "points": item["points"], "earned": None if result["pending"]
                    else result["earned"], "comment": result.get("comment", ""),
                })  # fmt: skip
                if len(out) >= MAX_ESSAYS:
                    break
        return {"assignment": self.assignments.view(assignment), "essays": out}
