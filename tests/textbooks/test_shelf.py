"""The textbook shelf at /sach: published books for everyone, drafts for editors only."""

from __future__ import annotations

from kholieu.content.models import ContentItem, Status
from tests.support.web import sign_in


def _book(services, title: str, status: str, series: str, subject: str = "toan") -> int:
    with services.sessions.begin() as session:
        item = ContentItem(kind="textbook", title=title, subject=subject, grade=10,
                           license="CC-BY-4.0", status=status, textbook_series=series)  # fmt: skip
        session.add(item)
        session.flush()
        return item.id


def test_shelf_lists_what_each_role_may_open(client, services, make_user) -> None:
    published = _book(services, "Toán 10 tập một", Status.published, "chan-troi-sang-tao")
    draft = _book(services, "Toán 10 tập hai (bản thảo)", Status.draft, "canh-dieu")
    physics = _book(services, "Vật lí 10", Status.published, "ket-noi-tri-thuc", "vat-li")
    page = client.get("/sach").text  # a visitor
    assert f'href="/sach/{published}"' in page and f'href="/sach/{physics}"' in page
    assert f'href="/sach/{draft}"' not in page
    assert "Chân trời sáng tạo" in page
    sign_in(client, make_user("student"))
    assert f'href="/sach/{draft}"' not in client.get("/sach").text
    sign_in(client, make_user("editor"))
    assert f'href="/sach/{draft}"' in client.get("/sach").text
    filtered = client.get("/sach?subject=vat-li&grade=10").text
    assert f'href="/sach/{physics}"' in filtered and f'href="/sach/{published}"' not in filtered
    assert client.get("/sach?grade=abc").status_code == 422
