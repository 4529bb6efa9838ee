"""Formulas as Word equations (OMML, ``<m:oMath>``) for the Word papers, so a teacher edits
them in Word like any equation they typed: LaTeX → MathML (latex2mathml) → OMML (here).

Microsoft's own MathML → OMML stylesheet (MML2OMML.XSL) ships with Office, not with any
package, and the PyPI packages for this step are one-release projects, so the MathML that
latex2mathml writes is mapped here: tokens, fractions, roots, scripts, n-ary operators (∫ ∑ ∏
with their limits and operand), limits under and over (lim, max), accents (\\vec, \\hat,
\\bar, \\overrightarrow), fences, systems (cases) and matrices. Anything else raises
``Unconvertible`` and the writer draws that formula as a picture instead (and counts it).
``kholieu.bank.formats.omml`` reads the result back to LaTeX: the tests go round the loop.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MML_NS = "http://www.w3.org/1998/Math/MathML"
M, W, MML = f"{{{M_NS}}}", f"{{{W_NS}}}", f"{{{MML_NS}}}"
NSMAP = {"m": M_NS, "w": W_NS}
FONT = "Cambria Math"  # the font Word writes equations in

NARY = set("∫∬∭∮∯∰∑∏∐⋃⋂⋁⋀")
UPRIGHT_OPERATORS = {"lim", "max", "min", "sup", "inf", "det", "gcd", "deg"}
RELATIONS = set("=<>≤≥≠≈≡∼≅∝→⇒⇔←∈∉⊂⊆⊃⊇")
# Accents over a single symbol: the combining characters Word's accent object uses.
ACCENTS = {"→": "\u20d7", "⃗": "\u20d7", "^": "\u0302", "ˆ": "\u0302", "\u0302": "\u0302",
           "~": "\u0303", "˜": "\u0303", "\u0303": "\u0303", "˙": "\u0307", ".": "\u0307",
           "¨": "\u0308", "ˇ": "\u030c", "˘": "\u0306", "←": "\u20d6"}  # fmt: skip
BARS = {"¯", "‾", "―", "_", "\u0305", "\u0304", "−", "-"}
BRACES = {"⏞": "top", "︷": "top", "⏟": "bot", "︸": "bot"}


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class Unconvertible(ValueError):
    """A formula this module cannot write as a Word equation (the writer draws it)."""


@lru_cache(maxsize=4096)
def _xml(source: str) -> bytes:
    from latex2mathml.converter import convert

    try:
        mathml = convert(source.strip())
    except Exception as exc:  # latex2mathml raises its own many kinds on unknown LaTeX
        raise Unconvertible(f"latex2mathml: {type(exc).__name__}: {exc}") from None
    try:
        root = etree.fromstring(mathml.encode(), _PARSER)
    except etree.XMLSyntaxError as exc:  # a raw "&" from an alignment outside a table
        raise Unconvertible(f"latex2mathml wrote no XML: {exc}") from None
    math = etree.Element(M + "oMath", nsmap=NSMAP)
    _extend(math, _row(list(root)))
    return etree.tostring(math)


def from_latex(source: str) -> etree._Element:
    """A new ``<m:oMath>`` element for the LaTeX ``source`` (without ``$``)."""
    if not source.strip():
        raise Unconvertible("an empty formula")
    return etree.fromstring(_xml(source))


# -- building blocks ---------------------------------------------------------------------------


def _m(tag: str, *children: etree._Element, **vals: str) -> etree._Element:
    element = etree.Element(M + tag, nsmap=NSMAP)
    for key, value in vals.items():
        element.set(M + key, value)
    element.extend(children)
    return element


def _wrap(tag: str, parts: list[etree._Element]) -> etree._Element:
    """``<m:e>``, ``<m:num>``… holding ``parts`` (an empty one is valid OMML: Word shows a
    placeholder box only while editing)."""
    element = _m(tag)
    _extend(element, parts)
    return element


def _extend(parent: etree._Element, parts: list[etree._Element]) -> None:
    parent.extend(parts)


def _props(tag: str, **vals: str) -> etree._Element:
    props = _m(tag)
    for key, value in vals.items():
        props.append(_m(key, val=value))
    return props


def _run(text: str, *, upright: bool = False, normal: bool = False) -> etree._Element:
    run = _m("r")
    if upright or normal:
        props = _m("rPr")
        props.append(_m("nor", val="on") if normal else _m("sty", val="p"))
        run.append(props)
    fonts = etree.SubElement(etree.SubElement(run, W + "rPr"), W + "rFonts")
    fonts.set(W + "ascii", FONT)
    fonts.set(W + "hAnsi", FONT)
    t = etree.SubElement(run, M + "t")
    t.text = text
    if text != text.strip():
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def _text_of(node: etree._Element) -> str:
    return "".join(node.itertext())


def _tag(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _operator(node: etree._Element) -> str | None:
    """The operator a node is, through the rows latex2mathml wraps tokens in."""
    while _tag(node) in ("mrow", "mstyle") and len(node) == 1:
        node = node[0]
    if _tag(node) == "mo":
        return _text_of(node).strip()
    return None


# -- MathML → OMML -----------------------------------------------------------------------------


def _row(nodes: list[etree._Element]) -> list[etree._Element]:
    """A run of siblings. An n-ary operator takes the siblings after it, up to a relation
    (``∫_0^1 f(x) dx = 1``), as its operand, as Word's own equations do; a prefix fence opens a
    delimiter that its postfix partner closes."""
    out: list[etree._Element] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        nary = _nary_parts(node)
        if nary is not None:
            j = i + 1
            while j < len(nodes) and (_operator(nodes[j]) or "") not in RELATIONS:
                j += 1
            out.append(_nary(*nary, _row(nodes[i + 1 : j])))
            i = j
            continue
        if _tag(node) == "mo" and node.get("fence") == "true" and node.get("form") == "prefix":
            depth, j = 0, i
            while j < len(nodes):
                other = nodes[j]
                if _tag(other) == "mo" and other.get("fence") == "true":
                    depth += 1 if other.get("form") == "prefix" else -1
                    if depth == 0:
                        break
                j += 1
            closing = _text_of(nodes[j]).strip() if j < len(nodes) else ""
            out.append(_delimiter(_text_of(node).strip(), closing, nodes[i + 1 : j]))
            i = j + 1
            continue
        out += _node(node)
        i += 1
    return out


def _nary_parts(node: etree._Element):
    """``(char, sub, sup, under)`` when ``node`` is an n-ary operator with or without limits."""
    tag = _tag(node)
    if tag == "mo" and _text_of(node).strip() in NARY:
        return _text_of(node).strip(), None, None, False
    if tag in ("msub", "msup", "msubsup", "munder", "mover", "munderover") and len(node):
        char = _operator(node[0])
        if char in NARY:
            sub = node[1] if tag in ("msub", "msubsup", "munder", "munderover") else None
            sup = (node[2] if tag in ("msubsup", "munderover") else
                   node[1] if tag in ("msup", "mover") else None)  # fmt: skip
            return char, sub, sup, tag.startswith("mu")
    return None


def _nary(char, sub, sup, under: bool, body: list[etree._Element]) -> etree._Element:
    props = _props("naryPr", chr=char)
    props.append(_m("limLoc", val="undOvr" if under or char in "∑∏∐⋃⋂" else "subSup"))
    if sub is None:
        props.append(_m("subHide", val="1"))
    if sup is None:
        props.append(_m("supHide", val="1"))
    return _m(
        "nary", props,
        _wrap("sub", _node(sub) if sub is not None else []),
        _wrap("sup", _node(sup) if sup is not None else []),
        _wrap("e", body),
    )  # fmt: skip


def _delimiter(begin: str, end: str, inner: list[etree._Element]) -> etree._Element:
    props = _props("dPr", begChr=begin, endChr=end)
    return _m("d", props, _wrap("e", _row(inner)))


def _node(node: etree._Element) -> list[etree._Element]:
    tag = _tag(node)
    if not tag:  # a comment or processing instruction
        return []
    handler = _HANDLERS.get(tag)
    if handler is None:
        raise Unconvertible(f"MathML <{tag}> has no Word equation here")
    return handler(node)


def _children(node: etree._Element) -> list[etree._Element]:
    return _row(list(node))


def _token(node: etree._Element) -> str:
    """A token's text; a command latex2mathml passed through unknown (``\\ce``) or an
    alignment mark outside a table (``aligned``) is not mathematics Word could show."""
    text = _text_of(node)
    if text.startswith("\\") or text == "&":
        raise Unconvertible(f"latex2mathml left {text!r} unconverted")
    return text


def _identifier(node: etree._Element) -> list[etree._Element]:
    text = _token(node)
    variant = node.get("mathvariant")
    upright = len(text) > 1 or variant == "normal"  # sin, log: upright, as Word writes them
    return [_run(text, upright=upright)] if text else []


def _number(node: etree._Element) -> list[etree._Element]:
    text = _token(node)
    return [_run(text)] if text else []


def _mo(node: etree._Element) -> list[etree._Element]:
    text = _token(node).strip()
    if not text:
        return []
    return [_run(text, upright=text in UPRIGHT_OPERATORS)]


def _mtext(node: etree._Element) -> list[etree._Element]:
    text = _text_of(node)
    return [_run(text, normal=True)] if text else []


def _space(node: etree._Element) -> list[etree._Element]:
    if node.get("linebreak"):
        raise Unconvertible("a line break inside a formula (aligned)")
    width = node.get("width", "")
    return [_run("\u2009" if width in ("0.167em", "0.222em") else " ")] if width else []


def _arguments(node: etree._Element, count: int) -> list[etree._Element]:
    args = [child for child in node if _tag(child)]
    if len(args) != count:
        raise Unconvertible(f"MathML <{_tag(node)}> with {len(args)} arguments, not {count}")
    return args


def _fraction(node: etree._Element) -> list[etree._Element]:
    num, den = _arguments(node, 2)
    parts = [_wrap("num", _node(num)), _wrap("den", _node(den))]
    if node.get("linethickness") in ("0", "0pt", "0em"):
        parts.insert(0, _props("fPr", type="noBar"))
    return [_m("f", *parts)]


def _sqrt(node: etree._Element) -> list[etree._Element]:
    return [_m("rad", _props("radPr", degHide="1"), _m("deg"), _wrap("e", _children(node)))]


def _root(node: etree._Element) -> list[etree._Element]:
    base, degree = _arguments(node, 2)
    return [_m("rad", _m("radPr"), _wrap("deg", _node(degree)), _wrap("e", _node(base)))]


def _scripts(node: etree._Element) -> list[etree._Element]:
    tag = _tag(node)
    if tag == "msubsup":
        base, sub, sup = _arguments(node, 3)
        return [_m("sSubSup", _wrap("e", _node(base)), _wrap("sub", _node(sub)),
                   _wrap("sup", _node(sup)))]  # fmt: skip
    base, script = _arguments(node, 2)
    name = "sub" if tag == "msub" else "sup"
    if tag == "msub" and _operator(base) in UPRIGHT_OPERATORS:  # \lim_{x\to 0} written inline
        return [_m("limLow", _wrap("e", _node(base)), _wrap("lim", _node(script)))]
    return [_m("sSub" if tag == "msub" else "sSup", _wrap("e", _node(base)),
               _wrap(name, _node(script)))]  # fmt: skip


def _over(node: etree._Element) -> list[etree._Element]:
    base, mark = _arguments(node, 2)
    char = _operator(mark)
    if char is None:
        return [_m("limUpp", _wrap("e", _node(base)), _wrap("lim", _node(mark)))]
    if char in BARS:
        return [_m("bar", _props("barPr", pos="top"), _wrap("e", _node(base)))]
    if char in BRACES:
        return [_m("groupChr", _props("groupChrPr", chr=char, pos="top", vertJc="bot"),
                   _wrap("e", _node(base)))]  # fmt: skip
    if char in ("→", "←") and len(_text_of(base).strip()) > 1:  # \overrightarrow{AB}
        return [_m("groupChr", _props("groupChrPr", chr=char, pos="top", vertJc="bot"),
                   _wrap("e", _node(base)))]  # fmt: skip
    if char in ACCENTS:
        return [_m("acc", _props("accPr", chr=ACCENTS[char]), _wrap("e", _node(base)))]
    return [_m("limUpp", _wrap("e", _node(base)), _wrap("lim", _node(mark)))]


def _under(node: etree._Element) -> list[etree._Element]:
    base, mark = _arguments(node, 2)
    char = _operator(mark)
    if char in BARS:
        return [_m("bar", _props("barPr", pos="bot"), _wrap("e", _node(base)))]
    if char in BRACES:
        return [_m("groupChr", _props("groupChrPr", chr=char, pos="bot", vertJc="top"),
                   _wrap("e", _node(base)))]  # fmt: skip
    return [_m("limLow", _wrap("e", _node(base)), _wrap("lim", _node(mark)))]


def _under_over(node: etree._Element) -> list[etree._Element]:
    base, under, over = _arguments(node, 3)
    low = _m("limLow", _wrap("e", _node(base)), _wrap("lim", _node(under)))
    return [_m("limUpp", _wrap("e", [low]), _wrap("lim", _node(over)))]


def _fenced(node: etree._Element) -> list[etree._Element]:
    props = _props("dPr", begChr=node.get("open", "("), endChr=node.get("close", ")"))
    return [_m("d", props, *[_wrap("e", _node(child)) for child in node if _tag(child)])]


def _table(node: etree._Element) -> list[etree._Element]:
    rows = [row for row in node if _tag(row) in ("mtr", "mlabeledtr")]
    cells = [[cell for cell in row if _tag(cell) == "mtd"] for row in rows]
    if not rows:
        raise Unconvertible("an empty MathML table")
    if all(c.get("columnalign") == "left" for row in cells for c in row):  # cases, aligned
        lines = []
        for row in cells:
            parts: list[etree._Element] = []
            for k, cell in enumerate(row):
                if k:
                    parts.append(_run(" "))
                parts += _children(cell)
            lines.append(_wrap("e", parts))
        return [_m("eqArr", *lines)]
    width = max(len(row) for row in cells)
    columns = _props("mcPr", count=str(width), mcJc="center")
    matrix = _m("m", _m("mPr", _m("mcs", _m("mc", columns))))
    for row in cells:
        line = _m("mr")
        for k in range(width):
            line.append(_wrap("e", _children(row[k]) if k < len(row) else []))
        matrix.append(line)
    return [matrix]


def _enclose(node: etree._Element) -> list[etree._Element]:
    return [_m("borderBox", _wrap("e", _children(node)))]


def _first(node: etree._Element) -> list[etree._Element]:
    children = [child for child in node if _tag(child)]
    return _node(children[0]) if children else []


_HANDLERS = {
    "mi": _identifier, "mn": _number, "mo": _mo, "mtext": _mtext, "ms": _mtext,
    "mspace": _space, "mrow": _children, "mstyle": _children, "mpadded": _children,
    "mphantom": lambda n: [], "merror": _children, "semantics": _first,
    "mfrac": _fraction, "msqrt": _sqrt, "mroot": _root,
    "msub": _scripts, "msup": _scripts, "msubsup": _scripts,
    "mover": _over, "munder": _under, "munderover": _under_over,
    "mfenced": _fenced, "mtable": _table, "menclose": _enclose,
}  # fmt: skip
