"""Editors write in the browser (issue 20, item 6): the lecture text (Markdown and formulas,
previewed as published), metadata edited after creation from the page and the API, the
preview as a learner, no empty lecture in review, a second pair of eyes for every approval,
and a history in Vietnam time with names and Vietnamese labels."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from kholieu.audit.models import AuditEntry
from kholieu.config import load_settings
from kholieu.content import body, service
from kholieu.errors import ConfigError
from kholieu.i18n import current_locale
from kholieu.web.assets import Assets
from kholieu.web.i18n import Translator
from kholieu.web.templating import make_templates
from tests.support.content import PDF, attach
from tests.support.outcomes import add_outcomes
from tests.support.web import csrf_from, sign_in

STATIC = Path(__file__).resolve().parents[2] / "static"
LECTURE = {"kind": "lecture", "title": "Định lí Pythagore", "subject": "toan", "grade": 8}
TEXT = "# Định lí\n\nVới tam giác vuông: $a_1 * b_2 < c^2$ và\n\n$$c^2 = a^2 + b^2$$\n"
HTML = {"accept": "text/html"}


@pytest.fixture
def editors(make_user, bearer):
    """Two editors' API headers, and their users."""
    author, reviewer = make_user("editor"), make_user("editor")
    return (author, bearer(author)), (reviewer, bearer(reviewer))


