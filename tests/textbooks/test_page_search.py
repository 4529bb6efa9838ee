"""Each textbook page is a search document: a word printed only on page 42 finds the book at
page 42, linking to the reader there; through the API, the search page and the command line.
On the real search service (the embedded engine)."""

from __future__ import annotations

import re

import pytest

from kholieu.demo.textbook_pdf import make_textbook
from tests.conftest import make_settings, run_kholieu
from tests.support.textbooks import attach_pdf, new_textbook, publish

WORD = "quỹtíchđặcbiệt"  # printed on page 42 only


@pytest.fixture
def settings(tmp_path, database_url):
    return make_settings(tmp_path, database_url=database_url,
                         search_url=f"tantivy://{tmp_path}/index")  # fmt: skip


@pytest.fixture
def book(services) -> int:
    item_id = new_textbook(services, title="Toán 10 – Kết nối tri thức")
    attach_pdf(services, item_id, make_textbook(60, words_on={42: f"Bài toán về {WORD} này"}))
    publish(services, item_id)
    services.outbox.drain()
    return item_id


def pages_found(client, q: str, **headers) -> list[dict]:
    response = client.get("/api/v1/search", params={"q": q, "index": "pages"}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["hits"]


def test_a_word_on_page_42_finds_the_book_at_page_42(services, client, book):
    for q in (WORD, "quytichdacbiet"):
        hits = pages_found(client, q)
        assert [(h["item_id"], h["page"]) for h in hits] == [(book, 42)], q
    hit = hits[0]
    assert hit["title"] == "Toán 10 – Kết nối tri thức" and hit["url"] == f"/sach/{book}#trang=42"
    assert "<mark>" in hit["snippet"]


def test_the_search_page_shows_the_book_page_and_links_to_the_reader(services, client, book):
    page = client.get("/tim-kiem", params={"q": WORD})
    assert page.status_code == 200
    group = page.text.split('data-testid="in-books"', 1)[1].split("</section>", 1)[0]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', group)
    assert links == [(f"/sach/{book}#trang=42", "Toán 10 – Kết nối tri thức, trang 42")]


def test_no_book_pages_when_an_outcome_or_another_kind_is_chosen(client, book):
    for chosen in ({"outcome": "TOAN.10.HS.01"}, {"kind": "video"}):
        page = client.get("/tim-kiem", params={"q": WORD, **chosen})
        assert page.status_code == 200 and 'data-testid="in-books"' not in page.text, chosen
    assert 'data-testid="in-books"' in client.get("/tim-kiem", params={"q": WORD}).text


def test_a_draft_book_s_pages_are_found_by_editors_only(services, client, book, make_user,
                                                        bearer):  # fmt: skip
    with services.sessions.begin() as session:
        services.content.transition(session, None, book, "archive")
    services.outbox.drain()
    assert pages_found(client, WORD) == []
    student = bearer(make_user("student"))
    assert pages_found(client, WORD, **student) == []
    editor = bearer(make_user("editor"))
    assert [h["page"] for h in pages_found(client, WORD, **editor)] == [42]


def test_a_new_title_reaches_the_pages(services, client, book):
    from kholieu.content.schemas import ContentPatch

    with services.sessions.begin() as session:
        services.content.update(session, None, book, ContentPatch(title="Toán 10 (tập một)"))
    services.outbox.drain()
    assert [h["title"] for h in pages_found(client, WORD)] == [
        "Toán 10 (tập một) – Kết nối tri thức với cuộc sống"  # the series, when not in the title
    ]


def test_reindex_and_search_the_pages_index_from_the_command_line(settings, services, book):
    env = {"KHOLIEU_DATA_DIR": str(settings.data_dir), "KHOLIEU_DATABASE_URL":
           settings.database_url, "KHOLIEU_SEARCH_URL": settings.search_url}  # fmt: skip
    rebuilt = run_kholieu("reindex", "--index", "pages", env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "pages: 60 documents" in rebuilt.stdout
    found = run_kholieu("search", WORD, "--index", "pages", env=env)
    assert found.returncode == 0, found.stderr
    assert f"{book}-42" in found.stdout
