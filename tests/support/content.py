"""Content for tests: a minimal PDF, an HTML5 lab, items and their files, origin paths."""

from __future__ import annotations

import io
import zipfile

from kholieu.content.models import ContentFile
from kholieu.content.schemas import ContentIn

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def lab_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("con-lac/index.html", "<script src='sim.js'></script><canvas></canvas>")
        archive.writestr("con-lac/sim.js", "document.title = 'Con lắc đơn';")
    return buffer.getvalue()


def new_item(services, kind: str = "document", **extra) -> int:
    data = ContentIn(kind=kind, title="Sách giáo khoa Toán 9", subject="toan", grade=9, **extra)
    with services.sessions.begin() as session:
        return services.content.create(session, None, data).id


def attach(services, item_id: int, body: bytes, name: str) -> ContentFile:
    with services.sessions.begin() as session:
        return services.content.attach(session, None, item_id, io.BytesIO(body), name)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]
