"""An MTEF tree (``mtef.py``) written as LaTeX that KaTeX renders.

Templates follow MathType's own meaning (docs: MTEF v5, "Template selectors"): the slots
come in the template's order, and the characters it draws (a fence, an integral sign, an
arrow) beside them. Limits whose slot is empty or a placeholder are left out. Piles inside a
left brace become ``cases`` (the systems of equations Vietnamese papers are full of).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import charset as cs
from .mtef import Char, Line, Matrix, MTEFError, Pile, Template

FUNCTIONS = {
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh",
    "tanh", "coth", "log", "ln", "lg", "exp", "lim", "max", "min", "sup", "inf", "det",
    "dim", "ker", "deg", "gcd", "arg", "hom", "Pr", "liminf", "limsup",
}  # fmt: skip
OPERATORS = {"\\lim", "\\max", "\\min", "\\sup", "\\inf", "\\liminf", "\\limsup", "\\det",
             "\\gcd", "\\Pr"}  # fmt: skip
RELATIONS = set("=<>≤≥≠≈≡∼≃≅∈∉⊂⊃⊆⊇⇒⇔→←↔")

# Fences: template selector → (left, right) as \left / \right take them.
FENCES = {
    0: ("\\langle", "\\rangle"), 1: ("(", ")"), 2: ("\\{", "\\}"), 3: ("[", "]"),
    4: ("|", "|"), 5: ("\\|", "\\|"), 6: ("\\lfloor", "\\rfloor"), 7: ("\\lceil", "\\rceil"),
    8: ("\\llbracket", "\\rrbracket"),
}  # fmt: skip
MATRIX_FENCES = {1: "pmatrix", 3: "bmatrix", 2: "Bmatrix", 4: "vmatrix", 5: "Vmatrix"}
INTERVAL_SIDES = {0: "(", 1: ")", 2: "[", 3: "]"}
BIG_OPERATORS = {16: "\\sum", 17: "\\prod", 18: "\\coprod", 19: "\\bigcup", 20: "\\bigcap"}
INTEGRALS = {
    (1, False): "\\int", (2, False): "\\iint", (3, False): "\\iiint",
    (1, True): "\\oint", (2, True): "\\oiint", (3, True): "\\oiiint",
}  # fmt: skip

# Embellishments: code → (LaTeX wrapping the character, or a suffix when it starts with ').
EMBELLISHMENTS = {
    2: "\\dot{%s}", 3: "\\ddot{%s}", 4: "\\dddot{%s}", 5: "%s'", 6: "%s''", 7: "{}^{\\backprime}%s",
    8: "\\tilde{%s}", 9: "\\hat{%s}", 10: "\\not{%s}", 11: "\\vec{%s}",
    12: "\\overleftarrow{%s}", 13: "\\overleftrightarrow{%s}", 14: "\\overrightharpoon{%s}",
    15: "\\overleftharpoon{%s}", 16: "\\sout{%s}", 17: "\\bar{%s}", 18: "%s'''",
    19: "\\overset{\\frown}{%s}", 20: "\\overset{\\smile}{%s}", 21: "\\xcancel{%s}",
    22: "\\cancel{%s}", 23: "\\bcancel{%s}", 24: "\\ddddot{%s}", 25: "\\underset{.}{%s}",
    26: "\\underset{..}{%s}", 27: "\\underset{...}{%s}", 28: "\\underset{....}{%s}",
    29: "\\underline{%s}",
    30: "\\utilde{%s}", 31: "\\underset{\\frown}{%s}", 32: "\\underset{\\smile}{%s}",
    33: "\\underrightarrow{%s}", 34: "\\underleftarrow{%s}", 35: "\\underleftrightarrow{%s}",
    36: "\\underset{\\rightharpoondown}{%s}", 37: "\\underset{\\leftharpoondown}{%s}",
}  # fmt: skip


@dataclass
class _Atom:
    """A piece of a line's LaTeX; ``scripted`` when it already carries _ or ^."""

    tex: str
    scripted: bool = False


