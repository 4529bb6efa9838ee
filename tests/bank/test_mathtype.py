"""MathType equations (MTEF built by hand here) to LaTeX: the constructs Vietnamese papers
use, and untrusted bytes that must end in a warning, never an exception."""

from __future__ import annotations

import random
import shutil
import struct

import pytest

from kholieu.bank.formats.mathtype import from_mtef, from_ole, mtef_from_text, preview_png
from tests.support.katex import node, render_mathml

VARIABLE, FUNCTION, TEXT, SYMBOL, NUMBER = 3, 2, 1, 6, 8


def header() -> bytes:
    return bytes([5, 1, 0, 7, 0]) + b"DSMT7\0" + bytes([0])


def line(*items: bytes) -> bytes:
    return bytes([1, 0]) + b"".join(items) + b"\0"


def null_line() -> bytes:
    return bytes([1, 1])


def char(text: str, face: int = VARIABLE) -> bytes:
    return b"".join(bytes([2, 0, face + 128]) + struct.pack("<H", ord(c)) for c in text)


def embellished(text: str, embell: int) -> bytes:
    return bytes([2, 1, VARIABLE + 128]) + struct.pack("<H", ord(text)) + bytes([6, 0, embell, 0])


def tmpl(selector: int, variation: int, *parts: bytes) -> bytes:
    return bytes([3, 0, selector, variation, 0]) + b"".join(parts) + b"\0"


def pile(*lines: bytes) -> bytes:
    return bytes([4, 0, 1, 1]) + b"".join(lines) + b"\0"


def equation(*items: bytes) -> bytes:
    return header() + line(*items) + b"\0"


def latex(*items: bytes) -> str:
    result = from_mtef(equation(*items))
    assert result.warning is None, result.warning
    assert result.latex is not None
    return result.latex


def test_fraction_root_and_scripts():
    assert latex(tmpl(11, 0, line(char("1", NUMBER)), line(char("2", NUMBER)))) == "\\frac{1}{2}"
    assert latex(tmpl(10, 0, line(char("x")), null_line())) == "\\sqrt{x}"
    assert latex(tmpl(10, 1, line(char("x")), line(char("3", NUMBER)))) == "\\sqrt[3]{x}"
    assert latex(char("x"), tmpl(28, 0, null_line(), line(char("2", NUMBER)))) == "x^{2}"
    both = tmpl(29, 0, line(char("n")), line(char("2", NUMBER)))
    assert latex(char("u"), both) == "u_{n}^{2}"


def test_a_system_in_a_left_brace_is_cases():
    system = tmpl(2, 1, line(pile(line(char("x+y=1")), line(char("x-y=3")))), char("{", 22))
    assert latex(system) == "\\begin{cases}x+y=1 \\\\ x-y=3\\end{cases}"


def test_fences_with_one_side_and_both():
    assert latex(tmpl(1, 3, line(char("a")))) == "\\left( a \\right)"
    assert latex(tmpl(3, 1, line(char("a")))) == "\\left[ a \\right."
    assert latex(tmpl(4, 3, line(char("x")))) == "\\left| x \\right|"


def test_vectors_limits_and_big_operators():
    assert latex(tmpl(31, 2, line(char("AB")))) == "\\overrightarrow{AB}"
    lim = tmpl(23, 0, line(char("lim", FUNCTION)), line(char("x"), char("→0", SYMBOL)), null_line())
    assert latex(lim) == "\\lim\\limits_{x\\to0}"
    total = tmpl(16, 0x70, line(char("k")), line(char("k=1")), line(char("n")), char("∑", SYMBOL))
    assert latex(total) == "\\sum\\limits_{k=1}^{n} k"
    integral = tmpl(15, 0x31, line(char("f")), line(char("0", NUMBER)), line(char("1", NUMBER)))
    assert latex(integral) == "\\int_{0}^{1} f"


def test_arrow_with_conditions_for_chemistry():
    arrow = tmpl(14, 0x24, line(char("t°", TEXT)), null_line())
    assert latex(char("A"), arrow, char("B")) == "A\\xrightarrow{\\text{t°}}B"


def test_symbols_functions_and_words():
    assert latex(char("x≤2⇒x∈ℝ", SYMBOL)) == "x\\le2\\Rightarrow x\\in\\mathbb{R}"
    assert latex(char("sin", FUNCTION), char("x")) == "\\sin x"
    assert latex(char("Δ", 5), char("ABC")) == "\\Delta ABC"
    assert latex(char("90", NUMBER), char("°", SYMBOL)) == "90\\degree"
    assert latex(char("với mọi ", TEXT), char("x")) == "\\text{với mọi }x"
    assert latex(char("2", NUMBER), char(",", NUMBER), char("5", NUMBER)) == "2{,}5"


def test_embellishments():
    assert latex(embellished("x", 5)) == "x'"
    assert latex(embellished("a", 11)) == "\\vec{a}"
    assert latex(embellished("x", 17)) == "\\bar{x}"
    # a prime then a square: the base is braced so KaTeX sees one superscript
    assert latex(embellished("f", 5), tmpl(28, 0, null_line(), line(char("2")))) == "{f'}^{2}"


