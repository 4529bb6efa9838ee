"""pydantic's findings in the user's language: its messages are English sentences, so each
error ``type`` it reports gets a Vietnamese template here (filled from the error's ``ctx``), and
a validator's own refusal (``kholieu.i18n.Invalid``) keeps its own words. Field paths are shown
with their Vietnamese names where the form has one.

In English the API's messages stay what they always were (pydantic's own sentences, the dotted
field path): clients written against them keep working."""

from __future__ import annotations

from typing import Any

from kholieu.i18n import N_, Invalid, Message, current_locale, gettext

# pydantic error type → Vietnamese template over the error's ctx
TEMPLATES: dict[str, str] = {
    "missing": N_("bắt buộc phải có"),
    "extra_forbidden": N_("không phải một trường được nhận"),
    "string_type": N_("phải là văn bản"),
    "string_too_short": N_("cần ít nhất {min_length} kí tự"),
    "string_too_long": N_("dài quá {max_length} kí tự"),
    "string_pattern_mismatch": N_("không đúng dạng được nhận"),
    "int_type": N_("phải là một số nguyên"),
    "int_parsing": N_("phải là một số nguyên"),
    "int_from_float": N_("phải là một số nguyên"),
    "float_type": N_("phải là một số"),
    "float_parsing": N_("phải là một số"),
    "finite_number": N_("phải là một số hữu hạn"),
    "decimal_parsing": N_("phải là một số"),
    "bool_type": N_("phải là có hoặc không"),
    "bool_parsing": N_("phải là có hoặc không"),
    "greater_than": N_("phải lớn hơn {gt}"),
    "greater_than_equal": N_("phải từ {ge} trở lên"),
    "less_than": N_("phải nhỏ hơn {lt}"),
    "less_than_equal": N_("phải từ {le} trở xuống"),
    "multiple_of": N_("phải là bội của {multiple_of}"),
    "too_short": N_("cần ít nhất {min_length} mục"),
    "too_long": N_("nhiều quá: tối đa {max_length} mục"),
    "list_type": N_("phải là một danh sách"),
    "dict_type": N_("phải là một đối tượng (các cặp tên: giá trị)"),
    "model_type": N_("phải là một đối tượng (các cặp tên: giá trị)"),
    "model_attributes_type": N_("phải là một đối tượng (các cặp tên: giá trị)"),
    "literal_error": N_("phải là một trong: {expected}"),
    "enum": N_("phải là một trong: {expected}"),
    "date_parsing": N_("không phải một ngày (cần dạng 2026-05-31)"),
    "date_from_datetime_parsing": N_("không phải một ngày (cần dạng 2026-05-31)"),
    "date_type": N_("không phải một ngày (cần dạng 2026-05-31)"),
    "datetime_parsing": N_("không phải một thời điểm (cần dạng 2026-05-31T08:00)"),
    "datetime_from_date_parsing": N_("không phải một thời điểm (cần dạng 2026-05-31T08:00)"),
    "datetime_type": N_("không phải một thời điểm (cần dạng 2026-05-31T08:00)"),
    "timezone_aware": N_("cần ghi cả múi giờ (ví dụ +07:00)"),
    "json_invalid": N_("không phải JSON hợp lệ"),
    "json_type": N_("không phải JSON hợp lệ"),
    "url_parsing": N_("không phải một địa chỉ web"),
    "url_type": N_("không phải một địa chỉ web"),
    "url_scheme": N_("địa chỉ phải bắt đầu bằng http hoặc https"),
    "uuid_parsing": N_("không phải một mã UUID"),
    "union_tag_invalid": N_("có loại không được nhận: {tag}"),
    "union_tag_not_found": N_("thiếu trường cho biết loại"),
    "value_error": N_("không hợp lệ"),
    "assertion_error": N_("không hợp lệ"),
}

# field names as forms call them; the dotted path stays in the API's details
FIELDS: dict[str, str] = {
    "title": N_("Tiêu đề"),
    "summary": N_("Tóm tắt"),
    "description": N_("Mô tả"),
    "body": N_("Nội dung"),
    "text": N_("Nội dung"),
    "subject": N_("Môn học"),
    "grade": N_("Lớp"),
    "topic": N_("Chủ đề"),
    "level": N_("Mức độ"),
    "type": N_("Loại"),
    "stem": N_("Đề bài"),
    "options": N_("Phương án"),
    "answer": N_("Đáp án"),
    "key": N_("Đáp án"),
    "explanation": N_("Lời giải"),
    "statements": N_("Các ý"),
    "tags": N_("Thẻ"),
    "language": N_("Ngôn ngữ"),
    "license": N_("Giấy phép"),
    "username": N_("Tên đăng nhập"),
    "password": N_("Mật khẩu"),
    "current_password": N_("Mật khẩu hiện tại"),
    "new_password": N_("Mật khẩu mới"),
    "display_name": N_("Họ và tên"),
    "name": N_("Tên"),
    "code": N_("Mã"),
    "role": N_("Vai trò"),
    "opens_at": N_("Giờ mở"),
    "closes_at": N_("Giờ đóng"),
    "time_limit_minutes": N_("Thời gian làm bài (phút)"),
    "attempts_allowed": N_("Số lượt làm"),
    "versions": N_("Số mã đề"),
    "reason": N_("Lí do"),
    "points": N_("Điểm"),
    "file": N_("Tệp"),
    "question_id": N_("Câu hỏi"),
    "answers": N_("Câu trả lời"),
    "blueprint": N_("Ma trận đề"),
    "sections": N_("Các phần"),
    "rows": N_("Các dòng"),
    "count": N_("Số câu"),
    "mode": N_("Chế độ"),
    "review": N_("Xem lại"),
    "shuffle": N_("Đảo"),
    "student_number": N_("Mã học sinh"),
    "birth_date": N_("Ngày sinh"),
    "email": N_("Thư điện tử"),
    "external_id": N_("Mã ngoài"),
    "yccd_codes": N_("Yêu cầu cần đạt"),
    "kind": N_("Loại học liệu"),
}


def field_label(path: str) -> str:
    """``options.3.text`` → "Phương án 4 · Nội dung": the named parts translated, list
    positions counted from 1, the rest left out rather than shown raw."""
    if current_locale.get() == "en":
        return path
    parts: list[str] = []
    for part in path.split("."):
        if part.isdigit():
            if parts:
                parts[-1] = f"{parts[-1]} {int(part) + 1}"
        elif part in FIELDS:
            parts.append(gettext(FIELDS[part]))
    return " · ".join(parts)


def problem(error: dict[str, Any]) -> str:
    """One pydantic error's message in the current locale."""
    found = (error.get("ctx") or {}).get("error")
    if isinstance(found, Invalid):
        return found.text.render()
    if current_locale.get() == "en" and error.get("msg"):
        return str(error["msg"]).removeprefix("Value error, ")
    if isinstance(found, Exception):  # a plain ValueError: an operator's message, as written
        return str(found)
    template = TEMPLATES.get(error["type"])
    if template is None:
        return gettext(TEMPLATES["value_error"])
    ctx = {k: _shown(v) for k, v in (error.get("ctx") or {}).items()}
    return Message(template, ctx).render()


def _shown(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("'"):  # pydantic quotes literal choices
        return value.replace("'", "")
    return value


def located(error: dict[str, Any], path: str) -> str:
    """The message with its field's name in front, where the field has a name to show."""
    label = field_label(path)
    return f"{label}: {problem(error)}" if label else problem(error)
