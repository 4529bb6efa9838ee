"""Codes of the 2018 general-education curriculum used in data, URLs and the API (docs/DESIGN.md),
with their Vietnamese display names."""

from __future__ import annotations

import re
import unicodedata

from kholieu.i18n import N_, Invalid

SUBJECTS: dict[str, str] = {
    "toan": N_("Toán"),
    "ngu-van": N_("Ngữ văn"),
    "tieng-viet": N_("Tiếng Việt"),
    "ngoai-ngu": N_("Ngoại ngữ"),
    "tieng-anh": N_("Tiếng Anh"),
    "vat-li": N_("Vật lí"),
    "hoa-hoc": N_("Hóa học"),
    "sinh-hoc": N_("Sinh học"),
    "lich-su": N_("Lịch sử"),
    "dia-li": N_("Địa lí"),
    "lich-su-dia-li": N_("Lịch sử và Địa lí"),
    "khoa-hoc-tu-nhien": N_("Khoa học tự nhiên"),
    "khoa-hoc": N_("Khoa học"),
    "tu-nhien-xa-hoi": N_("Tự nhiên và Xã hội"),
    "dao-duc": N_("Đạo đức"),
    "gdcd": N_("Giáo dục công dân"),
    "gdkt-pl": N_("Giáo dục kinh tế và pháp luật"),
    "cong-nghe": N_("Công nghệ"),
    "tin-hoc": N_("Tin học"),
    "tin-hoc-cong-nghe": N_("Tin học và Công nghệ"),
    "am-nhac": N_("Âm nhạc"),
    "mi-thuat": N_("Mĩ thuật"),
    "gd-the-chat": N_("Giáo dục thể chất"),
    "gdqp-an": N_("Giáo dục quốc phòng và an ninh"),
    "hdtn": N_("Hoạt động trải nghiệm, hướng nghiệp"),
}

GRADES = range(1, 13)

SERIES: dict[str, str] = {
    "ket-noi-tri-thuc": N_("Kết nối tri thức với cuộc sống"),
    "chan-troi-sang-tao": N_("Chân trời sáng tạo"),
    "canh-dieu": N_("Cánh Diều"),
}

LEVELS: dict[str, str] = {
    "nhan_biet": N_("Nhận biết"),
    "thong_hieu": N_("Thông hiểu"),
    "van_dung": N_("Vận dụng"),
    "van_dung_cao": N_("Vận dụng cao"),
}

LICENCES: dict[str, str] = {
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
    "CC-BY-NC-4.0": "CC BY-NC 4.0",
    "CC-BY-NC-SA-4.0": "CC BY-NC-SA 4.0",
    "CC-BY-ND-4.0": "CC BY-ND 4.0",
    "CC-BY-NC-ND-4.0": "CC BY-NC-ND 4.0",
    "CC0-1.0": "CC0 1.0",
    "all-rights-reserved": "Bảo lưu mọi quyền",
}

# The 2025 national exam's question formats (docs/DESIGN.md "Native question format"), named as
# teachers name them; the codes are the bank's question types.
QUESTION_TYPES: dict[str, str] = {
    "single_choice": "Trắc nghiệm nhiều phương án lựa chọn",
    "multiple_response": "Nhiều đáp án",
    "true_false_group": "Đúng/Sai",
    "short_answer": "Trả lời ngắn",
    "essay": "Tự luận",
}


# -- names as teachers type them -----------------------------------------------------------------
# Spreadsheets, Word files and forms say "Sinh học", "sinh hoc", "SINH HỌC", "Lớp 10", "NB":
# each lookup folds case, tone marks, đ and punctuation away, then tries the code, the display
# name and the usual short names. README "Question files" lists what is accepted.


