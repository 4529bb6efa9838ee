"""MathType's characters as LaTeX: MTCode (Unicode plus MathType's private-use
characters), the Symbol font's 8-bit positions for characters written without an MTCode,
and MathType's typeface numbers.
"""

from __future__ import annotations

# MathType's typefaces (styles), as CHAR records number them.
TEXT, FUNCTION, VARIABLE, LC_GREEK, UC_GREEK, SYMBOL, VECTOR, NUMBER = range(1, 9)
USER1, USER2, MT_EXTRA, TEXT_FE = 9, 10, 11, 12
EXPAND, MARKER, SPACE = 22, 23, 24
TEXT_FACES = {TEXT, USER1, USER2, TEXT_FE}

GREEK = {
    "α": "\\alpha", "β": "\\beta", "γ": "\\gamma", "δ": "\\delta", "ε": "\\varepsilon",
    "ϵ": "\\epsilon", "ζ": "\\zeta", "η": "\\eta", "θ": "\\theta", "ϑ": "\\vartheta",
    "ι": "\\iota", "κ": "\\kappa", "λ": "\\lambda", "μ": "\\mu", "µ": "\\mu", "ν": "\\nu",
    "ξ": "\\xi", "ο": "o", "π": "\\pi", "ϖ": "\\varpi", "ρ": "\\rho", "ϱ": "\\varrho",
    "σ": "\\sigma", "ς": "\\varsigma", "τ": "\\tau", "υ": "\\upsilon", "φ": "\\varphi",
    "ϕ": "\\phi", "χ": "\\chi", "ψ": "\\psi", "ω": "\\omega",
    "Γ": "\\Gamma", "Δ": "\\Delta", "∆": "\\Delta", "Θ": "\\Theta", "Λ": "\\Lambda",
    "Ξ": "\\Xi", "Π": "\\Pi", "Σ": "\\Sigma", "Υ": "\\Upsilon", "ϒ": "\\Upsilon",
    "Φ": "\\Phi", "Ψ": "\\Psi", "Ω": "\\Omega", "\u2126": "\\Omega",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
    "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X",
}  # fmt: skip

SYMBOLS = {
    # operators
    "−": "-", "±": "\\pm", "∓": "\\mp", "×": "\\times", "÷": "\\div", "·": "\\cdot",
    "⋅": "\\cdot", "∙": "\\bullet", "•": "\\bullet", "∘": "\\circ", "◦": "\\circ",
    "∗": "\\ast", "⋆": "\\star", "⊕": "\\oplus", "⊖": "\\ominus", "⊗": "\\otimes",
    "⊙": "\\odot", "∖": "\\setminus", "∧": "\\wedge", "∨": "\\vee", "¬": "\\neg",
    "†": "\\dagger", "‡": "\\ddagger", "⋄": "\\diamond", "√": "\\surd", "∣": "\\mid",
    "∤": "\\nmid",
    # relations
    "≤": "\\le", "≥": "\\ge", "⩽": "\\leqslant", "⩾": "\\geqslant", "≦": "\\leqq",
    "≧": "\\geqq", "≠": "\\ne", "≈": "\\approx", "≡": "\\equiv", "≢": "\\not\\equiv",
    "∼": "\\sim", "≃": "\\simeq", "≅": "\\cong", "∝": "\\propto", "≪": "\\ll", "≫": "\\gg",
    "≲": "\\lesssim", "≳": "\\gtrsim", "≺": "\\prec", "≻": "\\succ", "≜": "\\triangleq",
    "≔": "\\coloneqq", "∈": "\\in", "∉": "\\notin", "∋": "\\ni", "⊂": "\\subset",
    "⊃": "\\supset", "⊆": "\\subseteq", "⊇": "\\supseteq", "⊄": "\\not\\subset",
    "⊊": "\\subsetneq", "⊥": "\\perp", "∥": "\\parallel", "∦": "\\nparallel",
    "⊢": "\\vdash", "⊨": "\\models", "≐": "\\doteq",
    # arrows
    "→": "\\to", "←": "\\leftarrow", "↔": "\\leftrightarrow", "↑": "\\uparrow",
    "↓": "\\downarrow", "↕": "\\updownarrow", "⇒": "\\Rightarrow", "⇐": "\\Leftarrow",
    "⇔": "\\Leftrightarrow", "⇑": "\\Uparrow", "⇓": "\\Downarrow", "↦": "\\mapsto",
    "⟶": "\\longrightarrow", "⟵": "\\longleftarrow", "⟹": "\\Longrightarrow",
    "⟸": "\\Longleftarrow", "⟺": "\\Longleftrightarrow", "⟷": "\\longleftrightarrow",
    "⇌": "\\rightleftharpoons", "⇋": "\\leftrightharpoons", "⇄": "\\rightleftarrows",
    "⇆": "\\leftrightarrows", "⇀": "\\rightharpoonup", "⇁": "\\rightharpoondown",
    "↼": "\\leftharpoonup", "↽": "\\leftharpoondown", "↗": "\\nearrow", "↘": "\\searrow",
    "↖": "\\nwarrow", "↙": "\\swarrow",
    # letters and others
    "∞": "\\infty", "∂": "\\partial", "∇": "\\nabla", "∀": "\\forall", "∃": "\\exists",
    "∄": "\\nexists", "∅": "\\varnothing", "⌀": "\\varnothing", "∠": "\\angle",
    "∡": "\\measuredangle", "△": "\\triangle", "▵": "\\triangle", "▲": "\\blacktriangle",
    "▽": "\\triangledown", "□": "\\square", "■": "\\blacksquare", "◊": "\\lozenge",
    "°": "\\degree", "′": "'", "″": "''", "‴": "'''", "…": "\\ldots", "⋯": "\\cdots",
    "⋮": "\\vdots", "⋱": "\\ddots", "ℝ": "\\mathbb{R}", "ℕ": "\\mathbb{N}",
    "ℤ": "\\mathbb{Z}", "ℚ": "\\mathbb{Q}", "ℂ": "\\mathbb{C}", "ℓ": "\\ell", "ℏ": "\\hbar",
    "ℑ": "\\Im", "ℜ": "\\Re", "℘": "\\wp", "ℵ": "\\aleph", "∵": "\\because",
    "∴": "\\therefore", "ƛ": "\\text{ƛ}", "ħ": "\\hbar", "⊤": "\\top",
    "∑": "\\sum", "∏": "\\prod", "∐": "\\coprod", "∫": "\\int", "∬": "\\iint",
    "∭": "\\iiint", "∮": "\\oint", "∯": "\\oiint", "∰": "\\oiiint", "⋃": "\\bigcup",
    "⋂": "\\bigcap", "∪": "\\cup", "∩": "\\cap", "⟨": "\\langle", "⟩": "\\rangle",
    "〈": "\\langle", "〉": "\\rangle", "⌊": "\\lfloor", "⌋": "\\rfloor", "⌈": "\\lceil",
    "⌉": "\\rceil", "‖": "\\|", "〚": "\\llbracket", "〛": "\\rrbracket",
    "⟦": "\\llbracket", "⟧": "\\rrbracket", "⌢": "\\frown", "⌣": "\\smile",
    # ASCII that LaTeX reads as markup
    "{": "\\{", "}": "\\}", "#": "\\#", "$": "\\$", "%": "\\%", "&": "\\&", "_": "\\_",
    "~": "\\sim", "^": "\\wedge", "\\": "\\backslash", '"': "\\text{\"}",
}  # fmt: skip

