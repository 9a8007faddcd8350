"""The mini-program's message push from the sandbox: subscribe popups and settings
changes reach the app's server URL signed with the push's own token and encrypted
for the mini-program's appid, and the sandbox's credits follow what the user did."""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.wechat import NotificationRejected, PushCrypto
from chalicelib.adapters.wechat.oa_crypto import open_push_xml
from chalicelib.adapters.wechat.oa_xml import parse_push, parse_push_list
from local.sandbox_env import sandbox_settings
from sandbox import Keyring, Sandbox, SandboxError, ensure_keyring, generate_keyring

from .conftest import START, Receiver, post_json

PATH = "/webhooks/wechat/mini-program"
MP_FIELDS = ("mp_push_token", "mp_push_aes_key")


class FakeApp(Receiver):
    """The app's mini-program push endpoint, verifying with the real ``open_push_xml``."""

    def __init__(self, keyring: Keyring) -> None:
        self.crypto = PushCrypto(keyring.mp_push_token, keyring.mp_push_aes_key, keyring.appid)
        self.pushes: list[tuple[str, dict[str, str], bytes]] = []
        self.opened: list[tuple[str, bool]] = []
        super().__init__()

    def answer(self, target: str, body: bytes) -> tuple[int, str]:
        parts = urllib.parse.urlsplit(target)
        query = dict(urllib.parse.parse_qsl(parts.query))
        self.pushes.append((parts.path, query, body))
        safe_mode = query.get("encrypt_type") == "aes"
        try:  # a plain push is opened as an app without an EncodingAESKey would
            opened = open_push_xml(
                query=query,
                body=body,
                token=self.crypto.token,
                crypto=self.crypto if safe_mode else None,
                now=START,
            )
        except NotificationRejected:
            return 403, ""
        self.opened.append(opened)
        return 200, "success"


@pytest.fixture
def app(sandbox: Sandbox, keyring: Keyring) -> Iterator[FakeApp]:
    running = FakeApp(keyring)
    sandbox.app_url = running.url
    yield running
    running.close()


def credits(sandbox: Sandbox, user: str) -> dict[str, int]:
    return {t: n for (u, t), n in sandbox.state.messaging.credits.items() if u == user and n}


def test_a_popup_grants_credits_and_is_pushed_signed_and_encrypted(
    sandbox: Sandbox, app: FakeApp, keyring: Keyring
) -> None:
    assert sandbox.mp_subscribe_popup("alice", ["T1", "T2"]) == [(200, "success")]
    assert credits(sandbox, "alice") == {"T1": 1, "T2": 1}
    [(path, query, body)] = app.pushes
    assert path == PATH
    timestamp, nonce = query["timestamp"], query["nonce"]
    assert timestamp == str(int(START.timestamp()))
    token = keyring.mp_push_token
    assert token != keyring.oa_token
    assert (
        query["signature"]
        == hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
    )
    assert query["encrypt_type"] == "aes" and b"<Encrypt>" in body and b"<TemplateId>" not in body
    [(xml, safe)] = app.opened
    assert safe
    message = parse_push(xml)
    assert message["FromUserName"] == sandbox.mp_openid("alice")
    assert (message["MsgType"], message["Event"]) == ("event", "subscribe_msg_popup_event")
    assert message["CreateTime"] == timestamp and message["ToUserName"].startswith("gh_")
    entries = parse_push_list(xml, "SubscribeMsgPopupEvent")
    assert [(e["TemplateId"], e["SubscribeStatusString"]) for e in entries] == [
        ("T1", "accept"),
        ("T2", "accept"),
    ]


def test_plain_mode_and_repeated_deliveries(sandbox: Sandbox, app: FakeApp) -> None:
    deliveries = sandbox.mp_subscribe_popup("bob", ["T1"], safe=False, times=3)
    assert deliveries == [(200, "success")] * 3
    assert credits(sandbox, "bob") == {"T1": 1}
    assert len({body for _, _, body in app.pushes}) == 1
    assert len({query["nonce"] for _, query, _ in app.pushes}) == 3  # each retry signed afresh
    assert all(not safe for _, safe in app.opened)
    assert b"<TemplateId><![CDATA[T1]]></TemplateId>" in app.pushes[0][2]