def fold(text: str) -> str:
    """``Sinh học`` → ``sinh hoc``; ``Đúng/Sai`` → ``dung sai``; ``ngu-van`` → ``ngu van``."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[\s_\-:.,;/()*]+", " ", text).split())


_SUBJECT_NAMES = {
    "toan hoc": "toan", "van": "ngu-van", "van hoc": "ngu-van", "anh": "tieng-anh",
    "anh van": "tieng-anh", "tieng anh": "tieng-anh", "english": "tieng-anh",
    "vat ly": "vat-li", "ly": "vat-li", "li": "vat-li", "hoa": "hoa-hoc", "sinh": "sinh-hoc",
    "su": "lich-su", "dia": "dia-li", "dia ly": "dia-li", "lich su va dia ly": "lich-su-dia-li",
    "lich su dia ly": "lich-su-dia-li", "khtn": "khoa-hoc-tu-nhien", "tnxh": "tu-nhien-xa-hoi",
    "gdktpl": "gdkt-pl", "gdkt va pl": "gdkt-pl", "kinh te va phap luat": "gdkt-pl",
    "tin": "tin-hoc", "my thuat": "mi-thuat", "the duc": "gd-the-chat",
    "giao duc the chat": "gd-the-chat", "gdtc": "gd-the-chat", "gdqp": "gdqp-an",
    "gdqpan": "gdqp-an", "quoc phong": "gdqp-an", "hdtnhn": "hdtn",
    "hoat dong trai nghiem": "hdtn", "hoat dong trai nghiem huong nghiep": "hdtn",
}  # fmt: skip
SUBJECT_NAMES: dict[str, str] = {
    **{fold(code): code for code in SUBJECTS},
    **{fold(name): code for code, name in SUBJECTS.items()},
    **_SUBJECT_NAMES,
}
# Level names with the 2018 curriculum's biết / hiểu / vận dụng, and the exam matrix's 1–4.
LEVEL_NAMES: dict[str, str] = {
    **{fold(code): code for code in LEVELS},
    **{fold(name): code for code, name in LEVELS.items()},
    "nb": "nhan_biet", "biet": "nhan_biet", "th": "thong_hieu", "hieu": "thong_hieu",
    "vd": "van_dung", "vdc": "van_dung_cao", "van dung thap": "van_dung",
    "1": "nhan_biet", "2": "thong_hieu", "3": "van_dung", "4": "van_dung_cao",
    "muc 1": "nhan_biet", "muc 2": "thong_hieu", "muc 3": "van_dung", "muc 4": "van_dung_cao",
}  # fmt: skip
QUESTION_TYPE_NAMES: dict[str, str] = {
    **{fold(code): code for code in QUESTION_TYPES},
    **{fold(name): code for code, name in QUESTION_TYPES.items()},
    "trac nghiem": "single_choice", "tn": "single_choice", "mcq": "single_choice",
    "mot dap an": "single_choice", "nhieu lua chon": "single_choice",
    "nhieu phuong an lua chon": "single_choice", "phan i": "single_choice",
    "nhieu dap an dung": "multiple_response", "chon nhieu": "multiple_response",
    "dung sai": "true_false_group", "ds": "true_false_group", "true false": "true_false_group",
    "trac nghiem dung sai": "true_false_group", "phan ii": "true_false_group",
    "tln": "short_answer", "trac nghiem tra loi ngan": "short_answer",
    "phan iii": "short_answer", "tl": "essay", "phan iv": "essay",
}  # fmt: skip
_GRADE = re.compile(r"(?:lop|khoi|l|grade)? ?(\d{1,2})")


def subject_code(value: str | None) -> str | None:
    """``Sinh học``, ``sinh hoc``, ``sinh-hoc``, ``Sinh`` → ``sinh-hoc``; raises ValueError
    naming a few choices."""
    if value is None or not str(value).strip():
        return None
    code = SUBJECT_NAMES.get(fold(value))
    if code is None:
        raise Invalid(
            "“{value}” không phải môn học (mã như toan, ngu-van, sinh-hoc hoặc tên như Toán, Ngữ "
            "văn, Sinh học)",
            value=value,
        )
    return code


def grade_number(value: str | int | None) -> int | None:
    """``10``, ``Lớp 10``, ``lop 10``, ``Khối 10``, ``L10`` → 10; raises ValueError."""
    if value is None or isinstance(value, bool) or not str(value).strip():
        return None
    if isinstance(value, int):
        number = value
    else:
        found = _GRADE.fullmatch(fold(value))
        number = int(found.group(1)) if found else 0
    if number not in GRADES:
        raise Invalid("“{value}” không phải lớp 1–12 (10, Lớp 10)", value=value)
    return number


def level_code(value: str | None) -> str | None:
    """``nhận biết``, ``NB``, ``biết``… → ``nhan_biet``; raises ValueError naming the choices."""
    if value is None or not str(value).strip():
        return None
    code = LEVEL_NAMES.get(fold(value))
    if code is None:
        raise Invalid(
            "“{value}” không phải mức độ (nhận biết, thông hiểu, vận dụng, vận dụng cao)",
            value=value,
        )
    return code


def question_type_code(value: str | None) -> str | None:
    """``Trắc nghiệm``, ``Đúng/Sai``, ``Trả lời ngắn``, ``Tự luận``, the codes → the type;
    None when empty (the caller picks its default); raises ValueError naming the choices."""
    if value is None or not str(value).strip():
        return None
    code = QUESTION_TYPE_NAMES.get(fold(value))
    if code is None:
        raise Invalid(
            "“{value}” không phải loại câu hỏi (trắc nghiệm, nhiều đáp án, đúng/sai, trả lời "
            "ngắn, tự luận)",
            value=value,
        )
    return code
