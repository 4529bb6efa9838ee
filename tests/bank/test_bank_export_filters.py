"""The bank page's export: the same questions the list shows (every filter, the keyword too,
over all its pages), as Word unless another format is chosen."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest

from kholieu.bank.schemas import QuestionIn
from tests.conftest import make_settings
from tests.support.web import sign_in


@pytest.fixture
def settings(tmp_path, database_url):  # the keyword goes through a real search index
    return make_settings(tmp_path, database_url=database_url,
                         search_url=f"tantivy://{tmp_path}/index")  # fmt: skip


def add(services, stem: str, **fields) -> int:
    data = {"type": "single_choice", "stem": stem, "options": ["1", "2"], "answer": 0,
            "subject": "toan", "grade": 10, "status": "ready", **fields}  # fmt: skip
    with services.sessions.begin() as session:
        return services.questions.create(session, None, QuestionIn.model_validate(data)).id


def export_form(html: str) -> tuple[str, dict[str, str]]:
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*data-testid="bank-export">'
                     r"(.*?)</form>", html, re.S)  # fmt: skip
    assert form, "no export form on the bank page"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2]))
    chosen = re.search(r'<option value="([^"]+)" selected>', form[2])
    return form[1], {**{k: unescape(v) for k, v in fields.items()}, "format": chosen[1]}


def shown_total(html: str) -> int:
    return int(re.search(r'data-testid="bank-total">Tìm thấy (\d+) câu hỏi', html)[1])


def test_the_export_holds_what_the_list_shows_with_a_keyword(client, services, make_user):
    from docx import Document

    for n in range(25):  # more than one page of the list (20), all matching the words
        add(services, f"Giải phương trình bậc hai số {n}: $x^2 - {n + 1} = 0$")
    for n in range(40):  # the same filters, other words: not to be exported
        add(services, f"Tính đạo hàm của hàm số số {n}")
    add(services, "Giải phương trình bậc hai lớp 11", grade=11)  # the words, another grade
    services.outbox.drain()
    sign_in(client, make_user("teacher"))
    page = client.get("/cau-hoi", params={"q": "phuong trinh bac hai", "grade": "10"})
    assert shown_total(page.text) == 25
    action, fields = export_form(page.text)
    assert fields["q"] == "phuong trinh bac hai" and fields["grade"] == "10"
    assert fields["format"] == "docx"  # Word unless the teacher picks another
    response = client.get(action, params=fields)
    assert response.status_code == 200
    assert response.headers["x-questions"] == "25"
    assert "ngan-hang-cau-hoi.docx" in response.headers["content-disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "số 24" in text and "đạo hàm" not in text and "lớp 11" not in text


def test_the_export_keeps_every_other_filter(client, services, make_user):
    add(services, "Câu nhận biết", level="nhan_biet", topic="Hàm số", tags=["on-tap"])
    add(services, "Câu thông hiểu", level="thong_hieu", topic="Hàm số", tags=["on-tap"])
    add(services, "Câu nhận biết khác chủ đề", level="nhan_biet", topic="Mũ", tags=["on-tap"])
    add(services, "Câu nhận biết không thẻ", level="nhan_biet", topic="Hàm số")
    add(services, "Câu vật lí", subject="vat-li", level="nhan_biet", topic="Hàm số",
        tags=["on-tap"])  # fmt: skip
    sign_in(client, make_user("teacher"))
    query = {"subject": "toan", "grade": "10", "level": "nhan_biet", "topic": "Hàm số",
             "tag": "on-tap", "type": "single_choice", "status": "ready",
             "exposure": "exam"}  # fmt: skip
    page = client.get("/cau-hoi", params=query)
    assert shown_total(page.text) == 1
    action, fields = export_form(page.text)
    assert {k: fields[k] for k in query} == query
    fields["format"] = "jsonl"
    response = client.get(action, params=fields)
    assert response.headers["x-questions"] == "1"
    assert [line for line in response.text.splitlines() if line] and 'Câu nhận biết"' in (
        response.text
    )


def test_the_api_export_is_word_by_default(client, services, make_user):
    add(services, "Một câu")
    sign_in(client, make_user("teacher"))
    response = client.get("/api/v1/questions/export")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"  # a .docx is a zip
    assert "ngan-hang-cau-hoi.docx" in response.headers["content-disposition"]
