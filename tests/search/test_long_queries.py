"""How many words a match needs, on both backends: a student's whole-sentence question finds
the passage that shares only some of its topic words, and the function words it is made of
("là", "nào", "được", "để") decide nothing; a teacher's short keyword query stays strict."""

from __future__ import annotations

import pytest

from kholieu.search import analysis
from kholieu.search import query as q
from kholieu.search.fields import schema
from tests.search.test_search_backends import find, ids, load

PASSAGES = [
    {"id": "nhom", "title": "Kim loại nhôm",
     "body": "Trong công nghiệp, nhôm được điều chế bằng phương pháp điện phân nóng chảy."},
    {"id": "ngu-phap", "title": "Câu hỏi trong tiếng Việt",
     "body": "Đây là một trong những cách được dùng để hỏi: nào, gì, bao nhiêu, tại sao."},
    {"id": "phan-tich", "title": "Phân tích đa thức thành nhân tử",
     "body": "Đặt nhân tử chung và dùng hằng đẳng thức."},
    {"id": "phuong-trinh", "title": "Phương trình", "body": "Giải phương trình ax + b = 0."},
    {"id": "phan-so", "title": "Phân số", "body": "Rút gọn phân số."},
]  # fmt: skip


@pytest.fixture
def passages(search_backend):
    load(search_backend, PASSAGES)
    return search_backend


@pytest.mark.parametrize(
    "question",
    [
        "Hiện tượng nào được ứng dụng để luyện nhôm trong công nghiệp hiện nay?",
        "Hien tuong nao duoc ung dung de luyen nhom trong cong nghiep hien nay?",
    ],
)
def test_a_long_question_finds_the_passage_sharing_only_some_topic_words(passages, question):
    found = ids(find(passages, question))
    assert found[0] == "nhom"  # shares công, nghiệp, nhôm of its eight topic words
    assert "ngu-phap" not in found  # all it shares is function words


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [("phân số", ["phan-so"]), ("phan so", ["phan-so"]),
     ("phương trình bậc hai", []),  # three of the four words needed: it has two
     ("giải phương trình bậc nhất", ["phuong-trinh"])],  # five words: three are enough
)  # fmt: skip
def test_a_short_keyword_query_stays_strict(passages, typed, wanted):
    assert ids(find(passages, typed)) == wanted


def test_a_query_of_function_words_only_still_needs_them():
    plan = q.text_query(schema("content"), analysis.parse("là gì"))
    assert plan.must[0].min_should == 2


@pytest.mark.parametrize(
    ("count", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (8, 3), (9, 3), (12, 4)]
)
def test_how_many_topic_words_a_match_needs(count, needed):
    assert q.required(count) == needed


@pytest.mark.parametrize(
    ("word", "grammar"),
    [("là", True), ("la", True), ("lá", False), ("nào", True), ("não", False), ("không", False),
     ("nhôm", False), ("được", True), ("duoc", True)],
)  # fmt: skip
def test_function_words_by_their_exact_form_or_typed_without_diacritics(word, grammar):
    assert analysis.is_function_word(word) is grammar


def test_word_segmentation_finds_the_compound_words_of_a_text():
    words = analysis.compounds("Quá trình quang hợp diễn ra ở lá cây nhờ diệp lục.").split()
    assert {"quátrình", "quanghợp", "diệplục"} <= set(words)
    assert analysis.compounds("") == ""


def test_adjacent_query_syllables_ask_for_the_word_they_make():
    plan = q.text_query(schema("content"), analysis.parse("Quang hợp là gì?"))
    terms = {n.value for n in _all(plan) if isinstance(n, q.Term) and n.field == "words"}
    assert "quanghop" in terms and "quanghople" not in terms
    assert "lagi" not in terms  # function words only: no word of the text to ask for


def _all(node):
    yield node
    for child in (
        getattr(node, "must", ()) + getattr(node, "should", ()) + getattr(node, "clauses", ())
    ):
        yield from _all(child)


def test_a_compound_word_ranks_above_its_syllables_standing_apart(search_backend):
    load(search_backend, [
        {"id": "tach", "title": "Dụng cụ thí nghiệm",
         "body": "Kính quang học phù hợp cho phòng thí nghiệm."},
        {"id": "tu", "title": "Dụng cụ thí nghiệm",
         "body": "Lá cây thực hiện quang hợp nhờ diệp lục."},
    ])  # fmt: skip
    for typed in ("quang hợp", "quang hop"):
        assert ids(find(search_backend, typed)) == ["tu", "tach"]
