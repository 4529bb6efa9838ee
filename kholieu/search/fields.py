"""The two indices' fields, in engine-neutral terms; each backend maps them to its own schema.

Text fields are searched with a weight and indexed exact and folded (see ``analysis``);
``math`` holds what the formulas in the others say in words.
Keyword fields are filters and facets; ``outcome`` holds the learning outcomes (YCCĐ codes,
``kholieu.outcomes``) an item or a question names. Every document also has ``id``, ``title``
(stored for result lists), ``updated_at`` (newest first) and ``popularity`` (views or uses:
most used first).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import nh3

from kholieu import latex
from kholieu.search import analysis


@dataclass(frozen=True)
class IndexSchema:
    name: str
    text: dict[str, float]  # field -> weight
    keywords: tuple[str, ...]
    facets: tuple[str, ...]
    snippet_fields: tuple[str, ...]  # where a result's snippet comes from, in order of preference
    # Where the query's words together score as a phrase. Phrase queries read positions, the
    # costliest part of a search; long texts add little to a phrase match in the title.
    phrase_fields: tuple[str, ...] = ("title",)


# The compound words of every other text field (``analysis.compounds``), matched by a query's
# adjacent syllables joined; never by a single query word.
COMPOUNDS = "words"
# The learning outcomes a document names, by catalogue code (upper case, as the catalogue
# writes them; ``prepare`` makes them so, and a filter's value too: ``outcome_code``).
OUTCOME = "outcome"
CONTENT = IndexSchema(
    name="content",
    text={
        "title": 4.0, "summary": 2.0, "tags": 2.0, "chapter": 1.5, "body": 1.0, "math": 1.0,
        COMPOUNDS: 1.0,
    },
    keywords=("kind", "subject", "grade", "series", "license", "status", "owner", OUTCOME),
    facets=("subject", "grade", "kind", "series", OUTCOME),
    snippet_fields=("body", "summary"),
    phrase_fields=("title", "summary"),
)  # fmt: skip
QUESTIONS = IndexSchema(
    name="questions",
    text={
        "title": 3.0, "stem": 3.0, "topic": 2.0, "tags": 2.0, "options": 1.5,
        "statements": 1.5, "explanation": 1.0, "math": 1.0, COMPOUNDS: 1.0,
    },
    keywords=("kind", "subject", "grade", "level", "status", "exposure", "owner", OUTCOME),
    facets=("subject", "grade", "kind", "level", OUTCOME),
    snippet_fields=("stem", "statements", "options", "explanation"),
    phrase_fields=("title", "stem", "topic"),
)  # fmt: skip
# One document per textbook page (kholieu.textbooks), id "ITEMID-PAGE": the page's text, and
# the book's title (weighed low: "toán 10 hàm số" finds the pages of Toán 10 on hàm số).
PAGES = IndexSchema(
    name="pages",
    text={"title": 0.5, "text": 1.0, "math": 1.0, COMPOUNDS: 1.0},
    keywords=("subject", "grade", "series", "status", "item", "kind"),
    facets=("subject", "grade", "series"),
    snippet_fields=("text",),
    phrase_fields=("text",),
)
SCHEMAS = {schema.name: schema for schema in (CONTENT, QUESTIONS, PAGES)}
STORED = ("title", "kind", "subject", "grade")  # returned with every hit
SORTS = ("relevance", "newest", "popular")


def schema(index: str) -> IndexSchema:
    try:
        return SCHEMAS[index]
    except KeyError:
        expected = ", ".join(SCHEMAS)
        raise ValueError(f"unknown search index {index!r} (expected one of {expected})") from None


def _plain(value: Any) -> str:
    """Text without markup: articles and questions hold sanitised HTML."""
    text = str(value)
    if "<" in text or "&" in text:
        source = text
        text = latex.sub(source, lambda span: html.escape(html.unescape(span.text(source))))
        text = html.unescape(nh3.clean(text.replace("<", " <"), tags=set()))
    return analysis.searchable(text)


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "\n".join(_plain(v) for v in value if v)
    return _plain(value) if value not in (None, "") else ""


def _keywords(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


def prepare(index: str, doc: dict[str, Any]) -> dict[str, Any]:
    """A loader's document as both engines index it: text analysed, keywords as strings."""
    fields = schema(index)
    out: dict[str, Any] = {"id": str(doc["id"])}
    for name in fields.text:
        out[name] = _text(doc.get(name))
    out["math"] = " ".join(filter(None, (analysis.math_words(out[n]) for n in fields.text)))
    words = [out[n] for n in fields.text if n not in ("math", COMPOUNDS)]
    out[COMPOUNDS] = analysis.compounds("\n".join(filter(None, words)))
    for name in fields.keywords:
        out[name] = _keywords(doc.get(name))
    if OUTCOME in out:
        out[OUTCOME] = list(dict.fromkeys(outcome_code(v) for v in out[OUTCOME] if v.strip()))
    out["updated_at"] = doc.get("updated_at")
    out["popularity"] = int(doc.get("popularity") or 0)
    return out


def outcome_code(value: str) -> str:
    """An outcome code as the index holds it: a content item's free-typed ``toan.10.hs.01 ``
    is ``TOAN.10.HS.01``, as a filter typed either way."""
    return value.strip().upper()


def prepared(index: str, loader: Callable[..., dict[str, dict[str, Any]]]):
    """Wrap an outbox loader so that what it returns is ready for the engines."""
    schema(index)

    def load(session: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        return {i: prepare(index, {**doc, "id": i}) for i, doc in loader(session, ids).items()}

    return load
