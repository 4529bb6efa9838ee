"""XQuAD vi as a retrieval task (../shared/relevance/README.md): each paragraph is a published
content item (title: its article's, body: the paragraph), each question a query as a student
types it, and the one relevant result is the paragraph holding its answer. Also the floor any
engine reaches: a plain BM25 (k1 1.2, b 0.75) over diacritic-folded syllables, computed here
the same way each run, so the ratio to it means the same on every machine."""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kholieu.search.analysis import WORD, fold

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "relevance" / "xquad-vi" / "xquad.vi.json"


@dataclass(frozen=True)
class Question:
    text: str
    passage: str  # the id of the paragraph holding the answer


def load(path: Path = SOURCE) -> tuple[list[dict], list[Question]]:
    """The paragraphs as content documents, and the questions."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    docs, questions = [], []
    for a, article in enumerate(data):
        for p, paragraph in enumerate(article["paragraphs"]):
            doc_id = f"xquad-{a}-{p}"
            docs.append({
                "id": doc_id, "kind": "lecture", "title": article.get("title") or "",
                "body": paragraph["context"], "status": "published",
                "updated_at": "2026-01-01T00:00:00+00:00",
            })  # fmt: skip
            questions += [Question(qa["question"], doc_id) for qa in paragraph["qas"]]
    return docs, questions


def accent_free(text: str) -> str:
    """The question as typed on a keyboard without Vietnamese input: no diacritics, đ → d."""
    return "".join(c if c.isascii() else fold(c) for c in text)


def _syllables(text: str) -> list[str]:
    return WORD.findall(fold(text))


class BM25:
    """Okapi BM25 with Lucene's idf, every query syllable optional (a plain OR query)."""

    def __init__(self, docs: list[dict], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids = [d["id"] for d in docs]
        self.tf = [Counter(_syllables(d["body"])) for d in docs]  # the paragraph
        self.lengths = [sum(tf.values()) for tf in self.tf]
        self.average = sum(self.lengths) / len(self.lengths)
        df = Counter(word for tf in self.tf for word in tf)
        n = len(docs)
        self.idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}

    def rank(self, text: str, size: int = 10) -> list[str]:
        words = [w for w in _syllables(text) if w in self.idf]
        scores = []
        for i, tf in enumerate(self.tf):
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.average)
            score = sum(
                self.idf[w] * tf[w] * (self.k1 + 1) / (tf[w] + norm) for w in words if w in tf
            )
            if score > 0:
                scores.append((score, i))
        scores.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self.ids[i] for _, i in scores[:size]]
