"""What an outcome code looks like, and turning what people type into one."""

from __future__ import annotations

import re

from kholieu.i18n import Invalid

CODE = re.compile(r"[A-Z0-9][A-Z0-9._-]{1,63}")


def normalise_code(value: str) -> str:
    """``toan.10.hs.01 `` → ``TOAN.10.HS.01``; refuses anything that cannot be a code."""
    code = value.strip().upper()
    if not CODE.fullmatch(code):
        raise Invalid(
            "Mã yêu cầu cần đạt “{code}” không hợp lệ: chỉ gồm chữ không dấu, số, dấu chấm, "
            "gạch nối, gạch dưới (2–64 kí tự)",
            code=value.strip()[:80],
        )
    return code


def normalise_codes(values: list[str]) -> list[str]:
    """Each code normalised, duplicates dropped, order kept."""
    return list(dict.fromkeys(normalise_code(v) for v in values if v.strip()))
