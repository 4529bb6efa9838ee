"""Snippets (issue 18, item 3): formulas whole, for KaTeX, or left out; marks around the
words the query typed, never inside a formula; the document's text escaped."""

from __future__ import annotations

import html
import random
import re

import pytest

from kholieu import latex
from kholieu.search import snippets

QUADRATIC = r"\(ax^2 + bx + c = 0\)"
MATH = re.compile(r'<span class="math">(.*?)</span>')


def formulas(snippet: str) -> list[str]:
    """The formulas a snippet holds, as LaTeX source with delimiters."""
    return [html.unescape(source) for source in MATH.findall(snippet)]


def prose(snippet: str) -> str:
    """What a snippet shows as text: everything but its formulas, unmarked and unescaped."""
    return html.unescape(re.sub("</?mark>", "", MATH.sub(" ", snippet)))


def shown(snippet: str) -> str:
    """All the text a snippet shows (formulas as their source), without the ellipses."""
    text = html.unescape(re.sub("<[^>]+>", "", snippet))  # the document's "<" is escaped
    return text.removeprefix("… ").removesuffix(" …")


def marked(snippet: str) -> list[str]:
    return re.findall("<mark>(.*?)</mark>", snippet)


def test_what_a_query_marks_is_what_was_typed_and_the_letters_of_a_typed_number():
    assert snippets.marks("Phương trình bậc hai") == {"phuong", "trinh", "bac", "hai"}
    assert snippets.marks("bậc 2") == {"bac", "2", "hai", "ii"}
    assert snippets.marks("lớp 10") == {"lop", "10", "muoi"}
    assert snippets.marks("") == frozenset()
    # a question's function words are not marked; a query of nothing else marks them
    assert snippets.marks("Nhôm được điều chế thế nào?") == {"nhom", "dieu", "che"}
    assert snippets.marks("là gì") == {"la", "gi"}


def test_a_formula_is_whole_and_unmarked_and_hai_does_not_mark_its_digits():
    text = f"Công thức nghiệm của phương trình bậc hai {QUADRATIC} có 2 nghiệm phân biệt."
    snippet = snippets.build([text], snippets.marks("phương trình bậc hai"))
    assert formulas(snippet) == [QUADRATIC]
    assert marked(snippet) == ["phương", "trình", "bậc", "hai"]
    assert "\\(" not in prose(snippet) and "<mark>2</mark>" not in snippet


def test_the_number_typed_marks_a_standalone_number_but_never_one_in_a_formula():
    text = f"Phương trình {QUADRATIC} có 2 nghiệm, lớp 10 học thêm 12 dạng."
    assert marked(snippets.build([text], snippets.marks("2"))) == ["2"]
    assert marked(snippets.build([text], snippets.marks("lớp 10"))) == ["lớp", "10"]


def test_a_formula_the_window_would_cut_is_left_out_at_either_end():
    text = "Mở đầu bài học. " * 10 + f"Ta có {QUADRATIC} nên phương trình có nghiệm. "
    text += "Luyện tập thêm. " * 12
    at = text.index(QUADRATIC)
    assert at < snippets.SIZE < at + len(QUADRATIC)  # the first window ends inside it
    start = snippets.build([text], ())
    assert formulas(start) == [] and start.endswith("Ta có …")
    # a marked word just after a long formula: the lead before the word falls inside it
    sums = "\\(" + " + ".join(f"a_{n}" for n in range(1, 13)) + "\\)"
    text = "Xét tổng " + sums + " nên tổng dương. " + "Luyện tập thêm. " * 12
    late = snippets.build([text], {"nen"})
    assert formulas(late) == [] and late.startswith("… <mark>nên</mark> tổng dương.")
    for snippet in (start, late):
        assert not re.search(r"\\[()]|\^|_", prose(snippet)), snippet


def test_a_formula_longer_than_a_snippet_is_left_out():
    huge = "$" + " + ".join(f"x_{{{n}}}" for n in range(60)) + "$"
    snippet = snippets.build([f"{huge} là tổng của các số hạng."], {"tong"})
    assert snippet == "… là <mark>tổng</mark> của các số hạng."
    assert snippets.build([huge], ()) == ""


