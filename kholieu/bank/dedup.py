"""Near-duplicate questions: the same stem and options up to case, spacing, punctuation,
markup and option order count as the same question; so does a small wording change, but never a
different number or formula (``x^2 - 5x + 6`` and ``x^2 - 5x + 4`` are different questions).

Each question gets a fingerprint (hash of its normalised text, for exact matches) and a
sketch for near matches: MinHash over its words and word pairs (16 minima, from one BLAKE2b
digest per shingle), cut into 4 bands of 4, each band hashed together with the question's
numbers. Two texts whose shingles overlap by 90 % share a band 99 % of the time (80 %: 87 %;
50 %: 23 %), and texts with other numbers never do, so a templated bank of thousands of
"solve x² + bx + c = 0" questions does not make every lookup compare thousands of candidates.
Candidates are then confirmed by edit ratio on the normalised stem and options.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import struct
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from kholieu.bank import richtext

NEAR_RATIO = 93.0  # rapidfuzz ratio (0–100) from which two texts with the same numbers match
BANDS = 4
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
    numbers = tuple(sorted(_NUMBERS.findall(text)))
    return Signature(
        stem=stem,
        rest=rest,
        fingerprint=hashlib.sha1(text.encode()).hexdigest(),
        sketch=_bands(text.split(), numbers),
        numbers=numbers,
    )


def _bands(words: list[str], numbers: tuple[str, ...]) -> tuple[int, ...]:
    shingles = set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}
    lanes = [struct.unpack("16I", hashlib.blake2b(s.encode()).digest()) for s in shingles]
    minima = [min(column) for column in zip(*lanes, strict=True)] if lanes else [0] * 16
    key = "|".join(numbers)
    return tuple(
        int.from_bytes(
            hashlib.blake2b(
                f"{key}#{i}#{minima[i * 4 : i * 4 + 4]}".encode(), digest_size=7
            ).digest(),
            "big",
        )
        for i in range(BANDS)
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
        candidates = dict.fromkeys(q for value in sig.sketch for q in self._by_hash.get(value, ()))
        best: tuple[Hashable, float] | None = None
        for qid in candidates:
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
