"""Snippets: the part of a hit's text a result list shows, with the query's words marked.

Built here from the stored text, the same for both engines (issue 18, item 3). The engines'
own highlighters chose different fragments, cut formulas in half and marked every folded term
they matched: ``hai`` also matches ``2``, so the ``2`` of ``\\(ax^2 + bx + c = 0\\)`` lit up,
inside LaTeX source shown as text. Here a formula is one unit: it is in the snippet whole, in
a ``<span class="math">`` for KaTeX to typeset, or it is left out; nothing inside it is marked.
Marks go around the words the query typed, as words (see ``marks``).

A snippet is HTML: the document's text escaped, ``<mark>`` and the formulas' spans ours.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from html import escape

from kholieu import latex
from kholieu.search import analysis

SIZE = 180  # characters of text shown, at most
LEAD = 40  # characters shown before the first marked word, when the text starts earlier


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


@dataclass(frozen=True, slots=True)
class _Piece:
    """A word of prose or a whole formula: where a snippet may start or end."""

    start: int
    end: int
    formula: bool = False
    mark: str | None = None  # the folded word, when the query marks it


@functools.lru_cache(maxsize=65_536)
def _fold(word: str) -> str:
    """Cached: a result page folds the same few thousand words again and again."""
    return word.lower() if word.isascii() else analysis.fold(word)


def _words(text: str, start: int, end: int, marked: Collection[str]) -> list[_Piece]:
    if not marked:
        return [_Piece(m.start(), m.end()) for m in analysis.WORD.finditer(text, start, end)]
    pieces = []
    for match in analysis.WORD.finditer(text, start, end):
        folded = _fold(match.group(0))
        pieces.append(_Piece(match.start(), match.end(), mark=folded if folded in marked else None))
    return pieces


def _pieces(text: str, marked: Collection[str], upto: int | None = None) -> list[_Piece]:
    """The words and formulas of ``text``; with ``upto``, only those starting before it (an
    unmarked snippet is the text's start: the rest of a long body need not be read)."""
    pieces, last = [], 0
    end = len(text) if upto is None else min(len(text), upto)
    for span in latex.spans(text):
        if span.start >= end:
            break
        pieces += _words(text, last, span.start, marked)
        pieces.append(_Piece(span.start, span.end, formula=True))
        last = span.end
    return pieces + _words(text, last, max(last, end), marked)


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
                counts[pieces[i].mark] -= 1
                if not counts[pieces[i].mark]:
                    del counts[pieces[i].mark]
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
    out, last = [], start
    for piece in pieces:
        out.append(escape(text[last : piece.start], quote=False))
        shown = escape(text[piece.start : piece.end], quote=False)
        if piece.formula:
            shown = f'<span class="math">{shown}</span>'
        elif piece.mark:
            shown = f"<mark>{shown}</mark>"
        out.append(shown)
        last = piece.end
    out.append(escape(text[last:end], quote=False))
    return "".join(out)


def _snippet(text: str, pieces: list[_Piece], size: int) -> tuple[str, int]:
    """The snippet of one text, and how many different query words it marks."""
    if not pieces:  # no word, no formula: punctuation only
        return escape(text[:size], quote=False), 0
    i, j, found = _window(pieces, size)
    if j < i:  # every piece is longer than a snippet (long formulas)
        return "", 0
    last = len(pieces) - 1
    if j == last:  # the text's end is shown: use the room left before the start
        while i > 0 and pieces[last].end - pieces[i - 1].start <= size:
            i -= 1
    start = 0 if i == 0 and pieces[j].end <= size else pieces[i].start
    end = len(text) if j == last and len(text) - start <= size else pieces[j].end
    html = _html(text, pieces[i : j + 1], start, end)
    return ("… " if start else "") + html + (" …" if end < len(text) else ""), found


def build(texts: Iterable[str], marked: Collection[str], size: int = SIZE) -> str:
    """The snippet of a hit whose snippet fields hold ``texts`` (in order of preference):
    from the first text with a marked word, else the start of the first text."""
    first = None
    for text in texts:
        text = " ".join(text.split())
        if not text:
            continue
        if not marked:  # nothing to mark: the start of the first text
            return _snippet(text, _pieces(text, marked, upto=3 * size), size)[0]
        snippet, found = _snippet(text, _pieces(text, marked), size)
        if found:
            return snippet
        first = snippet if first is None else first
    return first or ""
