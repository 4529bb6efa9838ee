"""Signatures for what the app hands out and must get back unaltered: download links, the
content origin's links, CSRF tokens. One helper on itsdangerous: each use signs under its own
``purpose`` (itsdangerous' salt), so a signature made for one can never pass as another.

Signatures are hex (64 characters), so they sit in paths and query strings as they are.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from itsdangerous import Signer
from itsdangerous.encoding import base64_decode


def _signer(secret: str, purpose: str) -> Signer:
    return Signer(secret, salt=f"kholieu.{purpose}", digest_method=hashlib.sha256)


def sign(secret: str, purpose: str, *parts: object) -> str:
    """The signature of ``parts`` (joined by newlines) for ``purpose``."""
    message = "\n".join(str(p) for p in parts).encode()
    return base64_decode(_signer(secret, purpose).get_signature(message)).hex()


def verify(secret: str, purpose: str, signature: str, *parts: object) -> bool:
    """True when ``signature`` is what ``sign`` gives for ``parts``; compared in constant time
    (as bytes: whatever a client sends, even non-ASCII, is just a wrong signature)."""
    expected = sign(secret, purpose, *parts).encode()
    return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))


def valid(secret: str, purpose: str, signature: str, expires: int, *parts: object) -> bool:
    """True when ``signature`` signs ``expires`` and ``parts`` and ``expires`` is in the future."""
    return verify(secret, purpose, signature, expires, *parts) and expires >= time.time()