def to_latex(root: Line) -> str:
    """The whole equation."""
    return _Writer().line(root).strip()


class _Writer:
    def line(self, line: Line | Pile | Matrix) -> str:
        if isinstance(line, Pile):
            return self.pile(line)
        if isinstance(line, Matrix):
            return self.matrix(line)
        if line.null:
            return ""
        atoms: list[_Atom] = []
        items = line.items
        i = 0
        while i < len(items):
            item = items[i]
            if isinstance(item, Char):
                i = self.chars(items, i, atoms)
                continue
            if isinstance(item, Template) and item.selector in (27, 28, 29):
                self.script(item, atoms)
            elif isinstance(item, Template):
                atoms.append(_Atom(self.template(item)))
            else:
                atoms.append(_Atom(self.line(item)))
            i += 1
        return _join(a.tex for a in atoms)

    # characters -------------------------------------------------------------------------

    def chars(self, items: list, start: int, atoms: list[_Atom]) -> int:
        """A run of characters from ``start``: text runs, function names, or one character."""
        first = items[start]
        if _is_text(first):
            end = start
            while end < len(items) and isinstance(items[end], Char) and _is_text(items[end]):
                end += 1
            text = "".join(cs.text_char(c.code) for c in items[start:end] if c.code is not None)
            if text.strip():
                _append_text(atoms, text)
            return end
        if _is_function_letter(first):
            end = start
            while end < len(items) and _is_function_letter(items[end]):
                end += 1
            name = "".join(chr(c.code) for c in items[start:end])
            atoms.append(_Atom(_function(name)))
            return end
        tex = self.char(first)
        if tex:
            prime = tex.endswith("'") and not tex.startswith("\\")
            if atoms and tex == "{,}" and not atoms[-1].tex[-1:].isdigit():
                tex = ","
            if tex.startswith("\\text{") and tex.endswith("}") and tex.count("{") == 1:
                _append_text(atoms, tex[6:-1])
            else:
                atoms.append(_Atom(tex, scripted=prime))
        return start + 1

    def char(self, char: Char) -> str:
        code = _code(char)
        if code is None:
            return ""
        if char.typeface == cs.SPACE or cs.is_space(code):
            return cs.space_latex(code)
        if char.typeface == cs.MARKER:
            return ""
        tex = cs.math_char(code)
        if char.typeface == cs.VECTOR and tex:
            tex = ("\\mathbf{" if chr(code).isascii() else "\\boldsymbol{") + tex + "}"
        elif char.typeface == cs.FUNCTION and chr(code).isalpha() and tex.isascii():
            tex = "\\mathrm{" + tex + "}"
        if tex == "," and char.typeface == cs.NUMBER:
            tex = "{,}"
        for code in char.embellishments:
            pattern = EMBELLISHMENTS.get(code)
            if pattern:
                tex = pattern % (tex if not tex.startswith("\\") or "{" in tex else tex + " ")
        return tex

    # templates --------------------------------------------------------------------------

    def slot(self, template: Template, index: int) -> str:
        if index >= len(template.slots):
            return ""
        return self.line(template.slots[index]).strip()

    def script(self, template: Template, atoms: list[_Atom]) -> None:
        sub, sup = self.slot(template, 0), self.slot(template, 1)
        if template.selector == 28 and len(template.slots) == 1:
            sub, sup = "", sub
        tex = (f"_{{{sub}}}" if sub else "") + (f"^{{{sup}}}" if sup else "")
        if not tex:
            return
        if template.variation & 1:  # a pre-script: it belongs to what follows
            atoms.append(_Atom("{}" + tex))
            return
        if not atoms or not atoms[-1].tex.strip() or atoms[-1].tex.startswith("\\,"):
            atoms.append(_Atom("{}" + tex, scripted=True))
            return
        base = atoms.pop()
        body = "{" + base.tex + "}" if base.scripted else base.tex
        atoms.append(_Atom(body + tex, scripted=True))

    def template(self, t: Template) -> str:
        sel, var = t.selector, t.variation
        main = self.slot(t, 0)
        if sel in FENCES:
            return self.fence(t, main)
        if sel == 9:
            left = _fence_char(t.chars[0]) if t.chars else INTERVAL_SIDES[var & 0x03]
            right = _fence_char(t.chars[1]) if len(t.chars) > 1 else INTERVAL_SIDES[(var >> 4) & 3]
            return f"\\left{left} {main} \\right{right}"
        if sel == 10:
            index = self.slot(t, 1)
            return f"\\sqrt[{index}]{{{main}}}" if index else f"\\sqrt{{{main}}}"
        if sel == 11:
            return self.fraction(t, main)
        if sel in (12, 13):
            wrap = "\\underline" if sel == 12 else "\\overline"
            inner = f"{wrap}{{{main}}}"
            return f"{wrap}{{{inner}}}" if var & 1 else inner
        if sel == 14:
            return self.arrow(t)
        if sel in (15, 21) or sel in BIG_OPERATORS or sel == 22:
            return self.big_operator(t, main)
        if sel == 23:
            return self.limit(t, main)
        if sel in (24, 25):
            label = self.slot(t, 1)
            if var & 1:
                return f"\\overbrace{{{main}}}" + (f"^{{{label}}}" if label else "")
            return f"\\underbrace{{{main}}}" + (f"_{{{label}}}" if label else "")
        if sel == 26:
            return self.long_division(t)
        if sel == 30:
            left, right = self.slot(t, 0), self.slot(t, 1)
            if var & 3 == 3:
                return f"\\left\\langle {left} \\middle| {right} \\right\\rangle"
            if var & 1:
                return f"\\left\\langle {left} \\right|"
            return f"\\left| {left or right} \\right\\rangle"
        if sel == 31:
            return self.vector(var, main)
        if sel == 32:
            return f"\\widetilde{{{main}}}"
        if sel == 33:
            return f"\\widehat{{{main}}}"
        if sel == 34:
            return f"\\overgroup{{{main}}}"
        if sel == 35:  # joint status: MathType draws a bracket over the slot
            return f"\\overgroup{{{main}}}"
        if sel == 36:
            return self.strike(var, main)
        if sel == 37:
            return f"\\boxed{{{main}}}"
        raise MTEFError(f"unknown template {sel}")

    def fence(self, t: Template, main: str) -> str:
        left, right = FENCES[t.selector]
        has_left, has_right = bool(t.variation & 1), bool(t.variation & 2)
        if not (has_left or has_right):
            has_left = has_right = True
        inner = t.slots[0] if t.slots else None
        if t.selector == 2 and has_left and not has_right and _single(inner, Pile):
            return self.cases(_only(inner))
        if has_left and has_right and t.selector in MATRIX_FENCES and _single(inner, Matrix):
            matrix = _only(inner)
            if not any(matrix.row_parts) and not any(matrix.col_parts):
                env = MATRIX_FENCES[t.selector]
                return f"\\begin{{{env}}}{self.cells(matrix)}\\end{{{env}}}"
        if t.selector == 8:  # white brackets do not stretch in KaTeX
            return (left if has_left else "") + f" {main} " + (right if has_right else "")
        return f"\\left{left if has_left else '.'} {main} \\right{right if has_right else '.'}"

    def fraction(self, t: Template, main: str) -> str:
        denominator = self.slot(t, 1)
        if t.variation & 0x02:  # a slash
            if t.variation & 0x04:
                return f"{main}/{denominator}"
            return f"\\tfrac{{{main}}}{{{denominator}}}"  # MathML's bevelled fraction
        if t.variation & 0x01:
            return f"\\tfrac{{{main}}}{{{denominator}}}"
        return f"\\frac{{{main}}}{{{denominator}}}"

    def arrow(self, t: Template) -> str:
        var = t.variation
        top, bottom = self.slot(t, 0), self.slot(t, 1)  # an absent one is a null line
        if var & 0x02:  # a pair of harpoons: the same size, or the large one over (LOS)
            name = {0x10: "\\xrightequilibrium", 0x20: "\\xleftequilibrium"}.get(
                var & 0x30, "\\xrightleftharpoons"
            )
        elif var & 0x01:  # a pair of arrows
            name = "\\xrightleftarrows"
        elif var & 0x30 == 0x30:
            name = "\\xleftrightarrow"
        elif var & 0x10:
            name = "\\xleftarrow"
        else:
            name = "\\xrightarrow"
        below = f"[{bottom}]" if bottom else ""
        return f"{name}{below}{{{top}}}"

    def big_operator(self, t: Template, main: str) -> str:
        sel, var = t.selector, t.variation
        if sel == 15:
            signs, loop = max(1, min(var & 0x03, 3)), var & 0x0C
            op = INTEGRALS.get((signs, bool(loop)), "\\int")
            if signs == 1 and loop in (0x08, 0x0C):  # clockwise, counter-clockwise: ∲ ∳
                op = '\\mathop{\\char"%X}' % (0x2232 if loop == 0x08 else 0x2233)
        elif sel in BIG_OPERATORS:
            op = BIG_OPERATORS[sel]
        else:  # an operator of the user's: its character
            op = self.char(t.chars[-1]) if t.chars else "\\sum"
            if op not in BIG_OPERATORS.values() and op not in INTEGRALS.values():
                op = f"\\mathop{{{op}}}"
        lower, upper = self.slot(t, 1), self.slot(t, 2)
        limits = ""
        if lower or upper:
            limits = "\\limits" if var & 0x40 else "" if sel in (15, 21) else "\\nolimits"
        scripts = (f"_{{{lower}}}" if lower else "") + (f"^{{{upper}}}" if upper else "")
        return f"{op}{limits}{scripts} {main}".rstrip()

    def limit(self, t: Template, main: str) -> str:
        lower, upper = self.slot(t, 1), self.slot(t, 2)
        op = main if main in OPERATORS else f"\\mathop{{{main}}}"
        scripts = (f"_{{{lower}}}" if lower else "") + (f"^{{{upper}}}" if upper else "")
        return f"{op}\\limits{scripts}" if scripts else op

    def long_division(self, t: Template) -> str:
        dividend = self.slot(t, 0)
        if t.variation & 1:
            quotient, divisor = self.slot(t, 1), self.slot(t, 2)
        else:
            quotient, divisor = "", self.slot(t, 1)
        body = f"{divisor}\\overline{{\\smash{{)}}{dividend}}}"
        if quotient:
            return f"\\begin{{array}}{{r}}{quotient}\\\\ {body}\\end{{array}}"
        return body

    def vector(self, var: int, main: str) -> str:
        where = "under" if var & 0x04 else "over"
        if var & 0x08:
            side = "left" if var & 0x01 and not var & 0x02 else "right"
            if where == "under":
                return f"\\underset{{\\{side}harpoondown}}{{{main}}}"
            return f"\\over{side}harpoon{{{main}}}"
        side = {1: "left", 2: "right", 3: "leftright"}.get(var & 0x03, "right")
        return f"\\{where}{side}arrow{{{main}}}"

    def strike(self, var: int, main: str) -> str:
        if var & 0x01:
            return f"\\sout{{{main}}}"
        if var & 0x06 == 0x06:
            return f"\\xcancel{{{main}}}"
        return f"\\bcancel{{{main}}}" if var & 0x04 else f"\\cancel{{{main}}}"

    # piles and matrices -----------------------------------------------------------------

    def pile(self, pile: Pile) -> str:
        rows = " \\\\ ".join(self.line(line) for line in pile.lines)
        align = {1: "l", 3: "r"}.get(pile.halign, "l" if pile.halign == 4 else "c")
        return f"\\begin{{array}}{{{align}}}{rows}\\end{{array}}"

    def cases(self, pile: Pile) -> str:
        rows = " \\\\ ".join(self.line(line) for line in pile.lines)
        return f"\\begin{{cases}}{rows}\\end{{cases}}"

    def cells(self, matrix: Matrix) -> str:
        rows = []
        for r in range(matrix.rows):
            row = matrix.cells[r * matrix.cols : (r + 1) * matrix.cols]
            rows.append(" & ".join(self.line(cell) for cell in row))
        return " \\\\ ".join(rows)

    def matrix(self, matrix: Matrix) -> str:
        if matrix.rows * matrix.cols != len(matrix.cells) or not matrix.rows:
            raise MTEFError("a matrix whose cells do not fill it")
        if not any(matrix.row_parts) and not any(matrix.col_parts):
            return f"\\begin{{matrix}}{self.cells(matrix)}\\end{{matrix}}"
        rule = {0: "", 1: "|", 2: ":", 3: ":"}
        spec = "".join(rule[p] + ("c" if i < matrix.cols else "")
                       for i, p in enumerate(matrix.col_parts))  # fmt: skip
        hrule = {1: "\\hline ", 2: "\\hdashline ", 3: "\\hdashline "}
        rows = []
        for r in range(matrix.rows):
            row = matrix.cells[r * matrix.cols : (r + 1) * matrix.cols]
            rows.append(hrule.get(matrix.row_parts[r], "") + " & ".join(map(self.line, row)))
        last = hrule.get(matrix.row_parts[matrix.rows], "")
        body = " \\\\ ".join(rows) + (" \\\\ " + last if last else "")
        return f"\\begin{{array}}{{{spec}}}{body}\\end{{array}}"