@pytest.mark.parametrize("safe", [True, False])
def test_a_forged_popup_is_refused_and_grants_nothing(
    sandbox: Sandbox, app: FakeApp, safe: bool
) -> None:
    assert sandbox.mp_subscribe_popup("carol", ["T1"], safe=safe, forge=True) == [(403, "")]
    assert app.opened == [] and credits(sandbox, "carol") == {}


def test_switching_templates_off_drops_the_credits_and_pushes_a_change(
    sandbox: Sandbox, app: FakeApp
) -> None:
    sandbox.mp_subscribe_popup("dave", ["T1", "T2"])
    assert sandbox.mp_subscribe_change("dave", ["T1"]) == [(200, "success")]
    assert credits(sandbox, "dave") == {"T2": 1}
    xml = app.opened[-1][0]
    assert parse_push(xml)["Event"] == "subscribe_msg_change_event"
    assert parse_push_list(xml, "SubscribeMsgChangeEvent") == [
        {"TemplateId": "T1", "SubscribeStatusString": "reject"}
    ]


def test_push_endpoint(sandbox: Sandbox, app: FakeApp) -> None:
    url = sandbox.base_url + "/sandbox/mp/push"
    status, answer = post_json(url, {"user": "erin", "template_ids": ["T1"], "times": 2})
    assert status == 200
    assert [d["status"] for d in answer["deliveries"]] == [200, 200]
    assert credits(sandbox, "erin") == {"T1": 1}
    status, answer = post_json(url, {"user": "erin", "template_ids": ["T1"], "kind": "change"})
    assert status == 200 and credits(sandbox, "erin") == {}
    for bad in (
        {"user": "erin", "template_ids": []},
        {"user": "erin", "template_ids": ["a", "b", "c", "d"]},
        {"user": "erin", "template_ids": "T1"},
        {"user": "erin", "template_ids": [""]},
        {"user": "erin", "template_ids": ["T1"], "kind": "poke"},
        {"user": "erin", "template_ids": ["T1"], "safe": "yes"},
        {"user": "erin", "template_ids": ["T1"], "times": 99},
        {"user": "erin", "template_ids": ["T1"], "times": True},
        {"template_ids": ["T1"]},
    ):
        assert post_json(url, bad)[0] == 400, bad


def test_without_the_app_url_nothing_is_granted(sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError) as err:
        sandbox.mp_subscribe_popup("frank", ["T1"])
    assert err.value.status == 409
    assert credits(sandbox, "frank") == {}


def test_the_keyring_has_the_push_secrets_and_old_ones_gain_them(tmp_path: Path) -> None:
    directory = tmp_path / "kr"
    original = ensure_keyring(directory)
    assert len(base64.b64decode(original.mp_push_aes_key + "=")) == 32
    assert original.mp_push_token.isalnum() and original.mp_push_token != original.oa_token
    manifest = directory / "keyring.json"
    old = {k: v for k, v in json.loads(manifest.read_text()).items() if k not in MP_FIELDS}
    manifest.write_text(json.dumps(old))
    upgraded = ensure_keyring(directory)
    assert len(upgraded.mp_push_aes_key) == 43 and upgraded.mp_push_token
    assert (upgraded.oa_token, upgraded.apiv3_key) == (original.oa_token, original.apiv3_key)
    stored = json.loads(manifest.read_text())
    assert {k: stored[k] for k in old} == old
    assert ensure_keyring(directory) == upgraded


def test_settings_export_the_push_secrets(tmp_path: Path) -> None:
    keyring = generate_keyring()
    env = sandbox_settings(
        keyring, tmp_path, sandbox_url="http://sb:1", public_url="http://app", data_dir=tmp_path
    )
    assert env["MINILOOP_MP_PUSH_TOKEN"] == keyring.mp_push_token
    assert env["MINILOOP_MP_PUSH_AES_KEY"] == keyring.mp_push_aes_key
