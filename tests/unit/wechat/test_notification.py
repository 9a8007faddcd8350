from __future__ import annotations

import base64
import contextlib
import json
import random
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.adapters.wechat import (
    NotificationRejected,
    PayNotification,
    encrypt_resource,
    parse_notification,
)

from .conftest import APIV3_KEY, NOW, PLATFORM_SERIAL

PLAIN = {
    "appid": "wx1",
    "mchid": "1900000001",
    "out_trade_no": "T1",
    "transaction_id": "4200",
    "trade_state": "SUCCESS",
    "amount": {"total": 990, "payer_total": 990, "currency": "CNY"},
}


def _envelope(**overrides: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "id": "EV-1",
        "create_time": "2026-11-01T10:00:00+08:00",
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": encrypt_resource(
            PLAIN,
            APIV3_KEY,
            nonce="nonce1234567",
            associated_data="transaction",
            original_type="transaction",
        ),
    }
    envelope.update(overrides)
    return envelope


def _signed(
    key: rsa.RSAPrivateKey, body: bytes, *, age_s: float = 0, serial: str = PLATFORM_SERIAL
) -> dict[str, str]:
    ts = str(int((NOW - timedelta(seconds=age_s)).timestamp()))
    message = f"{ts}\nNONCE\n".encode() + body + b"\n"
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "Wechatpay-Serial": serial,
        "Wechatpay-Timestamp": ts,
        "Wechatpay-Nonce": "NONCE",
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    }


def _parse(platform_key: rsa.RSAPrivateKey, headers: dict[str, str], body: bytes) -> Any:
    return parse_notification(
        headers,
        body,
        platform_keys={PLATFORM_SERIAL: platform_key.public_key()},
        apiv3_key=APIV3_KEY,
        now=NOW,
    )


def test_accepts_and_decrypts(platform_key: rsa.RSAPrivateKey) -> None:
    body = json.dumps(_envelope(), ensure_ascii=False).encode()
    notification = _parse(platform_key, _signed(platform_key, body), body)
    assert notification == PayNotification(
        id="EV-1",
        event_type="TRANSACTION.SUCCESS",
        create_time="2026-11-01T10:00:00+08:00",
        resource=PLAIN,
    )


def test_headers_are_case_insensitive(platform_key: rsa.RSAPrivateKey) -> None:
    body = json.dumps(_envelope()).encode()
    headers = {name.lower(): value for name, value in _signed(platform_key, body).items()}
    assert _parse(platform_key, headers, body).id == "EV-1"


def test_accepts_4m59s_old(platform_key: rsa.RSAPrivateKey) -> None:
    body = json.dumps(_envelope()).encode()
    assert _parse(platform_key, _signed(platform_key, body, age_s=299), body).id == "EV-1"


@pytest.mark.parametrize("age_s", [360, -360])
def test_rejects_stale_timestamp(platform_key: rsa.RSAPrivateKey, age_s: int) -> None:
    body = json.dumps(_envelope()).encode()
    with pytest.raises(NotificationRejected, match="stale timestamp"):
        _parse(platform_key, _signed(platform_key, body, age_s=age_s), body)


def test_rejects_bad_signature(
    platform_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    body = json.dumps(_envelope()).encode()
    with pytest.raises(NotificationRejected, match="bad signature"):
        _parse(platform_key, _signed(other_key, body), body)


def test_rejects_modified_body(platform_key: rsa.RSAPrivateKey) -> None:
    body = json.dumps(_envelope()).encode()
    headers = _signed(platform_key, body)
    with pytest.raises(NotificationRejected, match="bad signature"):
        _parse(platform_key, headers, body.replace(b"EV-1", b"EV-2"))


def test_rejects_unknown_serial(platform_key: rsa.RSAPrivateKey) -> None:
    body = json.dumps(_envelope()).encode()
    with pytest.raises(NotificationRejected, match="unknown serial"):
        _parse(platform_key, _signed(platform_key, body, serial="PUB_KEY_ID_OTHER"), body)


def test_rejects_tampered_ciphertext(platform_key: rsa.RSAPrivateKey) -> None:
    envelope = _envelope()
    raw = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    raw[-1] ^= 0x80
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    body = json.dumps(envelope).encode()
    with pytest.raises(NotificationRejected, match="cannot decrypt"):
        _parse(platform_key, _signed(platform_key, body), body)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b"\xff\xfe",
        json.dumps(_envelope(resource="text")).encode(),
        json.dumps(_envelope(id=7)).encode(),
        json.dumps({k: v for k, v in _envelope().items() if k != "event_type"}).encode(),
        json.dumps(_envelope(resource={**_envelope()["resource"], "algorithm": "RSA"})).encode(),
    ],
)
def test_rejects_malformed(platform_key: rsa.RSAPrivateKey, body: bytes) -> None:
    with pytest.raises(NotificationRejected, match="malformed"):
        _parse(platform_key, _signed(platform_key, body), body)


@pytest.mark.parametrize(
    "missing", ["Wechatpay-Serial", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature"]
)
def test_rejects_missing_header(platform_key: rsa.RSAPrivateKey, missing: str) -> None:
    body = json.dumps(_envelope()).encode()
    headers = _signed(platform_key, body)
    del headers[missing]
    with pytest.raises(NotificationRejected, match="malformed"):
        _parse(platform_key, headers, body)


def test_garbage_only_ever_raises_notification_rejected(platform_key: rsa.RSAPrivateKey) -> None:
    rng = random.Random(7)
    base = json.dumps(_envelope()).encode()
    for _ in range(300):
        body = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            body[rng.randrange(len(body))] = rng.randrange(256)
        headers = _signed(platform_key, bytes(body))
        if rng.random() < 0.3:
            headers["Wechatpay-Timestamp"] = rng.choice(["", "abc", "1e9", "-", "9" * 40])
        if rng.random() < 0.3:
            headers["Wechatpay-Signature"] = rng.choice(["", "!!", "QUJD", "=" * 4])
        with contextlib.suppress(NotificationRejected):
            _parse(platform_key, headers, bytes(body))
