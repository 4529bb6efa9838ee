"""One query model for every backend: a request, the plan built from it, and the result.

``plan`` turns what a user typed into a small tree of engine-neutral clauses (``Term``,
``Phrase``, ``Fuzzy``, ``DisMax``, ``Bool``); each backend compiles that tree into its own
query objects. Ranking rules therefore live here once:

- query words match folded (``phan so`` finds ``phân số``); function words (``là``, ``của``,
  ``nào``: ``analysis.FUNCTION_WORDS``) weigh a quarter and are never required;
- a keyword query needs all its topic words (all but one of three or four); a question of
  five or more needs a third of them (``required``), and BM25 ranks the rest;
- a word that matches as typed, diacritics included, scores above a folded-only match;
- the words as a phrase score above the same words scattered;
- "lớp N" in the query boosts grade N; digits and number words are interchangeable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from kholieu.search import analysis, snippets
from kholieu.search.fields import COMPOUNDS, OUTCOME, IndexSchema, outcome_code, schema

EXACT_BOOST = 1.5  # a word as typed, on top of its folded match
FUNCTION_WEIGHT = 0.25  # a function word ("là", "của", "nào") against a topic word
FUNCTION_WORDS_APART = True  # function words neither count toward a match nor weigh fully
LONG_QUERY = 5  # from this many topic words on, a query is a question, not keywords
LONG_SHARE = 1 / 3  # ... and a match needs this share of them (at least three)
PHRASE_BOOST = 2.0  # the query words together, in order
COMPOUND_BOOST = 0.5  # adjacent query syllables that make a word of the text ("quang hợp")
GRADE_BOOST = 1000.0  # "lớp 11" puts grade 11 first, and still shows the rest after it
MAX_SIZE = 50


@dataclass(frozen=True)
class Term:
    field: str
    value: str
    folded: bool
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str
    words: tuple[str, ...]
    folded: bool
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """The words as a phrase whose last word may be unfinished (as-you-type suggestions)."""

    field: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Fuzzy:
    field: str
    value: str  # folded
    distance: int
    boost: float = 1.0


@dataclass(frozen=True)
class Keyword:
    """A filter: ``field`` holds any of ``values``."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Const:
    """Documents matching ``filter`` get ``score``, whatever their words."""

    filter: Node
    score: float


@dataclass(frozen=True)
class DisMax:
    clauses: tuple[Node, ...]
    tie: float = 0.1


@dataclass(frozen=True)
class Bool:
    must: tuple[Node, ...] = ()
    should: tuple[Node, ...] = ()
    filter: tuple[Node, ...] = ()
    must_not: tuple[Node, ...] = ()
    min_should: int = 0  # when there is no ``must``, 0 means 1


Node = Term | Phrase | Prefix | Fuzzy | Keyword | Const | DisMax | Bool
Sort = Literal["relevance", "newest", "popular"]


@dataclass
class SearchRequest:
    index: str = "content"
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet filters
    sort: Sort = "relevance"
    page: int = 1
    size: int = 10
    highlight: bool = True
    facets: bool = True


@dataclass
class Plan:
    """What a backend executes: ``query`` scores (None: everything), ``scope`` limits what the
    user may see, ``filters`` are facet filters (each facet's counts ignore its own filter)."""

    index: IndexSchema
    query: Node | None
    scope: Node | None
    filters: dict[str, Keyword]
    facets: tuple[str, ...]
    sort: Sort
    offset: int
    limit: int
    highlight: bool  # mark the query's words in snippets
    marks: frozenset[str] = frozenset()  # the folded words snippets mark (snippets.marks)


@dataclass
class Hit:
    id: str
    kind: str
    title: str
    score: float
    snippet: str  # HTML: escaped text, <mark> around matched words, formulas whole (snippets)
    subject: str = ""
    grade: str = ""


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    fuzzy: bool = False  # nothing matched as typed; these hits tolerate typos

    def as_json(self) -> dict:
        return {
            "total": self.total,
            "hits": [
                {"id": h.id, "kind": h.kind, "title": h.title, "score": round(h.score, 4),
                 "snippet": h.snippet, "subject": h.subject, "grade": h.grade}
                for h in self.hits
            ],
            "facets": self.facets,
            "fuzzy": self.fuzzy,
        }  # fmt: skip


def _word_clause(fields: IndexSchema, word: str, scale: float = 1.0) -> Node:
    """One query word, in any text field, folded or as typed. A word typed with its
    diacritics scores higher where the text has the same ones; a word typed without any says
    nothing about them, so it only matches folded."""
    clauses: list[Node] = []
    for alt in analysis.alternatives(word):
        folded = analysis.fold(alt)
        for name, weight in fields.text.items():
            if name == COMPOUNDS:
                continue
            clauses.append(Term(name, folded, folded=True, boost=weight * scale))
            if folded != alt:
                clauses.append(Term(name, alt, folded=False, boost=weight * scale * EXACT_BOOST))
    return DisMax(tuple(clauses))


