"""Vietnamese text analysis shared by every search backend.

Both engines index each text field twice: *exact* (lowercased) and *folded* (also without
diacritics, with ``đ`` → ``d``, which Unicode decomposition alone does not do). The engines
fold at index time with their own filters (tantivy ``ascii_fold``, Elasticsearch
``asciifolding``; both fold Vietnamese completely, ``đ`` included — a contract test pins it);
queries are tokenised and folded here, so both backends get the same terms.

What happens before the engines see a document is done here too: NFC normalisation, and the
words a teacher types for what formulas write as LaTeX commands (``\\sqrt{x}`` → ``căn``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from kholieu import latex

# The engines split on anything that is not a letter or a digit (tantivy's "simple" tokenizer;
# Elasticsearch's standard one after a few separators became spaces). Python's \w also takes
# "_", which they do not.
WORD = re.compile(r"[^\W_]+")

_COMMAND = re.compile(r"\\([A-Za-z]+)")
# Words a teacher types for what LaTeX writes as a command.
LATEX_WORDS = {
    "sqrt": "căn", "frac": "phân số", "dfrac": "phân số", "tfrac": "phân số",
    "int": "tích phân", "iint": "tích phân", "oint": "tích phân", "lim": "giới hạn",
    "sum": "tổng", "log": "logarit", "ln": "logarit", "vec": "vectơ", "overrightarrow": "vectơ",
    "infty": "vô cùng", "triangle": "tam giác",
    "angle": "góc", "perp": "vuông góc", "parallel": "song song", "in": "thuộc",
    "leq": "nhỏ hơn hoặc bằng", "geq": "lớn hơn hoặc bằng", "neq": "khác",
}  # fmt: skip

# Digits and the Vietnamese number words mean the same in a query ("bậc 2" = "bậc hai").
# "năm" is left out of the word → digit direction: it also means "year".
_NUMBER_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
# Roman numerals too ("Định luật II Newton"), but not i, v and x: single letters, and x is
# everywhere in mathematics.
_ROMAN = {2: "ii", 3: "iii", 4: "iv", 6: "vi", 7: "vii", 8: "viii", 9: "ix"}
ALTERNATIVES: dict[str, tuple[str, ...]] = {}
for _n, _w in enumerate(_NUMBER_WORDS):
    _roman = (_ROMAN[_n],) if _n in _ROMAN else ()
    ALTERNATIVES[str(_n)] = (_w, *_roman)
    if _w != "năm":
        ALTERNATIVES[_w] = (str(_n), *_roman)
    for _r in _roman:
        ALTERNATIVES[_r] = (str(_n), _w)

_GRADE = re.compile(r"\blop\s*(1[0-2]|[1-9])\b")

# Words that carry a question's grammar, not its topic ("Hiện tượng *nào được* ứng dụng *để*
# luyện nhôm?"): a query need not contain its documents' function words, so they neither
# count toward the words a match needs nor weigh as much. Kept small on purpose: only words
# that are grammar in nearly every sentence; "không" (also zero, and "air") is not one.
FUNCTION_WORDS = frozenset((
    "là", "của", "được", "nào", "gì", "bao", "nhiêu", "trong", "và", "có", "các", "những",
    "một", "cho", "với", "để", "thì", "mà", "này", "đó", "ấy", "khi", "ai", "sao", "tại", "vì",
    "như", "thế", "bị", "ở", "từ", "đến", "về", "ra", "lại", "đã", "sẽ", "đang", "cũng",
    "rằng", "nên", "hay", "hoặc", "nếu", "nhưng", "theo", "bởi", "vào", "lên", "trên", "dưới",
    "đâu", "mấy", "người", "việc", "cái", "chiếc", "sự",
))  # fmt: skip


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase without diacritics: ``Đường`` → ``duong``, as the engines' folding filters do."""
    return "".join(
        "d" if char == "đ" else unicodedata.normalize("NFD", char)[0] for char in nfc(text).lower()
    )


def is_function_word(word: str) -> bool:
    """Whether a query word (lowercase, as typed) is grammar rather than topic: its exact form
    when typed with diacritics, any function word's folded form when typed without."""
    if word in FUNCTION_WORDS:
        return True
    return word == fold(word) and word in _FOLDED_FUNCTION


def math_words(text: str | None) -> str:
    """What the formulas in ``text`` say in words a teacher types (``\\sqrt`` → ``căn``).

    The LaTeX source itself stays in the text: the engines already split it into its command
    names, letters and numbers (``\\frac{1}{2}`` → frac, 1, 2), and snippets keep showing it.
    """
    if not text or ("$" not in text and "\\" not in text):
        return ""
    words = []
    for span in latex.spans(text):
        found = _COMMAND.findall(span.source)
        words += [LATEX_WORDS[name] for name in found if name in LATEX_WORDS]
    return " ".join(words)


def searchable(text: str | None) -> str:
    """The text as the engines index it: NFC (text typed on some systems arrives decomposed,
    which the engines would index as other words)."""
    return nfc(text) if text else ""


def shorten(text: str, limit: int) -> str:
    """Text on one line, cut at a word boundary: titles and snippets in result lists."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


# Typed without diacritics, a word is read as a function word when one of them folds to it
# ("la" may be "là" or "lá": it weighs less, and the other words decide).
_FOLDED_FUNCTION = frozenset(fold(word) for word in FUNCTION_WORDS)


# Word segmentation reads at most this much of a text: pyvi segments about 20,000 syllables a
# second here, so a 2,000,000-character PDF would take 20 s, 50,000 characters half a second;
# a document's first pages already hold most of its compound words.
SEGMENTED_CHARS = 50_000
_SEGMENTER = threading.Lock()  # pyvi's one CRF tagger is not known to be thread-safe


def compounds(text: str) -> str:
    """The words of more than one syllable in ``text`` as pyvi segments Vietnamese
    (``quang hợp`` → ``quanghợp``), one token each, for the field indexed beside the
    syllables: a query's adjacent syllables then score as the word they make, not only as
    syllables that may stand anywhere."""
    if not text:
        return ""
    from pyvi import ViTokenizer  # loads its model (~1 s) on first use

    with _SEGMENTER:
        segmented = ViTokenizer.tokenize(nfc(text[:SEGMENTED_CHARS]))
    words = []
    for token in segmented.split():
        syllables = token.split("_")
        if len(syllables) > 1 and all(WORD.fullmatch(s) for s in syllables):
            words.append("".join(syllables).lower())
    return " ".join(words)


def tokens(text: str) -> list[str]:
    """Query tokens, as the engines' exact fields hold them (lowercased, diacritics kept)."""
    return WORD.findall(searchable(text).lower())


@dataclass(frozen=True)
class ParsedQuery:
    """What a typed query asks for: its words, and a grade when it says "lớp N"."""

    words: list[str] = field(default_factory=list)
    grade: str | None = None

    @property
    def folded(self) -> list[str]:
        return [fold(word) for word in self.words]


def parse(text: str) -> ParsedQuery:
    """``định luật ôm lớp 11`` → words [định, luật, ôm] and grade 11 (a boost, not a filter:
    the teacher did not pick the grade facet)."""
    text = nfc(text or "")
    grade = None
    match = _GRADE.search(fold(text))
    if match:
        grade = match.group(1)
        text = text[: match.start()] + " " + text[match.end() :]  # fold keeps the length
    return ParsedQuery(words=tokens(text), grade=grade)


def alternatives(word: str) -> tuple[str, ...]:
    """The word and what else means the same in a query."""
    return (word, *ALTERNATIVES.get(word, ()))
