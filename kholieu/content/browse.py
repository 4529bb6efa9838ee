"""The browse page: published items by subject → grade → textbook series → chapter, with the
number of items under each choice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kholieu.accounts.deps import AnyoneDep
from kholieu.content import catalogue
from kholieu.content.catalogue import LEVELS
from kholieu.curriculum import SERIES, SUBJECTS
from kholieu.i18n import gettext
from kholieu.outcomes import catalogue as outcome_catalogue
from kholieu.textbooks import alignment
from kholieu.web.deps import SessionDep, SettingsDep
from kholieu.web.templating import render

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/hoc-lieu")
def browse(
    request: Request,
    user: AnyoneDep,
    settings: SettingsDep,
    session: SessionDep,
    subject: str | None = None,
    grade: int | None = None,
    textbook_series: str | None = None,
    chapter: str | None = None,
    yccd: str | None = None,
) -> Response:
    chosen = {"subject": subject, "grade": grade, "textbook_series": textbook_series,
              "chapter": chapter}  # fmt: skip
    found = catalogue.facets(session, chosen)
    level = found.level
    options = sorted(
        ({"value": value, "label": _label(level, value), "count": n} for value, n in found.options),
        key=lambda o: (o["value"] is None, str(o["value"]).zfill(3)),
    ) if level is not None else []  # fmt: skip
    items = found.items
    outcomes, sections, outcome = [], [], None
    if subject is not None and grade is not None:
        outcomes = _outcome_facet(session, user, subject, grade)
        if yccd:
            code = yccd.strip().upper()
            outcome = next((o for o in outcomes if o["code"] == code), {"code": code, "text": ""})
            items = alignment.items_for_outcome(session, user, subject, grade, code)
            sections = alignment.sections_for(session, user, subject, grade, {code})
    thumbnails = catalogue.thumbnails(settings, session, [item.id for item in items])
    crumbs = [
        {"name": name, "label": _label(name, chosen[name])}
        for name in LEVELS if chosen[name] is not None
    ]  # fmt: skip
    return render(request, "browse.html", {
        "level": level, "options": options, "items": items, "chosen": chosen, "crumbs": crumbs,
        "thumbnails": thumbnails, "outcomes": outcomes, "outcome": outcome,
        "sections": sections, "series_names": SERIES,
    })  # fmt: skip


def _outcome_facet(session, user, subject: str, grade: int) -> list[dict[str, Any]]:
    """The subject and grade's outcomes that some visible item aligns to, with counts, in the
    catalogue's order (any series: the facet is where the series meet)."""
    counts = alignment.outcome_counts(session, user, subject, grade)
    rows = outcome_catalogue.by_code(session, counts)
    return sorted(
        ({"code": code, "text": rows[code].text if code in rows else "", "count": n,
          "order": (rows[code].position if code in rows else 1 << 30, code)}
         for code, n in counts.items()),
        key=lambda o: o["order"],
    )  # fmt: skip


def _label(level: str, value: Any) -> str:
    if level == "subject":
        return gettext(SUBJECTS[value]) if value in SUBJECTS else value
    if level == "grade":
        return f"{value}"
    if level == "textbook_series":
        return gettext(SERIES[value]) if value in SERIES else (value or "")
    return value or ""
