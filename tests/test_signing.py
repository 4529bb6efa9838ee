"""kholieu.signing: one helper for links and CSRF tokens, each purpose apart."""

from __future__ import annotations

import time

from kholieu.signing import sign, valid, verify

SECRET = "khoa-bi-mat-thu-nghiem"


def test_a_signature_is_hex_and_checks_out():
    signature = sign(SECRET, "download", 123, "blobs/ab", "")
    assert len(signature) == 64 and int(signature, 16) >= 0
    assert verify(SECRET, "download", signature, 123, "blobs/ab", "")


def test_a_signature_for_one_purpose_never_passes_for_another():
    signature = sign(SECRET, "csrf", "cookie-value")
    assert verify(SECRET, "csrf", signature, "cookie-value")
    assert not verify(SECRET, "origin", signature, "cookie-value")
    assert not verify(SECRET, "download", signature, "cookie-value")


def test_altered_parts_another_secret_and_expiry_are_refused():
    future = int(time.time()) + 60
    signature = sign(SECRET, "origin", future, "p", "ab" * 32)
    assert valid(SECRET, "origin", signature, future, "p", "ab" * 32)
    assert not valid(SECRET, "origin", signature, future, "v", "ab" * 32)
    assert not valid("another-secret", "origin", signature, future, "p", "ab" * 32)
    past = int(time.time()) - 1
    stale = sign(SECRET, "origin", past, "p", "ab" * 32)
    assert not valid(SECRET, "origin", stale, past, "p", "ab" * 32)


def test_whatever_a_client_sends_is_just_a_wrong_signature():
    for sent in ("", "zz", "chữ ký giả", "a" * 10_000):
        assert not verify(SECRET, "csrf", sent, "cookie-value")
