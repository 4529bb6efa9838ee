"""Numbers and polynomials written as a textbook writes them, in LaTeX for KaTeX: no
coefficient 1 (``x``, not ``1x``), no power 1 (``x``, not ``x^{1}``), no ``+ 0`` term, signs
folded (``x - 3``, not ``x + -3``), comma decimals (``2{,}5`` inside a formula, ``2,5`` on the
2025 answer sheet) and fractions in lowest terms."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

Number = int | Fraction | float


def decimal(value: Number, places: int = 4) -> str:
    """A number in a formula: ``-2{,}5``, ``3``, ``0{,}125`` (trailing zeros dropped)."""
    return plain(value, places).replace(",", "{,}")


def plain(value: Number, places: int = 4) -> str:
    """A number in text or on the answer sheet: ``-2,5``, ``3``."""
    if isinstance(value, int) or (isinstance(value, Fraction) and value.denominator == 1):
        return str(int(value))
    text = f"{float(value):.{places}f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(".", ",")


def fraction(value: Number) -> str:
    """``\\frac{3}{4}``, ``-\\frac{1}{2}``, ``5``: an exact value in lowest terms."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    sign = "-" if value < 0 else ""
    return f"{sign}\\frac{{{abs(value.numerator)}}}{{{value.denominator}}}"


def power(var: str, exponent: int) -> str:
    if exponent == 0:
        return ""
    if exponent == 1:
        return var
    return f"{var}^{{{exponent}}}" if exponent > 9 else f"{var}^{exponent}"


def monomial(coefficient: Number, var: str = "x", exponent: int = 1) -> str:
    """One term with its own sign: ``x^2``, ``-x``, ``3x``, ``\\frac{1}{2}x^3``, ``-7``."""
    return _term(coefficient, power(var, exponent))


def _term(coefficient: Number, body: str) -> str:
    coefficient = Fraction(coefficient) if not isinstance(coefficient, float) else coefficient
    if not body:
        return _coefficient(coefficient)
    if coefficient == 1:
        return body
    if coefficient == -1:
        return "-" + body
    return _coefficient(coefficient) + body


def _coefficient(value: Number) -> str:
    if isinstance(value, float):
        return decimal(value)
    return fraction(value)


def polynomial(coefficients: Sequence[Number], var: str = "x") -> str:
    """The polynomial whose coefficients, highest power first, are given:
    ``polynomial([1, -5, 6]) == "x^2 - 5x + 6"``, ``polynomial([2, 0, -1]) == "2x^2 - 1"``,
    ``polynomial([0, 0]) == "0"``."""
    degree = len(coefficients) - 1
    return combination([(c, power(var, degree - i)) for i, c in enumerate(coefficients)])


def combination(terms: Sequence[tuple[Number, str]]) -> str:
    """``combination([(2, "x"), (-1, "y"), (3, "")]) == "2x - y + 3"``; zero terms are left
    out (``"0"`` when every one is)."""
    text = ""
    for coefficient, unit in terms:
        if coefficient == 0:
            continue
        term = _term(coefficient, unit)
        if not text:
            text = term
        elif term.startswith("-"):
            text += " - " + term[1:]
        else:
            text += " + " + term
    return text or "0"


def signed(value: Number) -> str:
    """A term after another: ``+ 3``, ``- 3``, and nothing for 0."""
    if value == 0:
        return ""
    text = fraction(value) if not isinstance(value, float) else decimal(value)
    return f"- {text[1:]}" if text.startswith("-") else f"+ {text}"


def shifted(var: str, root: Number) -> str:
    """``x - r``: the factor that vanishes at ``root`` (``x`` itself for 0)."""
    return f"{var} {signed(-Fraction(root))}".rstrip() if root else var
