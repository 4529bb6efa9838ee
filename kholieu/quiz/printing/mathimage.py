"""Formulas as pictures for printed papers: LaTeX → PNG with matplotlib's mathtext (the subset
of LaTeX school mathematics uses: fractions, roots, powers, integrals, limits, Greek letters).

Rich text becomes segments — text, formula, image — that the PDF and Word writers lay out in
a line. A formula mathtext cannot draw stays as its LaTeX source, never as a blank.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image

from kholieu import latex
from kholieu.bank import richtext

DPI = 300
# mathtext knows \frac but not the display-size variants; the printed size is the same.
_REPLACE = {
    r"\dfrac": r"\frac", r"\tfrac": r"\frac", r"\left": "", r"\right": "", r"\limits": "",
    r"\displaystyle": "", r"\,": r"\ ", r"\;": r"\ ", r"\!": "",
}  # fmt: skip
_IMG = re.compile(r'<img[^>]*src="' + re.escape(richtext.IMAGE_PREFIX) + r'([0-9a-f]{64})"')


@dataclass(frozen=True)
class Picture:
    png: bytes
    width_pt: float
    height_pt: float


@dataclass(frozen=True)
class Segment:
    kind: str  # "text", "math" or "image"
    value: str  # text, LaTeX source, or an image's sha256


@lru_cache(maxsize=4096)
def formula(source: str, size_pt: float = 12.0) -> Picture | None:
    """The formula drawn at ``size_pt``, or None when mathtext cannot draw it."""
    import matplotlib
    from matplotlib.mathtext import math_to_image

    matplotlib.rcParams["mathtext.fontset"] = "stix"  # Times-like, as printed papers are
    latex = source.strip()
    for old, new in _REPLACE.items():
        latex = latex.replace(old, new)
    buffer = io.BytesIO()
    try:
        math_to_image(f"${latex}$", buffer, dpi=DPI, format="png",
                      prop=_font(size_pt))  # fmt: skip
    except (ValueError, RuntimeError):
        return None
    png = buffer.getvalue()
    width, height = Image.open(io.BytesIO(png)).size
    return Picture(png, width / DPI * 72, height / DPI * 72)


def _font(size_pt: float):
    from matplotlib.font_manager import FontProperties

    return FontProperties(size=size_pt, family="serif")


def segments(rich: str) -> list[Segment]:
    """Rich text (the bank's sanitised HTML) as text, formulas and images, in order."""
    images = _IMG.findall(rich or "")
    text = richtext.to_text(rich or "")
    if images:  # drawn after the text, not as to_text's placeholder
        text = text.replace("[hình]", "").rstrip()
    out: list[Segment] = []
    last = 0
    for span in latex.spans(text):
        if span.start > last:
            out.append(Segment("text", text[last : span.start]))
        out.append(Segment("math", span.source))
        last = span.end
    if last < len(text):
        out.append(Segment("text", text[last:]))
    out += [Segment("image", sha) for sha in images]
    return out
