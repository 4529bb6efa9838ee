"""A generated question bank for quiz tests: distinct ready questions (no two near
duplicates) of every type and level for one subject and grade."""

from __future__ import annotations

from kholieu.bank.schemas import QuestionIn

LEVELS = ("nhan_biet", "thong_hieu", "van_dung", "van_dung_cao")


def body(qtype: str, n: int) -> dict:
    """Question ``n`` of a type; its numbers make it unlike every other one."""
    a, b = n * 7 + 3, n * 13 + 5
    stem = f"Tính giá trị của biểu thức ${a} + {b}$ (câu {n})"
    match qtype:
        case "single_choice":
            return {"stem": stem, "options": [str(a + b), str(a - b), str(a * 2), str(b * 2)],
                    "answer": 0, "explanation": f"${a} + {b} = {a + b}$."}  # fmt: skip
        case "multiple_response":
            return {"stem": stem, "options": [str(a + b), f"{a + b}.0", str(a), str(b)],
                    "answer": [0, 1]}  # fmt: skip
        case "true_false_group":
            return {"stem": f"Cho $x = {a}$ và $y = {b}$ (câu {n}).",
                    "statements": [f"x + y = {a + b}", f"x - y = {a + b}", f"x > {a - 1}",
                                   f"y < {b - 1}"],
                    "answer": [True, False, True, False]}  # fmt: skip
        case "short_answer":
            return {"stem": stem, "answer": str((a + b) % 1000)}
    return {"stem": f"Trình bày cách tính {a} + {b} (câu {n})."}


def fill(services, subject: str, grade: int, counts: dict[str, dict[str, int]], *,
         topic: str = "", start: int = 0, exposure: str = "exam") -> list[int]:  # fmt: skip
    """``counts``: type -> level -> how many, at one exposure. Returns the new questions' ids."""
    ids, n = [], start
    with services.sessions.begin() as session:
        for qtype, levels in counts.items():
            for level, count in levels.items():
                for _ in range(count):
                    n += 1
                    data = QuestionIn.model_validate({
                        "type": qtype, **body(qtype, n), "subject": subject, "grade": grade,
                        "level": level, "topic": topic, "status": "ready",
                        "exposure": exposure,
                    })  # fmt: skip
                    ids.append(services.questions.create(session, None, data, audit_it=False).id)
    return ids
