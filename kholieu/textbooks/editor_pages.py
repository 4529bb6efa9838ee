"""The editors' table-of-contents page (``/sach/{id}/muc-luc``): one row per chương and bài
with its pages and outcome codes, saved as a whole (``TextbookService.replace_sections``,
as ``PUT /api/v1/textbooks/{id}/sections``), and under each bài what is linked to it, with
a small form to link a lesson or a question by its number. Works without JavaScript."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from kholieu.accounts.deps import EditorDep
from kholieu.accounts.models import User
from kholieu.errors import KholieuError, ValidationFailed
from kholieu.textbooks import toc_form
from kholieu.textbooks.deps import TextbooksDep
from kholieu.textbooks.service import TextbookService
from kholieu.web import csrf
from kholieu.web.deps import SessionDep
from kholieu.web.errors import PageRefused
from kholieu.web.templating import render

router = APIRouter(prefix="/sach", tags=["pages"], include_in_schema=False)


def _page(
    request: Request, user: User, textbooks: TextbookService, session: Session, item_id: int,
    *, rows: list[toc_form.Row] | None = None, errors: dict[str, str] | None = None,
    message: str | None = None, link_error: tuple[int, str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    book = textbooks.get(session, user, item_id)
    shown = rows if rows is not None else toc_form.rows_of(book.sections)
    for row in shown:
        if row.section_id is not None and row.kind == "bai":
            row.links = textbooks.linked(session, user, row.section_id)
    context: dict[str, Any] = {
        "item": book.item, "book": book.textbook, "rows": shown, "errors": errors or {},
        "message": message, "link_error": link_error, "max_rows": toc_form.MAX_ROWS,
    }  # fmt: skip
    return render(request, "textbooks/toc_editor.html", context, status_code=status)


@router.get("/{item_id}/muc-luc")
def toc_editor(
    request: Request, item_id: int, user: EditorDep, textbooks: TextbooksDep, session: SessionDep
) -> Response:
    return _page(request, user, textbooks, session, item_id)


@router.post("/{item_id}/muc-luc", dependencies=[Depends(csrf.require_form_token)])
async def save_toc(
    request: Request, item_id: int, user: EditorDep, textbooks: TextbooksDep, session: SessionDep
) -> Response:
    """Save the rows as the book's table of contents; a refusal shows the form again with
    what was typed and, beside each wrong row, what is wrong."""
    form = await request.form()
    rows = toc_form.rows_from([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    try:
        textbooks.replace_sections(session, user, item_id, toc_form.tree_of(rows))
    except ValidationFailed as exc:
        errors, message = toc_form.problems_by_row(exc.details), exc.message

        def again() -> Response:
            return _page(request, user, textbooks, session, item_id, rows=rows, errors=errors,
                         message=message, status=422)  # fmt: skip

        raise PageRefused(again) from None
    return RedirectResponse(f"/sach/{item_id}/muc-luc?da-luu=1", status_code=303)


@router.post(
    "/{item_id}/muc-luc/{section_id}/lien-ket", dependencies=[Depends(csrf.require_form_token)]
)
def add_link(
    request: Request,
    item_id: int,
    section_id: int,
    user: EditorDep,
    textbooks: TextbooksDep,
    session: SessionDep,
    target_kind: str = Form(max_length=16),
    target_id: str = Form(max_length=12),
) -> Response:
    """Link a lesson (by its number) or a question to a bài."""
    number = target_id.strip().lstrip("#")
    try:
        if not number.isdigit():
            raise ValidationFailed("Số học liệu hoặc câu hỏi phải là một số")
        textbooks.link(session, user, section_id, target_kind, int(number))
    except KholieuError as exc:
        message = exc.message

        def again() -> Response:
            return _page(request, user, textbooks, session, item_id,
                         link_error=(section_id, message), status=422)  # fmt: skip

        raise PageRefused(again) from None
    return RedirectResponse(f"/sach/{item_id}/muc-luc#muc-s{section_id}", status_code=303)


@router.post(
    "/{item_id}/muc-luc/{section_id}/lien-ket/{link_id}/xoa",
    dependencies=[Depends(csrf.require_form_token)],
)
def remove_link(
    item_id: int,
    section_id: int,
    link_id: int,
    user: EditorDep,
    textbooks: TextbooksDep,
    session: SessionDep,
) -> Response:
    textbooks.unlink(session, user, section_id, link_id)
    return RedirectResponse(f"/sach/{item_id}/muc-luc#muc-s{section_id}", status_code=303)
