"""The official account's credentials in the sandbox keyring and the app's settings, and
``manage.py sandbox-messages``."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from chalicelib.adapters.wechat import PushCrypto
from local.cli import main
from local.sandbox_env import sandbox_settings
from sandbox import DEFAULT_OA_APPID, Sandbox, ensure_keyring, generate_keyring

from .conftest import post_json

OA_FIELDS = ("oa_appid", "oa_secret", "oa_token", "oa_aes_key")


def test_a_new_keyring_has_the_official_account(tmp_path: Path) -> None:
    keyring = ensure_keyring(tmp_path / "kr")
    assert keyring.oa_appid == DEFAULT_OA_APPID
    assert len(keyring.oa_aes_key) == 43
    assert len(base64.b64decode(keyring.oa_aes_key + "=")) == 32
    assert keyring.oa_token.isalnum() and keyring.oa_secret != keyring.app_secret
    PushCrypto(keyring.oa_token, keyring.oa_aes_key, keyring.oa_appid)
    stored = json.loads((tmp_path / "kr" / "keyring.json").read_text())
    assert {name: stored[name] for name in OA_FIELDS} == {
        name: getattr(keyring, name) for name in OA_FIELDS
    }
    assert ensure_keyring(tmp_path / "kr") == keyring


def test_an_old_keyring_gains_the_official_account_and_keeps_its_keys(tmp_path: Path) -> None:
    directory = tmp_path / "kr"
    original = ensure_keyring(directory)
    manifest = directory / "keyring.json"
    old = {k: v for k, v in json.loads(manifest.read_text()).items() if k not in OA_FIELDS}
    manifest.write_text(json.dumps(old))
    upgraded = ensure_keyring(directory)
    for name in ("merchant_serial", "platform_serial", "apiv3_key", "appid", "mchid"):
        assert getattr(upgraded, name) == getattr(original, name)
    assert upgraded.app_secret == original.app_secret
    assert upgraded.merchant_private_pem == original.merchant_private_pem
    assert upgraded.platform_public_pem == original.platform_public_pem
    assert upgraded.oa_appid == DEFAULT_OA_APPID and len(upgraded.oa_aes_key) == 43
    stored = json.loads(manifest.read_text())
    assert {k: stored[k] for k in old} == old
    assert all(stored[name] == getattr(upgraded, name) for name in OA_FIELDS)
    assert ensure_keyring(directory) == upgraded


def test_settings_point_the_account_at_the_sandbox(tmp_path: Path) -> None:
    keyring = generate_keyring()
    env = sandbox_settings(
        keyring, tmp_path, sandbox_url="http://sb:1", public_url="http://app", data_dir=tmp_path
    )
    assert env["MINILOOP_OA_API_BASE"] == "http://sb:1"
    assert env["MINILOOP_OA_APPID"] == keyring.oa_appid
    assert env["MINILOOP_OA_SECRET"] == keyring.oa_secret
    assert env["MINILOOP_OA_TOKEN"] == keyring.oa_token
    assert env["MINILOOP_OA_AES_KEY"] == keyring.oa_aes_key


def test_sandbox_messages_command(sandbox: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    main(["sandbox-messages", "--sandbox-url", sandbox.base_url])
    assert capsys.readouterr().out.strip() == "no messages sent"
    sandbox.accept_subscribe("alice", ["T-sub"])
    subscribe_url = f"{sandbox.base_url}/cgi-bin/message/subscribe/send"
    _send_subscribe(sandbox, subscribe_url)
    main(["sandbox-messages", "--sandbox-url", sandbox.base_url])
    header, rule, row = capsys.readouterr().out.strip().splitlines()
    assert header.split() == ["at", "channel", "user", "template_id", "page", "msgid", "data"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert "subscribe" in row and "alice" in row and "T-sub" in row
    assert "pages/orders/index" in row and "thing1=乌龙茶" in row
    main(["sandbox-messages", "--sandbox-url", sandbox.base_url, "--json"])
    assert json.loads(capsys.readouterr().out) == sandbox.messages()


def _send_subscribe(sandbox: Sandbox, url: str) -> None:
    keyring = sandbox.keyring
    body = {"grant_type": "client_credential", "appid": keyring.appid, "secret": keyring.app_secret}
    token = post_json(sandbox.base_url + "/cgi-bin/stable_token", body)[1]["access_token"]
    message = {
        "touser": sandbox.mp_openid("alice"),
        "template_id": "T-sub",
        "page": "pages/orders/index",
        "data": {"thing1": {"value": "乌龙茶"}},
    }
    assert post_json(f"{url}?access_token={token}", message)[1]["errcode"] == 0
