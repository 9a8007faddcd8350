"""What the mini-program and official-account clients share: JSON calls, one app's token,
and the retry rule of calls that carry it."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from chalicelib.clock import Clock

from .errors import WeChatUnavailable
from .http import HttpClient
from .token_cache import TokenCache

BUSY = -1
STALE_TOKEN = frozenset({40001, 40014, 42001})
"""invalid credential, invalid access_token, access_token expired: refresh, retry once."""


class CgiApi:
    """A client of ``api.weixin.qq.com`` for one app (appid/secret)."""

    def __init__(
        self,
        base_url: str,
        *,
        appid: str,
        secret: str,
        clock: Clock,
        http: HttpClient | None = None,
        busy_retry_delay: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.appid = appid
        self._secret = secret
        self._http = http or HttpClient()
        self._busy_retry_delay = busy_retry_delay
        self._sleep = sleep
        self._tokens = TokenCache(
            appid=appid, secret=secret, clock=clock, post_json=self._post_json
        )

    def access_token(self) -> str:
        """The stable access_token, cached until five minutes before it expires."""
        return self._tokens.get()

    def invalidate_token(self, stale: str | None = None) -> None:
        self._tokens.invalidate(stale)

    def _post_with_token(
        self, path: str, payload: dict[str, Any], *, idempotent: bool = True
    ) -> dict[str, Any]:
        """``idempotent=False``: never sent again once it may have reached WeChat
        (http.py); a stale token or -1 busy is still retried, as WeChat answered."""
        return self._with_token(
            lambda token: self._post_json(_with_token(path, token), payload, idempotent=idempotent)
        )

    def _get_with_token(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        return self._with_token(
            lambda token: self._get_json(_with_token(path, token, params)),
        )

    def _with_token(self, call: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
        """Retried once after a stale token (refreshed first) or -1 busy (after the busy
        delay); a second failure is returned for the caller to raise."""
        token = self.access_token()
        answer = call(token)
        errcode = answer.get("errcode")
        if errcode in STALE_TOKEN:
            self.invalidate_token(token)
        elif errcode == BUSY:
            self._sleep(self._busy_retry_delay)
        else:
            return answer
        return call(self.access_token())

    def _get_json(self, path_and_query: str) -> dict[str, Any]:
        response = self._http.request("GET", self.base_url + path_and_query)
        return _json_object(response.status, response.body)

    def _post_json(
        self, path: str, payload: dict[str, Any], *, idempotent: bool = True
    ) -> dict[str, Any]:
        response = self._http.request(
            "POST",
            self.base_url + path,
            body=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            idempotent=idempotent,
        )
        return _json_object(response.status, response.body)


def _json_object(status: int, body: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise WeChatUnavailable(f"HTTP {status}: answer is not a JSON object")
    return answer


def _with_token(path: str, token: str, params: Mapping[str, str] | None = None) -> str:
    return f"{path}?{urllib.parse.urlencode({'access_token': token, **(params or {})})}"
