"""Signatures checked against independent computations with cryptography primitives."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from chalicelib.adapters.wechat import (
    NotificationRejected,
    authorization_header,
    header_value,
    load_private_key,
    load_public_key,
    parse_authorization,
    pay_sign,
    random_nonce,
    sign_message,
    verify_authorization,
    verify_notification_signature,
)

from .conftest import NOW, PLATFORM_SERIAL

TS = int(NOW.timestamp())


def _rsa_sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def _rsa_verify(key: rsa.RSAPublicKey, signature: str, message: bytes) -> None:
    key.verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())


def test_authorization_header_format_and_signature(merchant_key: rsa.RSAPrivateKey) -> None:
    body = '{"a":"中文"}'
    header = authorization_header(
        "post",
        "/v3/pay/transactions/jsapi?x=1",
        body,
        mchid="1900000001",
        serial_no="ABC123",
        private_key=merchant_key,
        timestamp=TS,
        nonce="NONCE1",
    )
    match = re.fullmatch(
        r'WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="NONCE1",'
        r'signature="([A-Za-z0-9+/=]+)",timestamp="(\d+)",serial_no="ABC123"',
        header,
    )
    assert match is not None
    assert match.group(2) == str(TS)
    message = f"POST\n/v3/pay/transactions/jsapi?x=1\n{TS}\nNONCE1\n{body}\n".encode()
    _rsa_verify(merchant_key.public_key(), match.group(1), message)


def test_verify_authorization_accepts_independent_signature(
    merchant_key: rsa.RSAPrivateKey,
) -> None:
    message = f"GET\n/v3/x?mchid=1\n{TS}\nN2\n\n".encode()
    signature = _rsa_sign(merchant_key, message)
    header = (
        f'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="N2",signature="{signature}",'
        f'timestamp="{TS}",serial_no="S"'
    )
    public_key = merchant_key.public_key()
    fields = verify_authorization("GET", "/v3/x?mchid=1", "", header, public_key, NOW)
    assert fields == {
        "mchid": "1",
        "nonce_str": "N2",
        "signature": signature,
        "timestamp": str(TS),
        "serial_no": "S",
    }


@pytest.mark.parametrize(
    ("path", "body", "now_shift", "reason"),
    [
        ("/v3/y", "{}", 0, "bad signature"),
        ("/v3/x", "{ }", 0, "bad signature"),
        ("/v3/x", "{}", 301, "stale timestamp"),
    ],
)
def test_verify_authorization_rejects(
    merchant_key: rsa.RSAPrivateKey, path: str, body: str, now_shift: int, reason: str
) -> None:
    header = authorization_header(
        "POST",
        "/v3/x",
        "{}",
        mchid="1",
        serial_no="S",
        private_key=merchant_key,
        timestamp=TS,
        nonce="N",
    )
    now = NOW + timedelta(seconds=now_shift)
    with pytest.raises(NotificationRejected) as err:
        verify_authorization("POST", path, body, header, merchant_key.public_key(), now)
    assert err.value.reason == reason


def test_verify_authorization_rejects_another_key(
    merchant_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    header = authorization_header(
        "POST",
        "/v3/x",
        "{}",
        mchid="1",
        serial_no="S",
        private_key=other_key,
        timestamp=TS,
        nonce="N",
    )
    with pytest.raises(NotificationRejected, match="bad signature"):
        verify_authorization("POST", "/v3/x", "{}", header, merchant_key.public_key(), NOW)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer abc", 'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="N"'],
)
def test_parse_authorization_malformed(header: str) -> None:
    with pytest.raises(NotificationRejected, match="malformed"):
        parse_authorization(header)


def test_pay_sign_is_verifiable(merchant_key: rsa.RSAPrivateKey) -> None:
    signature = pay_sign("wxAPP", "1700000000", "NONCE", "prepay_id=wx1", merchant_key)
    message = b"wxAPP\n1700000000\nNONCE\nprepay_id=wx1\n"
    _rsa_verify(merchant_key.public_key(), signature, message)
    other = b"wxAPP\n1700000001\nNONCE\nprepay_id=wx1\n"
    with pytest.raises(InvalidSignature):
        _rsa_verify(merchant_key.public_key(), signature, other)


def test_sign_message_is_verifiable(platform_key: rsa.RSAPrivateKey) -> None:
    body = '{"k":"值"}'
    signature = sign_message(TS, "N3", body, platform_key)
    _rsa_verify(platform_key.public_key(), signature, f"{TS}\nN3\n{body}\n".encode())
    assert sign_message(str(TS), "N3", body.encode(), platform_key) == signature


def _signed_headers(key: rsa.RSAPrivateKey, body: bytes, ts: int, serial: str) -> dict[str, str]:
    signature = _rsa_sign(key, f"{ts}\nN4\n".encode() + body + b"\n")
    return {
        "Wechatpay-Serial": serial,
        "Wechatpay-Timestamp": str(ts),
        "Wechatpay-Nonce": "N4",
        "Wechatpay-Signature": signature,
    }


def test_notification_signature_independent_and_case_insensitive(
    platform_key: rsa.RSAPrivateKey,
) -> None:
    body = b'{"id":"1"}'
    headers = _signed_headers(platform_key, body, TS, PLATFORM_SERIAL)
    keys = {PLATFORM_SERIAL: platform_key.public_key()}
    verify_notification_signature(headers, body, keys, NOW)
    lower = {name.lower(): value for name, value in headers.items()}
    verify_notification_signature(lower, body, keys, NOW)
    upper = {name.upper(): value for name, value in headers.items()}
    verify_notification_signature(upper, body, keys, NOW)
    assert header_value(lower, "WECHATPAY-NONCE") == "N4"
    assert header_value(lower, "Missing") is None


def test_notification_signature_with_certificate_serial(platform_key: rsa.RSAPrivateKey) -> None:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(platform_key.public_key())
        .serial_number(0x5157F09EFDC096DE15EBE81A47057A72)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=365))
        .sign(platform_key, hashes.SHA256())
    )
    serial = format(cert.serial_number, "X")
    public_key = load_public_key(cert.public_bytes(serialization.Encoding.PEM))
    body = b"{}"
    headers = _signed_headers(platform_key, body, TS, serial)
    verify_notification_signature(headers, body, {serial: public_key}, NOW)


@pytest.mark.parametrize(("configured", "sent"), [(str.upper, str.lower), (str.lower, str.upper)])
def test_a_certificate_serial_matches_whatever_its_case(
    platform_key: rsa.RSAPrivateKey,
    configured: Callable[[str], str],
    sent: Callable[[str], str],
) -> None:
    serial, body = "5157f09efdc096de15ebe81a47057a7232f1b8e1", b"{}"
    keys = {configured(serial): platform_key.public_key()}
    headers = _signed_headers(platform_key, body, TS, sent(serial))
    verify_notification_signature(headers, body, keys, NOW)
    with pytest.raises(NotificationRejected, match="unknown serial"):
        verify_notification_signature(
            _signed_headers(platform_key, body, TS, serial[:-1]), body, keys, NOW
        )


def test_load_keys_round_trip(merchant_key: rsa.RSAPrivateKey) -> None:
    private_pem = merchant_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = merchant_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signature = pay_sign("a", "1", "n", "p", load_private_key(private_pem))
    _rsa_verify(load_public_key(public_pem), signature, b"a\n1\nn\np\n")


def test_random_nonce() -> None:
    nonces = {random_nonce() for _ in range(50)}
    assert len(nonces) == 50
    assert all(re.fullmatch(r"[A-Z0-9]{32}", nonce) for nonce in nonces)
