"""Client logic that needs no server: payment parameters, token caching, retry schedule."""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.adapters.wechat import (
    HttpClient,
    HttpResponse,
    WeChatClient,
    WeChatError,
    WeChatPayClient,
    WeChatUnavailable,
    rfc3339_china,
)
from chalicelib.clock import FixedClock

from .conftest import NOW


class ScriptedHttp(HttpClient):
    """Answers from a script of JSON objects and records the requests."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.requests: list[tuple[str, str, bytes | None]] = []
        self.lock = threading.Lock()

    def request(self, method: str, url: str, **kwargs: Any) -> HttpResponse:
        with self.lock:
            self.requests.append((method, url, kwargs.get("body")))
            return HttpResponse(200, {}, json.dumps(self.answers.pop(0)).encode())


def test_rfc3339_china() -> None:
    assert rfc3339_china(datetime(2026, 11, 1, 2, 30, tzinfo=UTC)) == "2026-11-01T10:30:00+08:00"
    with pytest.raises(ValueError):
        rfc3339_china(datetime(2026, 11, 1, 2, 30))


def test_payment_params(merchant_key: rsa.RSAPrivateKey) -> None:
    client = WeChatPayClient(
        "http://127.0.0.1:9",
        appid="wxAPP",
        mchid="1",
        serial_no="S",
        private_key=merchant_key,
        platform_keys={},
        notify_url="http://n",
        clock=FixedClock(NOW),
    )
    params = client.payment_params("wx201410272009395522657a690389285100")
    assert params["timeStamp"] == str(int(NOW.timestamp()))
    assert params["package"] == "prepay_id=wx201410272009395522657a690389285100"
    assert params["signType"] == "RSA"
    assert len(params["nonceStr"]) == 32
    message = f"wxAPP\n{params['timeStamp']}\n{params['nonceStr']}\n{params['package']}\n"
    merchant_key.public_key().verify(
        base64.b64decode(params["paySign"]), message.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_token_cached_until_five_minutes_before_expiry() -> None:
    clock = FixedClock(NOW)
    http = ScriptedHttp(
        {"access_token": "T1", "expires_in": 7200}, {"access_token": "T2", "expires_in": 7200}
    )
    client = WeChatClient("http://wx", appid="wxA", secret="S", clock=clock, http=http)
    threads = [threading.Thread(target=client.access_token) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.access_token() == "T1"
    clock.advance(seconds=7200 - 301)
    assert client.access_token() == "T1"
    clock.advance(seconds=2)
    assert client.access_token() == "T2"
    assert len(http.requests) == 2
    method, url, body = http.requests[0]
    assert (method, url) == ("POST", "http://wx/cgi-bin/stable_token")
    assert json.loads(body or b"") == {
        "grant_type": "client_credential",
        "appid": "wxA",
        "secret": "S",
    }


def test_invalidate_token() -> None:
    http = ScriptedHttp(
        {"access_token": "T1", "expires_in": 7200}, {"access_token": "T2", "expires_in": 7200}
    )
    client = WeChatClient("http://wx", appid="a", secret="s", clock=FixedClock(NOW), http=http)
    assert client.access_token() == "T1"
    client.invalidate_token()
    assert client.access_token() == "T2"


def test_code2session_busy_is_retried_once() -> None:
    http = ScriptedHttp(
        {"errcode": -1, "errmsg": "system busy"},
        {"openid": "o1", "session_key": "k", "errcode": 0},
    )
    sleeps: list[float] = []
    client = WeChatClient(
        "http://wx", appid="a", secret="s", clock=FixedClock(NOW), http=http, sleep=sleeps.append
    )
    session = client.code2session("c")
    assert (session.openid, session.unionid) == ("o1", None)
    assert "k" not in repr(session)
    assert len(sleeps) == 1


def test_code2session_busy_twice_is_an_error() -> None:
    http = ScriptedHttp({"errcode": -1, "errmsg": "busy"}, {"errcode": -1, "errmsg": "busy"})
    client = WeChatClient(
        "http://wx",
        appid="a",
        secret="s",
        clock=FixedClock(NOW),
        http=http,
        sleep=lambda _: None,
    )
    with pytest.raises(WeChatError) as err:
        client.code2session("c")
    assert err.value.errcode == -1


class RefusingOpener:
    def __init__(self) -> None:
        self.calls = 0

    def open(self, request: Any, timeout: float) -> Any:
        self.calls += 1
        raise TimeoutError("timed out")


def test_http_backoff_schedule() -> None:
    sleeps: list[float] = []
    opener = RefusingOpener()
    http = HttpClient(retries=3, backoff=0.5, sleep=sleeps.append, opener=opener)  # type: ignore[arg-type]
    with pytest.raises(WeChatUnavailable, match="timed out"):
        http.request("GET", "http://127.0.0.1:9/x?secret=s")
    assert opener.calls == 4
    assert sleeps == [0.5, 1.0, 2.0]
