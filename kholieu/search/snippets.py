"""Snippets: the part of a hit's text a result list shows, with the query's words marked.

Built here from the stored text, the same for both engines (issue 18, item 3). The engines'
own highlighters chose different fragments, cut formulas in half and marked every folded term
they matched: ``hai`` also matches ``2``, so the ``2`` of ``\\(ax^2 + bx + c = 0\\)`` lit up,
inside LaTeX source shown as text. Here a formula is one unit: it is in the snippet whole, in
a ``<span class="math">`` for KaTeX to typeset, or it is left out; nothing inside it is marked.
Marks go around the words the query typed, as words (see ``marks``).

A snippet is HTML: the document's text escaped, ``<mark>`` and the formulas' spans ours.

Speed: a result page builds ten snippets from bodies of thousands of characters, so the
query's words are found in the text as written with one regular expression (each letter a
class of its accented and capital forms), and only the few hundred characters around the
best place are cut into words and formulas.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from collections.abc import Collection, Iterable
from html import escape
from typing import NamedTuple

from kholieu import latex
from kholieu.search import analysis

SIZE = 180  # characters of text shown, at most
LEAD = 40  # characters shown before the first marked word, when the text starts earlier
HITS = 1_000  # a snippet is the best place among this many first marked words of a text


def marks(text: str) -> frozenset[str]:
    """The folded words a query marks in snippets: the words typed, "lớp" and "10" of
    "lớp 10" included, and for a number typed in digits its spellings in letters ("2" marks
    "hai" and "II"). A word does not mark the digits it also finds: "hai" finds ``x^2``, but
    the ``2`` of a formula or of a number was not what the teacher typed. Function words
    ("là", "của", "nào") are not marked unless the query holds nothing else: marked in every
    line, they would hide the words the ranking went by."""
    out: set[str] = set()
    words = analysis.tokens(text)
    topic = [w for w in words if not analysis.is_function_word(w)] or words
    for word in topic:
        out.add(analysis.fold(word))
        if word.isdigit():
            out.update(analysis.fold(alt) for alt in analysis.alternatives(word) if alt.isalpha())
    return frozenset(out)


def _fold_table() -> dict[int, str]:
    """``analysis.fold`` one character at a time, for every character it maps to one other
    (uppercase and accented Latin, Greek, Cyrillic…): folding a word with it is one call."""
    table = {}
    for code in range(0x3000):
        char = chr(code)
        folded = analysis.fold(char)
        if len(folded) == 1 and folded != char:
            table[code] = folded
    return table


_FOLD = _fold_table()


def _classes() -> dict[str, str]:
    """For each folded character, a regular-expression class of every character that folds
    to it: a marked word is found in the text as written, which is never folded whole."""
    variants: dict[str, set[str]] = {}
    for code, folded in _FOLD.items():
        variants.setdefault(folded, {folded}).add(chr(code))
    return {f: "[" + "".join(map(re.escape, sorted(chars))) + "]" for f, chars in variants.items()}


_CLASS = _classes()


@functools.lru_cache(maxsize=256)
def _finder(marked: frozenset[str]) -> re.Pattern[str]:
    """The marked words, each as a whole word (``analysis.WORD``), in any case and accents."""
    spelled = ("".join(_CLASS.get(c, re.escape(c)) for c in w) for w in marked)
    words = "|".join(sorted(spelled, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{words})(?![^\W_])")


class _Piece(NamedTuple):
    """A word of prose or a whole formula: where a snippet may start or end. A tuple: a
    result page makes thousands, and a frozen dataclass costs several times more to build."""

    start: int
    end: int
    formula: bool = False
    mark: str | None = None  # the folded word, when the query marks it


class _Text:
    """One snippet field's text with its formulas found."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.formulas = list(latex.spans(text))
        self._starts = [span.start for span in self.formulas]

    def formula_at(self, position: int) -> latex.Span | None:
        """The formula holding ``position``, if any."""
        n = bisect.bisect_right(self._starts, position) - 1
        if n >= 0 and position < self.formulas[n].end:
            return self.formulas[n]
        return None

    def hits(self, marked: frozenset[str], start: int = 0, end: int | None = None) -> list[_Piece]:
        """The first ``HITS`` marked words in the prose (never inside a formula)."""
        found = _finder(marked).finditer(self.text, start, len(self.text) if end is None else end)
        prose = (m for m in found if self.formula_at(m.start()) is None)
        return [
            _Piece(m.start(), m.end(), mark=m.group(0).translate(_FOLD))
            for m in itertools.islice(prose, HITS)
        ]

    def edge(self, position: int, forward: bool) -> int:
        """``position`` moved out of any formula and word, to a space or the text's end, so
        a region cut there holds whole words and formulas only."""
        text = self.text
        while 0 < position < len(text):
            formula = self.formula_at(position)
            if formula is not None and formula.start < position:
                position = formula.end if forward else formula.start
            elif text[position - 1] == " " or text[position] == " ":
                return position
            else:
                space = text.find(" ", position) if forward else text.rfind(" ", 0, position)
                position = (len(text) if forward else 0) if space < 0 else space + (not forward)
        return max(0, min(position, len(text)))

    def pieces(self, start: int, end: int, marks_at: dict[int, str]) -> list[_Piece]:
        """The words and formulas between ``start`` and ``end`` (edges, see ``edge``), each
        word marked when a hit starts there (``marks_at``: hit start → its folded word)."""
        pieces, last = [], start
        first = bisect.bisect_left(self._starts, start)
        for span in self.formulas[first:]:
            if span.start >= end:
                break
            pieces += self._words(last, span.start, marks_at)
            pieces.append(_Piece(span.start, span.end, formula=True))
            last = span.end
        return pieces + self._words(last, max(last, end), marks_at)

    def _words(self, start: int, end: int, marks_at: dict[int, str]) -> list[_Piece]:
        spans = (match.span() for match in analysis.WORD.finditer(self.text, start, end))
        return [_Piece(a, b, False, marks_at.get(a)) for a, b in spans]