def _append_text(atoms: list[_Atom], text: str) -> None:
    """Text joins the text just before it: one \\text{…} a run of words."""
    last = atoms[-1] if atoms else None
    if last and not last.scripted and last.tex.startswith("\\text{") and last.tex.count("{") == 1:
        atoms[-1] = _Atom(last.tex[:-1] + text + "}")
    else:
        atoms.append(_Atom("\\text{" + text + "}"))


def _code(char: Char) -> int | None:
    """The character's Unicode value: its MTCode, or its font position in its font."""
    if char.code is not None and not 0xF000 <= char.code <= 0xF0FF:
        return char.code
    position = char.font_position
    if position is None:
        return char.code
    if "Symbol" in char.font or char.encoding == "Symbol":
        found = cs.symbol_font(position)
        return ord(found) if found else None
    return position if position < 0x100 else None


def _is_text(char: Char) -> bool:
    code = _code(char)
    return char.typeface in cs.TEXT_FACES and code is not None and not cs.is_space(code)


def _is_function_letter(item: object) -> bool:
    if not isinstance(item, Char) or item.embellishments:
        return False
    code = _code(item)
    return (item.typeface == cs.FUNCTION and code is not None and code < 0x80
            and chr(code).isalpha())  # fmt: skip


def _function(name: str) -> str:
    if name in FUNCTIONS:
        return "\\" + name
    if len(name) == 1:
        return "\\mathrm{" + name + "}"
    return "\\operatorname{" + name + "}"


def _fence_char(char: Char) -> str:
    code = _code(char)
    if code is None:
        return "."
    tex = cs.math_char(code)
    return {"{": "\\{", "}": "\\}", "\\{": "\\{", "\\}": "\\}"}.get(tex, tex) or "."


def _single(line: object, kind: type) -> bool:
    return isinstance(line, Line) and len(line.items) == 1 and isinstance(line.items[0], kind)


def _only(line: object):
    assert isinstance(line, Line)
    return line.items[0]


def _join(pieces) -> str:
    """Concatenate, with a space where a command would run into a letter."""
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and out[-1].isalpha() and (piece[0].isalpha() or piece[0] == "@"):
            m = len(out) - len(out.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            if m < len(out) and out[-m - 1] == "\\":
                out += " "
        out += piece
    return out
