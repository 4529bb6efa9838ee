"""Alignment across series: a lesson aligned to an outcome appears under the bài of every
series mapped to that outcome; a lesson's page links to the other series' bài."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kholieu.bank.models import Question
from kholieu.content.models import ContentItem, Status
from kholieu.outcomes.models import Outcome
from kholieu.textbooks import alignment
from kholieu.textbooks.models import SectionLink, TextbookSection
from tests.support.web import sign_in

HAM_SO = "TOAN.10.HS.01"
BPT = "TOAN.10.BPT.01"


@dataclass
class World:
    kntt_book: int
    ctst_book: int
    kntt_bai: int  # Kết nối tri thức: "Bài 5. Hàm số", pages 12–15, HAM_SO
    ctst_bai: int  # Chân trời sáng tạo: "Bài 2. Hàm số và đồ thị", pages 30–34, HAM_SO
    ctst_other: int  # Chân trời sáng tạo: a bài on BPT
    lesson: int  # a KNTT lecture naming HAM_SO itself
    question: int  # a ready question on HAM_SO


def _item(session, **fields) -> int:
    item = ContentItem(subject="toan", grade=10, license="CC-BY-4.0",
                       status=Status.published, **fields)  # fmt: skip
    session.add(item)
    session.flush()
    return item.id


def _section(session, book: int, title: str, start: int, end: int, codes: list[str]) -> int:
    section = TextbookSection(item_id=book, kind="bai", title=title, page_start=start,
                              page_end=end, position=start, yccd_codes=codes)  # fmt: skip
    session.add(section)
    session.flush()
    return section.id


@pytest.fixture
def world(services) -> World:
    with services.sessions.begin() as session:
        session.add_all([
            Outcome(code=HAM_SO, subject="toan", grade=10, strand="Hàm số", position=1,
                    text="Nhận biết được những mô hình thực tế dẫn đến khái niệm hàm số.",
                    folded="", retired=False),
            Outcome(code=BPT, subject="toan", grade=10, strand="Bất phương trình", position=2,
                    text="Nhận biết được bất phương trình bậc nhất hai ẩn.", folded="",
                    retired=False),
        ])  # fmt: skip
        kntt = _item(session, kind="textbook", title="Toán 10 tập 1",
                     textbook_series="ket-noi-tri-thuc")  # fmt: skip
        ctst = _item(session, kind="textbook", title="Toán 10 tập một",
                     textbook_series="chan-troi-sang-tao")  # fmt: skip
        question = Question(type="single_choice", status="ready", subject="toan", grade=10,
                            title="Tập xác định của hàm số", body={"stem": "…"},
                            fingerprint="x", yccd_codes=[HAM_SO])  # fmt: skip
        session.add(question)
        session.flush()
        return World(
            kntt, ctst,
            _section(session, kntt, "Bài 5. Hàm số", 12, 15, [HAM_SO]),
            _section(session, ctst, "Bài 2. Hàm số và đồ thị", 30, 34, [HAM_SO]),
            _section(session, ctst, "Bài 1. Bất phương trình bậc nhất hai ẩn", 8, 12, [BPT]),
            _item(session, kind="lecture", title="Bài giảng: khái niệm hàm số",
                  textbook_series="ket-noi-tri-thuc", yccd_codes=[HAM_SO]),
            question.id,
        )  # fmt: skip


def _ids(materials, kind=None):
    return [(m.kind, m.id) for m in materials if kind is None or m.kind == kind]


def test_a_kntt_lesson_appears_under_the_ctst_bai_of_the_same_outcome(services, world) -> None:
    with services.sessions.begin() as session:
        found = alignment.section_materials(session, None, world.ctst_bai)
        other = alignment.section_materials(session, None, world.ctst_other)
    assert ("lecture", world.lesson) in _ids(found.aligned)
    assert next(m for m in found.aligned if m.id == world.lesson).codes == (HAM_SO,)
    assert _ids(other.aligned) == []  # a bài on another outcome gets nothing


def test_linking_a_lesson_to_one_series_aligns_it_to_every_series(services, world) -> None:
    """A lesson with no outcome of its own, linked by an editor to the KNTT bài, takes the
    bài's outcome: it shows under the CTST bài too (as aligned) and the KNTT bài (as linked)."""
    with services.sessions.begin() as session:
        plain = _item(session, kind="video", title="Video: đồ thị hàm số",
                      textbook_series="ket-noi-tri-thuc")  # fmt: skip
        session.add(SectionLink(section_id=world.kntt_bai, target_kind="content",
                                target_id=plain))  # fmt: skip
    with services.sessions.begin() as session:
        kntt = alignment.section_materials(session, None, world.kntt_bai)
        ctst = alignment.section_materials(session, None, world.ctst_bai)
    assert ("video", plain) in _ids(kntt.linked)
    assert ("video", plain) not in _ids(kntt.aligned)  # shown once
    assert ("video", plain) in _ids(ctst.aligned)