def create(client, headers, **fields) -> dict:
    response = client.post("/api/v1/content", json={**LECTURE, **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def act(client, headers, item_id: int, action: str):
    return client.post(f"/api/v1/content/{item_id}/{action}", headers=headers)


# -- the lecture text --------------------------------------------------------------------------
def test_markdown_keeps_formulas_as_written_and_drops_what_is_unsafe():
    html = body.to_html(TEXT + "\n- **một**\n- \\(x_1\\) <script>alert(1)</script>")
    assert "<h1>Định lí</h1>" in html and "<strong>một</strong>" in html
    # emphasis and escapes inside formulas are left alone; "<" stays text for KaTeX
    assert "$a_1 * b_2 &lt; c^2$" in html and "$$c^2 = a^2 + b^2$$" in html
    assert "\\(x_1\\)" in html and "<script" not in html and "<em>" not in html
    # older items hold HTML: it passes as the page always showed it (cleaned)
    legacy = "<p>Biệt thức \\(\\Delta = b^2 - 4ac\\)</p>"
    assert body.to_html(legacy) == legacy
    assert body.to_html("  \n ") == "" and body.is_empty(" \n")


def test_the_preview_is_the_published_page_s_html_and_only_for_editors(
    client, services, editors, make_user, bearer
):
    (_, author), (_, reviewer) = editors
    preview = client.post("/api/v1/content/preview", json={"body": TEXT}, headers=author)
    assert preview.status_code == 200 and preview.json()["html"] == body.to_html(TEXT)
    item = create(client, author, body=TEXT)
    assert act(client, author, item["id"], "submit").status_code == 200
    assert act(client, reviewer, item["id"], "approve").status_code == 200
    page = client.get(f"/content/{item['id']}").text
    assert f'<div class="body">{preview.json()["html"]}</div>' in page
    student = bearer(make_user("student"))
    assert (
        client.post("/api/v1/content/preview", json={"body": "x"}, headers=student).status_code
        == 403
    )
    assert client.post("/api/v1/content/preview", json={"body": "x"}).status_code == 401
    too_long = client.post("/api/v1/content/preview", json={"body": "x" * 200_001}, headers=author)
    assert too_long.status_code == 422


def test_the_new_item_form_takes_the_lecture_text(client, make_user):
    sign_in(client, make_user("editor"))
    form = client.get("/bien-tap/moi")
    assert 'name="body"' in form.text and "data-lecture-editor" in form.text
    made = client.post(
        "/bien-tap/moi",
        data={"csrf_token": csrf_from(form.text), **LECTURE, "grade": "8", "body": TEXT},
        follow_redirects=False,
    )
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "$a_1 * b_2 &lt; c^2$" in page.text  # in the preview, rendered by the server


# -- editing after creation --------------------------------------------------------------------
def test_the_item_page_edits_every_field_patch_accepts(client, services, make_user):
    add_outcomes(services, "TOAN8.1", "TOAN8.2")  # the outcome codes must be in the catalogue
    sign_in(client, make_user("editor"))
    form = client.get("/bien-tap/moi")
    made = client.post("/bien-tap/moi", data={"csrf_token": csrf_from(form.text), **LECTURE,
                                             "grade": "8"}, follow_redirects=False)  # fmt: skip
    url = made.headers["location"]
    page = client.get(url)
    patchable = "title summary body subject grade textbook_series chapter lesson yccd_codes tags"
    for name in [*patchable.split(), "language", "license", "authors", "source"]:
        assert re.search(rf'<(input|select|textarea)[^>]*name="{name}"', page.text), name
    edited = {
        "csrf_token": csrf_from(page.text), "title": "Định lí Py-ta-go", "summary": "Tóm tắt",
        "body": TEXT, "subject": "toan", "grade": "9", "textbook_series": "ket-noi-tri-thuc",
        "chapter": "Chương IV", "lesson": "Bài 1", "yccd_codes": "TOAN8.1, TOAN8.2",
        "tags": "tam giác, vuông", "language": "vi", "license": "CC-BY-SA-4.0",
        "authors": "Cô Hoà", "source": "SGK",
    }  # fmt: skip
    saved = client.post(f"{url}/sua", data=edited, follow_redirects=False)
    assert saved.status_code == 303
    with services.sessions() as session:
        stored = services.content.get(session, None, int(url.rsplit("/", 1)[1]), system=True)
        assert (stored.title, stored.grade, stored.version) == ("Định lí Py-ta-go", 9, 2)
        assert stored.yccd_codes == ["TOAN8.1", "TOAN8.2"] and stored.tags == ["tam giác", "vuông"]
        assert (stored.textbook_series, stored.license, stored.body) == (
            "ket-noi-tri-thuc", "CC-BY-SA-4.0", TEXT)  # fmt: skip
    page = client.get(url)
    assert "Định lí Py-ta-go" in page.text and '<span class="action">Sửa</span>' in page.text
    # the textbook series can be taken away again
    again = {**edited, "csrf_token": csrf_from(page.text), "textbook_series": ""}
    assert client.post(f"{url}/sua", data=again, follow_redirects=False).status_code == 303
    with services.sessions() as session:
        stored = services.content.get(session, None, int(url.rsplit("/", 1)[1]), system=True)
        assert stored.textbook_series is None and stored.version == 3


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "   ", "Không được để trống."),
        ("grade", "13", "Lớp phải là một số từ 1 đến 12."),
        ("subject", "toan-cao-cap", "Môn học này không có trong danh mục."),
        ("license", "all-rights", "Giấy phép này không có trong danh mục."),
        ("language", "VIE", "Mã ngôn ngữ gồm hai chữ cái thường, ví dụ vi hoặc en."),
        ("tags", "hình học, " + "x" * 61, "Mục thứ 2: dài quá 60 ký tự."),
        ("chapter", "c" * 201, "Dài quá 200 ký tự."),
    ],
)
def test_a_bad_field_is_named_in_vietnamese_and_nothing_is_stored(
    client, services, editors, field, value, message
):
    (author_user, author), _ = editors
    item = create(client, author, body="Nội dung")
    sign_in(client, author_user)
    url = f"/bien-tap/{item['id']}"
    page = client.get(url)
    values = {"csrf_token": csrf_from(page.text), **LECTURE, "grade": "8", "body": "Sửa",
              "title": "Tên mới", field: value}  # fmt: skip
    refused = client.post(f"{url}/sua", data=values, headers=HTML)
    assert refused.status_code == 422
    assert f'data-testid="error-{field}">{message}<' in refused.text
    assert "Sửa</textarea>" in refused.text  # what was typed is kept
    stored = client.get(f"/api/v1/content/{item['id']}", headers=author).json()
    assert (stored["title"], stored["body"], stored["version"]) == (LECTURE["title"], "Nội dung", 1)