def test_document_text_is_escaped_in_prose_and_in_formulas():
    text = r"Đọc bản đồ <b onclick=x>to</b> khi $a < b$ & c."
    snippet = snippets.build([text], {"ban", "do"})
    assert "<b" not in snippet and "&lt;b onclick=x&gt;to&lt;/b&gt;" in snippet
    assert '<span class="math">$a &lt; b$</span>' in snippet and "&amp; c" in snippet


def test_the_first_text_with_a_marked_word_is_used_else_the_start_of_the_first():
    texts = ["Cho hàm số", "", "Hàm số đồng biến trên R"]
    assert (
        snippets.build(texts, {"dong", "bien"})
        == "Hàm số <mark>đồng</mark> <mark>biến</mark> trên R"
    )
    assert snippets.build(texts, {"zzz"}) == "Cho hàm số"
    assert snippets.build(["", "  "], {"x"}) == ""


def test_the_window_holds_the_most_different_query_words():
    text = "Ôm " + "điện trở " * 30 + "Định luật Ôm cho toàn mạch và định luật Ôm. " + "Hết. " * 30
    snippet = snippets.build([text], {"dinh", "luat", "om"})
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert set(map(str.lower, marked(snippet))) == {"định", "luật", "ôm"}
    assert len(shown(snippet)) <= snippets.SIZE


def test_a_word_is_marked_in_any_case_and_accents_far_into_a_long_text():
    text = "Mở đầu. " * 2_000 + "ĐỊNH LUẬT ÔM cho đoạn mạch, Đường đi dài. " + "Hết. " * 500
    snippet = snippets.build([text], snippets.marks("dinh luat om duong"))
    assert marked(snippet) == ["ĐỊNH", "LUẬT", "ÔM", "Đường"]
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert len(shown(snippet)) <= snippets.SIZE
    # a word that only contains a marked word is not marked ("ôm" is not in "ômega")
    assert marked(snippets.build(["ômega và ôm"], {"om"})) == ["ôm"]


@pytest.mark.parametrize("seed", range(4))
def test_no_snippet_ever_holds_half_a_formula_or_a_mark_inside_one(seed):
    """Random texts of words, numbers and formulas of every delimiter, cut at random query
    words: every formula shown is one of the text's, whole, and the prose holds no LaTeX."""
    rng = random.Random(seed)
    words = ["hai", "2", "phương", "trình", "nghiệm", "x", "bậc", "10", "và", "là"]
    shapes = ["${}$", "$${}$$", "\\({}\\)", "\\[{}\\]"]
    for _ in range(150):
        parts = []
        for _ in range(rng.randrange(5, 300)):  # long texts: regions cut
            if rng.random() < 0.2:
                inner = " ".join(rng.choice(["x^2", "2x", "\\frac{1}{2}", "hai", "a < b"])
                                 for _ in range(rng.randrange(1, 12)))  # fmt: skip
                parts.append(rng.choice(shapes).format(inner))
            else:
                parts.append(rng.choice(words))
        text = " ".join(parts)
        whole = {span.text(text) for span in latex.spans(text)}
        snippet = snippets.build([text], snippets.marks(rng.choice(words)))
        assert set(formulas(snippet)) <= whole
        assert not re.search(r"\$|\\[()\[\]]", prose(snippet)), snippet
        assert all("<mark>" not in source for source in MATH.findall(snippet))
        assert len(shown(snippet)) <= snippets.SIZE


def test_a_snippet_looks_no_further_than_the_first_hits_of_a_long_text():
    """The place is chosen among the first ``HITS`` marked words: bounded work on a long
    document full of one query word."""
    many = "điện " * snippets.HITS
    snippet = snippets.build([many + "Định luật Ôm. " + many], {"dien", "dinh", "luat", "om"})
    assert set(marked(snippet)) == {"điện"}
    fewer = "điện " * (snippets.HITS - 5)
    snippet = snippets.build([fewer + "Định luật Ôm. " + fewer], {"dien", "dinh", "luat", "om"})
    assert {"Định", "luật", "Ôm"} <= set(marked(snippet))
