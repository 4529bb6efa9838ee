"""Word documents written the way Word writes them: paragraphs of runs with their looks."""

from __future__ import annotations

from docx.shared import RGBColor

RED = RGBColor(0xFF, 0x00, 0x00)


def add(document, *parts):
    """A paragraph from (text, {underline, bold, red}) parts."""
    paragraph = document.add_paragraph()
    for part in parts:
        text, look = (part, {}) if isinstance(part, str) else part
        run = paragraph.add_run(text)
        run.underline = look.get("underline")
        run.bold = look.get("bold")
        if look.get("red"):
            run.font.color.rgb = RED
    return paragraph