def test_an_archived_item_s_edit_is_refused_on_the_page(client, services, editors):
    (author_user, author), (_, reviewer) = editors
    item = create(client, author, body="Nội dung")
    for headers, action in ((author, "submit"), (reviewer, "approve"), (reviewer, "archive")):
        assert act(client, headers, item["id"], action).status_code == 200
    sign_in(client, author_user)
    url = f"/bien-tap/{item['id']}"
    page = client.get(url)
    assert 'data-testid="edit-form"' not in page.text
    values = {"csrf_token": csrf_from(page.text), **LECTURE, "grade": "8", "title": "Khác"}
    refused = client.post(f"{url}/sua", data=values, headers=HTML)
    assert refused.status_code == 409 and 'data-testid="action-error"' in refused.text


# -- preview as a learner ----------------------------------------------------------------------
def test_editors_preview_a_draft_as_a_learner_and_students_still_cannot_see_it(
    client, editors, make_user
):
    (author_user, author), _ = editors
    item = create(client, author, body=TEXT)
    preview_url, page_url = f"/bien-tap/{item['id']}/xem-nhu-hoc-sinh", f"/content/{item['id']}"
    sign_in(client, author_user)
    seen = client.get(preview_url)
    assert seen.status_code == 200 and 'data-testid="preview-banner"' in seen.text
    assert "Học sinh chưa xem được" in seen.text and body.to_html(TEXT) in seen.text
    assert 'data-testid="preview-banner"' not in client.get(f"/bien-tap/{item['id']}").text
    sign_in(client, make_user("student"))
    assert client.get(preview_url, headers=HTML).status_code == 404
    assert client.get(page_url, headers=HTML).status_code == 404
    client.cookies.clear()
    assert client.get(preview_url, headers=HTML).status_code == 404


def test_a_preview_is_not_counted_as_a_view(client, services, editors):
    (author_user, author), (_, reviewer) = editors
    item = create(client, author, body=TEXT)
    act(client, author, item["id"], "submit")
    act(client, reviewer, item["id"], "approve")
    sign_in(client, author_user)
    client.get(f"/bien-tap/{item['id']}/xem-nhu-hoc-sinh")
    assert client.get(f"/api/v1/content/{item['id']}").json()["views"] == 0


# -- an empty lecture --------------------------------------------------------------------------
def test_an_empty_lecture_cannot_be_submitted_through_the_api_or_the_page(
    client, services, editors
):
    (author_user, author), (_, reviewer) = editors
    item = create(client, author, body="  \n")
    refused = act(client, author, item["id"], "submit")
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "empty_lecture" and error["details"] == {"field": "body"}
    sign_in(client, author_user)
    url = f"/bien-tap/{item['id']}"
    page = client.post(f"{url}/submit", data={"csrf_token": csrf_from(client.get(url).text)},
                       headers=HTML)  # fmt: skip
    assert page.status_code == 422
    assert 'data-testid="action-error">Bài giảng chưa có nội dung' in page.text
    assert re.search(r'data-testid="item-status">Bản nháp<', page.text)
    # a file is content enough
    attach(services, item["id"], PDF, "bai-giang.pdf")
    assert act(client, author, item["id"], "submit").status_code == 200
    # text emptied while in review: still no blank page published
    text_only = create(client, author, body="Có nội dung")
    assert act(client, author, text_only["id"], "submit").status_code == 200
    emptied = client.patch(f"/api/v1/content/{text_only['id']}", json={"body": ""},
                           headers=author)  # fmt: skip
    assert emptied.json()["status"] == "in_review"
    assert act(client, reviewer, text_only["id"], "approve").status_code == 422


def test_the_command_line_cannot_publish_an_empty_lecture_either(services):
    from kholieu.content.schemas import ContentIn

    with services.sessions.begin() as session:
        item = services.content.create(session, None, ContentIn(**LECTURE))
    with services.sessions.begin() as session, pytest.raises(service.EmptyLecture):
        services.content.transition(session, None, item.id, "submit")


