"""Textbooks for tests: a generated PDF stored as a textbook item, read by its job."""

from __future__ import annotations

import io

from sqlalchemy import select

from kholieu.content.schemas import ContentIn
from kholieu.demo.textbook_pdf import make_textbook
from kholieu.jobs.models import Job
from kholieu.textbooks.service import READ_JOB
from tests.support.jobs import run_until


def new_textbook(services, *, title: str = "Toán 10", series: str = "ket-noi-tri-thuc",
                 publisher: str = "NXB Giáo dục Việt Nam", **extra) -> int:  # fmt: skip
    data = ContentIn(kind="textbook", title=title, subject="toan", grade=10,
                     textbook_series=series, publisher=publisher, **extra)  # fmt: skip
    with services.sessions.begin() as session:
        return services.content.create(session, None, data).id


def read_job(services, item_id: int) -> str:
    """The latest reading job queued for the item."""
    with services.sessions() as session:
        jobs = session.scalars(select(Job).where(Job.name == READ_JOB).order_by(Job.created_at))
        found = [job.id for job in jobs if job.payload.get("item_id") == item_id]
    assert found, "a reading job was queued"
    return found[-1]


def attach_pdf(services, item_id: int, pdf: bytes, name: str = "sach.pdf") -> None:
    """Store ``pdf`` as the book's file and run its reading job to the end."""
    with services.sessions.begin() as session:
        services.content.attach(session, None, item_id, io.BytesIO(pdf), name)
    run_until(services, read_job(services, item_id))


def publish(services, item_id: int) -> None:
    with services.sessions.begin() as session:
        services.content.transition(session, None, item_id, "submit")
        services.content.transition(session, None, item_id, "approve")


def published_book(services, pages: int = 60, **pdf) -> int:
    item_id = new_textbook(services)
    attach_pdf(services, item_id, make_textbook(pages, **pdf))
    publish(services, item_id)
    return item_id