def _best_hit(hits: list[_Piece], size: int) -> _Piece:
    """The hit whose window (as ``_window`` draws it: from ``LEAD`` characters before the
    hit, ``size`` long) holds the most different marked words; the earliest of those."""
    best, most = hits[0], 0
    counts: Counter[str] = Counter()
    low = high = 0  # the window holds hits low..high-1
    for hit in hits:
        start = hit.start - LEAD
        while hits[low].start < start:
            if low < high:
                _drop(counts, hits[low].mark)
            low += 1
        high = max(high, low)
        while high < len(hits) and hits[high].end - max(start, 0) <= size:
            counts[hits[high].mark] += 1
            high += 1
        if len(counts) > most:
            best, most = hit, len(counts)
    return best


def _drop(counts: Counter[str], word: str | None) -> None:
    counts[word] -= 1
    if not counts[word]:
        del counts[word]


def _window(pieces: list[_Piece], size: int) -> tuple[int, int, int]:
    """The pieces ``i..j`` to show and how many different query words they mark: the window
    with the most, the earliest of those, starting a little before its first marked word.
    One pass: both edges only move forward."""
    best = (0, -1, 0)
    counts: Counter[str] = Counter()
    i = j = 0  # the window holds pieces i..j-1
    for anchor, piece in enumerate(pieces):
        if piece.mark is None:
            continue
        while pieces[i].start < piece.start - LEAD or (
            i < anchor and piece.end - pieces[i].start > size
        ):
            if i < j and pieces[i].mark:
                _drop(counts, pieces[i].mark)
            i += 1
        j = max(j, i)
        while j < len(pieces) and pieces[j].end - pieces[i].start <= size:
            if pieces[j].mark:
                counts[pieces[j].mark] += 1
            j += 1
        if j > anchor and len(counts) > best[2]:
            best = (i, j - 1, len(counts))
    if best[2]:
        return best
    # nothing marked: the start of the text, after any formula too long to show
    i = next((n for n, p in enumerate(pieces) if p.end - p.start <= size), len(pieces))
    j = i
    while j < len(pieces) and pieces[j].end - pieces[i].start <= size:
        j += 1
    return i, j - 1, 0


def _html(text: str, pieces: list[_Piece], start: int, end: int) -> str:
    """``text[start:end]`` escaped, with the marked words and the formulas wrapped."""
    out, last = [], start
    for piece in pieces:
        if not (piece.formula or piece.mark):
            continue  # a plain word is escaped with the text around it
        out.append(escape(text[last : piece.start], quote=False))
        shown = escape(text[piece.start : piece.end], quote=False)
        out.append(
            f'<span class="math">{shown}</span>' if piece.formula else f"<mark>{shown}</mark>"
        )
        last = piece.end
    out.append(escape(text[last:end], quote=False))
    return "".join(out)


def _snippet(
    source: _Text, region: tuple[int, int], marks_at: dict[int, str], size: int
) -> tuple[str, int]:
    """The snippet of one text from the pieces of ``region``, and how many different query
    words it marks."""
    text = source.text
    pieces = source.pieces(*region, marks_at)
    if not pieces:  # no word, no formula: punctuation only
        return escape(text[:size], quote=False), 0
    i, j, found = _window(pieces, size)
    if j < i:  # every piece is longer than a snippet (long formulas)
        return "", 0
    last = len(pieces) - 1
    begins, ends = region[0] == 0, region[1] == len(text)
    if j == last and ends:  # the text's end is shown: use the room left before the start
        while i > 0 and pieces[last].end - pieces[i - 1].start <= size:
            i -= 1
    start = 0 if begins and i == 0 and pieces[j].end <= size else pieces[i].start
    end = len(text) if ends and j == last and len(text) - start <= size else pieces[j].end
    html = _html(text, pieces[i : j + 1], start, end)
    return ("… " if start else "") + html + (" …" if end < len(text) else ""), found


def _marked(source: _Text, marked: frozenset[str], size: int) -> str | None:
    """The snippet around the place holding the most marked words; None when none is in
    the text. Only the region a window there can reach is cut into pieces."""
    hits = source.hits(marked)
    if not hits:
        return None
    anchor = _best_hit(hits, size).start
    start = source.edge(anchor - LEAD, forward=False)
    end = source.edge(anchor + size, forward=True)
    if end == len(source.text):  # the window may then start earlier (``_snippet``)
        start = source.edge(anchor - LEAD - size, forward=False)
    marks_at = {hit.start: hit.mark for hit in source.hits(marked, start, end)}
    return _snippet(source, (start, end), marks_at, size)[0]


def _start(source: _Text, size: int) -> str:
    """The start of the text: the words and formulas of its first ``size`` characters, or
    of more when it opens with a formula too long to show."""
    for reach in (size, 3 * size, len(source.text)):
        snippet = _snippet(source, (0, source.edge(reach, forward=True)), {}, size)[0]
        if snippet:
            return snippet
    return ""


def build(texts: Iterable[str], marked: Collection[str], size: int = SIZE) -> str:
    """The snippet of a hit whose snippet fields hold ``texts`` (in order of preference):
    from the first text with a marked word, else the start of the first text."""
    marked = frozenset(marked)
    first = None
    for text in texts:
        text = " ".join(text.split())
        if not text:
            continue
        source = _Text(text)
        if marked and (snippet := _marked(source, marked, size)) is not None:
            return snippet
        if first is None:
            first = source
        if not marked:
            break
    return _start(first, size) if first is not None else ""
