"""The SearchBackend contract, run over tantivy and Elasticsearch (osmem-server here, a real
cluster when KHOLIEU_TEST_ES_URL is set). Scores differ between engines, so these tests assert
membership and order, never raw scores."""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

import pytest

from kholieu.search import analysis
from kholieu.search import query as q
from kholieu.search.backend import IndexMissing
from kholieu.search.fields import prepare

LESSONS = [
    {"id": 1, "title": "Phương trình bậc hai một ẩn", "kind": "lecture", "subject": "toan",
     "grade": 9, "series": "ket-noi-tri-thuc", "body": "Công thức nghiệm của phương trình bậc hai.",
     "updated_at": "2026-01-05T00:00:00+00:00", "popularity": 40},
    {"id": 2, "title": "Đường thẳng và mặt phẳng", "kind": "video", "subject": "toan", "grade": 11,
     "series": "canh-dieu", "body": "Quan hệ song song trong không gian.",
     "updated_at": "2026-02-01T00:00:00+00:00", "popularity": 5},
    {"id": 3, "title": "Định luật Ôm", "kind": "lab", "subject": "vat-li", "grade": 11,
     "series": "canh-dieu", "body": "Cường độ dòng điện tỉ lệ thuận với hiệu điện thế.",
     "updated_at": "2026-03-01T00:00:00+00:00", "popularity": 90},
    {"id": 4, "title": "Phân số", "kind": "lecture", "subject": "toan", "grade": 6,
     "series": "chan-troi-sang-tao", "body": "Rút gọn phân số và so sánh hai phân số.",
     "updated_at": "2025-12-01T00:00:00+00:00", "popularity": 12},
    {"id": 5, "title": "Căn bậc hai", "kind": "document", "subject": "toan", "grade": 9,
     "series": "ket-noi-tri-thuc", "body": r"Tính $\sqrt{16}$ và $\frac{1}{2}$ của nó.",
     "updated_at": "2026-01-20T00:00:00+00:00", "popularity": 7},
    {"id": 6, "title": "Bản đồ hành chính", "kind": "lecture", "subject": "dia-li", "grade": 9,
     "body": "Đọc bản đồ<script>alert(1)</script> khi a < b & c.", "status": "draft",
     "updated_at": "2026-01-21T00:00:00+00:00"},
]  # fmt: skip


def load(backend, docs: list[dict[str, Any]], index: str = "content") -> None:
    defaults = {"status": "published"}
    backend.rebuild(index, [[prepare(index, {**defaults, **d}) for d in docs]])
    backend.refresh(index)


def find(backend, text: str = "", **options: Any) -> q.SearchResult:
    scope = options.pop("scope", None)
    request = q.SearchRequest(index=options.pop("index", "content"), text=text, **options)
    return backend.search(q.plan(request, scope))


