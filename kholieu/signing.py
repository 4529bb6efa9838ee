"""HMAC signatures for links the app hands out (downloads, package views) that must expire and
cannot be altered."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(secret: str, *parts: object) -> str:
    message = "\n".join(str(p) for p in parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def valid(secret: str, signature: str, expires: int, *parts: object) -> bool:
    """True when ``signature`` signs ``expires`` and ``parts`` and ``expires`` is in the future."""
    good = hmac.compare_digest(sign(secret, expires, *parts), signature)
    return good and expires >= time.time()