# MathType's private-use characters (MTCode) that stand for something KaTeX draws.
PRIVATE = {
    0xEE00: "\\text{ƛ}", 0xEE01: "\\hbar", 0xEE04: "\\ldots", 0xEE05: "\\cdots",
    0xEE06: "\\vdots", 0xEE07: "\\ddots", 0xEE08: "\\ddots", 0xEE0C: "\\ldots",
    0xEE11: "\\prime", 0xEE12: "\\prime\\prime", 0xEE13: "\\prime\\prime\\prime",
    0xEE1A: "\\mathbb{R}",
}  # fmt: skip

# The Symbol font's positions (Adobe's Symbol encoding), for characters MathType wrote
# with only a font position.
_SYMBOL_FONT = (
    "\u0020!∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"
    "‾αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼"
)
_SYMBOL_HIGH = (
    "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪"
    "\uf8ff〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭"
)


def symbol_font(position: int) -> str | None:
    """The character at a position of the Symbol font."""
    if 0x20 <= position < 0x20 + len(_SYMBOL_FONT):
        return _SYMBOL_FONT[position - 0x20]
    if 0xA0 <= position < 0xA0 + len(_SYMBOL_HIGH):
        return _SYMBOL_HIGH[position - 0xA0]
    return None


def is_space(code: int) -> bool:
    """MathType's spacing characters (thin, thick, em… spaces; zero-width alignment marks)."""
    return 0xEB00 <= code <= 0xEB1F or 0xEF00 <= code <= 0xEF1F or 0x2000 <= code <= 0x200B


def space_latex(code: int) -> str:
    """A spacing character as LaTeX spacing: what MathType draws, approximately."""
    if code in (0xEB01, 0xEF00, 0x200B):  # zero width
        return ""
    if code in (0xEB04, 0xEF02, 0x2009):  # thin
        return "\\,"
    if code in (0xEB05, 0xEF03, 0x2005):  # thick
        return "\\;"
    if code in (0xEB08, 0xEF04, 0x2003):  # em
        return "\\quad"
    if code == 0xEF08:
        return "\\!"
    return "\\,"


def math_char(code: int) -> str:
    """One character as LaTeX in math mode ('' for a private-use character not known)."""
    char = chr(code)
    if char.isascii():
        return SYMBOLS.get(char, char)
    if code in PRIVATE:
        return PRIVATE[code]
    if char in GREEK:
        return GREEK[char]
    if char in SYMBOLS:
        return SYMBOLS[char]
    if 0xE000 <= code <= 0xF8FF:
        return ""
    if char == "\u00a0":
        return "~"
    return "\\text{" + char + "}" if char.isalpha() else char


def text_char(code: int) -> str:
    """One character inside \\text{…}."""
    char = chr(code)
    if char in "{}#$%&_":
        return "\\" + char
    if char == "\\":
        return "\\textbackslash "
    if char in "^~":
        return "\\text" + {"^": "asciicircum", "~": "asciitilde"}[char] + " "
    if char == "\u00a0":
        return " "
    if 0xE000 <= code <= 0xF8FF:
        return ""
    return char
