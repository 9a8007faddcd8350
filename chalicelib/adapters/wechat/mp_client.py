"""Mini-program server APIs: login (code2Session), the cached stable access_token, phone numbers."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.clock import Clock

from .errors import WeChatError, WeChatUnavailable
from .http import HttpClient

BUSY = -1
STALE_TOKEN = frozenset({40001, 42001})
PHONE_FIELDS = ("phoneNumber", "purePhoneNumber", "countryCode")
TOKEN_REFRESH_MARGIN = timedelta(minutes=5)


@dataclass(frozen=True)
class Session:
    openid: str
    session_key: str = field(repr=False)
    unionid: str | None = None


@dataclass(frozen=True)
class PhoneNumber:
    """The user's bound phone; ``phone_number`` carries ``+<country code>`` outside China.

    Personal data: kept out of ``repr`` so it does not reach logs by accident.
    """

    phone_number: str = field(repr=False)
    pure_phone_number: str = field(repr=False)
    country_code: str


class WeChatClient:
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
        self._clock = clock
        self._http = http or HttpClient()
        self._busy_retry_delay = busy_retry_delay
        self._sleep = sleep
        self._token_lock = threading.Lock()
        self._token: tuple[str, datetime] | None = None

    def code2session(self, code: str) -> Session:
        """Exchanges a ``wx.login`` code; WeChatError(40029) for an invalid or used code."""
        query = urllib.parse.urlencode(
            {
                "appid": self.appid,
                "secret": self._secret,
                "js_code": code,
                "grant_type": "authorization_code",
            }
        )
        answer = self._get_json(f"/sns/jscode2session?{query}")
        if answer.get("errcode") == BUSY:
            self._sleep(self._busy_retry_delay)
            answer = self._get_json(f"/sns/jscode2session?{query}")
        _raise_for_errcode(answer)
        openid, session_key = answer.get("openid"), answer.get("session_key")
        unionid = answer.get("unionid")
        if not isinstance(openid, str) or not isinstance(session_key, str):
            raise WeChatUnavailable("code2session answer without openid/session_key")
        return Session(openid, session_key, unionid if isinstance(unionid, str) else None)

    def user_phone(self, code: str) -> PhoneNumber:
        """Exchanges a ``getPhoneNumber`` code; WeChatError(40029) for an invalid or used code."""
        answer = self._post_with_token("/wxa/business/getuserphonenumber", {"code": code})
        _raise_for_errcode(answer)
        info = answer.get("phone_info")
        if not isinstance(info, dict):
            raise WeChatUnavailable("getuserphonenumber answer without phone_info")
        phone, pure, country = (info.get(name) for name in PHONE_FIELDS)
        if not (isinstance(phone, str) and isinstance(pure, str) and isinstance(country, str)):
            raise WeChatUnavailable("phone_info without phoneNumber/purePhoneNumber/countryCode")
        watermark = info.get("watermark")
        if isinstance(watermark, dict) and watermark.get("appid", self.appid) != self.appid:
            raise WeChatUnavailable("phone_info watermarked for another appid")
        return PhoneNumber(phone, pure, country)

    def access_token(self) -> str:
        """The stable access_token, cached until five minutes before it expires."""
        with self._token_lock:
            now = self._clock.now()
            if self._token is not None and now < self._token[1]:
                return self._token[0]
            payload = {
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self._secret,
            }
            answer = self._post_json("/cgi-bin/stable_token", payload)
            _raise_for_errcode(answer)
            token, expires_in = answer.get("access_token"), answer.get("expires_in")
            if not isinstance(token, str) or not isinstance(expires_in, int):
                raise WeChatUnavailable("stable_token answer without access_token/expires_in")
            refresh_at = now + timedelta(seconds=expires_in) - TOKEN_REFRESH_MARGIN
            self._token = (token, refresh_at)
            return token

    def invalidate_token(self, stale: str | None = None) -> None:
        """Forget the cached token (after errcode 40001/42001); given ``stale``, only if
        the cache still holds it (another thread may have refreshed it already)."""
        with self._token_lock:
            if stale is None or (self._token is not None and self._token[0] == stale):
                self._token = None

    def _post_with_token(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POSTs with ``?access_token=``; retried once after a stale token (refreshed
        first) or -1 busy (after the busy delay)."""
        token = self.access_token()
        answer = self._post_json(_with_token(path, token), payload)
        errcode = answer.get("errcode")
        if errcode in STALE_TOKEN:
            self.invalidate_token(token)
        elif errcode == BUSY:
            self._sleep(self._busy_retry_delay)
        else:
            return answer
        return self._post_json(_with_token(path, self.access_token()), payload)

    def _get_json(self, path_and_query: str) -> dict[str, Any]:
        response = self._http.request("GET", self.base_url + path_and_query)
        return _json_object(response.status, response.body)

    def _post_json(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = self._http.request(
            "POST",
            self.base_url + path,
            body=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
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


def _with_token(path: str, token: str) -> str:
    return f"{path}?{urllib.parse.urlencode({'access_token': token})}"


def _raise_for_errcode(answer: dict[str, Any]) -> None:
    errcode = answer.get("errcode", 0)
    if not isinstance(errcode, int):
        raise WeChatUnavailable("answer with a non-integer errcode")
    if errcode:
        raise WeChatError(errcode, str(answer.get("errmsg", "")))
