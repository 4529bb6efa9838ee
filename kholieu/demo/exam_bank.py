"""The demo's exam bank: enough questions of every type and level that both presets (the 2025
graduation exam and the CV 7991 periodic test) can be drawn, several versions over, for
Toán 12, Vật lí 12 and Toán 9. Each question comes from a template with its own numbers, so
no two are near duplicates (``kholieu.bank.dedup``); keys are computed, and each question
carries its working as the explanation. Seeded: the same seed gives the same bank."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from kholieu.bank import dedup
from kholieu.bank.schemas import fits_2025_sheet
from kholieu.demo.algebra import (
    combination,
    decimal,
    fraction,
    monomial,
    plain,
    polynomial,
    power,
    shifted,
)

Question = dict[str, Any]
Maker = Callable[[random.Random], Question]


class Retry(Exception):
    """These numbers make a poor question (two options alike, a key off the answer sheet)."""


def _choice(rng: random.Random, topic: str, stem: str, right: str, wrong: list[str],
            explanation: str) -> Question:  # fmt: skip
    others = list(dict.fromkeys(w for w in wrong if w != right))
    if len(others) < 3:
        raise Retry
    options = [right, *others[:3]]
    rng.shuffle(options)
    return {"type": "single_choice", "topic": topic, "stem": stem, "options": options,
            "answer": options.index(right), "explanation": explanation}  # fmt: skip


def _group(rng: random.Random, topic: str, stem: str,
           statements: list[tuple[str, str]], explanation: str) -> Question:  # fmt: skip
    """``statements``: (true wording, false wording) pairs; each is shown one way or the
    other at random, never all four true or all four false."""
    truths = [rng.random() < 0.5 for _ in statements]
    if all(truths) or not any(truths):
        truths[rng.randrange(len(truths))] ^= True
    shown = [good if truth else bad for (good, bad), truth in zip(statements, truths, strict=True)]
    if len(set(shown)) < len(shown):
        raise Retry
    return {"type": "true_false_group", "topic": topic, "stem": stem, "statements": shown,
            "answer": truths, "explanation": explanation}  # fmt: skip


def _short(topic: str, stem: str, answer: str, explanation: str) -> Question:
    if not fits_2025_sheet(answer):
        raise Retry
    return {"type": "short_answer", "topic": topic, "stem": stem, "answer": answer,
            "explanation": explanation}  # fmt: skip


def _essay(topic: str, stem: str, guide: str) -> Question:
    return {"type": "essay", "topic": topic, "stem": stem, "explanation": guide}


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([n for n in range(low, high + 1) if n])


def _point(*coordinates: Any) -> str:
    return "(" + "; ".join(str(c) for c in coordinates) + ")"


def _paren(n: int) -> str:
    """A factor in a product: ``(-3)``, but ``3``."""
    return f"({n})" if n < 0 else str(n)


def _sqrt(n: int) -> str:
    root = math.isqrt(n)
    if root * root == n:
        return str(root)
    outside, inside = 1, n
    for k in range(root, 1, -1):
        if n % (k * k) == 0:
            outside, inside = k, n // (k * k)
            break
    return f"{outside if outside > 1 else ''}\\sqrt{{{inside}}}"


# -- Toán 12 -------------------------------------------------------------------------------


def t12_asymptote(rng: random.Random) -> Question:
    a, b, c = rng.randint(1, 9), _nonzero(rng, -20, 20), _nonzero(rng, -9, 9)
    if a * c + b == 0:
        raise Retry  # the fraction would simplify to a constant
    return _choice(
        rng, "Ứng dụng đạo hàm",
        f"Đường tiệm cận đứng của đồ thị hàm số $y = \\dfrac{{{polynomial([a, b])}}}"
        f"{{{shifted('x', c)}}}$ là",
        f"$x = {c}$", [f"$x = {-c}$", f"$y = {a}$", f"$y = {c}$", f"$x = {a}$"],
        f"Mẫu số bằng $0$ khi $x = {c}$ (tử số khác $0$ tại đó) nên tiệm cận đứng là $x = {c}$.",
    )  # fmt: skip


def t12_vector(rng: random.Random) -> Question:
    a, b, c = (_nonzero(rng, -12, 12) for _ in range(3))
    u = combination([(a, "\\vec{i}"), (b, "\\vec{j}"), (c, "\\vec{k}")])
    return _choice(
        rng, "Vectơ và hệ trục toạ độ trong không gian",
        f"Trong không gian $Oxyz$, cho $\\vec{{u}} = {u}$. Toạ độ của vectơ $\\vec{{u}}$ là",
        f"${_point(a, b, c)}$", [f"${_point(b, a, c)}$", f"${_point(-a, -b, -c)}$",
                                 f"${_point(a, c, b)}$", f"${_point(c, b, a)}$"],
        "Vectơ $\\vec{u} = x\\vec{i} + y\\vec{j} + z\\vec{k}$ có toạ độ $(x; y; z)$.",
    )  # fmt: skip


def t12_sphere(rng: random.Random) -> Question:
    a, b, c = (_nonzero(rng, -9, 9) for _ in range(3))
    r = rng.randint(2, 12)
    return _choice(
        rng, "Phương trình mặt cầu",
        f"Trong không gian $Oxyz$, mặt cầu $(S): ({shifted('x', a)})^2 + ({shifted('y', b)})^2 + "
        f"({shifted('z', c)})^2 = {r * r}$ có tâm là",
        f"$I{_point(a, b, c)}$", [f"$I{_point(-a, -b, -c)}$", f"$I{_point(a, -b, c)}$",
                                  f"$I{_point(b, a, c)}$", f"$I{_point(-a, b, -c)}$"],
        f"Mặt cầu $(x - a)^2 + (y - b)^2 + (z - c)^2 = R^2$ có tâm $I(a; b; c)$, ở đây "
        f"$I{_point(a, b, c)}$ và $R = {r}$.",
    )  # fmt: skip


def t12_antiderivative(rng: random.Random) -> Question:
    k, n = rng.randint(2, 15), rng.randint(2, 8)
    right = f"${monomial(Fraction(k, n + 1), 'x', n + 1)} + C$"
    wrong = [f"${monomial(k * n, 'x', n - 1)} + C$", f"${monomial(k, 'x', n + 1)} + C$",
             f"${monomial(Fraction(k, n), 'x', n + 1)} + C$",
             f"${monomial(Fraction(k, n + 1), 'x', n)} + C$"]  # fmt: skip
    return _choice(
        rng,
        "Nguyên hàm",
        f"Họ nguyên hàm của hàm số $f(x) = {monomial(k, 'x', n)}$ là",
        right,
        wrong,
        "Áp dụng $\\int x^n\\,dx = \\dfrac{x^{n+1}}{n+1} + C$.",
    )


def t12_decreasing(rng: random.Random) -> Question:
    a, c = rng.randint(1, 9), _nonzero(rng, -40, 40)
    return _choice(
        rng, "Ứng dụng đạo hàm",
        f"Hàm số $y = {polynomial([1, 0, -3 * a * a, c])}$ nghịch biến trên khoảng nào dưới đây?",
        f"$({-a}; {a})$", [f"$({a}; +\\infty)$", f"$(-\\infty; {-a})$", f"$(0; {3 * a * a})$"],
        f"$y' = {polynomial([3, 0, -3 * a * a])} < 0 \\Leftrightarrow {-a} < x < {a}$.",
    )  # fmt: skip


def t12_dot(rng: random.Random) -> Question:
    u = [_nonzero(rng, -9, 9) for _ in range(3)]
    v = [_nonzero(rng, -9, 9) for _ in range(3)]
    dot = sum(p * q for p, q in zip(u, v, strict=True))
    return _choice(
        rng, "Biểu thức toạ độ của các phép toán vectơ",
        f"Trong không gian $Oxyz$, cho $\\vec{{u}} = {_point(*u)}$ và "
        f"$\\vec{{v}} = {_point(*v)}$. Tích vô hướng $\\vec{{u}} \\cdot \\vec{{v}}$ bằng",
        f"${dot}$", [f"${dot + 2 * u[2] * v[2]}$" if u[2] * v[2] else f"${dot + 1}$",
                     f"${sum(u) + sum(v)}$", f"${-dot}$" if dot else f"${dot + 3}$", f"${dot - 2}$"],
        f"$\\vec{{u}} \\cdot \\vec{{v}} = {' + '.join(f'({p})({q})' for p, q in zip(u, v, strict=True))}"
        f" = {dot}$.",
    )  # fmt: skip


def t12_distance(rng: random.Random) -> Question:
    a = [rng.randint(-9, 9) for _ in range(3)]
    d = [_nonzero(rng, -6, 6) for _ in range(3)]
    b = [p + q for p, q in zip(a, d, strict=True)]
    n = sum(q * q for q in d)
    return _choice(
        rng, "Biểu thức toạ độ của các phép toán vectơ",
        f"Trong không gian $Oxyz$, cho hai điểm $A{_point(*a)}$ và $B{_point(*b)}$. "
        "Độ dài đoạn thẳng $AB$ bằng",
        f"${_sqrt(n)}$", [f"${_sqrt(n + 2 * abs(d[0]) + 1)}$", f"${n}$",
                          f"${_sqrt(sum(abs(q) for q in d) ** 2)}$", f"${_sqrt(n + 4)}$"],
        f"$\\overrightarrow{{AB}} = {_point(*d)}$ nên $AB = \\sqrt{{{n}}}"
        + (f" = {_sqrt(n)}$." if _sqrt(n) != f"\\sqrt{{{n}}}" else "$."),
    )  # fmt: skip


def t12_minimum(rng: random.Random) -> Question:
    a, c = rng.randint(1, 4), rng.randint(-30, 30)
    k = rng.randint(a + 1, a + 3)
    low, end = c - 2 * a**3, k**3 - 3 * a * a * k + c
    return _choice(
        rng, "Giá trị lớn nhất, giá trị nhỏ nhất của hàm số",
        f"Giá trị nhỏ nhất của hàm số $y = {polynomial([1, 0, -3 * a * a, c])}$ trên đoạn "
        f"$[0; {k}]$ bằng",
        f"${low}$", [f"${c}$", f"${end}$", f"${c + 2 * a**3}$", f"${low - a}$"],
        f"$y' = 0 \\Leftrightarrow x = \\pm {a}$; $y(0) = {c}$, $y({a}) = {low}$, "
        f"$y({k}) = {end}$. Giá trị nhỏ nhất là ${low}$.",
    )  # fmt: skip


def t12_area(rng: random.Random) -> Question:
    p, gap = rng.randint(-8, 6), rng.randint(1, 9)
    q = p + gap
    value = Fraction(gap**3, 6)
    return _choice(
        rng, "Ứng dụng hình học của tích phân",
        f"Diện tích hình phẳng giới hạn bởi đồ thị hàm số $y = {polynomial([1, -(p + q), p * q])}$ "
        "và trục hoành bằng",
        f"${fraction(value)}$", [f"${fraction(value * 2)}$", f"${fraction(Fraction(gap**2, 6))}$",
                                 f"${fraction(value * 3)}$", f"${fraction(value + 1)}$"],
        f"Hoành độ giao điểm: $x = {p}$, $x = {q}$; "
        f"$S = \\int_{{{p}}}^{{{q}}} \\left|{polynomial([1, -(p + q), p * q])}\\right|dx = "
        f"{fraction(value)}$.",
    )  # fmt: skip


def t12_probability(rng: random.Random) -> Question:
    m, n = rng.randint(3, 12), rng.randint(3, 12)
    total = math.comb(m + n, 2)
    right = Fraction(math.comb(m, 2), total)
    return _choice(
        rng, "Xác suất có điều kiện",
        f"Một hộp có ${m}$ viên bi đỏ và ${n}$ viên bi xanh. Lấy ngẫu nhiên đồng thời $2$ viên bi. "
        "Xác suất để lấy được $2$ viên bi đỏ là",
        f"${fraction(right)}$", [f"${fraction(Fraction(m, m + n))}$",
                                 f"${fraction(Fraction(math.comb(n, 2), total))}$",
                                 f"${fraction(Fraction(m * n, total))}$",
                                 f"${fraction(Fraction(m, m + n) ** 2)}$"],
        f"$P = \\dfrac{{C_{{{m}}}^2}}{{C_{{{m + n}}}^2}} = \\dfrac{{{math.comb(m, 2)}}}{{{total}}}"
        f" = {fraction(right)}$.",
    )  # fmt: skip


def t12_points_group(rng: random.Random) -> Question:
    a = [rng.randint(-8, 8) for _ in range(2)] + [rng.choice([0, _nonzero(rng, -8, 8)])]
    b = [rng.randint(-8, 8) for _ in range(3)]
    if a == b:
        raise Retry
    ab = [q - p for p, q in zip(a, b, strict=True)]
    mid = [Fraction(p + q, 2) for p, q in zip(a, b, strict=True)]
    mid_text = _point(*(fraction(x) for x in mid))
    wrong_mid = _point(*(fraction(Fraction(q - p, 2)) for p, q in zip(a, b, strict=True)))
    if mid_text == wrong_mid:
        wrong_mid = _point(*(fraction(x + 1) for x in mid))
    return _group(
        rng, "Vectơ và hệ trục toạ độ trong không gian",
        f"Trong không gian $Oxyz$, cho hai điểm $A{_point(*a)}$ và $B{_point(*b)}$.",
        [(f"$\\overrightarrow{{AB}} = {_point(*ab)}$.",
          f"$\\overrightarrow{{AB}} = {_point(*(-x for x in ab))}$."
          if any(ab) else f"$\\overrightarrow{{AB}} = {_point(*(x + 1 for x in ab))}$."),
         (f"Trung điểm của đoạn $AB$ là $M{mid_text}$.", f"Trung điểm của đoạn $AB$ là $M{wrong_mid}$."),
         ("Điểm $A$ thuộc mặt phẳng $(Oxy)$." if a[2] == 0 else "Điểm $A$ không thuộc mặt phẳng $(Oxy)$.",
          "Điểm $A$ không thuộc mặt phẳng $(Oxy)$." if a[2] == 0 else "Điểm $A$ thuộc mặt phẳng $(Oxy)$."),
         (f"Hình chiếu vuông góc của $B$ trên trục $Ox$ là điểm ${_point(b[0], 0, 0)}$.",
          f"Hình chiếu vuông góc của $B$ trên trục $Ox$ là điểm ${_point(0, b[1], b[2])}$.")],
        f"$\\overrightarrow{{AB}} = {_point(*ab)}$; trung điểm $M{mid_text}$; $A$ có cao độ "
        f"${a[2]}$; hình chiếu của $B$ trên $Ox$ là ${_point(b[0], 0, 0)}$.",
    )  # fmt: skip


def t12_cubic_group(rng: random.Random) -> Question:
    a, c = rng.randint(1, 6), rng.randint(-50, 50)
    y = polynomial([1, -3 * a, 0, c])
    low = c - 4 * a**3
    return _group(
        rng, "Ứng dụng đạo hàm", f"Cho hàm số $y = {y}$.",
        [(f"Hàm số nghịch biến trên khoảng $(0; {2 * a})$.",
          f"Hàm số đồng biến trên khoảng $(0; {2 * a})$."),
         ("Hàm số đạt cực đại tại $x = 0$.", f"Hàm số đạt cực đại tại $x = {2 * a}$."),
         (f"Giá trị cực tiểu của hàm số bằng ${low}$.", f"Giá trị cực tiểu của hàm số bằng ${c}$."),
         (f"Đồ thị hàm số cắt trục tung tại điểm $(0; {c})$.",
          f"Đồ thị hàm số cắt trục tung tại điểm $(0; {low})$.")],
        f"$y' = {polynomial([3, -6 * a, 0])} = 3x({shifted('x', 2 * a)})$; $y' < 0$ trên "
        f"$(0; {2 * a})$; cực đại $y(0) = {c}$, cực tiểu $y({2 * a}) = {low}$.",
    )  # fmt: skip


def t12_motion_group(rng: random.Random) -> Question:
    a, b = rng.randint(1, 6), rng.randint(1, 20)
    k = rng.randint(2, 10)
    s = Fraction(a * k * k, 2) + b * k
    return _group(
        rng, "Ứng dụng của tích phân",
        f"Một vật chuyển động thẳng với vận tốc $v(t) = {polynomial([a, b], 't')}$ (m/s), "
        "$t$ tính bằng giây.",
        [(f"Gia tốc của vật là ${a}\\,m/s^2$.", f"Gia tốc của vật là ${a + b}\\,m/s^2$."),
         (f"Vận tốc của vật tại thời điểm $t = {k}$ s là ${a * k + b}$ m/s.",
          f"Vận tốc của vật tại thời điểm $t = {k}$ s là ${a * k}$ m/s."),
         (f"Quãng đường vật đi được trong ${k}$ giây đầu là ${decimal(s)}$ m.",
          f"Quãng đường vật đi được trong ${k}$ giây đầu là ${decimal(a * k * k + b * k)}$ m."),
         (f"Quãng đường vật đi được từ giây thứ ${k}$ đến giây thứ ${k + 1}$ là "
          f"${decimal(Fraction(a * (2 * k + 1), 2) + b)}$ m.",
          f"Quãng đường vật đi được từ giây thứ ${k}$ đến giây thứ ${k + 1}$ là "
          f"${decimal(a * (k + 1) + b)}$ m.")],
        f"$a = v'(t) = {a}$; $s = \\int_0^{{{k}}} ({polynomial([a, b], 't')})\\,dt = {decimal(s)}$.",
    )  # fmt: skip


def t12_asymptote_short(rng: random.Random) -> Question:
    a, b, c = _nonzero(rng, -9, 9), _nonzero(rng, -30, 30), _nonzero(rng, -9, 9)
    d = rng.randint(2, 5)
    if a * c + b * d == 0:
        raise Retry
    value = Fraction(a, d)
    if value.denominator not in (1, 2, 4, 5):
        raise Retry
    return _short(
        "Ứng dụng đạo hàm",
        f"Đồ thị hàm số $y = \\dfrac{{{polynomial([a, b])}}}{{{polynomial([d, -c * d])}}}$ có "
        "tiệm cận ngang là đường thẳng $y = m$. Tìm $m$.",
        plain(value), f"$\\lim\\limits_{{x \\to \\pm\\infty}} y = \\dfrac{{{a}}}{{{d}}} = {decimal(value)}$.",
    )  # fmt: skip


def t12_vector_short(rng: random.Random) -> Question:
    u = [_nonzero(rng, -9, 9) for _ in range(3)]
    v = [_nonzero(rng, -9, 9) for _ in range(3)]
    k = rng.randint(2, 5)
    w = [p + k * q for p, q in zip(u, v, strict=True)]
    return _short(
        "Biểu thức toạ độ của các phép toán vectơ",
        f"Trong không gian $Oxyz$, cho $\\vec{{u}} = {_point(*u)}$ và $\\vec{{v}} = {_point(*v)}$. "
        f"Vectơ $\\vec{{w}} = \\vec{{u}} + {k}\\vec{{v}}$ có toạ độ $(a; b; c)$. Tính $a + b + c$.",
        str(sum(w)), f"$\\vec{{w}} = {_point(*w)}$ nên $a + b + c = {sum(w)}$.",
    )  # fmt: skip


def t12_integral_short(rng: random.Random) -> Question:
    a, b = rng.randint(1, 12), rng.randint(-10, 10)
    m = rng.randint(0, 3)
    k = rng.randint(m + 1, m + 4)
    value = Fraction(a * (k * k - m * m), 2) + b * (k - m)
    f = polynomial([a, b])
    return _short(
        "Tích phân", f"Tính tích phân $I = \\int_{{{m}}}^{{{k}}} {f'({f})' if b else f}\\,dx$.", plain(value),
        f"$I = \\left.\\left({polynomial([Fraction(a, 2), b, 0])}\\right)\\right|_{{{m}}}^{{{k}}}"
        f" = {decimal(value)}$.",
    )  # fmt: skip


def t12_derivative_short(rng: random.Random) -> Question:
    a, b, c = _nonzero(rng, -5, 5), rng.randint(-9, 9), _nonzero(rng, -9, 9)
    x0 = _nonzero(rng, -4, 4)
    value = 3 * a * x0 * x0 + 2 * b * x0 + c
    return _short(
        "Đạo hàm", f"Cho hàm số $f(x) = {polynomial([a, b, c, rng.randint(-20, 20)])}$. "
        f"Tính $f'({x0})$.", str(value),
        f"$f'(x) = {polynomial([3 * a, 2 * b, c])}$ nên $f'({x0}) = {value}$.",
    )  # fmt: skip


def t12_minimum_short(rng: random.Random) -> Question:
    question = t12_minimum(rng)
    key = question["options"][question["answer"]].strip("$")
    stem = question["stem"].replace("bằng", "là bao nhiêu?")
    return _short(question["topic"], stem, key, question["explanation"])


def t12_probability_short(rng: random.Random) -> Question:
    m, n = rng.randint(3, 15), rng.randint(3, 15)
    total = math.comb(m + n, 2)
    value = Fraction(m * n, total)
    return _short(
        "Xác suất có điều kiện",
        f"Một lớp có ${m}$ học sinh nam và ${n}$ học sinh nữ. Chọn ngẫu nhiên $2$ học sinh. Tính "
        "xác suất để chọn được một nam và một nữ (làm tròn đến hàng phần trăm).",
        plain(round(float(value), 2), 2),
        f"$P = \\dfrac{{{m} \\cdot {n}}}{{C_{{{m + n}}}^2}} = \\dfrac{{{m * n}}}{{{total}}} "
        f"\\approx {decimal(round(float(value), 2), 2)}$.",
    )  # fmt: skip


def t12_essay(rng: random.Random) -> Question:
    a, c = rng.randint(1, 3), rng.randint(-20, 20)
    y = polynomial([1, -3 * a, 0, c])
    return _essay(
        "Ứng dụng đạo hàm",
        f"Cho hàm số $y = {y}$.<br>a) Xét sự biến thiên và tìm cực trị của hàm số.<br>"
        f"b) Tìm giá trị lớn nhất và giá trị nhỏ nhất của hàm số trên đoạn $[{-a}; {3 * a}]$.",
        f"a) $y' = 3x({shifted('x', 2 * a)})$: đồng biến trên $(-\\infty; 0)$ và "
        f"$({2 * a}; +\\infty)$, nghịch biến trên $(0; {2 * a})$; cực đại $y(0) = {c}$, cực tiểu "
        f"$y({2 * a}) = {c - 4 * a**3}$. b) $y({-a}) = {c - 4 * a**3}$, $y({3 * a}) = {c}$: giá "
        f"trị lớn nhất ${c}$, giá trị nhỏ nhất ${c - 4 * a**3}$.",
    )  # fmt: skip


def t12_essay_space(rng: random.Random) -> Question:
    a = [rng.randint(-6, 6) for _ in range(3)]
    b = [p + _nonzero(rng, -5, 5) for p in a]
    n = sum((q - p) ** 2 for p, q in zip(a, b, strict=True))
    return _essay(
        "Phương trình mặt cầu",
        f"Trong không gian $Oxyz$, cho hai điểm $A{_point(*a)}$ và $B{_point(*b)}$.<br>"
        "a) Tính độ dài đoạn $AB$.<br>b) Viết phương trình mặt cầu tâm $A$ đi qua $B$.",
        f"a) $AB = {_sqrt(n)}$. b) $({shifted('x', a[0])})^2 + ({shifted('y', a[1])})^2 + "
        f"({shifted('z', a[2])})^2 = {n}$.",
    )  # fmt: skip


# -- Vật lí 12 -----------------------------------------------------------------------------

NUCLIDES = [("H", 1, 3), ("He", 2, 4), ("Li", 3, 7), ("Be", 4, 9), ("C", 6, 12), ("C", 6, 14),
            ("N", 7, 14), ("O", 8, 16), ("Na", 11, 23), ("Mg", 12, 24), ("Al", 13, 27),
            ("P", 15, 31), ("S", 16, 32), ("Cl", 17, 35), ("K", 19, 39), ("Ca", 20, 40),
            ("Fe", 26, 56), ("Co", 27, 60), ("Cu", 29, 63), ("Zn", 30, 65), ("Sr", 38, 90),
            ("I", 53, 131), ("Cs", 55, 137), ("Po", 84, 210), ("Ra", 88, 226), ("U", 92, 235),
            ("U", 92, 238), ("Pu", 94, 239)]  # fmt: skip


def p12_neutrons(rng: random.Random) -> Question:
    symbol, z, a = rng.choice(NUCLIDES)
    return _choice(
        rng, "Cấu trúc hạt nhân",
        f"Hạt nhân $^{{{a}}}_{{{z}}}\\mathrm{{{symbol}}}$ có số nơtron là",
        f"${a - z}$", [f"${a}$", f"${z}$", f"${a + z}$"],
        f"Số nơtron $N = A - Z = {a} - {z} = {a - z}$.",
    )  # fmt: skip


def p12_kelvin(rng: random.Random) -> Question:
    t = rng.randint(-60, 200)
    return _choice(
        rng, "Nhiệt độ. Thang nhiệt độ",
        f"Nhiệt độ ${t}\\,^\\circ C$ ứng với nhiệt độ trong thang Kelvin là",
        f"${t + 273}\\,K$", [f"${t - 273}\\,K$", f"${t + 100}\\,K$", f"${273 - t}\\,K$",
                             f"${t + 373}\\,K$"],
        f"$T = t + 273 = {t + 273}\\,K$.",
    )  # fmt: skip


def p12_flux(rng: random.Random) -> Question:
    b, s = rng.randint(1, 40) / 100, rng.randint(10, 400)
    phi = b * s / 10_000
    return _choice(
        rng, "Cảm ứng điện từ",
        f"Một khung dây phẳng diện tích ${s}\\,cm^2$ đặt trong từ trường đều có cảm ứng từ "
        f"${decimal(b)}\\,T$, mặt phẳng khung vuông góc với các đường sức từ. Từ thông qua khung là",
        f"${decimal(phi, 6)}\\,Wb$", [f"${decimal(b * s, 6)}\\,Wb$", f"${decimal(phi * 100, 6)}\\,Wb$",
                                      f"${decimal(phi / 2, 6)}\\,Wb$"],
        f"$\\Phi = BS = {decimal(b)} \\cdot {s} \\cdot 10^{{-4}} = {decimal(phi, 6)}\\,Wb$.",
    )  # fmt: skip


def p12_heat(rng: random.Random) -> Question:
    m, dt = rng.randint(1, 40) / 10, rng.randint(5, 80)
    q = m * 4200 * dt / 1000
    return _choice(
        rng, "Nhiệt dung riêng",
        f"Nhiệt lượng cần cung cấp để ${decimal(m)}\\,kg$ nước tăng thêm ${dt}\\,^\\circ C$ là "
        "(nhiệt dung riêng của nước $4200\\,J/(kg \\cdot K)$)",
        f"${decimal(q)}\\,kJ$", [f"${decimal(q * 10)}\\,kJ$", f"${decimal(q / 2)}\\,kJ$",
                                 f"${decimal(m * 4200 / 1000)}\\,kJ$", f"${decimal(q * 2)}\\,kJ$"],
        f"$Q = mc\\Delta t = {decimal(m)} \\cdot 4200 \\cdot {dt} = {decimal(q * 1000)}\\,J"
        f" = {decimal(q)}\\,kJ$.",
    )  # fmt: skip


def p12_boyle(rng: random.Random) -> Question:
    p1, v1 = rng.randint(1, 6), rng.randint(2, 30)
    p2 = rng.choice([p for p in range(1, 13) if p != p1 and (p1 * v1 * 10) % p == 0])
    v2 = Fraction(p1 * v1, p2)
    return _choice(
        rng, "Định luật Boyle",
        f"Một lượng khí lí tưởng có thể tích ${v1}$ lít ở áp suất ${p1}$ atm. Nén (hoặc giãn) "
        f"đẳng nhiệt đến áp suất ${p2}$ atm thì thể tích của khí là",
        f"${decimal(v2)}$ lít", [f"${decimal(Fraction(p2 * v1, p1))}$ lít",
                                 f"${decimal(v1 * p1 * p2)}$ lít", f"${decimal(v2 + p1)}$ lít"],
        f"$p_1V_1 = p_2V_2 \\Rightarrow V_2 = \\dfrac{{{p1} \\cdot {v1}}}{{{p2}}} = {decimal(v2)}$ lít.",
    )  # fmt: skip


def p12_force(rng: random.Random) -> Question:
    b, i, length = rng.randint(1, 50) / 100, rng.randint(1, 20), rng.randint(5, 60)
    f = b * i * length / 100
    return _choice(
        rng, "Lực từ tác dụng lên dòng điện",
        f"Một đoạn dây dẫn dài ${length}\\,cm$ mang dòng điện ${i}\\,A$ đặt vuông góc với các đường "
        f"sức của từ trường đều có $B = {decimal(b)}\\,T$. Độ lớn lực từ tác dụng lên đoạn dây là",
        f"${decimal(f)}\\,N$", [f"${decimal(f * 100)}\\,N$", f"${decimal(f / 2)}\\,N$",
                                f"${decimal(b * i)}\\,N$", f"${decimal(f * 10)}\\,N$"],
        f"$F = BIl = {decimal(b)} \\cdot {i} \\cdot {decimal(length / 100)} = {decimal(f)}\\,N$.",
    )  # fmt: skip


def p12_decay(rng: random.Random) -> Question:
    m0, half, k = (
        rng.choice([8, 16, 24, 32, 40, 48, 64, 80, 96, 128, 160, 200]),
        rng.randint(2, 30),
        rng.randint(1, 4),
    )
    left = Fraction(m0, 2**k)
    return _choice(
        rng, "Hiện tượng phóng xạ",
        f"Một chất phóng xạ có chu kì bán rã ${half}$ ngày. Ban đầu có ${m0}\\,g$ chất này. Sau "
        f"${half * k}$ ngày, khối lượng chất phóng xạ còn lại là",
        f"${decimal(left)}\\,g$", [f"${decimal(m0 - left)}\\,g$", f"${decimal(Fraction(m0, k + 1))}\\,g$",
                                   f"${decimal(left / 2)}\\,g$", f"${decimal(Fraction(m0, 2 * k))}\\,g$"],
        f"$t = {k}T$ nên $m = \\dfrac{{m_0}}{{{power('2', k)}}} = {decimal(left)}\\,g$.",
    )  # fmt: skip


def p12_charles(rng: random.Random) -> Question:
    v1, t1 = rng.randint(2, 20), rng.randint(0, 60)
    t2 = rng.randint(t1 + 20, t1 + 200)
    v2 = v1 * (t2 + 273) / (t1 + 273)
    return _choice(
        rng, "Định luật Charles",
        f"Một lượng khí lí tưởng có thể tích ${v1}$ lít ở ${t1}\\,^\\circ C$ được nung nóng đẳng áp "
        f"đến ${t2}\\,^\\circ C$. Thể tích của khí sau khi nung (làm tròn đến hàng phần trăm) là",
        f"${decimal(round(v2, 2), 2)}$ lít", [f"${decimal(round(v1 * t2 / max(t1, 1), 2), 2)}$ lít",
                                              f"${decimal(round(v1 * (t1 + 273) / (t2 + 273), 2), 2)}$ lít",
                                              f"${decimal(round(v2 + 1, 2), 2)}$ lít",
                                              f"${decimal(round(v2 * 2, 2), 2)}$ lít"],
        f"$\\dfrac{{V_1}}{{T_1}} = \\dfrac{{V_2}}{{T_2}} \\Rightarrow V_2 = {v1} \\cdot "
        f"\\dfrac{{{t2 + 273}}}{{{t1 + 273}}} \\approx {decimal(round(v2, 2), 2)}$ lít.",
    )  # fmt: skip


def p12_emf(rng: random.Random) -> Question:
    n, s = rng.choice([10, 20, 50, 100, 200, 500]), rng.randint(10, 200)
    b1, b2 = rng.randint(0, 10) / 10, rng.randint(11, 30) / 10
    dt = rng.choice([0.1, 0.2, 0.4, 0.5, 1, 2])
    e = n * s / 10_000 * (b2 - b1) / dt
    return _choice(
        rng, "Cảm ứng điện từ",
        f"Một cuộn dây phẳng có ${n}$ vòng, diện tích mỗi vòng ${s}\\,cm^2$, đặt vuông góc với các "
        f"đường sức từ. Cảm ứng từ tăng đều từ ${decimal(b1)}\\,T$ đến ${decimal(b2)}\\,T$ trong "
        f"${decimal(dt)}\\,s$. Độ lớn suất điện động cảm ứng trong cuộn dây là",
        f"${decimal(e)}\\,V$", [f"${decimal(e / n)}\\,V$", f"${decimal(e * dt * dt)}\\,V$",
                                f"${decimal(e * 2)}\\,V$", f"${decimal(e + 1)}\\,V$"],
        f"$e = N\\dfrac{{S\\Delta B}}{{\\Delta t}} = {n} \\cdot \\dfrac{{{s} \\cdot 10^{{-4}} \\cdot "
        f"{decimal(b2 - b1)}}}{{{decimal(dt)}}} = {decimal(e)}\\,V$.",
    )  # fmt: skip


def p12_heat_group(rng: random.Random) -> Question:
    m, t1 = rng.randint(1, 30) / 10, rng.randint(10, 40)
    t2 = rng.randint(t1 + 10, 100)
    q = m * 4200 * (t2 - t1) / 1000
    return _group(
        rng, "Nhiệt dung riêng",
        f"Đun nóng ${decimal(m)}\\,kg$ nước từ ${t1}\\,^\\circ C$ đến ${t2}\\,^\\circ C$. Biết nhiệt "
        "dung riêng của nước là $4200\\,J/(kg \\cdot K)$.",
        [(f"Độ tăng nhiệt độ của nước là ${t2 - t1}\\,K$.",
          f"Độ tăng nhiệt độ của nước là ${t2 - t1 + 273}\\,K$."),
         (f"Nhiệt độ ban đầu của nước theo thang Kelvin là ${t1 + 273}\\,K$.",
          f"Nhiệt độ ban đầu của nước theo thang Kelvin là ${t1 - 273}\\,K$."),
         (f"Nhiệt lượng nước thu vào là ${decimal(q)}\\,kJ$.",
          f"Nhiệt lượng nước thu vào là ${decimal(q * 10)}\\,kJ$."),
         ("Với khối lượng nước gấp đôi, nhiệt lượng cần cung cấp cũng gấp đôi.",
          "Với khối lượng nước gấp đôi, nhiệt lượng cần cung cấp giảm một nửa.")],
        f"$\\Delta t = {t2 - t1}\\,K$; $Q = mc\\Delta t = {decimal(q)}\\,kJ$; $Q$ tỉ lệ với $m$.",
    )  # fmt: skip


def p12_gas_group(rng: random.Random) -> Question:
    p1, v1 = rng.randint(1, 5), rng.randint(4, 40)
    k = rng.choice([2, 4, 5])
    if v1 % k:
        raise Retry
    v2 = v1 // k
    return _group(
        rng, "Định luật Boyle",
        f"Một lượng khí lí tưởng ở áp suất ${p1}$ atm, thể tích ${v1}$ lít được nén đẳng nhiệt "
        f"đến thể tích ${v2}$ lít.",
        [(f"Áp suất của khí sau khi nén là ${p1 * k}$ atm.",
          f"Áp suất của khí sau khi nén là ${decimal(Fraction(p1, k))}$ atm."),
         ("Tích áp suất và thể tích của khí không đổi trong quá trình nén.",
          "Tích áp suất và thể tích của khí tăng trong quá trình nén."),
         ("Nhiệt độ của khối khí không đổi.", "Nhiệt độ của khối khí tăng theo áp suất."),
         (f"Mật độ phân tử khí sau khi nén tăng ${k}$ lần.",
          f"Mật độ phân tử khí sau khi nén giảm ${k}$ lần.")],
        f"$p_1V_1 = p_2V_2 \\Rightarrow p_2 = {p1} \\cdot {k} = {p1 * k}$ atm; số phân tử không đổi, "
        f"thể tích giảm ${k}$ lần.",
    )  # fmt: skip


def p12_decay_group(rng: random.Random) -> Question:
    m0, half = rng.choice([16, 32, 40, 48, 64, 80, 96, 128, 160, 200, 256]), rng.randint(2, 60)
    k = rng.randint(2, 4)
    left = Fraction(m0, 2**k)
    return _group(
        rng, "Hiện tượng phóng xạ",
        f"Một mẫu chất phóng xạ có chu kì bán rã ${half}$ ngày, khối lượng ban đầu ${m0}\\,g$.",
        [(f"Sau ${half}$ ngày, khối lượng chất phóng xạ còn lại là ${decimal(Fraction(m0, 2))}\\,g$.",
          f"Sau ${half}$ ngày, khối lượng chất phóng xạ còn lại là ${decimal(Fraction(m0, 4))}\\,g$."),
         (f"Sau ${half * k}$ ngày, khối lượng chất phóng xạ còn lại là ${decimal(left)}\\,g$.",
          f"Sau ${half * k}$ ngày, khối lượng chất phóng xạ còn lại là ${decimal(Fraction(m0, k))}\\,g$."),
         (f"Sau ${half * k}$ ngày, khối lượng chất đã phân rã là ${decimal(m0 - left)}\\,g$.",
          f"Sau ${half * k}$ ngày, khối lượng chất đã phân rã là ${decimal(left)}\\,g$."),
         ("Chu kì bán rã không phụ thuộc vào khối lượng ban đầu của mẫu.",
          "Chu kì bán rã giảm khi khối lượng ban đầu của mẫu tăng.")],
        f"$m = m_0 \\cdot 2^{{-t/T}}$: sau ${k}T$ còn ${decimal(left)}\\,g$, đã phân rã "
        f"${decimal(m0 - left)}\\,g$.",
    )  # fmt: skip


def p12_kelvin_short(rng: random.Random) -> Question:
    t = rng.randint(-100, 600)
    return _short("Nhiệt độ. Thang nhiệt độ",
                  f"Một vật có nhiệt độ ${t}\\,^\\circ C$. Nhiệt độ của vật trong thang Kelvin là "
                  "bao nhiêu K?", str(t + 273), f"$T = t + 273 = {t + 273}\\,K$.")  # fmt: skip


def p12_neutron_short(rng: random.Random) -> Question:
    symbol, z, a = rng.choice(NUCLIDES)
    k = rng.randint(2, 9)
    return _short(
        "Cấu trúc hạt nhân",
        f"Tổng số nơtron có trong ${k}$ hạt nhân $^{{{a}}}_{{{z}}}\\mathrm{{{symbol}}}$ là "
        "bao nhiêu?",
        str(k * (a - z)),
        f"Mỗi hạt nhân có $A - Z = {a - z}$ nơtron; ${k} \\cdot {a - z} = {k * (a - z)}$.",
    )


def p12_heat_short(rng: random.Random) -> Question:
    m, dt = rng.randint(1, 50) / 10, rng.randint(2, 60)
    q = m * 4200 * dt / 1000
    if q != round(q, 1):
        raise Retry
    return _short("Nhiệt dung riêng",
                  f"Tính nhiệt lượng (theo kJ) cần cung cấp để ${decimal(m)}\\,kg$ nước tăng thêm "
                  f"${dt}\\,^\\circ C$. Biết nhiệt dung riêng của nước là $4200\\,J/(kg \\cdot K)$.",
                  plain(q), f"$Q = mc\\Delta t = {decimal(q)}\\,kJ$.")  # fmt: skip


def p12_force_short(rng: random.Random) -> Question:
    b, i, length = rng.randint(1, 50) / 100, rng.randint(1, 20), rng.randint(5, 80)
    f = round(b * i * length / 100, 4)
    if f != round(f, 2) or f >= 10:
        raise Retry
    return _short("Lực từ tác dụng lên dòng điện",
                  f"Một đoạn dây dẫn dài ${length}\\,cm$ mang dòng điện ${i}\\,A$ đặt vuông góc với "
                  f"các đường sức của từ trường đều $B = {decimal(b)}\\,T$. Tính độ lớn lực từ (N).",
                  plain(f), f"$F = BIl = {decimal(f)}\\,N$.")  # fmt: skip


def p12_decay_short(rng: random.Random) -> Question:
    m0, half, k = rng.randint(2, 99) * 4, rng.randint(2, 40), rng.randint(1, 3)
    left = Fraction(m0, 2**k)
    return _short("Hiện tượng phóng xạ",
                  f"Một chất phóng xạ có chu kì bán rã ${half}$ giờ, ban đầu có ${m0}\\,g$. Sau "
                  f"${half * k}$ giờ, khối lượng chất đó còn lại bao nhiêu gam?", plain(left),
                  f"$m = \\dfrac{{{m0}}}{{{power('2', k)}}} = {decimal(left)}\\,g$.")  # fmt: skip


def p12_emf_short(rng: random.Random) -> Question:
    question = p12_emf(rng)
    key = question["options"][question["answer"]].strip("$").replace("\\,V", "")
    key = key.replace("{,}", ",")
    stem = question["stem"].replace(
        "Độ lớn suất điện động cảm ứng trong cuộn dây là",
        "Tính độ lớn suất điện động cảm ứng trong cuộn dây (V).",
    )
    return _short(question["topic"], stem, key, question["explanation"])


def p12_essay(rng: random.Random) -> Question:
    m, t1 = rng.randint(5, 30) / 10, rng.randint(15, 35)
    power, minutes = rng.choice([1000, 1200, 1500, 1800, 2000]), rng.randint(5, 15)
    q = m * 4200 * (100 - t1)
    efficiency = q / (power * minutes * 60) * 100
    if efficiency >= 100:
        raise Retry
    return _essay(
        "Nhiệt dung riêng",
        f"Một ấm điện có công suất ${power}\\,W$ đun ${decimal(m)}\\,kg$ nước từ ${t1}\\,^\\circ C$ "
        f"đến khi sôi ($100\\,^\\circ C$) mất ${minutes}$ phút. Nhiệt dung riêng của nước là "
        "$4200\\,J/(kg \\cdot K)$.<br>a) Tính nhiệt lượng nước thu vào.<br>b) Tính hiệu suất của "
        "ấm và giải thích vì sao hiệu suất nhỏ hơn $100\\,\\%$.",
        f"a) $Q = {decimal(q)}\\,J$. b) $H = \\dfrac{{Q}}{{Pt}} \\approx "
        f"{decimal(round(efficiency, 1))}\\,\\%$; một phần nhiệt toả ra môi trường và làm nóng ấm.",
    )  # fmt: skip


def p12_essay_gas(rng: random.Random) -> Question:
    p1, v1, t1 = rng.randint(1, 4), rng.randint(2, 20), rng.randint(7, 47)
    t2 = rng.randint(t1 + 30, t1 + 250)
    p2 = p1 * (t2 + 273) / (t1 + 273)
    return _essay(
        "Phương trình trạng thái khí lí tưởng",
        f"Một bình kín chứa ${v1}$ lít khí lí tưởng ở ${t1}\\,^\\circ C$, áp suất ${p1}$ atm. Nung "
        f"nóng bình đến ${t2}\\,^\\circ C$.<br>a) Quá trình này là đẳng quá trình nào? Vì sao?<br>"
        "b) Tính áp suất của khí sau khi nung.",
        f"a) Đẳng tích (thể tích bình không đổi). b) $p_2 = p_1\\dfrac{{T_2}}{{T_1}} = {p1} \\cdot "
        f"\\dfrac{{{t2 + 273}}}{{{t1 + 273}}} \\approx {decimal(round(p2, 2), 2)}$ atm.",
    )  # fmt: skip


# -- Toán 9 --------------------------------------------------------------------------------


def t9_sqrt(rng: random.Random) -> Question:
    k = rng.randint(2, 99)
    return _choice(rng, "Căn bậc hai",
                   f"Căn bậc hai số học của ${k * k}$ là",
                   f"${k}$", [f"${-k}$", f"$\\pm {k}$", f"${k * k // 2}$", f"${2 * k}$"],
                   f"${k} \\geq 0$ và ${k}^2 = {k * k}$ nên $\\sqrt{{{k * k}}} = {k}$.")  # fmt: skip


def t9_parabola_point(rng: random.Random) -> Question:
    a, x0 = _nonzero(rng, -6, 6), _nonzero(rng, -7, 7)
    if abs(x0) == 1:
        raise Retry
    return _choice(
        rng, "Hàm số y = ax² (a ≠ 0)",
        f"Điểm nào sau đây thuộc đồ thị hàm số $y = {monomial(a, 'x', 2)}$?",
        f"$({x0}; {a * x0 * x0})$", [f"$({x0}; {a * x0})$", f"$({x0}; {-a * x0 * x0})$",
                                     f"$({x0}; {2 * a * x0})$", f"$({a * x0 * x0}; {x0})$"],
        f"Thay $x = {x0}$: $y = {monomial(a, _paren(x0), 2)} = {a * x0 * x0}$.",
    )  # fmt: skip


def t9_discriminant(rng: random.Random) -> Question:
    a, b, c = _nonzero(rng, -6, 6), _nonzero(rng, -15, 15), _nonzero(rng, -20, 20)
    delta = b * b - 4 * a * c
    return _choice(
        rng, "Phương trình bậc hai một ẩn",
        f"Biệt thức $\\Delta$ của phương trình ${polynomial([a, b, c])} = 0$ là",
        f"$\\Delta = {delta}$", [f"$\\Delta = {b * b + 4 * a * c}$", f"$\\Delta = {b * b - 2 * a * c}$",
                                 f"$\\Delta = {-delta}$", f"$\\Delta = {b - 4 * a * c}$"],
        f"$\\Delta = b^2 - 4ac = {_paren(b)}^2 - 4 \\cdot {_paren(a)} \\cdot {_paren(c)} = {delta}$.",
    )  # fmt: skip


def t9_vieta(rng: random.Random) -> Question:
    r1, r2 = rng.sample([n for n in range(-15, 16) if n], 2)
    s, p = r1 + r2, r1 * r2
    if s == 0 or s == p or s == -p:
        raise Retry
    return _choice(
        rng, "Định lí Viète",
        f"Gọi $x_1, x_2$ là hai nghiệm của phương trình ${polynomial([1, -s, p])} = 0$. Khi đó",
        f"$x_1 + x_2 = {s}$; $x_1x_2 = {p}$", [f"$x_1 + x_2 = {-s}$; $x_1x_2 = {p}$",
                                                f"$x_1 + x_2 = {p}$; $x_1x_2 = {s}$",
                                                f"$x_1 + x_2 = {s}$; $x_1x_2 = {-p}$"],
        f"Theo định lí Viète: $x_1 + x_2 = -\\dfrac{{b}}{{a}} = {s}$, $x_1x_2 = \\dfrac{{c}}{{a}} = {p}$.",
    )  # fmt: skip


def t9_system(rng: random.Random) -> Question:
    x, y = rng.randint(-9, 9), rng.randint(-9, 9)
    a1, b1, a2, b2 = (_nonzero(rng, -5, 5) for _ in range(4))
    if a1 * b2 == a2 * b1 or x == y:
        raise Retry
    c1, c2 = a1 * x + b1 * y, a2 * x + b2 * y
    first = combination([(a1, "x"), (b1, "y")])
    second = combination([(a2, "x"), (b2, "y")])
    return _choice(
        rng, "Hệ hai phương trình bậc nhất hai ẩn",
        f"Nghiệm của hệ gồm hai phương trình ${first} = {c1}$ và ${second} = {c2}$ là",
        f"$(x; y) = ({x}; {y})$", [f"$(x; y) = ({y}; {x})$", f"$(x; y) = ({-x}; {-y})$",
                                   f"$(x; y) = ({x}; {-y})$", f"$(x; y) = ({x + 1}; {y})$"],
        f"Thay $x = {x}$, $y = {y}$ vào cả hai phương trình đều đúng; hệ có nghiệm duy nhất vì "
        f"${a1} \\cdot {_paren(b2)} \\ne {a2} \\cdot {_paren(b1)}$.",
    )  # fmt: skip


TRIPLES = [(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29), (9, 40, 41),
           (12, 35, 37), (11, 60, 61)]  # fmt: skip


def t9_hypotenuse(rng: random.Random) -> Question:
    (p, q, r), k = rng.choice(TRIPLES), rng.randint(1, 6)
    ab, ac = (p * k, q * k) if rng.random() < 0.5 else (q * k, p * k)
    return _choice(
        rng, "Hệ thức lượng trong tam giác vuông",
        f"Cho tam giác $ABC$ vuông tại $A$ có $AB = {ab}\\,cm$, $AC = {ac}\\,cm$. Độ dài cạnh $BC$ là",
        f"${r * k}\\,cm$", [f"${ab + ac}\\,cm$", f"${_sqrt(abs(ac * ac - ab * ab))}\\,cm$",
                            f"${r * k + 1}\\,cm$", f"${ab * ac}\\,cm$"],
        f"$BC = \\sqrt{{AB^2 + AC^2}} = \\sqrt{{{ab * ab} + {ac * ac}}} = {r * k}\\,cm$.",
    )  # fmt: skip


def t9_sine(rng: random.Random) -> Question:
    (p, q, r), k = rng.choice(TRIPLES), rng.randint(1, 9)
    ab, ac, bc = p * k, q * k, r * k
    return _choice(
        rng, "Tỉ số lượng giác của góc nhọn",
        f"Cho tam giác $ABC$ vuông tại $A$ có $AB = {ab}\\,cm$, $AC = {ac}\\,cm$, $BC = {bc}\\,cm$. "
        "Giá trị của $\\sin B$ là",
        f"${fraction(Fraction(ac, bc))}$", [f"${fraction(Fraction(ab, bc))}$",
                                            f"${fraction(Fraction(ac, ab))}$",
                                            f"${fraction(Fraction(ab, ac))}$"],
        f"$\\sin B = \\dfrac{{AC}}{{BC}} = \\dfrac{{{ac}}}{{{bc}}} = {fraction(Fraction(ac, bc))}$.",
    )  # fmt: skip


def t9_garden(rng: random.Random) -> Question:
    w = rng.randint(3, 40)
    length = rng.randint(w + 1, w + 30)
    return _choice(
        rng, "Giải bài toán bằng cách lập phương trình",
        f"Một mảnh vườn hình chữ nhật có chu vi ${2 * (w + length)}\\,m$ và diện tích "
        f"${w * length}\\,m^2$. Chiều dài của mảnh vườn là",
        f"${length}\\,m$", [f"${w}\\,m$", f"${w + length}\\,m$", f"${length + 2}\\,m$",
                            f"${2 * length}\\,m$"],
        f"Chiều dài và chiều rộng là nghiệm của ${polynomial([1, -(w + length), w * length])} = 0$: "
        f"${length}$ và ${w}$.",
    )  # fmt: skip


def t9_double_root(rng: random.Random) -> Question:
    k = _nonzero(rng, -30, 30)
    if abs(k) == 1:
        raise Retry
    return _choice(
        rng, "Phương trình bậc hai một ẩn",
        f"Giá trị của $m$ để phương trình ${polynomial([1, -2 * k, 0])} + m = 0$ có nghiệm kép là",
        f"$m = {k * k}$", [f"$m = {-k * k}$", f"$m = {2 * k}$", f"$m = {4 * k * k}$", f"$m = {k}$"],
        f"$\\Delta' = {k * k} - m = 0 \\Leftrightarrow m = {k * k}$.",
    )  # fmt: skip


def t9_quadratic_group(rng: random.Random) -> Question:
    r1, r2 = rng.sample([n for n in range(-12, 13) if n], 2)
    s, p = r1 + r2, r1 * r2
    if s == 0:
        raise Retry
    equation = polynomial([1, -s, p])
    return _group(
        rng, "Phương trình bậc hai một ẩn", f"Cho phương trình ${equation} = 0$.",
        [(f"Phương trình có các hệ số $a = 1$, $b = {-s}$, $c = {p}$.",
          f"Phương trình có các hệ số $a = 1$, $b = {s}$, $c = {p}$."),
         (f"Biệt thức $\\Delta = {s * s - 4 * p}$.", f"Biệt thức $\\Delta = {s * s + 4 * p}$."),
         (f"Tổng hai nghiệm của phương trình bằng ${s}$.", f"Tổng hai nghiệm của phương trình bằng ${-s}$."),
         (f"Phương trình có nghiệm $x = {r1}$.", f"Phương trình có nghiệm $x = {-r1}$."
          if -r1 != r2 else f"Phương trình có nghiệm $x = {r1 + r2 + 1}$.")],
        f"${equation} = ({shifted('x', r1)})({shifted('x', r2)})$: nghiệm ${r1}$ và ${r2}$; "
        f"$\\Delta = {s * s - 4 * p}$.",
    )  # fmt: skip


def t9_parabola_group(rng: random.Random) -> Question:
    a, x0 = _nonzero(rng, -9, 9), _nonzero(rng, -6, 6)
    if abs(a) == 1 and abs(x0) == 1:
        raise Retry
    y = monomial(a, "x", 2)
    up = a > 0
    return _group(
        rng, "Hàm số y = ax² (a ≠ 0)", f"Cho hàm số $y = {y}$.",
        [(f"Đồ thị hàm số đi qua điểm $({x0}; {a * x0 * x0})$.",
          f"Đồ thị hàm số đi qua điểm $({x0}; {-a * x0 * x0})$."),
         ("Hàm số đồng biến khi $x > 0$." if up else "Hàm số nghịch biến khi $x > 0$.",
          "Hàm số nghịch biến khi $x > 0$." if up else "Hàm số đồng biến khi $x > 0$."),
         ("Đồ thị hàm số nhận trục $Oy$ làm trục đối xứng.",
          "Đồ thị hàm số nhận trục $Ox$ làm trục đối xứng."),
         (("Giá trị nhỏ nhất của hàm số bằng $0$." if up else "Giá trị lớn nhất của hàm số bằng $0$."),
          ("Giá trị lớn nhất của hàm số bằng $0$." if up else "Giá trị nhỏ nhất của hàm số bằng $0$."))],
        f"$a = {a} {'> 0' if up else '< 0'}$; $y({x0}) = {a * x0 * x0}$; đồ thị là parabol đỉnh $O$, "
        "đối xứng qua $Oy$.",
    )  # fmt: skip


def t9_triangle_group(rng: random.Random) -> Question:
    (p, q, r), k = rng.choice(TRIPLES), rng.randint(1, 8)
    ab, ac, bc = p * k, q * k, r * k
    h = Fraction(ab * ac, bc)
    return _group(
        rng, "Hệ thức lượng trong tam giác vuông",
        f"Cho tam giác $ABC$ vuông tại $A$ có $AB = {ab}\\,cm$, $AC = {ac}\\,cm$, đường cao $AH$.",
        [(f"$BC = {bc}\\,cm$.", f"$BC = {ab + ac}\\,cm$."),
         (f"$\\sin B = {fraction(Fraction(ac, bc))}$.", f"$\\sin B = {fraction(Fraction(ab, bc))}$."),
         (f"Diện tích tam giác $ABC$ bằng ${decimal(Fraction(ab * ac, 2))}\\,cm^2$.",
          f"Diện tích tam giác $ABC$ bằng ${ab * ac}\\,cm^2$."),
         (f"$AH \\approx {decimal(round(float(h), 2), 2)}\\,cm$.",
          f"$AH \\approx {decimal(round(float(h) + 1, 2), 2)}\\,cm$.")],
        f"$BC = {bc}$; $\\sin B = \\dfrac{{AC}}{{BC}}$; $S = \\dfrac{{AB \\cdot AC}}{{2}}$; "
        f"$AH = \\dfrac{{AB \\cdot AC}}{{BC}} \\approx {decimal(round(float(h), 2), 2)}$.",
    )  # fmt: skip


def t9_sqrt_short(rng: random.Random) -> Question:
    m, n = rng.sample(range(2, 40), 2)
    k = rng.randint(2, 5)
    value = m + k * n
    return _short("Căn bậc hai",
                  f"Tính giá trị của biểu thức $A = \\sqrt{{{m * m}}} + {k}\\sqrt{{{n * n}}}$.",
                  str(value), f"$A = {m} + {k} \\cdot {n} = {value}$.")  # fmt: skip


def t9_vieta_short(rng: random.Random) -> Question:
    r1, r2 = rng.sample([n for n in range(-20, 21) if n], 2)
    s, p = r1 + r2, r1 * r2
    value = s * s - 2 * p
    return _short(
        "Định lí Viète",
        f"Gọi $x_1, x_2$ là hai nghiệm của phương trình ${polynomial([1, -s, p])} = 0$. "
        "Tính $x_1^2 + x_2^2$.", str(value),
        f"$x_1^2 + x_2^2 = (x_1 + x_2)^2 - 2x_1x_2 = {s * s} {'-' if p > 0 else '+'} {abs(2 * p)} = {value}$.",
    )  # fmt: skip


def t9_system_short(rng: random.Random) -> Question:
    x, y = rng.randint(1, 40), rng.randint(1, 40)
    price_a, price_b = rng.randint(3, 15), rng.randint(16, 30)
    if x == y:
        raise Retry
    return _short(
        "Giải bài toán bằng cách lập hệ phương trình",
        f"Một cửa hàng bán ${x + y}$ quyển vở gồm hai loại giá ${price_a}$ nghìn đồng và "
        f"${price_b}$ nghìn đồng một quyển, thu được ${price_a * x + price_b * y}$ nghìn đồng. "
        f"Hỏi cửa hàng bán bao nhiêu quyển vở loại giá ${price_b}$ nghìn đồng?",
        str(y),
        f"Gọi số vở hai loại là $x, y$: $x + y = {x + y}$ và ${price_a}x + {price_b}y = "
        f"{price_a * x + price_b * y}$, nên $y = {y}$.",
    )  # fmt: skip


def t9_altitude_short(rng: random.Random) -> Question:
    (p, q, r), k = rng.choice(TRIPLES), rng.randint(1, 9)
    h = Fraction(p * q * k, r)
    return _short(
        "Hệ thức lượng trong tam giác vuông",
        f"Cho tam giác $ABC$ vuông tại $A$ có $AB = {p * k}\\,cm$, $AC = {q * k}\\,cm$. Tính độ dài "
        "đường cao $AH$ (theo cm, làm tròn đến hàng phần mười).",
        plain(round(float(h), 1), 1),
        f"$AH = \\dfrac{{AB \\cdot AC}}{{BC}} = \\dfrac{{{p * k} \\cdot {q * k}}}{{{r * k}}} "
        f"\\approx {decimal(round(float(h), 1), 1)}\\,cm$.",
    )  # fmt: skip


def t9_essay(rng: random.Random) -> Question:
    w = rng.randint(5, 30)
    more = rng.randint(2, 15)
    length = w + more
    return _essay(
        "Giải bài toán bằng cách lập phương trình",
        f"Một mảnh đất hình chữ nhật có chiều dài hơn chiều rộng ${more}\\,m$ và diện tích "
        f"${w * length}\\,m^2$.<br>a) Gọi chiều rộng là $x$ (m), lập phương trình theo $x$.<br>"
        "b) Tính chu vi của mảnh đất.",
        f"a) ${polynomial([1, more, 0])} = {w * length}$. b) $x = {w}$, chiều dài ${length}$, chu "
        f"vi ${2 * (w + length)}\\,m$.",
    )  # fmt: skip


def t9_essay_system(rng: random.Random) -> Question:
    a, b = rng.randint(15, 45), rng.randint(15, 45)
    moved = rng.randint(1, 6)
    if a + moved == b - moved or a == b:
        raise Retry
    return _essay(
        "Giải bài toán bằng cách lập hệ phương trình",
        f"Hai lớp 9A và 9B có tổng cộng ${a + b}$ học sinh. Nếu chuyển ${moved}$ học sinh từ lớp 9B "
        f"sang lớp 9A thì số học sinh lớp 9A {'nhiều' if a + moved > b - moved else 'ít'} hơn lớp 9B "
        f"${abs(a + moved - (b - moved))}$ em. Tính số học sinh của mỗi lớp.",
        f"$x + y = {a + b}$, $(x + {moved}) - (y - {moved}) = {a + moved - (b - moved)}$: lớp 9A "
        f"${a}$, lớp 9B ${b}$ học sinh.",
    )  # fmt: skip


# -- the plan ------------------------------------------------------------------------------

# Per subject: single choice 20 / 15 / 12 (biết / hiểu / vận dụng), true-false groups 6 / 5 / 5,
# short answers 6 / 6 / 6, essays 8 (vận dụng): both presets need at most 8 / 6 / 5 choices,
# 2 / 1 / 1 groups, 2 / 2 / 2 short answers and 3 essays.
COUNTS = {("single_choice", "nhan_biet"): 20, ("single_choice", "thong_hieu"): 15,
          ("single_choice", "van_dung"): 12, ("true_false_group", "nhan_biet"): 6,
          ("true_false_group", "thong_hieu"): 5, ("true_false_group", "van_dung"): 5,
          ("short_answer", "nhan_biet"): 6, ("short_answer", "thong_hieu"): 6,
          ("short_answer", "van_dung"): 6, ("essay", "van_dung"): 8}  # fmt: skip

MAKERS: dict[tuple[str, int], dict[tuple[str, str], list[Maker]]] = {
    ("toan", 12): {
        ("single_choice", "nhan_biet"): [t12_asymptote, t12_vector, t12_sphere, t12_antiderivative],
        ("single_choice", "thong_hieu"): [t12_decreasing, t12_dot, t12_distance],
        ("single_choice", "van_dung"): [t12_minimum, t12_area, t12_probability],
        ("true_false_group", "nhan_biet"): [t12_points_group],
        ("true_false_group", "thong_hieu"): [t12_cubic_group],
        ("true_false_group", "van_dung"): [t12_motion_group],
        ("short_answer", "nhan_biet"): [t12_asymptote_short, t12_vector_short],
        ("short_answer", "thong_hieu"): [t12_integral_short, t12_derivative_short],
        ("short_answer", "van_dung"): [t12_minimum_short, t12_probability_short],
        ("essay", "van_dung"): [t12_essay, t12_essay_space],
    },
    ("vat-li", 12): {
        ("single_choice", "nhan_biet"): [p12_neutrons, p12_kelvin, p12_flux],
        ("single_choice", "thong_hieu"): [p12_heat, p12_boyle, p12_force],
        ("single_choice", "van_dung"): [p12_decay, p12_charles, p12_emf],
        ("true_false_group", "nhan_biet"): [p12_heat_group],
        ("true_false_group", "thong_hieu"): [p12_gas_group],
        ("true_false_group", "van_dung"): [p12_decay_group],
        ("short_answer", "nhan_biet"): [p12_kelvin_short, p12_neutron_short],
        ("short_answer", "thong_hieu"): [p12_heat_short, p12_force_short],
        ("short_answer", "van_dung"): [p12_decay_short, p12_emf_short],
        ("essay", "van_dung"): [p12_essay, p12_essay_gas],
    },
    ("toan", 9): {
        ("single_choice", "nhan_biet"): [t9_sqrt, t9_parabola_point, t9_discriminant],
        ("single_choice", "thong_hieu"): [t9_vieta, t9_system, t9_hypotenuse, t9_sine],
        ("single_choice", "van_dung"): [t9_garden, t9_double_root],
        ("true_false_group", "nhan_biet"): [t9_quadratic_group],
        ("true_false_group", "thong_hieu"): [t9_parabola_group],
        ("true_false_group", "van_dung"): [t9_triangle_group],
        ("short_answer", "nhan_biet"): [t9_sqrt_short],
        ("short_answer", "thong_hieu"): [t9_vieta_short],
        ("short_answer", "van_dung"): [t9_system_short, t9_altitude_short],
        ("essay", "van_dung"): [t9_essay, t9_essay_system],
    },
}
SUBJECTS = tuple(MAKERS)  # (subject, grade) the exam bank fills
TRIES = 200  # per question: a template that cannot find new numbers in that many is a bug


def exam_questions(seed: int = 2026) -> Iterator[Question]:
    """The exam bank, in a fixed order with stable external ids: no two questions of it are
    near duplicates as the bank judges them."""
    rng = random.Random(seed)
    seen = dedup.DuplicateIndex(lambda _id: None)
    for (subject, grade), cells in MAKERS.items():
        for (qtype, level), makers in cells.items():
            for number in range(COUNTS[(qtype, level)]):
                question = _new(rng, makers, seen, f"{subject}-{grade}-{qtype}-{level}-{number}")
                yield {**question, "subject": subject, "grade": grade, "level": level,
                       "source": "Kho Học Liệu (dữ liệu mẫu)",
                       "external_id": f"demo-de-{subject}{grade}-{qtype}-{level}-{number:02d}"}  # fmt: skip


def _new(rng: random.Random, makers: list[Maker], seen: dedup.DuplicateIndex, key: str) -> Question:
    for _ in range(TRIES):
        try:
            question = rng.choice(makers)(rng)
        except Retry:
            continue
        sig = dedup.signature(question["type"], question)
        if seen.find(sig) is None:
            seen.add_signature(key, sig)
            return question
    raise RuntimeError(f"no new question for {key} in {TRIES} tries")
