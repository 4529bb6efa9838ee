"""Typed JSON columns (``kholieu.db.types.Stored``): the envelope written, old rows read, values
of the wrong shape refused naming the column and the field, newer formats refused, None as
NULL; and the stored models kept in step with the code that writes them."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import JSON, MetaData, column, table, text, update
from sqlalchemy.exc import StatementError

from kholieu.content.models import ContentFile, ContentItem
from kholieu.content.packages.checks import PackageInfo
from kholieu.content.service import _package_summary
from kholieu.content.stored import PackageSummary
from kholieu.errors import StoredDataInvalid
from kholieu.quiz import blueprint as bp
from kholieu.quiz.models import Attempt, Quiz
from kholieu.quiz.stored import StoredBlueprint, StoredRow, StoredSection
from kholieu.video import ladder
from kholieu.video.media import MediaInfo
from kholieu.video.stored import HlsSummary, MediaSummary
from kholieu.video.transcode import _summary

ITEM = {"id": 7, "version": 1, "type": "single_choice", "points": 0.25, "order": [2, 0, 1, 3],
        "key": 1}  # fmt: skip
VERSIONS = [{"code": "101", "items": [ITEM]}]
INFO = MediaInfo(duration=10.0, width=1280, height=720, fps=25.0, video_codec="h264",
                 audio_codec="aac", bit_rate=900_000)  # fmt: skip


def raw(services, sql: str, **params: Any) -> Any:
    """One value read with plain SQL, JSON decoded (SQLite gives text, PostgreSQL a value)."""
    with services.engine.connect() as conn:
        value = conn.execute(text(sql), params).scalar_one()
    return json.loads(value) if isinstance(value, str) else value


def write_plain(services, name: str, key: str, value: Any, row_id: int) -> None:
    """Write ``value`` as plain JSON, as the code did before the envelope existed."""
    plain = table(name, column("id"), column(key, JSON()))
    with services.engine.begin() as conn:
        conn.execute(update(plain).where(plain.c.id == row_id).values({key: value}))


@pytest.fixture
def quiz_id(services) -> int:
    plan = bp.periodic_7991("toan", 10).model_dump(mode="json")
    with services.sessions.begin() as session:
        quiz = Quiz(title="T", mode="exam", blueprint=plan, seed=1, code="ABC234",
                    versions=VERSIONS)  # fmt: skip
        session.add(quiz)
        session.flush()
        return quiz.id


@pytest.fixture
def file_id(services) -> int:
    with services.sessions.begin() as session:
        item = ContentItem(kind="video", title="V", subject="toan", grade=10, license="CC-BY-4.0")
        session.add(item)
        session.flush()
        file = ContentFile(item_id=item.id, sha256="0" * 64, size=1, mime="video/mp4",
                           filename="v.mp4", media=INFO.as_json(), hls=None)  # fmt: skip
        session.add(file)
        session.flush()
        return file.id


def test_values_are_stored_in_an_envelope_with_the_format_version(services, quiz_id, file_id):
    stored = raw(services, "SELECT versions FROM quizzes WHERE id = :id", id=quiz_id)
    assert stored == {"v": 1, "data": VERSIONS}
    assert raw(services, "SELECT blueprint FROM quizzes WHERE id = :id", id=quiz_id)["v"] == 1
    assert raw(services, "SELECT media FROM content_files WHERE id = :id", id=file_id) == {
        "v": 1, "data": INFO.as_json()}  # fmt: skip
    with services.sessions() as session:  # and read back as the plain values the code indexes
        assert session.get(Quiz, quiz_id).versions == VERSIONS
        assert session.get(ContentFile, file_id).media["has_audio"] is True


def test_rows_written_before_the_envelope_still_read(services, quiz_id, file_id):
    write_plain(services, "quizzes", "versions", VERSIONS, quiz_id)
    write_plain(services, "content_files", "media", INFO.as_json(), file_id)
    assert raw(services, "SELECT versions FROM quizzes WHERE id = :id", id=quiz_id) == VERSIONS
    with services.sessions() as session:
        assert session.get(Quiz, quiz_id).versions == VERSIONS
        assert session.get(ContentFile, file_id).media == INFO.as_json()


def test_an_old_blueprint_without_the_newer_fields_reads_with_their_defaults(services, quiz_id):
    plan = bp.periodic_7991("toan", 10).model_dump(mode="json")
    old = {k: v for k, v in plan.items() if k not in ("codes", "partial_multiple")}
    write_plain(services, "quizzes", "blueprint", old, quiz_id)
    with services.sessions() as session:
        assert session.get(Quiz, quiz_id).blueprint == plan


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ([{**VERSIONS[0], "items": [{**ITEM, "points": "0.25"}]}], "0.items.0.points"),
        ([{"code": "101", "item": [ITEM]}], "0.items"),  # misspelt: refused, not dropped
        ([{"code": "101", "items": [{**ITEM, "type": "essay_long"}]}], "0.items.0.type"),
    ],
)
def test_a_value_of_the_wrong_shape_is_refused_naming_the_column_and_field(
    services, quiz_id, value, field
):
    with services.sessions() as session:
        session.get(Quiz, quiz_id).versions = value
        with pytest.raises(StatementError) as caught:
            session.flush()
    assert isinstance(caught.value.orig, StoredDataInvalid)
    assert caught.value.orig.message.startswith(
        f"quizzes.versions: cannot store this value: {field}"
    )
    assert raw(services, "SELECT versions FROM quizzes WHERE id = :id", id=quiz_id)["data"] == (
        VERSIONS  # nothing else was stored
    )


def test_a_stored_value_that_does_not_fit_is_refused_on_reading(services, quiz_id):
    write_plain(services, "quizzes", "versions", [{"code": 101, "items": []}], quiz_id)
    with (
        services.sessions() as session,
        pytest.raises(
            StoredDataInvalid,
            match=r"quizzes\.versions: .*: 0\.code: Input should be a valid string",
        ),
    ):
        session.get(Quiz, quiz_id).versions  # noqa: B018 (read when used: the column is deferred)


def test_a_newer_format_version_is_refused(services, quiz_id):
    write_plain(services, "quizzes", "versions", {"v": 2, "data": VERSIONS}, quiz_id)
    with (
        services.sessions() as session,
        pytest.raises(StoredDataInvalid, match=r"quizzes\.versions: stored in format version 2"),
    ):
        session.get(Quiz, quiz_id).versions  # noqa: B018


def test_none_is_sql_null(services, file_id):
    with services.sessions.begin() as session:
        file = session.get(ContentFile, file_id)
        file.package = None  # set explicitly: still NULL, not the JSON text 'null'
    for name in ("hls", "package"):
        assert raw(services, f"SELECT {name} IS NULL FROM content_files WHERE id = :id", id=file_id)
    with services.sessions() as session:
        assert session.get(ContentFile, file_id).hls is None


def test_an_attempts_answers_and_results_round_trip(services, quiz_id, make_user):
    student = make_user("student")
    answers = {"7": 1, "8": [0, 2], "9": [True, None, False, None], "10": "-1,5", "11": None}
    results = [{"id": 7, "share": 1.0, "earned": 0.25, "pending": False, "statements": []}]
    with services.sessions.begin() as session:
        attempt = Attempt(quiz_id=quiz_id, user_id=student.id, number=1, items=[ITEM],
                          answers=answers, results=results)  # fmt: skip
        session.add(attempt)
        session.flush()
        attempt_id = attempt.id
    with services.sessions() as session:
        again = session.get(Attempt, attempt_id)
        marks = {"comment": "", "marked_by": None, "marked_at": None}  # an essay's, unmarked
        assert (again.items, again.answers) == ([ITEM], answers)
        assert again.results == [result | marks for result in results]


# -- the stored models follow the code that writes them -------------------------------------


def fields(model: type[BaseModel]) -> dict[str, Any]:
    return {name: f.get_default(call_default_factory=True)
            for name, f in model.model_fields.items()}  # fmt: skip


@pytest.mark.parametrize(
    ("stored", "checked"),
    [(StoredBlueprint, bp.Blueprint), (StoredSection, bp.Section), (StoredRow, bp.Row)],
)
def test_the_stored_blueprint_has_the_blueprints_fields_and_defaults(stored, checked):
    assert fields(stored) == fields(checked)


def test_every_preset_blueprint_fits_the_stored_form():
    for plan in (bp.exam_2025("toan"), bp.periodic_7991("ngu-van", 9)):
        data = plan.model_dump(mode="json")
        assert StoredBlueprint.model_validate(data).model_dump(mode="json") == data


def test_the_video_and_package_models_fit_what_is_written():
    assert MediaSummary.model_validate(INFO.as_json()).model_dump() == INFO.as_json()
    assert set(MediaSummary.model_fields) == {f.name for f in dataclasses.fields(MediaInfo)} | {
        "has_audio"}  # fmt: skip
    summary = _summary(INFO, ladder.plan(INFO))
    assert HlsSummary.model_validate(summary).model_dump() == summary
    info = PackageInfo(standard="scorm12", entry="index.html", root="lab/", files={"a": 3},
                       title=None)  # fmt: skip
    package = _package_summary(info)
    assert PackageSummary.model_validate(package).model_dump() == package


def test_the_type_names_its_first_table_even_when_the_table_is_copied():
    column = Attempt.__table__.c["items"]
    Attempt.__table__.to_metadata(MetaData(), name="attempts_copy")  # shares the type
    assert column.type.column == "attempts.items"
    assert repr(column.type) == "Stored(list[kholieu.quiz.stored.QuizItem])"
