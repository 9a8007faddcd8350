"""Messaging calls of both clients against scripted answers: payloads, retries, errors."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from chalicelib.adapters.wechat import (
    HttpClient,
    HttpResponse,
    OfficialAccountClient,
    TokenCache,
    WeChatClient,
    WeChatError,
    WeChatUnavailable,
)
from chalicelib.clock import FixedClock

from .conftest import NOW

DATA = {"thing1": {"value": "乌龙茶"}, "amount2": {"value": "¥12.30"}}
MINIPROGRAM = {"appid": "wxMP", "pagepath": "pages/orders/detail?id=1"}


class ScriptedHttp(HttpClient):
    """Answers from a script; records (method, path, query, json body) of each request."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        super().__init__()
        self.answers = list(answers)
        self.calls: list[tuple[str, str, dict[str, str], Any]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> HttpResponse:
        parts = urllib.parse.urlsplit(url)
        body = kwargs.get("body")
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.calls.append((method, parts.path, query, json.loads(body) if body else None))
        return HttpResponse(200, {}, json.dumps(self.answers.pop(0)).encode())


def token(value: str) -> dict[str, Any]:
    return {"access_token": value, "expires_in": 7200}


def oa(http: ScriptedHttp, sleeps: list[float] | None = None) -> OfficialAccountClient:
    record = sleeps.append if sleeps is not None else (lambda _: None)
    return OfficialAccountClient(
        "http://wx/", appid="wxOA", secret="S", clock=FixedClock(NOW), http=http, sleep=record
    )


def mp(http: ScriptedHttp) -> WeChatClient:
    return WeChatClient("http://wx", appid="wxMP", secret="M", clock=FixedClock(NOW), http=http)


def send(client: OfficialAccountClient, **overrides: Any) -> int:
    arguments: dict[str, Any] = {
        "touser": "oOA1",
        "template_id": "T-oa",
        "data": DATA,
        "miniprogram": MINIPROGRAM,
        "url": None,
        "client_msg_id": "notify:order_paid:1",
    }
    arguments.update(overrides)
    return client.send_template(**arguments)


def test_user_info_asks_with_the_accounts_own_token() -> None:
    http = ScriptedHttp(
        token("OA1"),
        {"subscribe": 1, "openid": "oOA1", "unionid": "u1", "language": "zh_CN"},
    )
    assert oa(http).user_info("oOA1") == {"subscribe": 1, "openid": "oOA1", "unionid": "u1"}
    assert http.calls[0][3] == {"grant_type": "client_credential", "appid": "wxOA", "secret": "S"}
    method, path, query, _ = http.calls[1]
    assert (method, path) == ("GET", "/cgi-bin/user/info")
    assert query == {"access_token": "OA1", "openid": "oOA1", "lang": "zh_CN"}


def test_user_info_of_a_former_follower_has_no_unionid() -> None:
    http = ScriptedHttp(token("OA1"), {"subscribe": 0, "openid": "oOA1"})
    assert oa(http).user_info("oOA1") == {"subscribe": 0, "openid": "oOA1"}


@pytest.mark.parametrize("answer", [{"openid": "o"}, {"subscribe": 1}, {"subscribe": True}])
def test_user_info_malformed_answers_are_unavailable(answer: dict[str, Any]) -> None:
    with pytest.raises(WeChatUnavailable):
        oa(ScriptedHttp(token("OA1"), answer)).user_info("o")


def test_user_info_unknown_openid_is_an_error() -> None:
    http = ScriptedHttp(token("OA1"), {"errcode": 40003, "errmsg": "invalid openid"})
    with pytest.raises(WeChatError) as err:
        oa(http).user_info("nobody")
    assert err.value.errcode == 40003


def test_send_template_posts_the_message_and_returns_the_msgid() -> None:
    http = ScriptedHttp(token("OA1"), {"errcode": 0, "errmsg": "ok", "msgid": 2600000001})
    assert send(oa(http)) == 2600000001
    method, path, query, body = http.calls[1]
    assert (method, path, query) == (
        "POST",
        "/cgi-bin/message/template/send",
        {"access_token": "OA1"},
    )
    assert body == {
        "touser": "oOA1",
        "template_id": "T-oa",
        "data": DATA,
        "miniprogram": MINIPROGRAM,
        "client_msg_id": "notify:order_paid:1",
    }


def test_send_template_with_a_url_only() -> None:
    http = ScriptedHttp(token("OA1"), {"errcode": 0, "msgid": 7})
    send(oa(http), miniprogram=None, url="https://example.com/x")
    body = http.calls[1][3]
    assert body["url"] == "https://example.com/x" and "miniprogram" not in body


@pytest.mark.parametrize("stale", [40001, 40014, 42001])
def test_stale_token_is_refreshed_and_the_same_message_resent_once(stale: int) -> None:
    http = ScriptedHttp(
        token("OA1"),
        {"errcode": stale, "errmsg": "stale"},
        token("OA2"),
        {"errcode": 0, "msgid": 9},
    )
    assert send(oa(http)) == 9
    first, second = http.calls[1], http.calls[3]
    assert (first[2]["access_token"], second[2]["access_token"]) == ("OA1", "OA2")
    assert first[3] == second[3]


def test_busy_is_retried_once_after_the_delay() -> None:
    sleeps: list[float] = []
    http = ScriptedHttp(token("OA1"), {"errcode": -1, "errmsg": "busy"}, {"errcode": 0, "msgid": 3})
    assert send(oa(http, sleeps)) == 3
    assert sleeps == [0.2]


def test_busy_twice_is_an_error() -> None:
    http = ScriptedHttp(token("OA1"), {"errcode": -1}, {"errcode": -1, "errmsg": "busy"})
    with pytest.raises(WeChatError) as err:
        send(oa(http))
    assert err.value.errcode == -1


def test_not_following_is_an_error_without_retry() -> None:
    http = ScriptedHttp(token("OA1"), {"errcode": 43004, "errmsg": "require subscribe"})
    with pytest.raises(WeChatError) as err:
        send(oa(http))
    assert (err.value.errcode, err.value.errmsg) == (43004, "require subscribe")
    assert len(http.calls) == 2


def test_template_answer_without_msgid_is_unavailable() -> None:
    with pytest.raises(WeChatUnavailable):
        send(oa(ScriptedHttp(token("OA1"), {"errcode": 0, "errmsg": "ok"})))


def test_subscribe_message_payload() -> None:
    http = ScriptedHttp(token("MP1"), {"errcode": 0, "errmsg": "ok", "msgid": 1})
    client = mp(http)
    client.send_subscribe_message(
        touser="oMP1", template_id="T-sub", page="pages/orders/detail?id=1", data=DATA
    )
    method, path, query, body = http.calls[1]
    assert (method, path, query) == (
        "POST",
        "/cgi-bin/message/subscribe/send",
        {"access_token": "MP1"},
    )
    assert body == {
        "touser": "oMP1",
        "template_id": "T-sub",
        "page": "pages/orders/detail?id=1",
        "data": DATA,
        "miniprogram_state": "formal",
        "lang": "zh_CN",
    }


def test_subscribe_message_without_credit_is_an_error_without_retry() -> None:
    http = ScriptedHttp(token("MP1"), {"errcode": 43101, "errmsg": "user refuse to accept the msg"})
    with pytest.raises(WeChatError) as err:
        mp(http).send_subscribe_message(touser="o", template_id="T", page=None, data=DATA)
    assert err.value.errcode == 43101
    assert len(http.calls) == 2 and "page" not in http.calls[1][3]


def test_subscribe_message_stale_token_is_retried_once() -> None:
    http = ScriptedHttp(token("MP1"), {"errcode": 42001}, token("MP2"), {"errcode": 0})
    mp(http).send_subscribe_message(touser="o", template_id="T", page=None, data=DATA)
    assert http.calls[3][2]["access_token"] == "MP2"


def test_subscribe_message_state_is_checked() -> None:
    with pytest.raises(ValueError):
        mp(ScriptedHttp()).send_subscribe_message(
            touser="o", template_id="T", page=None, data=DATA, miniprogram_state="beta"
        )


def test_each_client_keeps_its_own_token() -> None:
    http = ScriptedHttp(token("MP1"), token("OA1"))
    assert mp(http).access_token() == "MP1"
    assert oa(http).access_token() == "OA1"
    assert [call[3]["appid"] for call in http.calls] == ["wxMP", "wxOA"]


def test_token_cache_invalidates_only_the_stale_token() -> None:
    answers = [token("T1"), token("T2")]
    cache = TokenCache(
        appid="a", secret="s", clock=FixedClock(NOW), post_json=lambda _p, _b: answers.pop(0)
    )
    assert cache.get() == "T1"
    cache.invalidate("T1")
    assert cache.get() == "T2"
    cache.invalidate("T1")
    assert cache.get() == "T2"
