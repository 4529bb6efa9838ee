"""Text formats question files declare (Moodle's moodle/html/plain/markdown), turned into the
bank's rich text (HTML, sanitised later by the schema)."""

from __future__ import annotations

import html

import markdown as md

FORMATS = ("moodle", "html", "plain", "markdown")


def to_html(text: str, fmt: str) -> str:
    text = text.strip()
    if fmt == "html":
        return text
    if fmt == "markdown":
        return md.markdown(text, output_format="html").strip()
    if fmt == "plain":
        return html.escape(text, quote=False).replace("\n", "<br>")
    # Moodle auto-format: HTML allowed, line breaks kept.
    return text.replace("\r\n", "\n").replace("\n", "<br>")
