"""Slows password guessing: failed logins are counted per client address and per username."""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from kholieu.accounts.service import normal_username
from kholieu.errors import RateLimited


class LoginLimiter:
    def __init__(self, storage_url: str, rate: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url))
        self._rate = parse(rate)

    def check(self, client: str, username: str) -> None:
        """Raise RateLimited while either key has used up its failed attempts."""
        for key in (("ip", client), ("user", normal_username(username))):
            if not self._limiter.test(self._rate, "login", *key):
                reset = self._limiter.get_window_stats(self._rate, "login", *key).reset_time
                wait = max(1, math.ceil(reset - time.time()))
                raise RateLimited(
                    "Đăng nhập sai quá nhiều lần; hãy thử lại sau {wait} giây",
                    wait=wait,
                    retry_after=wait,
                )

    def failed(self, client: str, username: str) -> None:
        self._limiter.hit(self._rate, "login", "ip", client)
        self._limiter.hit(self._rate, "login", "user", normal_username(username))

    def reset(self) -> None:
        self._limiter.storage.reset()
