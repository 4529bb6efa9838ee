"""Search through the app: who finds what, the API and page, the question bank's text search,
and the outbox keeping the embedded index in step (rebuilds included)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import update

from kholieu.bank.schemas import QuestionIn
from kholieu.content.schemas import ContentIn, ContentPatch
from kholieu.search.models import OutboxEntry
from tests.conftest import make_settings, run_kholieu


@pytest.fixture
def settings(tmp_path, database_url):  # conftest's services and app use these
    return make_settings(tmp_path, database_url=database_url,
                         search_url=f"tantivy://{tmp_path}/index")  # fmt: skip


def add_item(services, title: str, *, publish: bool = True, **fields) -> int:
    fields = {"kind": "lecture", "subject": "toan", "grade": 9, "body": "Bài học.", **fields}
    data = ContentIn(title=title, **fields)
    with services.sessions.begin() as session:
        item = services.content.create(session, None, data)
        if publish:
            services.content.transition(session, None, item.id, "submit")
            services.content.transition(session, None, item.id, "approve")
        return item.id


def add_question(services, stem: str, owner=None, status: str = "ready") -> int:
    data = QuestionIn.model_validate({"type": "single_choice", "stem": stem, "subject": "toan",
                                      "grade": 9, "options": ["1", "2", "3", "4"], "answer": 0,
                                      "status": status})  # fmt: skip
    with services.sessions.begin() as session:
        return services.questions.create(session, owner, data).id


def search(client, headers=None, **params) -> dict:
    response = client.get("/api/v1/search", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def catalogue(services):
    ids = {
        "ohm": add_item(services, "Định luật Ôm", subject="vat-li", grade=11, kind="video",
                        body="Cường độ dòng điện tỉ lệ thuận với hiệu điện thế."),
        "quad": add_item(services, "Phương trình bậc hai", body="Công thức nghiệm $\\Delta$",
                         textbook_series="ket-noi-tri-thuc"),
        "draft": add_item(services, "Phương trình vô tỉ (bản nháp)", publish=False),
    }  # fmt: skip
    services.outbox.drain()
    return ids


def test_visitors_find_published_items_and_the_json_has_the_documented_shape(client, catalogue):
    body = search(client, q="phuong trinh")
    assert body["total"] == 1
    assert set(body) == {"total", "hits", "facets", "fuzzy"}
    hit = body["hits"][0]
    assert {"id", "kind", "title", "score", "snippet"} <= set(hit)
    assert hit["id"] == str(catalogue["quad"]) and hit["kind"] == "lecture"
    assert body["facets"]["series"] == {"ket-noi-tri-thuc": 1}
    assert search(client, q="dinh luat om lop 11")["hits"][0]["title"] == "Định luật Ôm"


def test_editors_find_drafts_too(client, catalogue, make_user, bearer):
    headers = bearer(make_user("editor"))
    assert search(client, headers, q="phuong trinh")["total"] == 2
    student = bearer(make_user("student"))
    assert search(client, student, q="phuong trinh")["total"] == 1


def test_filters_facets_sort_and_pages_through_the_api(client, catalogue):
    body = search(client, subject="vat-li")
    assert [h["title"] for h in body["hits"]] == ["Định luật Ôm"]
    assert body["facets"]["subject"] == {"toan": 1, "vat-li": 1}
    body = search(client, subject=["vat-li", "toan"], sort="newest", size=1, page=2)
    assert body["total"] == 2 and len(body["hits"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [({"index": "people"}, "index"), ({"sort": "random"}, "sort"), ({"size": 500}, "size"),
     ({"level": "van_dung"}, "level")],
)  # fmt: skip
def test_bad_parameters_are_named(client, catalogue, params, field):
    response = client.get("/api/v1/search", params=params)
    assert response.status_code == 422
    assert field in json.dumps(response.json())


def test_a_typo_falls_back_to_close_matches(client, catalogue):
    body = search(client, q="phuong trjnh")
    assert body["fuzzy"] is True and body["hits"][0]["title"] == "Phương trình bậc hai"
    assert search(client, q="zzzzqqq")["total"] == 0


def test_suggestions_respect_visibility(client, catalogue, make_user, bearer):
    response = client.get("/api/v1/search/suggest", params={"q": "phuong tr"})
    quad = {"id": str(catalogue["quad"]), "title": "Phương trình bậc hai", "kind": "lecture"}
    assert response.json() == {"suggestions": [quad]}
    editor = bearer(make_user("editor"))
    response = client.get("/api/v1/search/suggest", params={"q": "phuong tr"}, headers=editor)
    assert len(response.json()["suggestions"]) == 2


def test_question_search_is_for_teachers_who_see_ready_and_their_own(
    client, services, make_user, bearer
):
    teacher, other = make_user("teacher"), make_user("teacher")
    mine = add_question(services, "Giải phương trình $x+1=0$ (nháp của tôi)", teacher, "draft")
    theirs = add_question(services, "Giải phương trình $x+2=0$ (nháp khác)", other, "draft")
    ready = add_question(services, "Giải phương trình $x+3=0$")
    services.outbox.drain()
    found = search(client, bearer(teacher), q="giai phuong trinh", index="questions")
    assert {h["id"] for h in found["hits"]} == {str(mine), str(ready)}
    assert str(theirs) not in {h["id"] for h in found["hits"]}
    assert found["hits"][0]["kind"] == "single_choice"
    student = bearer(make_user("student"))
    assert (
        client.get("/api/v1/search", params={"index": "questions"}, headers=student).status_code
        == 403
    )
    assert client.get("/api/v1/search", params={"index": "questions"}).status_code == 401
    # the bank's own list searches the same way, best match first
    listed = client.get(
        "/api/v1/questions", params={"q": "phuong trinh x 3"}, headers=bearer(teacher)
    )
    assert listed.json()["items"][0]["id"] == ready


def test_search_page_shows_facets_and_snippets_and_keeps_questions_from_visitors(client, catalogue):
    page = client.get("/tim-kiem", params={"q": "cuong do dong dien"})
    assert page.status_code == 200
    assert "<mark>Cường</mark>" in page.text and 'data-testid="facet-subject-vat-li"' in page.text
    assert 'data-testid="questions-tab"' not in page.text
    # a visitor asking for the questions tab gets lessons
    page = client.get("/tim-kiem", params={"q": "phuong trinh", "index": "questions"})
    assert 'data-testid="search-hit"' in page.text and "Phương trình bậc hai" in page.text


def test_edits_reach_the_index_and_an_emptied_index_is_rebuilt(services, client, catalogue):
    with services.sessions.begin() as session:
        services.content.update(
            session, None, catalogue["ohm"], ContentPatch(title="Định luật Ôm cho toàn mạch")
        )
    services.outbox.drain()
    assert search(client, q="toan mach")["total"] == 1
    import shutil

    shutil.rmtree(services.settings.data_dir / "index")  # the index files are lost
    assert search(client, q="toan mach")["total"] == 0
    add_item(services, "Hệ thức lượng trong tam giác")
    services.outbox.drain()  # notices the missing index and rebuilds it from the database
    assert search(client, q="toan mach")["total"] == 1
    assert search(client, q="he thuc luong")["total"] == 1


def test_a_rebuild_replays_changes_made_while_it_ran(services, client, catalogue):
    backend = services.search
    original = backend.rebuild

    def rebuild_with_an_edit_midway(index, batches):
        batches = list(batches)  # the documents as read before the edit
        with services.sessions.begin() as session:
            services.content.update(
                session, None, catalogue["quad"], ContentPatch(title="Phương trình trùng phương")
            )
        services.outbox.drain()  # the edit goes to the old index, which is about to be replaced
        return original(index, batches)

    backend.rebuild = rebuild_with_an_edit_midway
    try:
        services.searching.reindex("content")
    finally:
        backend.rebuild = original
    services.outbox.drain()
    assert search(client, q="trung phuong")["total"] == 1
    assert search(client, q="phuong trinh bac hai")["total"] == 0


def test_sent_rows_are_kept_a_day_then_purged(services, catalogue):
    from datetime import timedelta

    from kholieu.db.base import utcnow

    with services.sessions.begin() as session:
        session.execute(update(OutboxEntry).values(done_at=utcnow() - timedelta(days=2)))
    services.outbox._last_purge = utcnow() - timedelta(hours=2)
    services.outbox.drain()
    with services.sessions() as session:
        assert session.query(OutboxEntry).count() == 0


def test_cli_search_and_reindex(services, catalogue, settings):
    env = {
        "KHOLIEU_DATA_DIR": str(settings.data_dir),
        "KHOLIEU_DATABASE_URL": settings.database_url,
        "KHOLIEU_SEARCH_URL": settings.search_url,
    }
    result = run_kholieu("search", "phuong trinh", "--json", env=env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["total"] == 2  # the command line sees drafts, as an editor does
    assert set(body["facets"]) == {"subject", "grade", "kind", "series", "outcome"}
    result = run_kholieu("reindex", "--index", "content", env=env)
    assert result.returncode == 0, result.stderr
    assert "content: 3 documents" in result.stdout
    assert run_kholieu("search", "x", "--index", "people", env=env).returncode == 2


def test_teachers_page_through_question_results_and_the_bank_search(client, services, make_user):
    from tests.support.web import sign_in

    for n in range(23):
        add_question(services, f"Tính giá trị biểu thức số {n}")
    services.outbox.drain()
    sign_in(client, make_user("teacher"))
    page = client.get("/tim-kiem", params={"q": "tinh gia tri", "index": "questions"})
    assert 'data-testid="questions-tab"' in page.text
    assert page.text.count('data-testid="search-hit"') == 10
    assert "index=questions" in page.text and "page=3" in page.text and "page=4" not in page.text
    third = client.get("/tim-kiem", params={"q": "tinh gia tri", "index": "questions", "page": 3})
    assert third.text.count('data-testid="search-hit"') == 3
    bank = client.get("/cau-hoi", params={"q": "bieu thuc so 7"})
    assert bank.status_code == 200 and bank.text.count('data-testid="question-card"') >= 1
    assert "Tính giá trị biểu thức số 7" in bank.text.split('data-testid="question-card"')[1]


def test_a_markdown_lecture_is_indexed_as_its_readers_see_it(client, services):
    """The lecture text is Markdown: its words are found, its markup is not in the snippet."""
    add_item(
        services, "Hình học", body="## Định lí\n\nMọi **tam giác vuông** có $a^2 + b^2 = c^2$."
    )
    services.outbox.drain()
    hit = search(client, q="tam giac vuong")["hits"][0]
    assert hit["title"] == "Hình học"
    assert "**" not in hit["snippet"] and "##" not in hit["snippet"], hit["snippet"]
    assert "tam giác vuông" in re.sub(r"<[^>]+>", "", hit["snippet"]).lower()
