"""What a question may be: the native format (docs/DESIGN.md) checked field by field, per type.

Every importer produces these dictionaries, so the API, the JSONL file and a Word document are
held to the same rules and their errors name the same fields.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from kholieu.bank import outcome_tags, richtext
from kholieu.bank.models import Exposure, QuestionStatus, QuestionType
from kholieu.curriculum import LICENCES, grade_number, level_code, subject_code
from kholieu.errors import field_errors
from kholieu.i18n import Invalid
from kholieu.outcomes.codes import normalise_codes
from kholieu.pydantic_messages import field_label
from kholieu.web.text import problems

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
MAX_OPTIONS = 10
# The 2025 answer sheet: at most four characters from "-", digits and ",".
EXAM_2025_SHORT = re.compile(r"^[-0-9,]{1,4}$")
CONTENT_FIELDS = (
    "stem", "options", "statements", "answer", "explanation", "weights", "option_feedback",
    "accept", "tolerance", "pinned",
)  # fmt: skip
# The tag the bank keeps on a question waiting for its key (an imported one whose file gave
# none): the teacher finds them all in the bank's tag filter, and adding the key removes it.
NO_KEY_TAG = "chưa có đáp án"
# Only these may wait for a key: quizzes draw neither, and approving one needs the key.
KEYLESS_STATUSES = (QuestionStatus.draft, QuestionStatus.retired)


def number(text: str) -> float | None:
    """A short answer as a number: "-1,5" and "-1.5" are both -1.5; None when not a number."""
    candidate = text.strip().replace(" ", "")
    if candidate.count(",") == 1 and "." not in candidate:
        candidate = candidate.replace(",", ".")
    try:
        return float(candidate)
    except ValueError:
        return None


def equal_shares(answer: list[int], count: int) -> list[float]:
    """What a multiple_response without weights of its own means in Moodle, GIFT and QTI
    exports: the right options share 100 %, a wrong one costs 100 %."""
    share = round(100 / len(answer), 5)
    return [share if i in answer else -100.0 for i in range(count)]


def are_equal_shares(weights: list[float], answer: list[int]) -> bool:
    default = equal_shares(answer, len(weights))
    return all(abs(a - b) < 0.01 for a, b in zip(weights, default, strict=True))


class Accept(BaseModel):
    """Another accepted short answer: text, or a number with a tolerance; weight in percent."""

    model_config = ConfigDict(extra="forbid")

    value: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    tolerance: float | None = Field(default=None, ge=0)
    weight: float = Field(default=100, ge=-100, le=100)
    feedback: str = ""


class QuestionMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=300)
    subject: str | None = None
    grade: int | None = Field(default=None, ge=1, le=12)
    topic: str = Field(default="", max_length=300)
    level: str | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    # Learning outcomes by catalogue code (kholieu.outcomes); the bank checks them against the
    # catalogue, this model only their shape. A tag ``yccd:CODE`` lands here (outcome_tags).
    yccd_codes: list[str] = Field(default_factory=list, max_length=outcome_tags.MAX_CODES)
    status: QuestionStatus = QuestionStatus.draft
    # Who may see the key (README "Exposure levels"); the bank's default is exams only.
    exposure: Exposure = Exposure.exam
    external_id: str | None = Field(default=None, max_length=100)
    source: str = Field(default="", max_length=300)
    license: str = "CC-BY-4.0"
    author: str = Field(default="", max_length=200)

    @model_validator(mode="before")
    @classmethod
    def _tagged_codes(cls, data: Any) -> Any:
        """Tags written ``yccd:CODE`` (every format with tags carries outcomes so) become
        outcome codes, after any the question names directly."""
        if not isinstance(data, dict) or not isinstance(data.get("tags"), list):
            return data
        tags, codes = outcome_tags.split(data["tags"])
        if not codes:
            return data
        named = data.get("yccd_codes") or []
        if not isinstance(named, list):
            return data  # the field's own check names the problem
        return {**data, "tags": tags, "yccd_codes": [*named, *codes]}

    @field_validator("yccd_codes")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        """Codes as the catalogue writes them (upper case), each once."""
        return normalise_codes(value)

    @field_validator("subject", mode="before")
    @classmethod
    def _subject(cls, value: Any) -> str | None:
        """A code, or a name as teachers write it (``Sinh học``, ``sinh hoc``): curriculum."""
        return subject_code(value) if isinstance(value, str) else value

    @field_validator("grade", mode="before")
    @classmethod
    def _grade(cls, value: Any) -> Any:
        """``Lớp 10`` as well as ``10``; numbers are checked by the field itself."""
        return grade_number(value) if isinstance(value, str) else value

    @field_validator("level", mode="before")
    @classmethod
    def _level(cls, value: Any) -> str | None:
        return level_code(value)

    @field_validator("license")
    @classmethod
    def _license(cls, value: str) -> str:
        if value not in LICENCES:
            raise Invalid(
                "“{value}” không phải giấy phép được nhận ({join})",
                value=value,
                join=", ".join(LICENCES),
            )
        return value


MAX_STEM = 20_000
MAX_PART = 2_000


class QuestionIn(QuestionMeta):
    """A whole question: metadata plus content. Rich-text fields are sanitised on the way in."""

    type: QuestionType
    # Limits in characters of the stored HTML: a stem with a table and formulas is a few
    # thousand; an option or a statement a line or two.
    stem: str = Field(max_length=MAX_STEM)
    options: list[Annotated[str, Field(max_length=MAX_PART)]] | None = Field(
        default=None, max_length=MAX_OPTIONS
    )
    statements: list[Annotated[str, Field(max_length=MAX_PART)]] | None = Field(
        default=None, max_length=4
    )
    answer: Any = None
    explanation: str = Field(default="", max_length=MAX_STEM)
    weights: list[float] | None = Field(default=None, max_length=MAX_OPTIONS)
    option_feedback: list[Annotated[str, Field(max_length=MAX_PART)]] | None = Field(
        default=None, max_length=MAX_OPTIONS
    )
    accept: list[Accept] | None = Field(default=None, max_length=20)
    tolerance: float | None = Field(default=None, ge=0)
    pinned: list[int] = Field(default_factory=list, max_length=MAX_OPTIONS)

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        """Text no database here stores (NUL, lone surrogates) is refused by name: question
        files reach this model without passing the web's request check (web/text.py)."""
        for loc, why in problems(data, ()):
            raise Invalid("{join}: {why}", join=".".join(str(part) for part in loc), why=why)
        return data

    @field_validator("stem", "explanation")
    @classmethod
    def _rich(cls, value: str) -> str:
        return richtext.clean(value)

    @field_validator("options", "statements", "option_feedback")
    @classmethod
    def _rich_list(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else [richtext.clean(v or "") for v in value]

    @model_validator(mode="after")
    def _by_type(self) -> QuestionIn:
        if not richtext.to_text(self.stem) and "<img" not in self.stem:
            raise Invalid("Đề bài: câu hỏi chưa có nội dung")
        if self.keyless:
            self._waits_for_key()
            self._unused()
            return self
        check = {
            QuestionType.single_choice: self._single,
            QuestionType.multiple_response: self._multiple,
            QuestionType.true_false_group: self._statements,
            QuestionType.short_answer: self._short,
            QuestionType.essay: self._essay,
        }[self.type]
        check()
        self._unused()
        return self

    # -- per type ----------------------------------------------------------------------------
    def _choices(self) -> list[str]:
        options = self.options or []
        if len(options) < 2:
            raise Invalid(
                "Phương án: câu hỏi loại {value} cần ít nhất 2 phương án", value=self.type.value
            )
        for i, option in enumerate(options):
            if not richtext.to_text(option) and "<img" not in option:
                raise Invalid("Phương án {chr} để trống", i=i, chr=chr(65 + i))
        for name in ("weights", "option_feedback"):
            values = getattr(self, name)
            if values is not None and len(values) != len(options):
                raise Invalid(
                    "{name}: {len} giá trị cho {len2} phương án",
                    name=name,
                    len=len(values),
                    len2=len(options),
                )
        if any(not 0 <= p < len(options) for p in self.pinned):
            raise Invalid("Phương án cố định: có chỉ số không phải phương án")
        return options

    def _index(self, value: Any, count: int, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(
                "{where}: “{value}” không phải số thứ tự phương án", where=where, value=value
            )
        if not 0 <= value < count:
            raise Invalid(
                "{where}: không có phương án số {value} (0–{value2})",
                where=where,
                value=value,
                value2=count - 1,
            )
        return value

    def _single(self) -> None:
        options = self._choices()
        self._index(self.answer, len(options), "answer")

    def _multiple(self) -> None:
        options = self._choices()
        if not isinstance(self.answer, list) or not self.answer:
            raise Invalid("Đáp án: câu nhiều đáp án cần danh sách các phương án đúng")
        picked = [self._index(v, len(options), f"answer.{i}") for i, v in enumerate(self.answer)]
        if len(set(picked)) != len(picked):
            raise Invalid("Đáp án: một phương án được ghi hai lần")
        self.answer = sorted(picked)

    def _statement_texts(self) -> None:
        statements = self.statements or []
        if len(statements) != 4:
            raise Invalid("Các ý: cần đúng 4 ý a–d, không phải {len}", len=len(statements))
        for i, statement in enumerate(statements):
            if not richtext.to_text(statement):
                raise Invalid("Ý {value} để trống", i=i, value="abcd"[i])

    def _statements(self) -> None:
        self._statement_texts()
        answer = self.answer
        if (
            not isinstance(answer, list)
            or len(answer) != 4
            or not all(isinstance(v, bool) for v in answer)
        ):
            raise Invalid("Đáp án: bốn giá trị đúng/sai, mỗi ý một giá trị")

    def _short(self) -> None:
        if isinstance(self.answer, int | float) and not isinstance(self.answer, bool):
            self.answer = str(self.answer)
        if not isinstance(self.answer, str) or not self.answer.strip():
            raise Invalid("Đáp án: câu trả lời ngắn cần đáp án dạng văn bản")
        self.answer = self.answer.strip()
        if len(self.answer) > 200:
            raise Invalid("Đáp án: dài quá 200 kí tự")
        if self.tolerance is not None and number(self.answer) is None:
            raise Invalid("Sai số: chỉ đáp án là số mới có sai số")

    def _essay(self) -> None:
        if self.answer not in (None, ""):
            raise Invalid("Đáp án: câu tự luận được chấm tay, không có đáp án")
        self.answer = None

    def _waits_for_key(self) -> None:
        """A draft without its key: everything but the key is checked as usual."""
        if self.status not in KEYLESS_STATUSES:
            raise Invalid(
                "Đáp án: câu hỏi loại {value} cần có đáp án; chỉ bản nháp mới được lưu khi chưa có",
                value=self.status.value,
            )
        self.answer = None
        if self.type == QuestionType.true_false_group:
            self._statement_texts()
        elif self.type == QuestionType.short_answer:
            if self.tolerance is not None:
                raise Invalid("Sai số: câu hỏi chưa có đáp án thì không có sai số")
        else:
            self._choices()
            if self.weights is not None:
                raise Invalid("Trọng số: câu hỏi chưa có đáp án thì không có trọng số")

    def _unused(self) -> None:
        allowed = {
            QuestionType.single_choice: {"options", "weights", "option_feedback", "pinned"},
            QuestionType.multiple_response: {"options", "weights", "option_feedback", "pinned"},
            QuestionType.true_false_group: {"statements"},
            QuestionType.short_answer: {"accept", "tolerance"},
            QuestionType.essay: set(),
        }[self.type]
        for name in ("options", "statements", "weights", "option_feedback", "accept", "tolerance"):
            if getattr(self, name) is not None and name not in allowed:
                raise Invalid(
                    "{name}: câu hỏi loại {value} không dùng trường này",
                    name=name,
                    value=self.type.value,
                )

    # -- views -------------------------------------------------------------------------------
    @property
    def keyless(self) -> bool:
        """Whether the question waits for its key (an essay has none to wait for)."""
        return lacks_key(self.type, self.answer)

    def body(self) -> dict[str, Any]:
        """The content part, as stored in ``Question.body`` (unset extras left out)."""
        data = self.model_dump(include=set(CONTENT_FIELDS), exclude_none=True)
        if not data.get("pinned"):
            data.pop("pinned", None)
        if not data.get("explanation"):
            data.pop("explanation", None)
        if self.type == QuestionType.essay or self.keyless:
            data["answer"] = None  # stored as null: no key, or none yet
        return data

    def meta(self) -> dict[str, Any]:
        return self.model_dump(include=set(QuestionMeta.model_fields))

    @property
    def fits_2025(self) -> bool:
        """Whether a short answer can be written on the 2025 answer sheet."""
        return self.type != QuestionType.short_answer or fits_2025_sheet(self.answer)


def lacks_key(kind: str, answer: Any) -> bool:
    """Whether a question of this type has no key where it needs one."""
    if kind == QuestionType.essay:
        return False
    if isinstance(answer, str):
        return not answer.strip()
    return answer is None or answer == []


def fits_2025_sheet(answer: Any) -> bool:
    """Whether a short answer's key fits the 2025 answer sheet's four boxes."""
    return isinstance(answer, str) and bool(EXAM_2025_SHORT.match(answer))


def first_error(exc: ValidationError) -> str:
    """One line naming the field and what is wrong with it."""
    parts = []
    for where, message in field_errors(exc)[:3]:
        label = field_label(where)
        parts.append(f"{label}: {message}" if label else message)
    return "; ".join(parts)