def ids(result: q.SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


@pytest.fixture
def lessons(search_backend):
    load(search_backend, LESSONS)
    return search_backend


@pytest.mark.parametrize("typed", ["phân số", "phan so", "Phân Số", "PHAN SO"])
def test_found_with_or_without_diacritics_and_in_any_case(lessons, typed):
    assert ids(find(lessons, typed))[0] == "4"


@pytest.mark.parametrize("typed", ["duong thang", "Đường thẳng", "ĐƯỜNG THẲNG", "dinh luat om"])
def test_d_with_stroke_is_folded(lessons, typed):
    assert ids(find(lessons, typed))[0] in {"2", "3"}
    assert len(find(lessons, typed).hits) == 1


def test_decomposed_text_is_found_by_composed_query_and_back(search_backend):
    nfd = unicodedata.normalize("NFD", "Tổng các góc trong tam giác")
    load(search_backend, [{"id": 1, "title": nfd}])
    assert ids(find(search_backend, "tổng các góc")) == ["1"]
    assert ids(find(search_backend, unicodedata.normalize("NFD", "tổng các góc"))) == ["1"]


def test_exact_diacritics_rank_above_folded_matches(search_backend):
    load(search_backend, [
        {"id": 1, "title": "Bàn về tình bạn"}, {"id": 2, "title": "Bán kính đường tròn"},
        {"id": 3, "title": "Ban nhạc của lớp"},
    ])  # fmt: skip
    assert ids(find(search_backend, "bán kính"))[0] == "2"
    assert ids(find(search_backend, "bàn"))[0] == "1"
    assert set(ids(find(search_backend, "ban"))) == {"1", "2", "3"}


def test_a_phrase_beats_the_same_words_scattered(search_backend):
    load(search_backend, [
        {"id": 1, "title": "Hai bậc thang và phương trình", "body": "trình bày bậc hai"},
        {"id": 2, "title": "Ôn tập phương trình bậc hai", "body": "luyện tập thêm"},
    ])  # fmt: skip
    assert ids(find(search_backend, "phuong trinh bac hai")) == ["2", "1"]


def test_number_words_and_digits_are_the_same_word(lessons):
    assert ids(find(lessons, "phương trình bậc 2"))[0] == "1"
    assert set(ids(find(lessons, "bac 2"))[:2]) == {"1", "5"}


def test_latex_is_searchable_as_words(lessons):
    assert "5" in ids(find(lessons, "sqrt"))
    assert "5" in ids(find(lessons, "căn 16"))
    assert "5" in ids(find(lessons, "phân số 1 2"))


def test_grade_in_the_query_boosts_that_grade(search_backend):
    load(search_backend, [{"id": 1, "title": "Định luật Ôm", "grade": 9},
                          {"id": 2, "title": "Định luật Ôm", "grade": 11}])  # fmt: skip
    assert ids(find(search_backend, "định luật ôm lớp 11")) == ["2", "1"]
    assert ids(find(search_backend, "dinh luat om lop 9")) == ["1", "2"]


def test_filters_and_facets_that_ignore_their_own_filter(lessons):
    result = find(lessons, "", filters={"subject": ["toan"], "grade": ["9"]})
    assert set(ids(result)) == {"1", "5"}
    assert result.total == 2
    # subject counts ignore the subject filter but keep grade 9
    assert result.facets["subject"] == {"toan": 2, "dia-li": 1}
    # grade counts ignore the grade filter but keep subject toan
    assert result.facets["grade"] == {"9": 2, "11": 1, "6": 1}
    assert result.facets["kind"] == {"lecture": 1, "document": 1}
    assert result.facets["series"] == {"ket-noi-tri-thuc": 2}


def test_several_values_of_one_filter_are_alternatives(lessons):
    result = find(lessons, "", filters={"grade": ["6", "11"]}, size=10)
    assert set(ids(result)) == {"2", "3", "4"}


def test_scope_limits_results_and_facets(lessons):
    published = q.Keyword("status", ("published",))
    result = find(lessons, "bản đồ", scope=published)
    assert result.total == 0
    result = find(lessons, "", scope=published)
    assert "6" not in ids(result) and result.total == 5
    assert "dia-li" not in result.facets["subject"]
    assert ids(find(lessons, "bản đồ")) == ["6"]


def test_sort_by_newest_and_most_used(lessons):
    assert ids(find(lessons, "", sort="newest", size=3)) == ["3", "2", "6"]
    assert ids(find(lessons, "", sort="popular", size=3)) == ["3", "1", "4"]
    assert ids(find(lessons, "toan", sort="popular")) == []  # subject slugs are not text


def test_pages(lessons):
    first = find(lessons, "", sort="newest", size=2)
    second = find(lessons, "", sort="newest", size=2, page=2)
    assert first.total == second.total == 6
    assert ids(first) == ["3", "2"] and ids(second) == ["6", "5"]


def test_snippets_mark_accented_words_for_an_accent_free_query_and_escape_html(lessons):
    hit = find(lessons, "cuong do dong dien").hits[0]
    assert hit.id == "3"
    assert "<mark>Cường</mark>" in hit.snippet and "<mark>dòng</mark>" in hit.snippet
    hit = find(lessons, "ban do").hits[0]
    assert "script" not in hit.snippet and "&lt; b &amp; c" in hit.snippet
    assert hit.title == "Bản đồ hành chính" and hit.kind == "lecture"
    assert (hit.subject, hit.grade) == ("dia-li", "9")


def test_suggestions_complete_the_last_word(lessons):
    prefix = q.suggest_query(analysis.parse("phuong tr"))
    assert [h.title for h in lessons.suggest("content", prefix, None, 5)] == [
        "Phương trình bậc hai một ẩn"
    ]
    prefix = q.suggest_query(analysis.parse("Đị"))
    assert [h.id for h in lessons.suggest("content", prefix, None, 5)] == ["3"]


def test_fuzzy_plan_tolerates_a_typo(lessons):
    request = q.SearchRequest(text="phuong trjnh")
    assert find(lessons, "phuong trjnh").total == 0
    assert ids(lessons.search(q.plan(request, None, fuzzy=True)))[0] == "1"


def test_questions_index(search_backend):
    docs = [
        {"id": 7, "kind": "single_choice", "stem": "Nghiệm của phương trình $x^2 - 4 = 0$ là",
         "options": ["2", "-2", "±2", "4"], "subject": "toan", "grade": 9, "level": "nhan_biet",
         "status": "ready", "owner": 3, "topic": "Phương trình bậc hai"},
        {"id": 8, "kind": "true_false_group", "stem": "Cho hàm số", "statements": ["Đồng biến"],
         "subject": "toan", "grade": 12, "level": "thong_hieu", "status": "draft", "owner": 4},
    ]  # fmt: skip
    load(search_backend, docs, "questions")
    result = find(search_backend, "phuong trinh", index="questions")
    assert ids(result) == ["7"] and result.hits[0].kind == "single_choice"
    assert result.facets["level"] == {"nhan_biet": 1}
    scope = q.Bool(should=(q.Keyword("status", ("ready",)), q.Keyword("owner", ("4",))))
    assert set(ids(find(search_backend, "", index="questions", scope=scope))) == {"7", "8"}
    scope = q.Bool(should=(q.Keyword("status", ("ready",)), q.Keyword("owner", ("5",))))
    assert ids(find(search_backend, "", index="questions", scope=scope)) == ["7"]
    assert ids(find(search_backend, "dong bien", index="questions")) == ["8"]


def test_upsert_replaces_and_delete_removes(lessons):
    lessons.upsert(
        "content", [prepare("content", {"id": 4, "title": "Hỗn số", "status": "published"})]
    )
    lessons.refresh("content")
    assert ids(find(lessons, "hon so")) == ["4"]
    assert "4" not in ids(find(lessons, "phân số"))
    lessons.delete("content", ["4", "404"])  # an id that was never there is not an error
    lessons.refresh("content")
    assert find(lessons, "hon so").total == 0
    assert lessons.count("content") == 5


def test_rebuild_switches_to_the_new_index(lessons):
    assert lessons.count("content") == 6
    assert lessons.rebuild("content", [[prepare("content", {"id": 9, "title": "Mới"})]]) == 1
    lessons.refresh("content")
    assert lessons.count("content") == 1
    assert ids(find(lessons, "moi")) == ["9"]


def test_a_missing_index_asks_for_a_rebuild_and_searches_as_empty(search_backend):
    with pytest.raises(IndexMissing) as missing:
        search_backend.upsert("content", [prepare("content", {"id": 1, "title": "x"})])
    assert missing.value.index == "content"
    assert find(search_backend, "x").total == 0
    assert search_backend.count("questions") == 0


def test_without_words_a_snippet_is_the_start_of_the_text_escaped(lessons):
    hits = {h.id: h for h in find(lessons, "", size=10).hits}
    assert hits["3"].snippet.startswith("Cường độ dòng điện")
    assert "&lt; b &amp; c" in hits["6"].snippet and "<mark>" not in hits["6"].snippet


def test_a_cluster_lost_during_a_rebuild_is_search_unavailable(elastic_url, monkeypatch):
    """The alias look-up at the end of a rebuild is translated like every other call."""
    from elastic_transport import ConnectionError as TransportConnectionError

    from kholieu.errors import SearchUnavailable
    from tests.support import search_engines

    backend = search_engines.elastic_backend(elastic_url)
    try:

        def gone(**_kwargs):
            raise TransportConnectionError("connection refused")

        monkeypatch.setattr(backend.client.indices, "get_alias", gone)
        with pytest.raises(SearchUnavailable, match="unreachable"):
            backend.rebuild("content", [[prepare("content", {"id": 1, "title": "Mới"})]])
    finally:
        monkeypatch.undo()
        search_engines.drop_indices(backend)


QUADRATIC = r"\(ax^2 + bx + c = 0\)"
FORMULAS = [
    {"id": 21, "title": "Công thức nghiệm", "kind": "lecture", "subject": "toan", "grade": 9,
     "body": f"Giải phương trình bậc hai {QUADRATIC} bằng công thức nghiệm; khi biệt thức "
             "dương, phương trình có 2 nghiệm phân biệt."},
    {"id": 22, "title": "Tam thức", "kind": "lecture", "subject": "toan", "grade": 10,
     "body": "Mở đầu bài học. " * 10 + r"Ta có \(x^2 - 5x + 6 = 0\) nên tam thức có hai "
             "nghiệm. " + "Luyện tập thêm. " * 12},
    {"id": 23, "title": "Lớp 10", "kind": "lecture", "subject": "toan", "grade": 10,
     "summary": r"Ôn tập lớp 10: \(x_1 + x_2 = -\frac{b}{a}\) và 10 bài tập."},
]  # fmt: skip
MATH_SPAN = re.compile(r'<span class="math">(.*?)</span>')


def test_a_formula_in_a_snippet_is_whole_unmarked_and_hai_marks_no_digit(search_backend):
    load(search_backend, FORMULAS)
    snippet = find(search_backend, "phương trình bậc hai").hits[0].snippet
    assert MATH_SPAN.findall(snippet) == [html.escape(QUADRATIC, quote=False)]
    assert "<mark>bậc</mark> <mark>hai</mark>" in snippet and "<mark>2</mark>" not in snippet
    assert "\\(" not in MATH_SPAN.sub("", snippet)


def test_the_number_typed_is_marked_where_it_stands_alone(search_backend):
    load(search_backend, FORMULAS)
    snippet = {h.id: h.snippet for h in find(search_backend, "2").hits}["21"]
    assert snippet.count("<mark>2</mark>") == 1 and "có <mark>2</mark> nghiệm" in snippet
    assert MATH_SPAN.findall(snippet) == [html.escape(QUADRATIC, quote=False)]
    snippet = {h.id: h.snippet for h in find(search_backend, "lớp 10").hits}["23"]
    assert "<mark>lớp</mark> <mark>10</mark>:" in snippet and "và <mark>10</mark> bài" in snippet
    assert "<mark>" not in "".join(MATH_SPAN.findall(snippet))


def test_a_formula_the_snippet_window_would_cut_is_left_out(search_backend):
    load(search_backend, FORMULAS)
    snippet = find(search_backend, "mở đầu bài học").hits[0].snippet
    assert snippet.endswith("Ta có …") and "\\(" not in snippet and "x^2" not in snippet


def test_both_backends_give_the_same_snippets(tmp_path, elastic_url):
    from kholieu.search.tantivy_backend import TantivyBackend
    from tests.support import search_engines

    tantivy, elastic = (
        TantivyBackend(tmp_path / "index"),
        search_engines.elastic_backend(elastic_url),
    )
    try:
        for backend in (tantivy, elastic):
            load(backend, LESSONS + FORMULAS)
        for text in ["phương trình bậc hai", "2", "hai", "lớp 10", "mở đầu", "ban do", "", "x"]:
            found = [
                {h.id: h.snippet for h in find(b, text, size=50).hits} for b in (tantivy, elastic)
            ]
            assert found[0] == found[1], text
            assert found[0] or text == "x"
    finally:
        search_engines.drop_indices(elastic)
