"""Word equations (OMML, ``<m:oMath>``) to LaTeX.

The one package on PyPI for this (dwml 0.3, last released 2020) fails on fractions that have no
``<m:fPr>``, which Word writes all the time, so the common structures are converted here:
runs, fractions, scripts, radicals, delimiters, n-ary operators, functions, limits, accents,
bars, group characters, equation arrays and matrices. Anything else raises ``MathError``, and
the importer reports the question instead of importing it with a hole.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SYMBOLS = {
    "−": "-", "±": "\\pm ", "∓": "\\mp ", "×": "\\times ", "÷": "\\div ", "·": "\\cdot ",
    "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "≈": "\\approx ", "≡": "\\equiv ", "∞": "\\infty ",
    "→": "\\to ", "⇒": "\\Rightarrow ", "⇔": "\\Leftrightarrow ", "←": "\\leftarrow ",
    "∈": "\\in ", "∉": "\\notin ", "⊂": "\\subset ", "⊄": "\\not\\subset ", "⊆": "\\subseteq ",
    "∪": "\\cup ", "∩": "\\cap ", "∅": "\\varnothing ", "∀": "\\forall ", "∃": "\\exists ",
    "°": "^\\circ ", "∠": "\\angle ", "⊥": "\\perp ", "∥": "\\parallel ", "∆": "\\Delta ",
    "α": "\\alpha ", "β": "\\beta ", "γ": "\\gamma ", "δ": "\\delta ", "ε": "\\varepsilon ",
    "θ": "\\theta ", "λ": "\\lambda ", "μ": "\\mu ", "π": "\\pi ", "ρ": "\\rho ",
    "σ": "\\sigma ", "φ": "\\varphi ", "ω": "\\omega ", "Δ": "\\Delta ", "Ω": "\\Omega ",
    "Π": "\\Pi ", "Σ": "\\Sigma ", "Φ": "\\Phi ", "ℝ": "\\mathbb{R}", "ℕ": "\\mathbb{N}",
    "ℤ": "\\mathbb{Z}", "ℚ": "\\mathbb{Q}", "…": "\\ldots ", "⋯": "\\cdots ", "′": "'",
}  # fmt: skip
NARY = {"∑": "\\sum", "∫": "\\int", "∬": "\\iint", "∭": "\\iiint", "∮": "\\oint", "∏": "\\prod",
        "⋃": "\\bigcup", "⋂": "\\bigcap"}  # fmt: skip
ACCENTS = {"\u0302": "\\hat", "\u20d7": "\\vec", "\u0305": "\\bar", "\u0304": "\\bar",
           "\u0307": "\\dot", "\u0303": "\\tilde", "\u030c": "\\check", "→": "\\vec",
           "\u20d6": "\\overleftarrow", "\u0306": "\\breve", "\u0308": "\\ddot"}  # fmt: skip
FUNCTIONS = {"sin", "cos", "tan", "cot", "log", "ln", "lim", "exp", "max", "min", "sup", "inf"}
DELIMITERS = {
    "{": "\\{", "}": "\\}", "|": "|", "‖": "\\|", "⌊": "\\lfloor ", "⌋": "\\rfloor ",
    "⌈": "\\lceil ", "⌉": "\\rceil ", "〈": "\\langle ", "〉": "\\rangle ", "⟨": "\\langle ",
    "⟩": "\\rangle ", "[": "[", "]": "]", "(": "(", ")": ")",
}  # fmt: skip


class MathError(ValueError):
    pass


def to_latex(math: ET.Element) -> str:
    """LaTeX for an ``<m:oMath>`` (or ``<m:oMathPara>``) element, without the ``$``."""
    return " ".join(_children(math).split())


def _val(element: ET.Element | None, tag: str, default: str | None = None) -> str | None:
    if element is None:
        return default
    found = element.find(M + tag)
    return found.get(M + "val", default) if found is not None else default


def _children(element: ET.Element | None) -> str:
    if element is None:
        return ""
    return "".join(_node(child) for child in element)


def _group(element: ET.Element | None) -> str:
    inner = _children(element).strip()
    return "{" + inner + "}"


def _text(run: ET.Element) -> str:
    text = "".join(t.text or "" for t in run.iter(M + "t"))
    text += "".join(t.text or "" for t in run.iter(W + "t") if run.find(M + "t") is None)
    normal = _val(run.find(M + "rPr"), "nor") in ("1", "on", "true")
    if normal and text.strip() and not text.strip().isdigit():
        return "\\text{" + text + "}"
    if text.strip() in FUNCTIONS:
        return "\\" + text.strip() + " "
    return "".join(SYMBOLS.get(c, c) for c in text)


def _node(node: ET.Element) -> str:
    tag = node.tag.removeprefix(M)
    if tag == "r":
        return _text(node)
    if tag in ("e", "oMath", "oMathPara", "num", "den", "sub", "sup", "deg", "fName", "lim"):
        return _children(node)
    if tag.endswith("Pr") or tag in ("ctrlPr", "argPr"):
        return ""
    handler = HANDLERS.get(tag)
    if handler is None:
        if node.tag.startswith(W):  # Word markup inside math (bookmarks, proofing): no content
            return "".join(_node(c) for c in node if c.tag.startswith(M))
        raise MathError(f"the equation uses <m:{tag}>, which cannot be converted")
    return handler(node)


def _fraction(node: ET.Element) -> str:
    kind = _val(node.find(M + "fPr"), "type", "bar")
    num, den = _group(node.find(M + "num")), _group(node.find(M + "den"))
    if kind == "noBar":
        return f"\\binom{num}{den}"
    if kind == "lin":
        return f"{num}/{den}"
    return f"\\frac{num}{den}"


def _scripts(node: ET.Element) -> str:
    base = _children(node.find(M + "e")).strip()
    if len(base) > 1 and not base.startswith("\\") and not base.startswith("{"):
        base = "{" + base + "}"
    out = base
    if (sub := node.find(M + "sub")) is not None:
        out += "_" + _group(sub)
    if (sup := node.find(M + "sup")) is not None:
        out += "^" + _group(sup)
    return out


def _pre_scripts(node: ET.Element) -> str:
    return (
        "{}_"
        + _group(node.find(M + "sub"))
        + "^"
        + _group(node.find(M + "sup"))
        + _children(node.find(M + "e"))
    )


def _radical(node: ET.Element) -> str:
    hidden = _val(node.find(M + "radPr"), "degHide") in ("1", "on", "true")
    degree = _children(node.find(M + "deg")).strip()
    body = _group(node.find(M + "e"))
    return f"\\sqrt[{degree}]{body}" if degree and not hidden else f"\\sqrt{body}"


def _delimiter(node: ET.Element) -> str:
    props = node.find(M + "dPr")
    begin, end = _val(props, "begChr", "("), _val(props, "endChr", ")")
    separator = _val(props, "sepChr", "|")
    parts = [_children(e).strip() for e in node.findall(M + "e")]
    inner = f" {separator} ".join(parts) if separator != "|" else " | ".join(parts)
    if begin == "{" and not end and len(parts) == 1 and node.find(f".//{M}eqArr") is not None:
        return inner  # a system of equations: the eqArr below already wrote \begin{cases}
    left = "\\left" + (DELIMITERS.get(begin, begin) if begin else ".")
    right = "\\right" + (DELIMITERS.get(end, end) if end else ".")
    return f"{left}{inner}{right}"


def _equation_array(node: ET.Element) -> str:
    rows = [_children(e).strip().replace("&", "") for e in node.findall(M + "e")]
    return "\\begin{cases}" + " \\\\ ".join(rows) + "\\end{cases}"


def _nary(node: ET.Element) -> str:
    props = node.find(M + "naryPr")
    char = _val(props, "chr", "∫")
    out = NARY.get(char, SYMBOLS.get(char, char))
    if _val(props, "subHide") not in ("1", "on", "true") and node.find(M + "sub") is not None:
        out += "_" + _group(node.find(M + "sub"))
    if _val(props, "supHide") not in ("1", "on", "true") and node.find(M + "sup") is not None:
        out += "^" + _group(node.find(M + "sup"))
    return out + " " + _children(node.find(M + "e"))


def _function(node: ET.Element) -> str:
    name = _children(node.find(M + "fName")).strip()
    return f"{name} {_children(node.find(M + 'e')).strip()}"


def _limit(node: ET.Element, mark: str) -> str:
    base = _children(node.find(M + "e")).strip()
    return f"{base}{mark}{_group(node.find(M + 'lim'))}"


def _accent(node: ET.Element) -> str:
    char = _val(node.find(M + "accPr"), "chr", "\u0302")
    command = ACCENTS.get(char)
    if command is None:
        raise MathError(f"the equation uses the accent {char!r}, which cannot be converted")
    return f"{command}{_group(node.find(M + 'e'))}"


def _bar(node: ET.Element) -> str:
    position = _val(node.find(M + "barPr"), "pos", "bot")
    command = "\\overline" if position == "top" else "\\underline"
    return f"{command}{_group(node.find(M + 'e'))}"


def _group_char(node: ET.Element) -> str:
    props = node.find(M + "groupChrPr")
    char, position = _val(props, "chr", "⏟"), _val(props, "pos", "bot")
    body = _group(node.find(M + "e"))
    if char in ("→", "⃗"):
        return f"\\overrightarrow{body}"
    if char == "←":
        return f"\\overleftarrow{body}"
    return f"\\overbrace{body}" if position == "top" else f"\\underbrace{body}"


def _matrix(node: ET.Element) -> str:
    rows = [" & ".join(_children(e).strip() for e in row.findall(M + "e"))
            for row in node.findall(M + "mr")]  # fmt: skip
    return "\\begin{matrix}" + " \\\\ ".join(rows) + "\\end{matrix}"


HANDLERS = {
    "f": _fraction, "sSup": _scripts, "sSub": _scripts, "sSubSup": _scripts,
    "sPre": _pre_scripts,
    "rad": _radical, "d": _delimiter, "eqArr": _equation_array, "nary": _nary,
    "func": _function, "limLow": lambda n: _limit(n, "_"), "limUpp": lambda n: _limit(n, "^"),
    "acc": _accent, "bar": _bar, "groupChr": _group_char, "m": _matrix,
    "box": lambda n: _children(n.find(M + "e")), "borderBox": lambda n: _children(n.find(M + "e")),
    "phant": lambda n: _children(n.find(M + "e")),
}  # fmt: skip
