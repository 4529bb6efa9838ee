"""A lecture's text: Markdown with formulas (``$…$``, ``$$…$$``, ``\\(…\\)``, ``\\[…\\]``), made
into the sanitised HTML the content page shows. The editor's live preview asks the server for
the same HTML (``POST /api/v1/content/preview``), so what an editor sees is what learners get.

Formulas are taken out before Markdown reads the text (``a_1 * b_2`` would become emphasis,
``\\(`` an escaped parenthesis) and put back as text; the browser typesets them with KaTeX.
HTML written in the text (older items, imports) passes through Markdown and is cleaned by nh3
with its default allow-list, as the content page always did.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

from kholieu import latex

EXTENSIONS = ["extra", "sane_lists"]
_MARK = "KHOLIEUMATH{}X"  # letters and digits only: Markdown leaves it alone
_HELD = re.compile(r"KHOLIEUMATH(\d+)X")


def is_empty(text: str | None) -> bool:
    return not (text or "").strip()


def to_html(text: str | None) -> str:
    """The sanitised HTML of a lecture's text ("" for an empty one)."""
    if is_empty(text):
        return ""
    formulas: list[str] = []

    def hold(span: latex.Span) -> str:
        formulas.append(span.text(text))
        return _MARK.format(len(formulas) - 1)

    held = latex.sub(text, hold)
    rendered = markdown.markdown(held, extensions=EXTENSIONS, output_format="html")
    rendered = _HELD.sub(
        lambda m: html.escape(formulas[int(m.group(1))], quote=False)
        if int(m.group(1)) < len(formulas) else m.group(0),
        rendered,
    )  # fmt: skip
    return nh3.clean(rendered).strip()
