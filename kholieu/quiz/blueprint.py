"""Blueprints (ma trận đề): what a test is made of, in the YAML/JSON format of docs/DESIGN.md, and
the presets teachers start from (the 2025 graduation exam per subject, the CV 7991 periodic
test). Errors name the field: ``sections.1.rows.0.counts.van_dung: must be ≥ 0``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kholieu.bank.models import QuestionType
from kholieu.bank.schemas import level_code
from kholieu.curriculum import SUBJECTS
from kholieu.errors import ValidationFailed, first_problem
from kholieu.i18n import Invalid
from kholieu.outcomes.codes import normalise_codes
from kholieu.search.analysis import fold

Text = Annotated[str, Field(min_length=1, max_length=300)]

# Limits: a real blueprint (the 2025 exam: 3 parts, 28 questions) is far inside them; what is
# outside costs the server without serving a teacher.
MAX_TEXT = 64 * 1024  # bytes of YAML or JSON
MAX_SECTIONS = 20
MAX_ROWS = 100  # per section
MAX_QUESTIONS = 300  # in the whole blueprint
MAX_ROW_OUTCOMES = 20  # outcome codes a row may target
# A count of questions of any level: a teacher's own Word test rarely marks levels.
ANY_LEVEL = "bat_ky"
ANY_NAMES = frozenset({"bat_ky", "bat ky", "bat ki", "*", "any"})


class Row(BaseModel):
    """One row of the matrix: which questions (a topic, tags, or the whole subject and grade)
    and how many of each level."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(default=None, max_length=300)
    tags: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=20)
    requirement: str | None = Field(default=None, max_length=2000)  # yêu cầu cần đạt
    # Outcome codes (the catalogue's): the row draws questions naming any of them.
    outcomes: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list, max_length=MAX_ROW_OUTCOMES
    )
    counts: dict[str, Annotated[int, Field(ge=0, le=200)]] = Field(max_length=10)

    @field_validator("outcomes", mode="after")
    @classmethod
    def _outcome_codes(cls, value: list[str]) -> list[str]:
        return normalise_codes(value)

    @field_validator("counts", mode="before")
    @classmethod
    def _levels(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {
            ANY_LEVEL if fold(str(k)).strip() in ANY_NAMES else level_code(str(k)) or str(k): v
            for k, v in value.items()
        }

    @property
    def label(self) -> str:
        if self.topic:
            return f"chủ đề “{self.topic}”"
        if self.tags:
            return "thẻ " + ", ".join(self.tags)
        return "cả môn"

    @property
    def specific(self) -> bool:
        """The row narrows the subject (a topic, tags or outcomes): it draws first."""
        return bool(self.topic or self.tags or self.outcomes)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text
    type: QuestionType
    points_each: float = Field(gt=0, le=10)
    shuffle_questions: bool = True
    shuffle_options: bool = True
    # Short answers: "2025" draws only keys the 2025 answer sheet holds (up to 4 of -, 0–9, ','),
    # "text" any text (quizzes taken on screen only).
    answer_sheet: Literal["2025", "text"] = "2025"
    rows: list[Row] = Field(min_length=1, max_length=MAX_ROWS)

    @property
    def count(self) -> int:
        return sum(sum(row.counts.values()) for row in self.rows)


class Blueprint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Text
    subject: str
    grade: int = Field(ge=1, le=12)
    duration_min: int = Field(gt=0, le=600)
    versions: int = Field(default=1, ge=1, le=99)
    codes: list[Annotated[str, Field(min_length=1, max_length=12)]] | None = None  # mã đề
    partial_multiple: bool = False  # multiple_response earns per option instead of all or none
    # Where questions come from: "all" the shared bank's approved ones and the quiz teacher's
    # own (drafts with a key too), "bank" or "mine" one of them; ``import_id`` only the
    # teacher's questions of that import (a Word file made a test in one step).
    source: Literal["all", "bank", "mine"] = "all"
    import_id: str | None = Field(default=None, max_length=32)
    sections: list[Section] = Field(min_length=1, max_length=MAX_SECTIONS)

    @field_validator("subject")
    @classmethod
    def _subject(cls, value: str) -> str:
        if value not in SUBJECTS:
            raise Invalid(
                "“{value}” không phải mã môn học (ví dụ toan, vat-li, ngu-van)", value=value
            )
        return value

    @model_validator(mode="after")
    def _codes(self) -> Blueprint:
        codes = self.codes
        if codes is not None and (len(codes) != self.versions or len(set(codes)) != len(codes)):
            raise Invalid(
                "Mã đề: hãy ghi {versions} mã khác nhau, mỗi mã đề một mã", versions=self.versions
            )
        total = sum(section.count for section in self.sections)
        if total > MAX_QUESTIONS:
            raise Invalid(
                "Các phần: {total} câu hỏi, nhiều hơn {max_questions} câu của một đề",
                total=total,
                max_questions=MAX_QUESTIONS,
            )
        return self

    @property
    def max_points(self) -> float:
        return round(sum(s.points_each * s.count for s in self.sections), 4)

    def version_codes(self, count: int | None = None) -> list[str]:
        """The codes given, or 101, 102, … as exam papers number them."""
        count = count or self.versions
        if self.codes and len(self.codes) == count:
            return list(self.codes)
        return [str(101 + i) for i in range(count)]


def parse(data: Any, where: str = "blueprint") -> Blueprint:
    """A blueprint from a dict; bad input raises ValidationFailed naming the field."""
    try:
        return Blueprint.model_validate(data)
    except ValidationError as exc:
        field, message = first_problem(exc)
        field = field or "blueprint"
        raise ValidationFailed(
            "{where}: {field}: {message_}",
            where=where,
            field=field,
            message_=message,
            details={"field": field, "errors": len(exc.errors())},
        ) from None


class _PlainLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a blueprint never needs them, and an alias repeated
    in an alias makes 8 KB of text a million rows."""

    def fetch_alias(self) -> None:
        raise yaml.MarkedYAMLError(
            problem="aliases (*name) are not allowed in a blueprint",
            problem_mark=self.get_mark(),
        )

    def fetch_anchor(self) -> None:
        raise yaml.MarkedYAMLError(
            problem="anchors (&name) are not allowed in a blueprint",
            problem_mark=self.get_mark(),
        )


def parse_text(
    text: str, where: str = "blueprint", defaults: dict[str, Any] | None = None
) -> Blueprint:
    """A blueprint from YAML or JSON text (JSON is YAML), within ``MAX_TEXT``; ``defaults``
    fill top-level fields the text leaves out (the form's title)."""
    if len(text.encode("utf-8")) > MAX_TEXT:
        raise ValidationFailed(
            "{where}: dài quá {value} KB",
            where=where,
            value=MAX_TEXT // 1024,
            details={"field": "blueprint"},
        )
    try:
        data = yaml.load(text, Loader=_PlainLoader)  # a SafeLoader, stricter
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValidationFailed(
            "{where}{line}: không phải YAML hay JSON hợp lệ: {problem}",
            where=where,
            line=line,
            problem=problem,
            details={"field": "blueprint"},
        ) from None
    if isinstance(data, dict) and defaults:
        data = {**defaults, **data}
    return parse(data, where)


def load(path: Path) -> Blueprint:
    """A blueprint from a YAML or JSON file."""
    return parse_text(path.read_text(encoding="utf-8"), str(path))


# -- presets ------------------------------------------------------------------------------

EXAM_2025 = {  # subject -> (choice, true/false, short answer) counts with their points, minutes
    "toan": ((12, 0.25), (4, 1.0), (6, 0.5), 90),
    "vat-li": ((18, 0.25), (4, 1.0), (6, 0.25), 50),
    "hoa-hoc": ((18, 0.25), (4, 1.0), (6, 0.25), 50),
    "sinh-hoc": ((18, 0.25), (4, 1.0), (6, 0.25), 50),
    "lich-su": ((24, 0.25), (4, 1.0), (0, 0), 50),
    "dia-li": ((24, 0.25), (4, 1.0), (0, 0), 50),
    "gdkt-pl": ((24, 0.25), (4, 1.0), (0, 0), 50),
    "cong-nghe": ((24, 0.25), (4, 1.0), (0, 0), 50),
    "tin-hoc": ((24, 0.25), (4, 1.0), (0, 0), 50),
    "tieng-anh": ((40, 0.25), (0, 0), (0, 0), 50),
    "ngoai-ngu": ((40, 0.25), (0, 0), (0, 0), 50),
}
PARTS = ("PHẦN I. Trắc nghiệm nhiều phương án lựa chọn", "PHẦN II. Trắc nghiệm đúng sai",
         "PHẦN III. Trắc nghiệm trả lời ngắn")  # fmt: skip


def _spread(count: int, shares: tuple[float, ...]) -> dict[str, int]:
    """``count`` questions over nhận biết / thông hiểu / vận dụng by ``shares`` (largest
    remainder, so the counts add up)."""
    levels = ("nhan_biet", "thong_hieu", "van_dung")
    raw = [count * s for s in shares]
    counts = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True):
        if sum(counts) == count:
            break
        counts[i] += 1
    return {level: n for level, n in zip(levels, counts, strict=True) if n}


def exam_2025(subject: str, grade: int = 12) -> Blueprint:
    """The 2025 graduation exam's structure for ``subject``: the parts, counts and points of
    the official format; levels spread about 40 / 30 / 30 as the exam's matrix does."""
    if subject not in EXAM_2025:
        raise ValidationFailed(
            "Môn học: không có mẫu đề thi 2025 cho “{subject}” (có: {join})",
            subject=subject,
            join=", ".join(EXAM_2025),
        )
    *parts, minutes = EXAM_2025[subject]
    types = ("single_choice", "true_false_group", "short_answer")
    sections = [
        {"title": title, "type": qtype, "points_each": points,
         "shuffle_options": qtype != "short_answer",
         "rows": [{"counts": _spread(count, (0.4, 0.3, 0.3))}]}
        for title, qtype, (count, points) in zip(PARTS, types, parts, strict=True) if count
    ]  # fmt: skip
    name = SUBJECTS[subject]
    return parse({"title": f"Đề thi tốt nghiệp THPT 2025 – {name}", "subject": subject,
                  "grade": grade, "duration_min": minutes, "sections": sections})  # fmt: skip


def periodic_7991(subject: str, grade: int) -> Blueprint:
    """A periodic test after Công văn 7991/BGDĐT-GDTrH: points by format 3 / 2 / 2 / 3
    (choice, true/false, short answer, essay) and by level 4 / 3 / 3 (biết, hiểu, vận dụng)."""
    sections = [
        {"title": "PHẦN I. Trắc nghiệm nhiều phương án lựa chọn", "type": "single_choice",
         "points_each": 0.25, "rows": [{"counts": {"nhan_biet": 8, "thong_hieu": 4}}]},
        {"title": "PHẦN II. Trắc nghiệm đúng sai", "type": "true_false_group", "points_each": 1,
         "rows": [{"counts": {"nhan_biet": 1, "thong_hieu": 1}}]},
        {"title": "PHẦN III. Trắc nghiệm trả lời ngắn", "type": "short_answer", "points_each": 0.5,
         "shuffle_options": False, "rows": [{"counts": {"nhan_biet": 2, "thong_hieu": 2}}]},
        {"title": "PHẦN IV. Tự luận", "type": "essay", "points_each": 1, "shuffle_options": False,
         "shuffle_questions": False, "rows": [{"counts": {"van_dung": 3}}]},
    ]  # fmt: skip
    title = f"Kiểm tra định kì – {SUBJECTS.get(subject, subject)} {grade}"
    return parse({"title": title, "subject": subject, "grade": grade, "duration_min": 45,
                  "sections": sections})  # fmt: skip


def outcome_codes(blueprint: Blueprint) -> list[str]:
    """Every outcome the blueprint's rows target, in the order they first appear."""
    codes = (code for s in blueprint.sections for row in s.rows for code in row.outcomes)
    return list(dict.fromkeys(codes))


def points_by_level(blueprint: Blueprint) -> dict[str, float]:
    """Points per level: what the CV 7991 matrix checks (4 / 3 / 3)."""
    totals: dict[str, float] = {}
    for section in blueprint.sections:
        for row in section.rows:
            for level, n in row.counts.items():
                totals[level] = round(totals.get(level, 0) + n * section.points_each, 4)
    return totals
