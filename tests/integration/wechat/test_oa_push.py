"""Official-account pushes from the sandbox: what reaches the app's server URL, signed and
encrypted as WeChat does it, and what the user sees of the app's reply."""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters.wechat import (
    NotificationRejected,
    PushCrypto,
    encrypted_reply_xml,
    open_push,
    text_reply_xml,
)
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox, SandboxError

from .conftest import START, Receiver, post_json

PATH = "/webhooks/wechat/official-account"


class FakeApp(Receiver):
    """The app's push endpoint: verifies with the real ``open_push``, records the message,
    replies to text messages with an echo (encrypted in safe mode), else "success"."""

    def __init__(self, keyring: Keyring) -> None:
        self.crypto = PushCrypto(keyring.oa_token, keyring.oa_aes_key, keyring.oa_appid)
        self.pushes: list[tuple[str, dict[str, str], bytes]] = []
        self.opened: list[tuple[dict[str, str], bool]] = []
        super().__init__()

    def answer(self, target: str, body: bytes) -> tuple[int, str]:
        parts = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.pushes.append((parts.path, query, body))
        safe_mode = query.get("encrypt_type") == "aes"
        try:  # a plain push is opened as an app without an EncodingAESKey would
            message, safe = open_push(
                query=query,
                body=body,
                token=self.crypto.token,
                crypto=self.crypto if safe_mode else None,
                now=START,
            )
        except NotificationRejected:
            return 403, ""
        self.opened.append((message, safe))
        if message.get("MsgType") != "text":
            return 200, "success"
        reply = text_reply_xml(
            message["FromUserName"], message["ToUserName"], 1, "echo: " + message["Content"]
        )
        return 200, encrypted_reply_xml(self.crypto, reply, "1", "n") if safe else reply


@pytest.fixture
def app(sandbox: Sandbox, keyring: Keyring) -> Iterator[FakeApp]:
    running = FakeApp(keyring)
    sandbox.app_url = running.url
    yield running
    running.close()


def sha1_sorted(*values: str) -> str:
    return hashlib.sha1("".join(sorted(values)).encode()).hexdigest()


def test_a_safe_mode_push_is_signed_twice_and_encrypted(
    sandbox: Sandbox, app: FakeApp, keyring: Keyring
) -> None:
    assert sandbox.oa_push("alice", "subscribe", scene="poster-7") == [(200, "success")]
    [(path, query, body)] = app.pushes
    assert path == PATH
    timestamp, nonce = query["timestamp"], query["nonce"]
    assert timestamp == str(int(START.timestamp()))
    assert query["signature"] == sha1_sorted(keyring.oa_token, timestamp, nonce)
    assert query["encrypt_type"] == "aes" and query["openid"] == sandbox.oa_openid("alice")
    assert b"poster-7" not in body and b"<Encrypt>" in body
    [(message, safe)] = app.opened
    assert safe
    assert message == {
        "ToUserName": message["ToUserName"],
        "FromUserName": sandbox.oa_openid("alice"),
        "CreateTime": timestamp,
        "MsgType": "event",
        "Event": "subscribe",
        "EventKey": "qrscene_poster-7",
    }
    assert message["ToUserName"].startswith("gh_")


def test_plain_mode_push(sandbox: Sandbox, app: FakeApp, keyring: Keyring) -> None:
    sandbox.oa_push("alice", "click", key="MY_ORDERS", safe=False)
    [(_, query, body)] = app.pushes
    assert "encrypt_type" not in query and b"MY_ORDERS" in body
    [(message, safe)] = app.opened
    assert not safe
    assert (message["Event"], message["EventKey"]) == ("CLICK", "MY_ORDERS")


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        ("subscribe", {}, {"Event": "subscribe", "EventKey": ""}),
        ("unsubscribe", {}, {"Event": "unsubscribe", "EventKey": ""}),
        ("view", {"url": "https://m.example.com/x"}, {"Event": "VIEW"}),
        (
            "text",
            {"content": "订单", "msgid": 42},
            {"MsgType": "text", "Content": "订单", "MsgId": "42"},
        ),
    ],
)
def test_push_kinds(
    sandbox: Sandbox, app: FakeApp, kind: str, given: dict[str, Any], expected: dict[str, str]
) -> None:
    sandbox.oa_push("alice", kind, **given)
    message = app.opened[0][0]
    assert {name: message[name] for name in expected} == expected


def test_follow_state_follows_the_pushes(sandbox: Sandbox, app: FakeApp) -> None:
    sandbox.oa_push("alice", "subscribe")
    assert sandbox.state.messaging.follows_now("alice")
    sandbox.oa_push("alice", "unsubscribe")
    assert not sandbox.state.messaging.follows_now("alice")


