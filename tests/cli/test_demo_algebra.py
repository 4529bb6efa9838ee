"""The formatter demo questions write their numbers and polynomials with."""

from __future__ import annotations

from fractions import Fraction

import pytest

from kholieu.demo.algebra import (
    combination,
    decimal,
    fraction,
    monomial,
    plain,
    polynomial,
    shifted,
    signed,
)


@pytest.mark.parametrize(
    ("coefficients", "text"),
    [
        ([1, -5, 6], "x^2 - 5x + 6"),
        ([2, 0, -1], "2x^2 - 1"),
        ([-1, 1, 0], "-x^2 + x"),
        ([1, 11], "x + 11"),  # never (1x + 11)
        ([48, 0], "48x"),  # never 48x¹
        ([0, 0, 0], "0"),
        ([0, -1], "-1"),
        ([1, 0, -27, 5], "x^3 - 27x + 5"),
        ([Fraction(3, 2), -2, 0], "\\frac{3}{2}x^2 - 2x"),
        ([Fraction(-1, 2), 0], "-\\frac{1}{2}x"),
        ([1, *[0] * 10, 1], "x^{11} + 1"),
        ([2.5, -1], "2{,}5x - 1"),
    ],
)
def test_polynomial(coefficients, text):
    assert polynomial(coefficients) == text


def test_other_variables_and_combinations():
    assert polynomial([3, 16], "t") == "3t + 16"
    assert combination([(2, "x"), (-1, "y")]) == "2x - y"
    assert (
        combination([(1, "\\vec{i}"), (0, "\\vec{j}"), (-4, "\\vec{k}")]) == "\\vec{i} - 4\\vec{k}"
    )
    assert combination([(-1, "x"), (3, "")]) == "-x + 3"
    assert combination([]) == "0"


def test_monomials_signs_and_factors():
    assert monomial(1, "x", 1) == "x"
    assert monomial(-1, "x", 2) == "-x^2"
    assert monomial(7, "x", 0) == "7"
    assert monomial(Fraction(5, 3), "x", 3) == "\\frac{5}{3}x^3"
    assert signed(3) == "+ 3" and signed(-3) == "- 3" and signed(0) == ""
    assert shifted("x", 3) == "x - 3" and shifted("x", -11) == "x + 11" and shifted("y", 0) == "y"


def test_numbers_with_comma_decimals():
    assert decimal(2.5) == "2{,}5"  # KaTeX would write "2,5" as "2, 5"
    assert plain(2.5) == "2,5" and plain(-0.25) == "-0,25" and plain(3.0) == "3"
    assert plain(Fraction(9, 2)) == "4,5" and plain(Fraction(8, 2)) == "4"
    assert decimal(0.000001) == "0" and plain(-0.00001) == "0"
    assert decimal(1 / 3, 2) == "0{,}33"
    assert (
        fraction(Fraction(6, 8)) == "\\frac{3}{4}" and fraction(Fraction(-1, 2)) == "-\\frac{1}{2}"
    )
    assert fraction(4) == "4"
