"""Where the formulas are in a text: spans between ``$$…$$``, ``$…$``, ``\\(…\\)`` and
``\\[…\\]``, found in linear time (issue 15, item 1).

The regular expression this replaces (``\\$\\$(.+?)\\$\\$|\\$(.+?)\\$|…``) re-scanned the rest of
the text from every unclosed opening: 80,000 characters of ``\\(`` took 10 s and held the
interpreter. Here each kind of opening is found with ``str.find``, and once its closing
delimiter is found missing after some point, no later opening of that kind is tried: no part
of the text is scanned twice for the same delimiter. The spans are the ones that expression found:
at each position the delimiters are tried in that order, and a formula holds at least one
character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

DELIMITERS = (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]"))


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # past the closing delimiter
    source: str  # the LaTeX between the delimiters

    def text(self, whole: str) -> str:
        return whole[self.start : self.end]


def spans(text: str) -> Iterator[Span]:
    """Every formula in ``text``, left to right, not overlapping."""
    closers = dict(DELIMITERS)
    upcoming = {opening: text.find(opening) for opening in closers}  # -1: no more
    position = 0
    while True:
        for opening, at in upcoming.items():
            if 0 <= at < position:
                upcoming[opening] = text.find(opening, position)
        ahead = [at for at in upcoming.values() if at >= 0]
        if not ahead:
            return
        found = min(ahead)
        span = None
        for opening, closing in DELIMITERS:  # in the regular expression's order
            if upcoming[opening] != found:
                continue
            inner = found + len(opening)
            close = text.find(closing, inner + 1)  # a formula holds at least one character
            if close >= 0:
                span = Span(found, close + len(closing), text[inner:close])
                break
            # no closing after here: no later opening of this kind can close either
            upcoming[opening] = -1
        if span is None:
            position = found + 1
        else:
            yield span
            position = span.end


def sub(text: str, replace: Callable[[Span], str]) -> str:
    """``text`` with each formula replaced by ``replace(span)``."""
    out, last = [], 0
    for span in spans(text):
        out += [text[last : span.start], replace(span)]
        last = span.end
    out.append(text[last:])
    return "".join(out)