def test_repeated_deliveries_carry_the_same_message(sandbox: Sandbox, app: FakeApp) -> None:
    deliveries = sandbox.oa_push("alice", "text", content="hi", times=3)
    assert [status for status, _ in deliveries] == [200] * 3
    assert len(app.pushes) == 3
    assert len({query["nonce"] for _, query, _ in app.pushes}) == 3  # each retry signed afresh
    assert len({message["MsgId"] for message, _ in app.opened}) == 1
    assert len({tuple(sorted(message.items())) for message, _ in app.opened}) == 1


def test_text_reply_is_what_the_user_sees(sandbox: Sandbox, app: FakeApp) -> None:
    for safe in (True, False):
        [(status, body)] = sandbox.oa_push("alice", "text", content="订单", safe=safe)
        assert status == 200
        reply = sandbox.oa_reply(body)
        assert (reply["Content"], reply["ToUserName"]) == ("echo: 订单", sandbox.oa_openid("alice"))
    assert sandbox.oa_reply("success") == {} and sandbox.oa_reply("") == {}


def test_a_reply_with_a_forged_signature_is_refused(sandbox: Sandbox, keyring: Keyring) -> None:
    other = PushCrypto("not-the-token", keyring.oa_aes_key, keyring.oa_appid)
    forged = encrypted_reply_xml(other, text_reply_xml("o", "gh", 1, "hi"), "1", "n")
    with pytest.raises(SandboxError):
        sandbox.oa_reply(forged)


def test_template_finish_reports_the_last_template_message(
    sandbox: Sandbox, app: FakeApp, keyring: Keyring, clock: FixedClock
) -> None:
    with pytest.raises(SandboxError) as err:
        sandbox.oa_push("alice", "template_finish")
    assert err.value.status == 404
    sandbox.oa_push("alice", "subscribe")
    token = post_json(
        sandbox.base_url + "/cgi-bin/stable_token",
        {"grant_type": "client_credential", "appid": keyring.oa_appid, "secret": keyring.oa_secret},
    )[1]["access_token"]
    body = {
        "touser": sandbox.oa_openid("alice"),
        "template_id": "T",
        "data": {"first": {"value": "x"}},
    }
    url = f"{sandbox.base_url}/cgi-bin/message/template/send?access_token={token}"
    msgid = post_json(url, body)[1]["msgid"]
    sandbox.oa_push("alice", "template_finish", status="failed:user block")
    message = app.opened[-1][0]
    assert (message["Event"], message["MsgID"], message["Status"]) == (
        "TEMPLATESENDJOBFINISH",
        str(msgid),
        "failed:user block",
    )


def test_a_forged_push_would_be_refused_by_the_app(app: FakeApp) -> None:
    """The fake app really verifies: a push without a valid signature gets 403."""
    query = urllib.parse.urlencode({"signature": "0" * 40, "timestamp": "1", "nonce": "2"})
    assert app.answer(f"{PATH}?{query}", b"<xml><MsgType>text</MsgType></xml>") == (403, "")
    assert app.opened == []


@pytest.mark.parametrize("safe", [True, False])
def test_a_forged_push_is_refused_and_is_no_follow(
    sandbox: Sandbox, app: FakeApp, safe: bool
) -> None:
    assert sandbox.oa_push("carol", "subscribe", safe=safe, forge=True) == [(403, "")]
    assert app.opened == [] and len(app.pushes) == 1
    assert not sandbox.state.messaging.follows_now("carol")


def test_push_endpoint(sandbox: Sandbox, app: FakeApp) -> None:
    url = sandbox.base_url + "/sandbox/oa/push"
    status, answer = post_json(url, {"user": "bob", "kind": "text", "content": "hi", "times": 2})
    assert status == 200
    assert [delivery["status"] for delivery in answer["deliveries"]] == [200, 200]
    assert sandbox.oa_reply(answer["deliveries"][0]["body"])["Content"] == "echo: hi"
    for bad in (
        {"user": "bob", "kind": "poke"},
        {"user": "bob", "kind": "click"},
        {"user": "bob", "kind": "text", "content": 5},
        {"user": "bob", "kind": "subscribe", "safe": "yes"},
        {"user": "bob", "kind": "subscribe", "forge": 1},
        {"kind": "subscribe"},
    ):
        assert post_json(url, bad)[0] == 400, bad


def test_unreachable_or_unknown_app(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError) as err:
        sandbox.oa_push("alice", "subscribe")
    assert err.value.status == 409
    sandbox.app_url = "http://127.0.0.1:9"
    assert sandbox.oa_push("alice", "subscribe") == [(0, "")]
    assert sandbox.state.messaging.follows_now("alice")
