"""Realistic Vietnamese questions of every type, generated from templates with parameters
(seeded, so the same seed gives the same bank): the demo loads a few hundred, the import
benchmark 35,000. Keys are computed, not typed, so they are right."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from kholieu.demo.algebra import polynomial, shifted

Question = dict[str, Any]


def _shuffle(rng: random.Random, right: str, wrong: list[str]) -> tuple[list[str], int]:
    options = [right, *wrong[:3]]
    rng.shuffle(options)
    return options, options.index(right)


def _comma(value: Fraction | float) -> str:
    """A number as the 2025 answer sheet writes it: comma decimals, at most 4 characters."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return text[:4].rstrip(",")


def quadratic(rng: random.Random) -> Question:
    r1, r2 = rng.sample(range(-40, 41), 2)
    a = rng.choice([1, 1, 1, 2, 3, 4, 5])
    b, c = -a * (r1 + r2), a * r1 * r2
    lead = "" if a == 1 else str(a)
    equation = polynomial([a, b, c])
    right = f"$x = {min(r1, r2)}$; $x = {max(r1, r2)}$"
    wrong = [f"$x = {-r1}$; $x = {-r2}$" if r1 + r2 else f"$x = {r1 + 1}$; $x = {r2 - 1}$",
             f"$x = {r1 + 1}$; $x = {r2 + 1}$", "Phương trình vô nghiệm"]  # fmt: skip
    options, answer = _shuffle(rng, right, wrong)
    return {"type": "single_choice", "subject": "toan", "grade": 9, "level": "nhan_biet",
            "topic": "Phương trình bậc hai một ẩn",
            "stem": f"Nghiệm của phương trình ${equation} = 0$ là",
            "options": options, "answer": answer,
            "explanation": f"Ta có ${equation} = {lead}({shifted('x', r1)})"
                           f"({shifted('x', r2)})$."}  # fmt: skip


def derivative(rng: random.Random) -> Question:
    a, n = rng.randint(2, 50), rng.randint(2, 9)
    b = rng.choice([k for k in range(-50, 51) if k])  # b = 0 would make two options alike
    right = f"$y' = {polynomial([a * n, *[0] * (n - 2), b])}$"
    wrong = [f"$y' = {polynomial([a, *[0] * (n - 2), b])}$",
             f"$y' = {polynomial([a * n, *[0] * (n - 1), b])}$",
             f"$y' = {polynomial([a * n, *[0] * (n - 1)])}$"]  # fmt: skip
    options, answer = _shuffle(rng, right, wrong)
    return {"type": "single_choice", "subject": "toan", "grade": 11, "level": "thong_hieu",
            "topic": "Đạo hàm",
            "stem": f"Đạo hàm của hàm số $y = {polynomial([a, *[0] * (n - 2), b, 0])}$ là",
            "options": options, "answer": answer,
            "explanation": "Áp dụng $(x^n)' = nx^{n-1}$."}  # fmt: skip


def integral(rng: random.Random) -> Question:
    while True:  # until the value fits the 2025 answer sheet exactly
        a, b, m = rng.randint(1, 30), rng.randint(-20, 20), rng.randint(0, 4)
        k = rng.randint(m + 1, m + 5)
        value = Fraction(a * (k * k - m * m), 2) + b * (k - m)
        if len(_comma(value)) <= 4 and float(value) == float(_comma(value).replace(",", ".")):
            break
    return {"type": "short_answer", "subject": "toan", "grade": 12, "level": "van_dung",
            "topic": "Tích phân",
            "stem": f"Tính tích phân $I = \\int_{{{m}}}^{{{k}}} ({polynomial([a, b])})\\,dx$.",
            "answer": _comma(value),
            "explanation": f"$I = \\left.\\left({polynomial([Fraction(a, 2), b, 0])}\\right)"
                           f"\\right|_{{{m}}}^{{{k}}} = {_comma(value)}$."}  # fmt: skip


def cubic_group(rng: random.Random) -> Question:
    a, c, shift = rng.randint(1, 9), rng.randint(-60, 60), rng.choice([0, 1])
    # y = x^3 - 3a^2 x + c: critical points ±a; y(a) = c - 2a^3 is the minimum.
    statements = [
        (f"Hàm số đồng biến trên khoảng $({a}; +\\infty)$.", True),
        (f"Hàm số đạt cực đại tại $x = {a + shift}$.", False),
        (f"Giá trị cực tiểu của hàm số bằng ${c - 2 * a**3}$.", True),
        (f"Đồ thị hàm số đi qua điểm $(1; {1 - 3 * a * a + c + shift})$.", shift == 0),
    ]
    return {"type": "true_false_group", "subject": "toan", "grade": 12, "level": "thong_hieu",
            "topic": "Ứng dụng đạo hàm",
            "stem": f"Cho hàm số $y = {polynomial([1, 0, -3 * a * a, c])}$.",
            "statements": [s for s, _ in statements],
            "answer": [t for _, t in statements]}  # fmt: skip