# -- a second pair of eyes ---------------------------------------------------------------------
def test_nobody_approves_their_own_submission(client, editors, make_user, bearer):
    (_, author), (_, reviewer) = editors
    item = create(client, author, body=TEXT)
    act(client, author, item["id"], "submit")
    own = act(client, author, item["id"], "approve")
    assert own.status_code == 403 and own.json()["error"]["code"] == "own_submission"
    # rejecting and submitting again changes nothing
    client.post(f"/api/v1/content/{item['id']}/reject", json={"reason": "Sửa lại"},
                headers=reviewer)  # fmt: skip
    act(client, author, item["id"], "submit")
    assert act(client, author, item["id"], "approve").status_code == 403
    # an admin is held to it too
    admin = bearer(make_user("admin"))
    theirs = create(client, admin, body=TEXT)
    act(client, admin, theirs["id"], "submit")
    assert act(client, admin, theirs["id"], "approve").status_code == 403
    assert act(client, admin, item["id"], "approve").json()["status"] == "published"
    assert act(client, author, theirs["id"], "approve").json()["status"] == "published"


def test_having_someone_else_submit_or_editing_in_review_does_not_make_one_a_reviewer(
    client, editors, make_user, bearer
):
    (_, author), (_, reviewer) = editors
    item = create(client, author, body=TEXT)
    act(client, reviewer, item["id"], "submit")  # the author got a colleague to submit
    assert act(client, author, item["id"], "approve").status_code == 403  # they wrote it
    assert act(client, reviewer, item["id"], "approve").status_code == 403  # they submitted it
    third = bearer(make_user("editor"))
    client.patch(f"/api/v1/content/{item['id']}", json={"title": "Khác"}, headers=third)
    assert act(client, third, item["id"], "approve").status_code == 403  # they changed it
    fourth = bearer(make_user("editor"))
    assert act(client, fourth, item["id"], "approve").json()["status"] == "published"


def test_editing_a_published_item_sends_it_back_to_review(client, editors, make_user, bearer):
    (_, author), (_, reviewer) = editors
    item = create(client, author, body=TEXT)
    act(client, author, item["id"], "submit")
    act(client, reviewer, item["id"], "approve")
    # the approved item's author edits it: no learner gets an edit nobody else has seen
    edited = client.patch(f"/api/v1/content/{item['id']}", json={"body": "Khác hẳn"},
                          headers=author)  # fmt: skip
    assert edited.json()["status"] == "in_review"
    assert client.get(f"/api/v1/content/{item['id']}").status_code == 404
    assert act(client, author, item["id"], "approve").status_code == 403
    # an edit that changes nothing keeps it where it is; the reviewer approves again
    assert act(client, reviewer, item["id"], "approve").json()["status"] == "published"
    same = client.patch(f"/api/v1/content/{item['id']}", json={"body": "Khác hẳn"},
                        headers=author)  # fmt: skip
    assert same.json()["status"] == "published" and same.json()["version"] == 2
    history = client.get(f"/api/v1/content/{item['id']}/history", headers=author).json()
    assert [h["action"] for h in history] == [
        "created", "submit", "approve", "updated", "reopened", "approve",
    ]  # fmt: skip
    # the reviewer's own approval holds only until they change something
    client.patch(f"/api/v1/content/{item['id']}", json={"title": "Mới"}, headers=reviewer)
    assert act(client, reviewer, item["id"], "approve").status_code == 403
    assert act(client, author, item["id"], "approve").json()["status"] == "published"


def test_the_item_page_hides_approve_from_its_author(client, editors, make_user):
    (author_user, author), (reviewer_user, _) = editors
    item = create(client, author, body=TEXT)
    act(client, author, item["id"], "submit")
    sign_in(client, author_user)
    page = client.get(f"/bien-tap/{item['id']}").text
    assert 'data-testid="own-submission"' in page and f"/{item['id']}/approve" not in page
    sign_in(client, reviewer_user)
    page = client.get(f"/bien-tap/{item['id']}").text
    assert 'data-testid="own-submission"' not in page and f"/{item['id']}/approve" in page


