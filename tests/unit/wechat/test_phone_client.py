"""``WeChatClient.user_phone`` against scripted answers: token refresh, busy retry, bad answers."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from chalicelib.adapters.wechat import (
    HttpClient,
    HttpResponse,
    PhoneNumber,
    WeChatClient,
    WeChatError,
    WeChatUnavailable,
)
from chalicelib.clock import FixedClock

from .conftest import NOW

APPID = "wxAPP"
PHONE_PATH = "/wxa/business/getuserphonenumber"
PHONE_INFO = {
    "phoneNumber": "13800138000",
    "purePhoneNumber": "13800138000",
    "countryCode": "86",
    "watermark": {"timestamp": 1793498400, "appid": APPID},
}
OK = {"errcode": 0, "errmsg": "ok", "phone_info": PHONE_INFO}


def token(value: str) -> dict[str, Any]:
    return {"access_token": value, "expires_in": 7200}


class ScriptedHttp(HttpClient):
    """Answers from a script (JSON objects, or raw bytes) and records the requests."""

    def __init__(self, *answers: dict[str, Any] | bytes) -> None:
        super().__init__()
        self.answers = list(answers)
        self.requests: list[tuple[str, str, bytes | None]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> HttpResponse:
        self.requests.append((method, url, kwargs.get("body")))
        answer = self.answers.pop(0)
        body = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
        return HttpResponse(200, {}, body)

    def phone_calls(self) -> list[tuple[str, dict[str, Any]]]:
        """(access_token, body) of each getuserphonenumber request."""
        calls = []
        for _, url, body in self.requests:
            parts = urllib.parse.urlsplit(url)
            if parts.path == PHONE_PATH:
                query = urllib.parse.parse_qs(parts.query)
                calls.append((query["access_token"][0], json.loads(body or b"")))
        return calls


def make_client(http: ScriptedHttp, sleeps: list[float] | None = None) -> WeChatClient:
    return WeChatClient(
        "http://wx",
        appid=APPID,
        secret="s",
        clock=FixedClock(NOW),
        http=http,
        busy_retry_delay=0.3,
        sleep=(sleeps if sleeps is not None else []).append,
    )


def test_success_posts_the_code_with_the_token() -> None:
    http = ScriptedHttp(token("T1"), OK)
    phone = make_client(http).user_phone("c1")
    assert phone == PhoneNumber("13800138000", "13800138000", "86")
    assert http.phone_calls() == [("T1", {"code": "c1"})]
    assert http.requests[-1][0] == "POST"
    assert "138" not in repr(phone)


@pytest.mark.parametrize("errcode", [40001, 40014, 42001])
def test_stale_token_is_refreshed_and_retried_once(errcode: int) -> None:
    http = ScriptedHttp(token("T1"), {"errcode": errcode, "errmsg": "stale"}, token("T2"), OK)
    client = make_client(http)
    assert client.user_phone("c1").country_code == "86"
    assert http.phone_calls() == [("T1", {"code": "c1"}), ("T2", {"code": "c1"})]
    assert client.access_token() == "T2"


def test_stale_token_twice_is_an_error() -> None:
    stale = {"errcode": 40001, "errmsg": "invalid credential"}
    http = ScriptedHttp(token("T1"), stale, token("T2"), stale)
    with pytest.raises(WeChatError) as err:
        make_client(http).user_phone("c1")
    assert err.value.errcode == 40001
    assert len(http.requests) == 4


def test_busy_is_retried_once_after_the_delay() -> None:
    sleeps: list[float] = []
    http = ScriptedHttp(token("T1"), {"errcode": -1, "errmsg": "system busy"}, OK)
    assert make_client(http, sleeps).user_phone("c1").phone_number == "13800138000"
    assert sleeps == [0.3]
    assert [t for t, _ in http.phone_calls()] == ["T1", "T1"]


def test_busy_twice_is_an_error() -> None:
    busy = {"errcode": -1, "errmsg": "system busy"}
    http = ScriptedHttp(token("T1"), busy, busy)
    with pytest.raises(WeChatError) as err:
        make_client(http).user_phone("c1")
    assert err.value.errcode == -1


@pytest.mark.parametrize("errcode", [40029, 45011, 40013])
def test_other_errcodes_raise_without_retry(errcode: int) -> None:
    http = ScriptedHttp(token("T1"), {"errcode": errcode, "errmsg": "nope"})
    with pytest.raises(WeChatError) as err:
        make_client(http).user_phone("c1")
    assert (err.value.errcode, err.value.errmsg) == (errcode, "nope")
    assert len(http.requests) == 2


@pytest.mark.parametrize(
    "answer",
    [
        b"<html>bad gateway</html>",
        b"[]",
        {"errcode": "0", "phone_info": PHONE_INFO},
        {"errcode": 0, "errmsg": "ok"},
        {"errcode": 0, "errmsg": "ok", "phone_info": "13800138000"},
        {"errcode": 0, "phone_info": {**PHONE_INFO, "purePhoneNumber": 13800138000}},
        {"errcode": 0, "phone_info": {k: v for k, v in PHONE_INFO.items() if k != "countryCode"}},
        {"errcode": 0, "phone_info": {**PHONE_INFO, "watermark": {"appid": "wxOTHER"}}},
    ],
)
def test_malformed_answers_are_unavailable(answer: dict[str, Any] | bytes) -> None:
    http = ScriptedHttp(token("T1"), answer)
    with pytest.raises(WeChatUnavailable):
        make_client(http).user_phone("c1")


def test_invalidating_a_token_already_replaced_keeps_the_new_one() -> None:
    http = ScriptedHttp(token("T1"), token("T2"))
    client = make_client(http)
    assert client.access_token() == "T1"
    client.invalidate_token("T0")
    assert client.access_token() == "T1"
    client.invalidate_token("T1")
    assert client.access_token() == "T2"
    assert len(http.requests) == 2
