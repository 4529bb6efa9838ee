"""Near-duplicate questions: the same stem and options up to case, spacing, punctuation,
markup and option order count as the same question; so does a small wording change, but never a
different number or formula (``x^2 - 5x + 6`` and ``x^2 - 5x + 4`` are different questions).

Each question gets a fingerprint (hash of its normalised text, for exact matches) and a sketch:
the four smallest CRC-32 hashes of its words and word pairs. Texts that share most of their
words almost surely share one of those, so candidates come from a dictionary lookup, and are
then confirmed by edit ratio on the normalised texts.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from kholieu.quiz import richtext

NEAR_RATIO = 93.0  # rapidfuzz ratio (0–100) from which two texts with the same numbers match
SKETCH = 4
_WORD = re.compile(r"\w+|[=<>+\-*/^]", re.UNICODE)
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)?|[=<>+\-*/^]")


@dataclass(frozen=True)
class Signature:
    stem: str
    rest: str  # options (sorted) or statements
    fingerprint: str
    sketch: tuple[int, ...]
    numbers: tuple[str, ...]


def normalise(text: str) -> str:
    return " ".join(_WORD.findall(unicodedata.normalize("NFC", richtext.to_text(text)).lower()))


def signature(qtype: str, body: dict[str, Any]) -> Signature:
    """Options are sorted, so the same question with shuffled options has the same text."""
    choices = sorted(normalise(o) for o in (body.get("options") or []))
    statements = [normalise(s) for s in (body.get("statements") or [])]
    stem, rest = normalise(body.get("stem", "")), " | ".join([*choices, *statements])
    text = " | ".join([qtype, stem, rest])
    words = text.split()
    shingles = set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}
    sketch = tuple(sorted(zlib.crc32(s.encode()) for s in shingles)[:SKETCH])
    return Signature(
        stem=stem,
        rest=rest,
        fingerprint=hashlib.sha1(text.encode()).hexdigest(),
        sketch=sketch,
        numbers=tuple(sorted(_NUMBERS.findall(text))),
    )


def similar(a: Signature, b: Signature) -> float | None:
    """The similarity (0–1) when one is a near duplicate of the other, else None."""
    if a.fingerprint == b.fingerprint:
        return 1.0
    if a.numbers != b.numbers:
        return None
    # Stem and options separately: the same options under another stem ("Thủ đô của Lào là")
    # are another question.
    ratio = min(fuzz.ratio(a.stem, b.stem), fuzz.ratio(a.rest, b.rest))
    return round(ratio / 100, 3) if ratio >= NEAR_RATIO else None


class DuplicateIndex:
    """The bank's fingerprints and sketches in memory for one import run (plus what the run
    adds), so a large import asks the database once rather than once a question. Texts of
    existing questions are loaded only when one becomes a candidate."""

    def __init__(self, load: Callable[[int], Signature | None]) -> None:
        self._load = load
        self._by_fingerprint: dict[str, Hashable] = {}
        self._by_hash: dict[int, list[Hashable]] = defaultdict(list)
        self._signatures: dict[Hashable, Signature] = {}

    def add(
        self, question_id: Hashable, fingerprint: str, sketch: tuple[int, ...] | list[int]
    ) -> None:
        self._by_fingerprint.setdefault(fingerprint, question_id)
        for value in sketch:
            self._by_hash[value].append(question_id)

    def add_signature(self, question_id: Hashable, sig: Signature) -> None:
        self.add(question_id, sig.fingerprint, sig.sketch)
        self._signatures[question_id] = sig

    def rename(self, old: Hashable, new: Hashable) -> None:
        """Re-key a question (a pending import gets its id; a rolled-back one loses it)."""
        sig = self._signatures.get(old)
        if sig is not None:
            self.remove(old)
            self.add_signature(new, sig)

    def remove(self, question_id: Hashable) -> None:
        """Forget a question whose transaction rolled back."""
        sig = self._signatures.pop(question_id, None)
        if sig is None:
            return
        if self._by_fingerprint.get(sig.fingerprint) == question_id:
            del self._by_fingerprint[sig.fingerprint]
        for value in sig.sketch:
            if question_id in self._by_hash.get(value, []):
                self._by_hash[value].remove(question_id)

    def find(self, sig: Signature) -> tuple[Hashable, float] | None:
        """(existing question id, similarity) of the closest duplicate, if any."""
        if (found := self._by_fingerprint.get(sig.fingerprint)) is not None:
            return found, 1.0
        candidates = {qid for value in sig.sketch for qid in self._by_hash.get(value, ())}
        best: tuple[Hashable, float] | None = None
        for qid in sorted(candidates, key=lambda q: (not isinstance(q, int), str(q))):
            other = self._signatures.get(qid)
            if other is None and isinstance(qid, int):
                other = self._load(qid)
            if other is None:
                continue
            self._signatures[qid] = other
            score = similar(sig, other)
            if score is not None and (best is None or score > best[1]):
                best = (qid, score)
        return best
