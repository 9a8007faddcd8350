"""The stable access_token of one WeChat app, cached per appid/secret.

The mini-program and the official account are two apps with two tokens: each client
owns one cache.  ``cgi-bin/stable_token`` hands every caller the same token until it
nears expiry, so refreshing early (five minutes ahead) never invalidates a token that
another instance is still using.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import Clock

from .errors import WeChatError, WeChatUnavailable

TOKEN_REFRESH_MARGIN = timedelta(minutes=5)
PostJson = Callable[[str, dict[str, Any]], dict[str, Any]]


class TokenCache:
    """Fetches the token on first use and again when it is due or known to be stale."""

    def __init__(self, *, appid: str, secret: str, clock: Clock, post_json: PostJson) -> None:
        self.appid = appid
        self._secret = secret
        self._clock = clock
        self._post_json = post_json
        self._lock = threading.Lock()
        self._token: tuple[str, datetime] | None = None

    def get(self) -> str:
        """The cached token, fetched (under a lock: one request for many threads) when due."""
        with self._lock:
            now = self._clock.now()
            if self._token is not None and now < self._token[1]:
                return self._token[0]
            payload = {"grant_type": "client_credential", "appid": self.appid}
            answer = self._post_json("/cgi-bin/stable_token", {**payload, "secret": self._secret})
            raise_for_errcode(answer)
            token, expires_in = answer.get("access_token"), answer.get("expires_in")
            if not isinstance(token, str) or not isinstance(expires_in, int):
                raise WeChatUnavailable("stable_token answer without access_token/expires_in")
            self._token = (token, now + timedelta(seconds=expires_in) - TOKEN_REFRESH_MARGIN)
            return token

    def invalidate(self, stale: str | None = None) -> None:
        """Forget the token (after errcode 40001/42001); given ``stale``, only if the cache
        still holds it: another thread may have refreshed it already."""
        with self._lock:
            if stale is None or (self._token is not None and self._token[0] == stale):
                self._token = None


def raise_for_errcode(answer: dict[str, Any]) -> None:
    """WeChat reports business errors in a 200 answer: turn a non-zero errcode into one."""
    errcode = answer.get("errcode", 0)
    if not isinstance(errcode, int):
        raise WeChatUnavailable("answer with a non-integer errcode")
    if errcode:
        raise WeChatError(errcode, str(answer.get("errmsg", "")))