def ohm(rng: random.Random) -> Question:
    r, i = rng.randint(2, 2000), rng.choice([0.2, 0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4])
    u = r * i
    right = f"${_comma(i)}\\,A$"
    wrong = [f"${_comma(u * r)}\\,A$", f"${_comma(r / u)}\\,A$", f"${_comma(i * 2)}\\,A$"]
    options, answer = _shuffle(rng, right, wrong)
    return {"type": "single_choice", "subject": "vat-li", "grade": 9, "level": "van_dung",
            "topic": "Định luật Ôm", "options": options, "answer": answer,
            "stem": f"Đặt hiệu điện thế $U = {_comma(u)}\\,V$ vào hai đầu điện trở "
                    f"$R = {r}\\,\\Omega$. Cường độ dòng điện qua điện trở là",
            "explanation": "Theo định luật Ôm: $I = \\frac{U}{R}$."}  # fmt: skip


def motion(rng: random.Random) -> Question:
    v, t = rng.randint(2, 99), rng.randint(2, 99)
    return {"type": "short_answer", "subject": "vat-li", "grade": 10, "level": "nhan_biet",
            "topic": "Chuyển động thẳng đều", "answer": str(v * t),
            "stem": f"Một ô tô chuyển động thẳng đều với tốc độ ${v}\\,m/s$ trong ${t}\\,s$. "
                    "Quãng đường ô tô đi được là bao nhiêu mét?"}  # fmt: skip


COMPOUNDS = {"NaCl": 58.5, "H_2O": 18, "CO_2": 44, "H_2SO_4": 98, "NaOH": 40, "CaCO_3": 100,
             "HCl": 36.5, "Fe_2O_3": 160, "CuSO_4": 160, "KOH": 56, "MgO": 40, "Al_2O_3": 102,
             "CH_4": 16, "C_2H_5OH": 46, "NH_3": 17, "SO_2": 64, "HNO_3": 63,
             "Na_2CO_3": 106}  # fmt: skip


def moles(rng: random.Random) -> Question:
    formula, mass = rng.choice(sorted(COMPOUNDS.items()))
    n = rng.randint(1, 400) / 20
    grams = round(mass * n, 2)
    right = f"${_comma(n)}$ mol"
    wrong = [f"${_comma(n * 2)}$ mol", f"${_comma(n / 2)}$ mol", f"${_comma(n + 1)}$ mol"]
    options, answer = _shuffle(rng, right, wrong)
    return {"type": "single_choice", "subject": "hoa-hoc", "grade": 8, "level": "thong_hieu",
            "topic": "Mol và khối lượng mol", "options": options, "answer": answer,
            "stem": f"Số mol có trong ${_comma(grams)}$ gam $\\mathrm{{{formula}}}$ là "
                    f"(biết $M = {_comma(mass) if mass % 1 else int(mass)}$ g/mol)",
            "explanation": "$n = \\frac{m}{M}$."}  # fmt: skip


CELL_FACTS = [
    ("Ti thể là nơi diễn ra quá trình hô hấp tế bào.", True),
    ("Lục lạp có ở mọi tế bào động vật.", False),
    ("Màng sinh chất có tính thấm chọn lọc.", True),
    ("Ribôxôm là nơi tổng hợp prôtêin.", True),
    ("Tế bào nhân sơ có màng nhân bao bọc vật chất di truyền.", False),
    ("ADN được cấu tạo từ các nuclêôtit.", True),
    ("Enzim làm tăng năng lượng hoạt hoá của phản ứng.", False),
    ("Quang hợp chuyển quang năng thành hoá năng.", True),
    ("Nguyên phân tạo ra các tế bào con có bộ nhiễm sắc thể giảm đi một nửa.", False),
    ("Giảm phân xảy ra ở tế bào sinh dục chín.", True),
    ("Mọi vi khuẩn đều gây bệnh cho người.", False),
    ("Gen là một đoạn của phân tử ADN mang thông tin mã hoá.", True),
    ("Nhiễm sắc thể giới tính chỉ có ở tế bào sinh dục.", False),
    ("Đột biến gen là những biến đổi trong cấu trúc của gen.", True),
    ("Hô hấp tế bào chỉ xảy ra vào ban đêm.", False),
    ("Nước chiếm tỉ lệ lớn trong khối lượng tế bào sống.", True),
]


def biology_group(rng: random.Random) -> Question:
    chosen = rng.sample(CELL_FACTS, 4)
    topic = rng.choice(["Tế bào", "Di truyền", "Chuyển hoá vật chất và năng lượng"])
    return {"type": "true_false_group", "subject": "sinh-hoc", "grade": rng.choice([10, 11, 12]),
            "level": "thong_hieu", "topic": topic,
            "stem": "Mỗi nhận định sau đây đúng hay sai?",
            "statements": [s for s, _ in chosen], "answer": [t for _, t in chosen]}  # fmt: skip


