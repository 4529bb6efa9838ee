"""A set of printed papers in one folder, as ``kholieu quiz assemble`` writes it:

de-101.pdf, de-101.docx, …   one paper per mã đề
dap-an.csv, dap-an.xlsx, dap-an.pdf
phieu-tra-loi.pdf            the answer sheet (2025 layout)
assembly.json                what ``kholieu quiz score`` scores scanned answers with
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kholieu.bank.models import QuestionVersion
from kholieu.quiz.assembly import Version
from kholieu.quiz.blueprint import Blueprint
from kholieu.quiz.printing import answer_sheets, papers

DRAWN_NOTE = "cong-thuc-dang-hinh.txt"


def drawn_note(unconverted: list[str]) -> str:
    """What goes with a set whose Word papers draw some formulas: which, so the teacher knows
    which ones Word will not let them edit."""
    lines = [f"${source}$" for source in dict.fromkeys(unconverted)]
    return ("Trong đề Word, các công thức sau là hình (không chuyển được thành phương trình "
            "Word, nên không sửa được trong Word):\n" + "\n".join(lines) + "\n")  # fmt: skip


def bodies_of(session: Session, versions: list[Version]) -> dict[int, dict]:
    wanted = {(i.question_id, i.version) for v in versions for i in v.items}
    rows = session.scalars(
        select(QuestionVersion).where(QuestionVersion.question_id.in_({q for q, _ in wanted}))
    )
    return {r.question_id: r.body for r in rows if (r.question_id, r.version) in wanted}


def write(out: Path, blueprint: Blueprint, versions: list[Version], bodies: dict[int, dict],
          *, seed: int, header: papers.Header, read_image=None,
          unconverted: list[str] | None = None) -> list[Path]:  # fmt: skip
    """Every file of the set; the LaTeX of each formula a Word paper draws as a picture instead
    of a Word equation goes into ``unconverted`` (once per paper it is on)."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes | str] = {}
    for version in versions:
        files[f"de-{version.code}.pdf"] = papers.pdf_paper(
            blueprint, version, bodies, header, read_image
        )
        files[f"de-{version.code}.docx"] = papers.docx_paper(
            blueprint, version, bodies, header, read_image, unconverted
        )
    files["dap-an.csv"] = answer_sheets.keys_csv(versions)
    files["dap-an.xlsx"] = answer_sheets.keys_xlsx(versions)
    files["dap-an.pdf"] = answer_sheets.keys_pdf(blueprint, versions)
    files["phieu-tra-loi.pdf"] = answer_sheets.answer_sheet_pdf(blueprint)
    record = answer_sheets.record(blueprint, versions, bodies, seed)
    files["assembly.json"] = json.dumps(record, ensure_ascii=False, indent=1)
    written = []
    for name, data in files.items():
        path = out / name
        tmp = path.with_suffix(path.suffix + ".tmp")
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        tmp.replace(path)  # a reader never sees half a file
        written.append(path)
    return written