# -- the history -------------------------------------------------------------------------------
def test_every_action_the_workflow_writes_has_a_vietnamese_label():
    """ACTIONS lists every action the service writes, and the page labels every one."""
    tree = ast.parse(inspect.getsource(service))
    written = {
        node.args[3].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "_changed"
        and len(node.args) > 3 and isinstance(node.args[3], ast.Constant)
    } | set(service.TRANSITIONS)  # fmt: skip
    assert written and written <= set(service.ACTIONS), written - set(service.ACTIONS)
    labels = make_templates(Translator(), Assets(STATIC)).env.get_template("_labels.html").module
    for action in service.ACTIONS:
        label = str(labels.content_action(action)).strip()
        assert label and label != action, action
    current_locale.set("vi")  # (the suite reads messages in English: tests/conftest.py)
    assert str(labels.content_action("created")) == "Tạo"
    assert str(labels.content_action("file_attached")) == "Đính kèm tệp"
    assert str(labels.content_action("approve")) == "Duyệt"


def test_the_history_shows_vietnam_time_names_and_labels(client, services, make_user, bearer):
    author = make_user("editor")
    with services.sessions.begin() as session:
        session.get(type(author), author.id).display_name = "Cô Lan"
    item = create(client, bearer(author), body=TEXT)
    with services.sessions.begin() as session:
        session.execute(
            update(AuditEntry).values(created_at=datetime(2026, 12, 2, 17, 30, tzinfo=UTC))
        )
    with services.sessions.begin() as session:
        services.content.transition(session, None, item["id"], "submit")
    sign_in(client, author)
    page = client.get(f"/bien-tap/{item['id']}").text
    history = page[page.index('data-testid="history"') :]
    assert '>03/12/2026 00:30</time> · <span class="actor">Cô Lan</span> · ' in history
    assert '<span class="action">Tạo</span>' in history
    assert '<span class="actor">Dòng lệnh</span> · <span class="action">Gửi duyệt</span>' in history


def test_the_time_zone_is_a_setting(tmp_path):
    moment = datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    assert load_settings(data_dir=tmp_path).timezone == "Asia/Ho_Chi_Minh"
    paris = make_templates(Translator(), Assets(STATIC), "Europe/Paris").env.filters["localtime"]
    assert paris(moment) == "02/12/2026 18:30"
    hanoi = make_templates(Translator(), Assets(STATIC)).env.filters["localtime"]
    assert hanoi(moment.replace(tzinfo=None)) == "03/12/2026 00:30"  # naive: stored UTC
    assert hanoi(None) == ""
    with pytest.raises(ConfigError, match="KHOLIEU_TIMEZONE"):
        load_settings(data_dir=tmp_path, timezone="Asia/Hanoi-Nope")


def test_a_published_item_s_edit_form_warns_it_goes_back_to_review(client, editors, make_user):
    (author_user, author), (_, reviewer) = editors
    item = create(client, author, body=TEXT)
    act(client, author, item["id"], "submit")
    act(client, reviewer, item["id"], "approve")
    sign_in(client, author_user)
    url = f"/bien-tap/{item['id']}"
    page = client.get(url).text
    assert 'data-confirm="Lưu thay đổi sẽ gửi học liệu lại để duyệt. Tiếp tục?"' in page
    values = {"csrf_token": csrf_from(page), **LECTURE, "grade": "8", "body": TEXT,
              "title": "Định lí Pythagore (sửa)"}  # fmt: skip
    assert client.post(f"{url}/sua", data=values, follow_redirects=False).status_code == 303
    page = client.get(url).text
    assert re.search(r'data-testid="item-status">Chờ duyệt<', page)
    assert "Gửi duyệt lại vì đã sửa bản đang xuất bản" in page
    assert 'data-testid="own-submission"' in page  # the editor of the change cannot approve it
    # a student meets a 404 on the page they read yesterday, and on the preview
    sign_in(client, make_user("student"))
    assert client.get(f"/content/{item['id']}", headers=HTML).status_code == 404
    assert client.get(f"{url}/xem-nhu-hoc-sinh", headers=HTML).status_code == 404
