"""The browse page narrows published items subject → grade → series → chapter, with counts."""

from __future__ import annotations

import re

from kholieu.content.schemas import ContentIn


def publish(services, **fields) -> None:
    data = ContentIn(kind="lecture", title=fields.pop("title"), license="CC-BY-4.0",
                     body="Nội dung bài giảng.", **fields)  # fmt: skip
    with services.sessions.begin() as session:
        item = services.content.create(session, None, data)
        services.content.transition(session, None, item.id, "submit")
        services.content.transition(session, None, item.id, "approve")


def choices(html: str) -> list[str]:
    block = re.search(r'data-testid="choices">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return [re.sub(r"\s+", " ", c).strip() for c in re.findall(r">([^<>]+)</a> <span", block[1])]


def test_browse_by_subject_grade_series_chapter(client, services):
    publish(
        services,
        title="Phân số",
        subject="toan",
        grade=6,
        textbook_series="canh-dieu",
        chapter="Chương I",
    )
    publish(
        services,
        title="Số thập phân",
        subject="toan",
        grade=6,
        textbook_series="canh-dieu",
        chapter="Chương II",
    )
    publish(services, title="Hàm số", subject="toan", grade=10)
    publish(services, title="Định luật Ôm", subject="vat-li", grade=11)
    with services.sessions.begin() as session:  # a draft is never counted
        services.content.create(
            session, None, ContentIn(kind="lab", title="Nháp", subject="toan", grade=6)
        )
    top = client.get("/hoc-lieu").text
    assert choices(top) == ["Toán", "Vật lí"]
    assert "(3)" in top and "(1)" in top
    grades = client.get("/hoc-lieu?subject=toan").text
    assert choices(grades) == ["Lớp 6", "Lớp 10"]
    series = client.get("/hoc-lieu?subject=toan&grade=6").text
    assert choices(series) == ["Cánh Diều"]
    chapters = client.get("/hoc-lieu?subject=toan&grade=6&textbook_series=canh-dieu").text
    assert choices(chapters) == ["Chương I", "Chương II"]
    leaf = client.get(
        "/hoc-lieu?subject=toan&grade=6&textbook_series=canh-dieu&chapter=Chương I"
    ).text
    assert "Phân số" in leaf and "Số thập phân" not in leaf and "Nháp" not in leaf
    no_series = client.get("/hoc-lieu?subject=toan&grade=10&textbook_series=").text
    assert "Hàm số" in no_series


def test_absurd_page_numbers_are_422_naming_the_parameter(client):
    for page in ("1e20", str(10**20), "0", "-1"):
        response = client.get(f"/api/v1/content?page={page}")
        assert response.status_code == 422, page
        assert "page" in response.text
    assert client.get("/api/v1/content?page=100000").status_code == 200  # past the end: empty