def test_questions_only_for_those_who_may_browse_the_bank(services, world, make_user) -> None:
    student, teacher = make_user("student"), make_user("teacher")
    with services.sessions.begin() as session:
        for_student = alignment.section_materials(session, student, world.ctst_bai)
        for_teacher = alignment.section_materials(session, teacher, world.ctst_bai)
    assert _ids(for_student.aligned, "question") == []
    assert _ids(for_teacher.aligned, "question") == [("question", world.question)]


def test_drafts_stay_hidden(services, world, make_user, client, bearer) -> None:
    student = make_user("student")
    with services.sessions.begin() as session:
        session.get(ContentItem, world.lesson).status = Status.draft
        session.get(ContentItem, world.ctst_book).status = Status.draft
    with services.sessions.begin() as session:
        assert alignment.section_materials(session, make_user("editor"), world.ctst_bai).aligned
    answer = client.get(
        f"/api/v1/textbooks/sections/{world.ctst_bai}/materials", headers=bearer(student)
    )
    assert answer.status_code == 404  # the book is a draft: its bài do not exist for a student
    answer = client.get(f"/api/v1/textbooks/sections/{world.kntt_bai}/materials")
    assert answer.status_code == 200
    assert answer.json() == {"linked": [], "aligned": []}  # the draft lesson is not shown


def test_materials_api(client, world, make_user, bearer) -> None:
    answer = client.get(
        f"/api/v1/textbooks/sections/{world.ctst_bai}/materials",
        headers=bearer(make_user("teacher")),
    )
    assert answer.status_code == 200, answer.text
    aligned = answer.json()["aligned"]
    assert [(m["kind"], m["id"], m["url"]) for m in aligned] == [
        ("lecture", world.lesson, f"/content/{world.lesson}"),
        ("question", world.question, f"/cau-hoi/{world.question}"),
    ]
    assert client.get("/api/v1/textbooks/sections/999999/materials").status_code == 404


def test_lesson_page_links_the_other_series_bai(client, world) -> None:
    page = client.get(f"/content/{world.lesson}")
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="other-series"' in html
    assert f'href="/sach/{world.ctst_book}#trang=30"' in html  # CTST's bài on the same outcome
    assert f"/sach/{world.kntt_book}#" not in html  # not its own series
    assert f"/sach/{world.ctst_book}#trang=8" not in html  # not a bài on another outcome
    assert "Nhận biết được những mô hình thực tế" in html  # the outcome's text
    answer = client.get(f"/api/v1/content/{world.lesson}/other-series").json()
    assert answer["codes"] == [HAM_SO]
    assert [s["url"] for s in answer["sections"]] == [f"/sach/{world.ctst_book}#trang=30"]


def test_browse_has_an_outcome_facet_across_series(client, services, world, make_user) -> None:
    sign_in(client, make_user("student"))
    with services.sessions.begin() as session:
        _item(session, kind="lecture", title="Bài giảng CTST: hàm số",
              textbook_series="chan-troi-sang-tao", yccd_codes=[HAM_SO])  # fmt: skip
        _item(session, kind="lecture", title="Bài giảng: bất phương trình",
              textbook_series="canh-dieu", yccd_codes=[BPT])  # fmt: skip
    page = client.get("/hoc-lieu?subject=toan&grade=10").text
    assert 'data-testid="outcome-facet"' in page
    assert f"yccd={HAM_SO}" in page and "(2)" in page  # two lessons, two series
    chosen = client.get(f"/hoc-lieu?subject=toan&grade=10&yccd={HAM_SO.lower()}").text
    assert "Bài giảng: khái niệm hàm số" in chosen and "Bài giảng CTST: hàm số" in chosen
    assert "Bài giảng: bất phương trình" not in chosen
    assert f'href="/sach/{world.ctst_book}#trang=30"' in chosen
    assert f'href="/sach/{world.kntt_book}#trang=12"' in chosen
