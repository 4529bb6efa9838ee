"""The outcome facet: lessons and questions carry learning outcome codes (YCCĐ) into both
indices; both engines filter and count by them, the API, the command line and the search page
take ``outcome=CODE`` as they take subject or grade, and the page names each code's outcome."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from kholieu.bank.schemas import QuestionIn
from kholieu.content.schemas import ContentIn, ContentPatch
from kholieu.search.models import OutboxEntry
from kholieu.services import build_services
from tests.conftest import _empty_tables, make_settings, run_kholieu
from tests.search.test_search_backends import find, ids, load
from tests.support.outcome_rows import add_outcomes

HS01, HS02, TK01 = "TOAN.10.HS.01", "TOAN.10.HS.02", "TOAN.10.TK.01"
LONG = (
    "Nhận biết được những mô hình thực tế (dạng bảng, biểu đồ, công thức) dẫn đến khái niệm "
    "hàm số, và giải thích được vì sao mỗi giá trị của biến cho đúng một giá trị của hàm."
)


# -- the backend contract, both engines ---------------------------------------------------------
DOCS = [
    {"id": 1, "title": "Hàm số và đồ thị", "kind": "lecture", "subject": "toan", "grade": 10,
     "outcome": [HS01, HS02], "updated_at": "2026-01-05T00:00:00+00:00"},
    {"id": 2, "title": "Hàm số bậc hai", "kind": "video", "subject": "toan", "grade": 10,
     "outcome": ["toan.10.hs.02 "], "updated_at": "2026-01-06T00:00:00+00:00"},
    {"id": 3, "title": "Số liệu thống kê", "kind": "lecture", "subject": "toan", "grade": 10,
     "outcome": [TK01], "updated_at": "2026-01-07T00:00:00+00:00"},
    {"id": 4, "title": "Hàm số (chưa gắn YCCĐ)", "kind": "lecture", "subject": "toan",
     "grade": 10, "updated_at": "2026-01-08T00:00:00+00:00"},
]  # fmt: skip


@pytest.mark.parametrize("index", ["content", "questions"])
def test_both_engines_filter_and_count_by_outcome(search_backend, index):
    docs = DOCS if index == "content" else [{**d, "stem": d["title"]} for d in DOCS]
    load(search_backend, docs, index)
    everything = find(search_backend, "", index=index)
    # a code typed in lower case by an editor is indexed as the catalogue writes it
    assert everything.facets["outcome"] == {HS01: 1, HS02: 2, TK01: 1}
    assert sorted(ids(find(search_backend, "", index=index, filters={"outcome": [HS02]}))) == [
        "1", "2",
    ]  # fmt: skip
    # a filter typed in any case; several values are alternatives
    assert ids(find(search_backend, "", index=index, filters={"outcome": ["toan.10.tk.01"]})) == [
        "3"
    ]
    both = find(search_backend, "", index=index, filters={"outcome": [HS01, TK01]})
    assert sorted(ids(both)) == ["1", "3"]
    assert find(search_backend, "", index=index, filters={"outcome": ["LY.10.A.01"]}).total == 0
    # with words, and the facet's counts ignore its own filter but follow the others
    words = find(search_backend, "ham so", index=index, filters={"outcome": [HS01]})
    assert ids(words) == ["1"] and words.facets["outcome"] == {HS01: 1, HS02: 2}
    other = find(search_backend, "", index=index, filters={"kind": ["video"]})
    assert other.facets["outcome"] == {HS02: 1}


# -- through the app, both engines ---------------------------------------------------------------
@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database_url=database_url)


@pytest.fixture
def services(settings, search_backend) -> Iterator:
    services = build_services(settings, search=search_backend)
    _empty_tables(services.engine)
    yield services
    _empty_tables(services.engine)
    services.close()


@pytest.fixture
def aligned(services):
    """A lesson and a question on HS01, a lesson on TK01, and a question on none."""
    with services.sessions.begin() as session:
        add_outcomes(session, {HS01: LONG, HS02: "Mô tả hàm số.", TK01: "Thu thập dữ liệu."})
    with services.sessions.begin() as session:
        made = {}
        for name, title, codes in (("lesson", "Hàm số và đồ thị", [HS01]),
                                   ("stats", "Thống kê: hàm số đếm", [TK01])):  # fmt: skip
            data = ContentIn(kind="lecture", title=title, subject="toan", grade=10,
                             body="Bài học về hàm số.", yccd_codes=codes)  # fmt: skip
            item = services.content.create(session, None, data)
            services.content.transition(session, None, item.id, "submit")
            services.content.transition(session, None, item.id, "approve")
            made[name] = str(item.id)
        for name, stem, codes in (("question", "Hàm số $y=\\sqrt{x}$ xác định khi", [HS01]),
                                  ("plain", "Hàm số $y=x^2$ nghịch biến khi", [])):  # fmt: skip
            data = QuestionIn.model_validate({
                "type": "single_choice", "stem": stem, "options": ["x ≥ 0", "x < 0"],
                "answer": 0, "subject": "toan", "grade": 10, "status": "ready",
                "yccd_codes": codes,
            })  # fmt: skip
            made[name] = str(services.questions.create(session, None, data).id)
    services.outbox.drain()
    services.search.refresh("content")
    services.search.refresh("questions")
    return made


def search(client, headers=None, **params) -> dict:
    response = client.get("/api/v1/search", params=params, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def hit_ids(body: dict) -> list[str]:
    return [hit["id"] for hit in body["hits"]]


def test_lessons_and_questions_are_found_by_their_outcome(client, aligned, make_user, bearer):
    assert set(hit_ids(search(client, q="ham so"))) == {aligned["lesson"], aligned["stats"]}
    found = search(client, q="ham so", outcome=HS01)
    assert hit_ids(found) == [aligned["lesson"]]
    assert found["facets"]["outcome"] == {HS01: 1, TK01: 1}  # its own filter ignored
    assert hit_ids(search(client, outcome="toan.10.tk.01")) == [aligned["stats"]]
    assert search(client, q="ham so", outcome=HS02)["total"] == 0  # no lesson names it
    teacher = bearer(make_user("teacher"))
    questions = search(client, teacher, index="questions", q="ham so", outcome=HS01)
    assert hit_ids(questions) == [aligned["question"]]
    every = search(client, teacher, index="questions", q="ham so")
    assert set(hit_ids(every)) == {aligned["question"], aligned["plain"]}
    assert every["facets"]["outcome"] == {HS01: 1}
    assert search(client, teacher, index="questions", outcome=TK01)["total"] == 0
    # the bank's own word search passes its outcome filter to the index
    bank = client.get("/api/v1/questions", params={"q": "ham so", "yccd": HS01.lower()},
                      headers=teacher).json()  # fmt: skip
    assert [str(q["id"]) for q in bank["items"]] == [aligned["question"]]
    too_many = client.get("/api/v1/search", params={"outcome": [f"X.{i:02d}" for i in range(21)]})
    assert too_many.status_code == 422 and too_many.json()["error"]["details"]["field"] == "outcome"
    # visitors still never search the bank, whatever the filter
    assert client.get("/api/v1/search", params={"index": "questions",
                                                "outcome": HS01}).status_code == 401  # fmt: skip


def test_changing_outcomes_reaches_the_index(client, services, aligned):
    """yccd_codes is a new field of existing documents: an edit of it alone writes the
    outbox row that carries it to the index."""
    with services.sessions.begin() as session:
        before = session.scalar(select(OutboxEntry.id).order_by(OutboxEntry.id.desc()))
        services.content.update(
            session, None, int(aligned["lesson"]), ContentPatch(yccd_codes=[HS02])
        )
        question = services.questions.get(session, None, int(aligned["plain"]), system=True)
        data = QuestionIn.model_validate({
            "type": question.type, **question.body, "subject": "toan", "grade": 10,
            "status": "ready", "yccd_codes": [TK01],
        })  # fmt: skip
        services.questions.update(session, None, question.id, data)
    with services.sessions() as session:
        rows = session.execute(
            select(OutboxEntry.index, OutboxEntry.doc_id).where(OutboxEntry.id > before)
        ).all()
    assert ("content", aligned["lesson"]) in rows and ("questions", aligned["plain"]) in rows
    services.outbox.drain()
    services.search.refresh("content")
    services.search.refresh("questions")
    assert hit_ids(search(client, outcome=HS02)) == [aligned["lesson"]]
    assert search(client, outcome=HS01)["total"] == 0
    found = services.searching.search(None, _request("questions", {"outcome": [TK01]}), system=True)
    assert [hit.id for hit in found.hits] == [aligned["plain"]]


def _request(index: str, filters: dict):
    from kholieu.search.query import SearchRequest

    return SearchRequest(index=index, filters=filters)


def test_the_search_page_names_each_outcome_briefly(client, aligned):
    page = client.get("/tim-kiem", params={"q": "ham so"})
    assert page.status_code == 200
    assert 'data-facet="outcome"' in page.text and "Yêu cầu cần đạt" in page.text
    assert f'data-testid="facet-outcome-{HS01}"' in page.text
    assert f'<span class="outcome-code">{HS01}</span>' in page.text  # the code, then its text
    shown = page.text.split('data-testid="outcome-text">')[1].split("</span>")[0]
    assert shown.endswith("…") and len(shown) <= 71 and LONG.startswith(shown[:-1].rstrip())
    assert f'title="{LONG}"' in page.text  # the whole text on hover
    assert "Thu thập dữ liệu." in page.text
    chosen = client.get("/tim-kiem", params={"q": "ham so", "outcome": HS01.lower()})
    assert chosen.text.count('data-testid="search-hit"') == 1 and "Hàm số và đồ thị" in chosen.text
    assert 'aria-current="true" class="picked" data-testid="facet-outcome-TOAN.10.HS.01"' in (
        chosen.text
    )
    assert f'name="outcome" value="{HS01}"' in chosen.text  # kept by the query box


def test_cli_search_takes_an_outcome(services, aligned, settings, search_backend):
    from kholieu.search.tantivy_backend import TantivyBackend

    if not isinstance(search_backend, TantivyBackend):
        pytest.skip("the command line builds its backend from a URL; the emulator needs a client")
    env = {"KHOLIEU_DATABASE_URL": settings.database_url,
           "KHOLIEU_DATA_DIR": str(settings.data_dir),
           "KHOLIEU_SEARCH_URL": f"tantivy://{search_backend.root}"}  # fmt: skip
    result = run_kholieu("search", "ham so", "--outcome", HS01.lower(), "--json", env=env)
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert [hit["id"] for hit in body["hits"]] == [aligned["lesson"]]