def _phrasings(words: list[str]) -> list[tuple[str, ...]]:
    """The words as typed and, when some are numbers, with the other way of writing them."""
    swapped = tuple((*analysis.alternatives(w), w)[1] for w in words)
    return [tuple(words)] if swapped == tuple(words) else [tuple(words), swapped]


def _compound_clauses(words: list[str]) -> list[Node]:
    """Two or three adjacent query syllables joined, as the compounds field holds the words
    of the text (folded: ``quang hop`` finds ``quang hợp`` as a word too); not those made of
    function words only ("bao nhiêu", "tại sao")."""
    clauses: list[Node] = []
    if not COMPOUND_BOOST:
        return clauses
    for size in (2, 3):
        for start in range(len(words) - size + 1):
            part = words[start : start + size]
            if all(analysis.is_function_word(w) for w in part):
                continue
            joined = "".join(analysis.fold(w) for w in part)
            clauses.append(Term(COMPOUNDS, joined, folded=True, boost=COMPOUND_BOOST))
    return clauses


def required(count: int) -> int:
    """How many of ``count`` topic words must match. Keywords stay strict: both of two, all
    but one of three or four ("tính số mol" finds "Mol và tính toán"). A longer query is a
    question, whose answer often shares only some of its words: a third of them."""
    if count <= 2:
        return count
    if count < LONG_QUERY:
        return count - 1
    return max(LONG_QUERY - 2, math.ceil(count * LONG_SHARE))


def text_query(fields: IndexSchema, parsed: analysis.ParsedQuery) -> Node | None:
    words = parsed.words
    if not words:
        return Keyword("grade", (parsed.grade,)) if parsed.grade else None
    should: list[Node] = []
    for phrase in _phrasings(words) if len(words) > 1 else []:
        folded = tuple(analysis.fold(w) for w in phrase)
        for name in fields.phrase_fields:
            weight = fields.text[name]
            should.append(Phrase(name, folded, folded=True, boost=weight * PHRASE_BOOST))
            if folded != phrase:
                should.append(Phrase(name, phrase, folded=False, boost=weight * PHRASE_BOOST))
    if parsed.grade:
        should.append(Const(Keyword("grade", (parsed.grade,)), GRADE_BOOST))
    apart = FUNCTION_WORDS_APART and not all(analysis.is_function_word(w) for w in words)
    topic = [w for w in words if not (apart and analysis.is_function_word(w))]
    grammar = [w for w in words if w not in topic]
    match = Bool(
        should=tuple(_word_clause(fields, w) for w in topic), min_should=required(len(topic))
    )
    should += [_word_clause(fields, w, FUNCTION_WEIGHT) for w in grammar]
    should += _compound_clauses(words)
    return Bool(must=(match,), should=tuple(should))


def fuzzy_query(fields: IndexSchema, parsed: analysis.ParsedQuery) -> Node | None:
    """The fallback when nothing matched: each word within one or two edits, folded."""
    if not parsed.words:
        return None
    clauses = []
    for word in parsed.folded:
        distance = 0 if len(word) < 4 else 1 if len(word) < 8 else 2
        options = tuple(
            Fuzzy(name, word, distance, weight)
            for name, weight in fields.text.items()
            if name != COMPOUNDS
        )
        clauses.append(DisMax(options))
    return Bool(should=tuple(clauses), min_should=required(len(clauses)))


def plan(request: SearchRequest, scope: Node | None, *, fuzzy: bool = False) -> Plan:
    fields = schema(request.index)
    parsed = analysis.parse(request.text)
    filters = {}
    for name, values in request.filters.items():
        if name not in fields.keywords:
            raise ValueError(f"{request.index} cannot be filtered by {name!r}")
        if values:
            shown = (outcome_code(str(v)) for v in values) if name == OUTCOME else map(str, values)
            filters[name] = Keyword(name, tuple(shown))
    size = max(1, min(request.size, MAX_SIZE))
    page = max(1, request.page)
    return Plan(
        index=fields,
        query=fuzzy_query(fields, parsed) if fuzzy else text_query(fields, parsed),
        scope=scope,
        filters=filters,
        facets=fields.facets if request.facets else (),
        sort=request.sort,
        offset=(page - 1) * size,
        limit=size,
        highlight=request.highlight,
        marks=snippets.marks(request.text),
    )


def suggest_query(parsed: analysis.ParsedQuery) -> Node | None:
    if not parsed.words:
        return None
    return Prefix("title", tuple(parsed.folded))