def test_the_ole_header_is_skipped():
    body = equation(char("x"))
    stream = struct.pack("<HIHII", 28, 0x00020000, 0, len(body), 0).ljust(28, b"\0") + body
    assert from_mtef(stream).latex == "x"


def test_equation_editor_3_records():
    # MTEF v3: the tag's low nibble is the record type, the high nibble its options
    frac = bytes([3, 14, 0, 0, 1, 2, 0x88, 0x31, 0, 0, 1, 2, 0x88, 0x32, 0, 0, 0])
    stream = bytes([3, 1, 1, 3, 0, 0x0A, 1]) + frac + b"\0\0"
    assert from_mtef(stream).latex == "\\frac{1}{2}"


@pytest.mark.parametrize(
    "data",
    [b"", b"\x05", b"\x07garbage", b"\x05\x01\x00\x06\x09DSMT6", b"\xff" * 64,
     header() + b"\x03\x00\x0b",  # a template cut short
     header() + b"\x01\x00" * 5000,  # lines nested past any equation
     header() + b"\x63"],  # a record type no version has
)  # fmt: skip
def test_bad_streams_give_a_warning(data):
    result = from_mtef(data)
    assert result.latex is None
    assert result.warning and " / " in result.warning


def test_no_prefix_or_random_bytes_raise():
    whole = equation(tmpl(11, 0, line(char("a")), line(tmpl(10, 0, line(char("b")), null_line()))))
    for end in range(len(whole)):
        result = from_mtef(whole[:end])
        assert (result.latex is None) == (result.warning is not None)
    rng = random.Random(17)
    for _ in range(300):
        noisy = bytearray(whole)
        for _ in range(rng.randint(1, 6)):
            noisy[rng.randrange(len(noisy))] = rng.randrange(256)
        result = from_mtef(bytes(noisy))
        assert (result.latex is None) == (result.warning is not None)


def test_ole_that_is_not_an_equation():
    for data in (b"", b"not an OLE file", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600):
        result = from_ole(data)
        assert result.latex is None and result.warning


def _encode_text(data: bytes) -> str:
    digits = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-"
    bits = count = 0
    out = []
    for byte in data:
        bits |= byte << count
        count += 8
        while count >= 6:
            out.append(digits[bits & 63])
            bits >>= 6
            count -= 6
    if count:
        out.append(digits[bits & 63])
    return "".join(out)


def test_mathtype_text_form():
    body = equation(char("x"))
    text = "%MathType!MTEF!1!1!+-\n%" + _encode_text(body) + "!" + f"{sum(body) & 0xFFFF:04X}!"
    decoded = mtef_from_text(text)
    assert decoded is not None and decoded[: len(body)] == body
    assert mtef_from_text("no equation here") is None


def _wmf() -> bytes:
    records = struct.pack("<IHHIH", 7, 0x02FC, 0, 0x0000FF, 0) + struct.pack("<IHH", 4, 0x012D, 0)
    records += struct.pack("<IHhh", 5, 0x020B, 0, 0) + struct.pack("<IHhh", 5, 0x020C, 100, 200)
    records += struct.pack("<IHhhhh", 7, 0x041B, 90, 190, 10, 10) + struct.pack("<IH", 3, 0)
    meta = struct.pack("<HHHIHIH", 1, 9, 0x0300, (18 + len(records)) // 2, 1, 7, 0)
    place = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, 1440, 720, 1440, 0)
    checksum = 0
    for i in range(0, 20, 2):
        checksum ^= struct.unpack("<H", place[i : i + 2])[0]
    return place + struct.pack("<H", checksum) + meta + records


@pytest.mark.skipif(shutil.which("wmf2gd") is None, reason="libwmf-bin is not installed")
def test_wmf_preview_becomes_png():
    png = preview_png(_wmf(), "image/x-wmf")
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")


def test_previews_no_converter_can_draw():
    assert preview_png(b"\x01\x00\x00\x00" + b"\0" * 100, "image/x-emf") is None
    assert preview_png(b"garbage", "image/x-wmf") is None
    assert preview_png(b"", "image/x-wmf") is None


@pytest.mark.skipif(node() is None, reason="node is not installed")
def test_katex_renders_what_the_unit_tests_write():
    formulas = [
        latex(tmpl(2, 1, line(pile(line(char("x")), line(char("y")))))),
        latex(tmpl(15, 0x0C, line(char("f")), null_line(), null_line())),
        latex(tmpl(14, 0x32, line(char("t")), null_line())),
        latex(embellished("f", 5), tmpl(28, 0, null_line(), line(char("2")))),
        latex(char("với mọi ", TEXT), char("x∉∅⊥∥∠△⇔", SYMBOL)),
    ]
    for formula, rendered in zip(formulas, render_mathml(formulas), strict=True):
        assert "mathml" in rendered, (formula, rendered)
