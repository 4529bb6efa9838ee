"""What a browser is shown when something is refused: the page's language, the signed-in
header, a way back, and never JSON; an expired form keeps what was typed, only for forms sent
from the site's own pages."""

from __future__ import annotations

from fastapi import Depends

from tests.support.web import sign_in

HTML = {"accept": "text/html"}


def test_404_page_is_vietnamese_with_the_signed_in_header(client, make_user):
    teacher = make_user("teacher")
    sign_in(client, teacher)
    page = client.get("/khong-co-trang-nay", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy trang" in page.text and "Not Found" not in page.text
    assert teacher.username in page.text or "Đăng xuất" in page.text  # the signed-in header
    assert 'action="/login"' not in page.text


def test_404_in_english_and_in_the_api(client):
    page = client.get("/khong-co-trang-nay?lang=en", headers=HTML)
    assert "There is no page or item at this address" in page.text
    api = client.get("/api/v1/khong-co")
    assert api.json()["error"]["message"] == "There is no page or item at this address"
    api = client.get("/api/v1/khong-co?lang=vi")
    assert api.json()["error"]["message"] == "Không có trang hay mục nào ở địa chỉ này"


def test_a_service_error_reads_in_the_request_language(client, make_user, bearer):
    teacher = make_user("teacher")
    headers = bearer(teacher)
    en = client.get("/api/v1/quizzes/987654", headers=headers).json()["error"]  # Accept-Language
    assert en["message"] == "no quiz 987654"
    vi = client.get("/api/v1/quizzes/987654?lang=vi", headers=headers).json()["error"]
    assert vi == {"code": "not_found", "message": "Không có đề kiểm tra số 987654", "details": None}


def test_request_validation_is_worded_per_field(client):
    refused = client.post("/api/v1/auth/token", data={"username": "x"})
    error = refused.json()["error"]
    assert error["details"][0] == {"field": "body.password", "message": "bắt buộc phải có"}
    assert error["message"] == "Nội dung · Mật khẩu: bắt buộc phải có"


def test_an_expired_form_from_this_site_can_be_sent_again(client, make_user):
    teacher = make_user("teacher")
    sign_in(client, teacher)
    form = {"csrf_token": "stale", "name": "Lớp 10A1", "school_year": "2026-2027", "grade": "10"}
    page = client.post("/lop/moi", data=form, headers={**HTML, "sec-fetch-site": "same-origin"})
    assert page.status_code == 403 and "Biểu mẫu đã hết hạn" in page.text
    assert 'value="Lớp 10A1"' in page.text and 'value="stale"' not in page.text
    again = client.get("/lop/moi", headers=HTML)  # nothing was made
    assert again.status_code == 200


def test_a_forged_form_gets_no_button_to_complete_it(client, make_user):
    """A cross-site post (a forged request) is refused without a "send again" form: the
    fields an attacker chose are never offered to the victim for one click."""
    teacher = make_user("teacher")
    sign_in(client, teacher)
    form = {"name": "Lớp của kẻ gian", "school_year": "2026-2027", "grade": "10"}
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}):
        page = client.post("/lop/moi", data=form, headers={**HTML, **headers})
        assert page.status_code == 403 and "Biểu mẫu đã hết hạn" in page.text
        assert "Lớp của kẻ gian" not in page.text and "Gửi lại" not in page.text


def test_a_password_is_never_echoed_back(client, make_user):
    user = make_user("student")
    sign_in(client, user)
    form = {"current_password": "bí-mật-cũ", "new_password": "bí-mật-mới-dài"}
    page = client.post(
        "/tai-khoan/mat-khau", data=form, headers={**HTML, "sec-fetch-site": "same-origin"}
    )
    assert page.status_code == 403 and "bí-mật" not in page.text


def test_a_refused_form_offers_the_way_back_never_json(app, client):
    from fastapi import APIRouter

    from kholieu.accounts.deps import anyone
    from kholieu.errors import Conflict

    router = APIRouter()

    @router.post("/_test/duyet", dependencies=[Depends(anyone)])
    def approve() -> None:
        raise Conflict("Học liệu này đã được xuất bản")

    app.include_router(router)
    page = client.post("/_test/duyet", headers={**HTML, "referer": "http://testserver/bien-tap/7"})
    assert page.status_code == 409 and page.headers["content-type"].startswith("text/html")
    assert "Học liệu này đã được xuất bản" in page.text and 'href="/bien-tap/7"' in page.text
    elsewhere = client.post("/_test/duyet", headers={**HTML, "referer": "https://evil.example/x"})
    assert "evil.example" not in elsewhere.text


def test_a_page_address_answers_a_page_whatever_the_client_accepts(client, make_user):
    """A form post or a link to a page never gets JSON (a client that asks for JSON does)."""
    teacher = make_user("teacher")
    sign_in(client, teacher)
    for accept in ("*/*", ""):
        page = client.post("/lop/moi", data={"name": "x"}, headers={"accept": accept})
        assert page.headers["content-type"].startswith("text/html"), accept
    asked = client.get("/khong-co", headers={"accept": "application/json"})
    assert asked.json()["error"]["code"] == "not_found"