FACTS = [
    ("lich-su", 9, "Cách mạng tháng Tám", "Cách mạng tháng Tám thành công vào năm nào?", "1945",
     ["1930", "1954", "1975"]),
    ("lich-su", 12, "Kháng chiến chống Pháp", "Chiến thắng Điện Biên Phủ diễn ra năm nào?",
     "1954", ["1945", "1968", "1975"]),
    ("lich-su", 10, "Văn minh Đại Việt", "Kinh đô của nhà Lý được đặt tại đâu?", "Thăng Long",
     ["Hoa Lư", "Phú Xuân", "Cổ Loa"]),
    ("dia-li", 12, "Địa lí tự nhiên Việt Nam", "Đỉnh núi cao nhất Việt Nam là",
     "Phan-xi-păng", ["Bạch Mã", "Ngọc Linh", "Tây Côn Lĩnh"]),
    ("dia-li", 8, "Sông ngòi Việt Nam", "Sông nào sau đây đổ ra biển qua cửa Ba Lạt?",
     "Sông Hồng", ["Sông Cửu Long", "Sông Mã", "Sông Đà"]),
    ("dia-li", 12, "Kinh tế Việt Nam", "Vùng trồng cà phê lớn nhất nước ta là",
     "Tây Nguyên", ["Đông Nam Bộ", "Bắc Trung Bộ", "Trung du miền núi Bắc Bộ"]),
    ("tieng-anh", 10, "Vocabulary", "Choose the word that is closest in meaning to "
     "\"enormous\".", "huge", ["tiny", "narrow", "quiet"]),
    ("tieng-anh", 11, "Grammar", "She has lived in Hà Nội ___ 2015.", "since",
     ["for", "in", "at"]),
    ("tin-hoc", 10, "Lập trình Python", "Trong Python, câu lệnh nào in ra màn hình?",
     "print()", ["input()", "len()", "range()"]),
    ("gdkt-pl", 11, "Pháp luật", "Công dân Việt Nam đủ bao nhiêu tuổi thì có quyền bầu cử?",
     "18 tuổi", ["16 tuổi", "20 tuổi", "21 tuổi"]),
]  # fmt: skip


def fact(rng: random.Random) -> Question:
    subject, grade, topic, stem, right, wrong = rng.choice(FACTS)
    options, answer = _shuffle(rng, right, list(wrong))
    return {"type": "single_choice", "subject": subject, "grade": grade, "topic": topic,
            "level": "nhan_biet", "stem": stem, "options": options, "answer": answer}  # fmt: skip


def primes(rng: random.Random) -> Question:
    numbers = rng.sample(range(2, 60), 5)
    is_prime = [all(n % d for d in range(2, int(n**0.5) + 1)) for n in numbers]
    if not any(is_prime):
        numbers[0], is_prime[0] = 13, True
    return {"type": "multiple_response", "subject": "toan", "grade": 6, "level": "thong_hieu",
            "topic": "Số nguyên tố", "stem": "Chọn tất cả các số nguyên tố trong các số sau.",
            "options": [str(n) for n in numbers],
            "answer": [i for i, p in enumerate(is_prime) if p]}  # fmt: skip


WORKS = ["Sóng (Xuân Quỳnh)", "Tây Tiến (Quang Dũng)", "Việt Bắc (Tố Hữu)",
         "Người lái đò sông Đà (Nguyễn Tuân)", "Vợ chồng A Phủ (Tô Hoài)",
         "Chiếc thuyền ngoài xa (Nguyễn Minh Châu)", "Đất Nước (Nguyễn Khoa Điềm)",
         "Truyện Kiều (Nguyễn Du)", "Lão Hạc (Nam Cao)", "Làng (Kim Lân)"]  # fmt: skip
TASKS = ["Phân tích hình tượng nhân vật chính trong tác phẩm {w}.",
         "Cảm nhận của em về đoạn kết của tác phẩm {w}.",
         "Trình bày giá trị nhân đạo của tác phẩm {w}.",
         "Nêu những nét đặc sắc nghệ thuật của tác phẩm {w}."]  # fmt: skip


def essay(rng: random.Random) -> Question:
    work, task = rng.choice(WORKS), rng.choice(TASKS)
    return {"type": "essay", "subject": "ngu-van", "grade": rng.choice([9, 11, 12]),
            "level": "van_dung_cao", "topic": "Nghị luận văn học",
            "stem": task.format(w=work) + " (khoảng 600 chữ)"}  # fmt: skip


TEMPLATES: list[tuple[Callable[[random.Random], Question], int]] = [
    (quadratic, 4), (derivative, 4), (integral, 3), (cubic_group, 2), (ohm, 3), (motion, 3),
    (moles, 3), (biology_group, 3), (fact, 1), (primes, 2), (essay, 1),
]  # fmt: skip


def questions(count: int, seed: int = 2025) -> Iterator[Question]:
    """``count`` questions in a fixed mixture of types and subjects."""
    rng = random.Random(seed)
    makers = [maker for maker, weight in TEMPLATES for _ in range(weight)]
    for number in range(count):
        question = rng.choice(makers)(rng)
        question["source"] = "Kho Học Liệu (dữ liệu mẫu)"
        question["external_id"] = f"demo-q-{seed}-{number:06d}"
        yield question
