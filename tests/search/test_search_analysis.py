"""Vietnamese analysis and the query plan: the rules both backends rank by."""

from __future__ import annotations

import unicodedata

import pytest

from kholieu.search import analysis
from kholieu.search import query as q
from kholieu.search.fields import CONTENT, prepare


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Đường thẳng", "duong thang"), ("ĐỒNG BIẾN", "dong bien"), ("Ưu tiên", "uu tien"),
     ("phân số", "phan so"), (unicodedata.normalize("NFD", "Tiếng Việt"), "tieng viet"),
     ("x^2 + 3,5", "x^2 + 3,5")],
)  # fmt: skip
def test_fold_removes_every_vietnamese_mark_and_the_stroke_of_d(text, folded):
    assert analysis.fold(text) == folded


def test_tokens_are_nfc_and_split_like_the_engines():
    decomposed = unicodedata.normalize("NFD", "Phương_trình bậc 2: x=3,5")
    assert analysis.tokens(decomposed) == ["phương", "trình", "bậc", "2", "x", "3", "5"]


@pytest.mark.parametrize(
    ("typed", "words", "grade"),
    [("định luật ôm lớp 11", ["định", "luật", "ôm"], "11"),
     ("LOP 9 phuong trinh", ["phuong", "trinh"], "9"),
     ("lớp12 tích phân", ["tích", "phân"], "12"),
     ("phân loại lớp vỏ", ["phân", "loại", "lớp", "vỏ"], None)],
)  # fmt: skip
def test_a_grade_in_the_query_is_taken_out_of_the_words(typed, words, grade):
    parsed = analysis.parse(typed)
    assert (parsed.words, parsed.grade) == (words, grade)


def test_number_words_and_digits_are_alternatives_but_nam_is_not_five():
    assert analysis.alternatives("2") == ("2", "hai", "ii")
    assert analysis.alternatives("hai") == ("hai", "2", "ii")
    assert analysis.alternatives("iii") == ("iii", "3", "ba")
    assert analysis.alternatives("5") == ("5", "năm")
    assert analysis.alternatives("x") == ("x",)
    assert analysis.alternatives("năm") == ("năm",)


def test_formulas_keep_their_source_and_add_the_words_teachers_type():
    doc = prepare("content", {"id": 1, "body": r"Tính $\sqrt{2}$ và \(\int_0^1 x\,dx\)"})
    assert doc["body"] == r"Tính $\sqrt{2}$ và \(\int_0^1 x\,dx\)"
    assert doc["math"] == "căn tích phân"


def test_html_becomes_text_and_a_less_than_sign_in_a_formula_survives():
    doc = prepare(
        "content", {"id": 1, "body": "<p>Cho <b>a</b></p><p>$a<b$</p><script>x()</script>"}
    )
    assert "<" not in doc["body"].replace("a<b", "") and "a<b" in doc["body"]
    assert "x()" not in doc["body"]


def _clauses(node):
    """Every node in a plan, depth first."""
    yield node
    for child in (
        getattr(node, "must", ()) + getattr(node, "should", ()) + getattr(node, "clauses", ())
    ):
        yield from _clauses(child)


def test_words_typed_with_diacritics_also_score_as_typed_and_plain_ones_only_folded():
    plan = q.text_query(CONTENT, analysis.parse("bán"))
    terms = [n for n in _clauses(plan) if isinstance(n, q.Term) and n.field == "title"]
    assert {(t.value, t.folded) for t in terms} == {("ban", True), ("bán", False)}
    exact = next(t for t in terms if not t.folded)
    folded = next(t for t in terms if t.folded)
    assert exact.boost > folded.boost
    plan = q.text_query(CONTENT, analysis.parse("ban"))
    assert all(n.folded for n in _clauses(plan) if isinstance(n, q.Term))


def test_several_words_add_phrase_clauses_in_both_number_spellings():
    plan = q.text_query(CONTENT, analysis.parse("bậc 2"))
    phrases = {
        (n.words, n.folded)
        for n in _clauses(plan)
        if isinstance(n, q.Phrase) and n.field == "title"
    }
    assert phrases == {(("bac", "2"), True), (("bậc", "2"), False),
                       (("bac", "hai"), True), (("bậc", "hai"), False)}  # fmt: skip


@pytest.mark.parametrize(("count", "needed"), [(1, 1), (2, 2), (3, 2), (4, 3), (8, 3)])
def test_longer_queries_need_fewer_of_their_words(count, needed):
    assert q.required(count) == needed
