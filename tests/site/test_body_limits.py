"""Every request body has a limit (issue 15, item 4): 413 with a clear message, whether the
length is declared or the bytes just keep coming; nothing is stored."""

from __future__ import annotations

import pytest

from tests.support.web import csrf_from, sign_in


@pytest.fixture
def teacher(make_user, bearer):
    return bearer(make_user("teacher"))


def test_a_json_body_over_a_mebibyte_is_413_before_it_is_read(client, teacher):
    body = b'{"title": "' + b"x" * (2**20) + b'"}'
    response = client.post("/api/v1/blueprints/check", content=body,
                           headers={**teacher, "Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "a request may carry at most 1 048 576 bytes"


def test_a_body_without_a_declared_length_is_cut_off_too(client, teacher):
    def chunks():
        for _ in range(40):
            yield b"x" * 65536  # 2.5 MiB, sent chunked

    response = client.post("/api/v1/questions", content=chunks(),
                           headers={**teacher, "Content-Type": "application/json"})  # fmt: skip
    assert response.status_code == 413


def test_a_form_page_says_it_in_its_own_page(client, make_user):
    sign_in(client, make_user("teacher"))
    token = csrf_from(client.get("/bai-kiem-tra/moi").text)
    response = client.post("/bai-kiem-tra/moi", data={"csrf_token": token, "source": "yaml",
                                                      "blueprint": "x" * (2**20)},
                           headers={"Accept": "text/html"})  # fmt: skip
    assert response.status_code == 413 and "<html" in response.text
