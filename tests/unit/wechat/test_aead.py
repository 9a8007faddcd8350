from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chalicelib.adapters.wechat import NotificationRejected, decrypt_resource, encrypt_resource

from .conftest import APIV3_KEY

PLAIN = {"out_trade_no": "T1", "amount": {"total": 100}, "trade_state_desc": "支付成功"}


def test_round_trip() -> None:
    resource = encrypt_resource(
        PLAIN,
        APIV3_KEY,
        nonce="fdasflkja484",
        associated_data="transaction",
        original_type="transaction",
    )
    assert resource["algorithm"] == "AEAD_AES_256_GCM"
    assert resource["nonce"] == "fdasflkja484"
    assert resource["associated_data"] == "transaction"
    assert resource["original_type"] == "transaction"
    assert decrypt_resource(resource, APIV3_KEY) == PLAIN


def test_decrypts_an_independently_encrypted_vector() -> None:
    data = json.dumps(PLAIN).encode()
    sealed = AESGCM(APIV3_KEY).encrypt(b"0123456789ab", data, b"refund")
    resource = {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(sealed).decode(),
        "nonce": "0123456789ab",
        "associated_data": "refund",
        "original_type": "refund",
    }
    assert decrypt_resource(resource, APIV3_KEY) == PLAIN


def test_encrypted_resource_opens_independently() -> None:
    resource = encrypt_resource(
        PLAIN, APIV3_KEY, nonce="abcdefghijkl", associated_data="refund", original_type="refund"
    )
    sealed = base64.b64decode(resource["ciphertext"])
    opened = AESGCM(APIV3_KEY).decrypt(b"abcdefghijkl", sealed, b"refund")
    assert json.loads(opened) == PLAIN


def _resource() -> dict[str, str]:
    return encrypt_resource(
        PLAIN,
        APIV3_KEY,
        nonce="abcdefghijkl",
        associated_data="transaction",
        original_type="transaction",
    )


def _flip_first_byte(ciphertext: str) -> str:
    raw = bytearray(base64.b64decode(ciphertext))
    raw[0] ^= 1
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        ({}, b"X" * 32, "cannot decrypt"),
        ({}, b"short", "cannot decrypt"),
        ({"associated_data": "refund"}, APIV3_KEY, "cannot decrypt"),
        ({"nonce": "abcdefghijkm"}, APIV3_KEY, "cannot decrypt"),
        ({"ciphertext": "not base64!"}, APIV3_KEY, "cannot decrypt"),
        ({"algorithm": "AES_128_CBC"}, APIV3_KEY, "malformed"),
        ({"nonce": None}, APIV3_KEY, "malformed"),
    ],
)
def test_rejects(change: dict[str, str | None], key: bytes, reason: str) -> None:
    resource: dict[str, str | None] = {**_resource(), **change}
    with pytest.raises(NotificationRejected) as err:
        decrypt_resource(resource, key)
    assert err.value.reason == reason


def test_tampered_ciphertext() -> None:
    resource = _resource()
    resource["ciphertext"] = _flip_first_byte(resource["ciphertext"])
    with pytest.raises(NotificationRejected, match="cannot decrypt"):
        decrypt_resource(resource, APIV3_KEY)
