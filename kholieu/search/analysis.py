"""Vietnamese text analysis shared by every search backend.

Both engines index each text field twice: *exact* (lowercased) and *folded* (also without
diacritics, with ``đ`` → ``d``, which Unicode decomposition alone does not do). The engines
fold at index time with their own filters (tantivy ``ascii_fold``, Elasticsearch
``asciifolding``; both fold Vietnamese completely, ``đ`` included — a contract test pins it);
queries are tokenised and folded here, so both backends get the same terms.

What happens before the engines see a document is done here too: NFC normalisation (text typed
on some systems arrives decomposed, which the engines would index as other words) and reducing
LaTeX to words a teacher might type (``\\sqrt{x}`` → ``sqrt căn x``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# The engines split on anything that is not a letter or a digit (tantivy's "simple" tokenizer;
# Elasticsearch's standard one after a few separators became spaces). Python's \w also takes
# "_", which they do not.
WORD = re.compile(r"[^\W_]+")

MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_LATEX_NOISE = re.compile(r"\\[,;:!| ]|[{}^_\\&~]")
# Words a teacher types for what LaTeX writes as a command.
LATEX_WORDS = {
    "sqrt": "căn", "frac": "phân số", "dfrac": "phân số", "tfrac": "phân số",
    "int": "tích phân", "iint": "tích phân", "oint": "tích phân", "lim": "giới hạn",
    "sum": "tổng", "log": "logarit", "ln": "logarit", "vec": "vectơ", "overrightarrow": "vectơ",
    "infty": "vô cùng", "pi": "pi", "Delta": "delta", "triangle": "tam giác",
    "angle": "góc", "perp": "vuông góc", "parallel": "song song", "in": "thuộc",
    "leq": "nhỏ hơn hoặc bằng", "geq": "lớn hơn hoặc bằng", "neq": "khác",
}  # fmt: skip
_SKIP_COMMANDS = {"left", "right", "displaystyle", "text", "mathrm", "mathbf", "operatorname"}

# Digits and the Vietnamese number words mean the same in a query ("bậc 2" = "bậc hai").
# "năm" is left out of the word → digit direction: it also means "year".
_NUMBER_WORDS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"]
ALTERNATIVES: dict[str, tuple[str, ...]] = {}
for _n, _w in enumerate(_NUMBER_WORDS):
    ALTERNATIVES[str(_n)] = (_w,)
    if _w != "năm":
        ALTERNATIVES[_w] = (str(_n),)

_GRADE = re.compile(r"\blop\s*(1[0-2]|[1-9])\b")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase without diacritics: ``Đường`` → ``duong``, as the engines' folding filters do."""
    return "".join(
        "d" if char == "đ" else unicodedata.normalize("NFD", char)[0] for char in nfc(text).lower()
    )


def latex_words(source: str) -> str:
    """One LaTeX formula as searchable words: commands by name plus their Vietnamese reading,
    braces and operators dropped, letters and numbers kept."""

    def command(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SKIP_COMMANDS:
            return " "
        reading = LATEX_WORDS.get(name)
        return f" {name} {reading} " if reading and reading != name else f" {name} "

    return " ".join(_LATEX_NOISE.sub(" ", _COMMAND.sub(command, source)).split())


def searchable(text: str | None) -> str:
    """The text as the engines index it: NFC, formulas reduced to words."""
    if not text:
        return ""
    text = nfc(text)
    return MATH.sub(lambda m: " " + latex_words(next(g for g in m.groups() if g)) + " ", text)


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
