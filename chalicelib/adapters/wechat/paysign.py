"""WeChat Pay API v3 crypto, pure functions: request signatures, paySign, notifications.

This module is the facade: it also re-exports the notification and AES-GCM helpers.
"""

from __future__ import annotations

import re
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric import rsa

from .aead import decrypt_resource, encrypt_resource
from .crypto import (
    MAX_SKEW_S,
    check_timestamp,
    load_private_key,
    load_public_key,
    random_nonce,
    sign,
    verify,
)
from .errors import NotificationRejected
from .notify import (
    PayNotification,
    header_value,
    parse_notification,
    sign_message,
    verify_notification_signature,
)

__all__ = [
    "PayNotification",
    "authorization_header",
    "decrypt_resource",
    "encrypt_resource",
    "header_value",
    "load_private_key",
    "load_public_key",
    "parse_authorization",
    "parse_notification",
    "pay_sign",
    "random_nonce",
    "sign_message",
    "verify_authorization",
    "verify_notification_signature",
]

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
_AUTH_PARAM = re.compile(r'(\w+)="([^"]*)"')
_AUTH_FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")


def _request_message(method: str, path: str, timestamp: str, nonce: str, body: str) -> bytes:
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()


def authorization_header(
    method: str,
    url_path_with_query: str,
    body: str,
    *,
    mchid: str,
    serial_no: str,
    private_key: rsa.RSAPrivateKey,
    timestamp: int,
    nonce: str,
) -> str:
    message = _request_message(method, url_path_with_query, str(timestamp), nonce, body)
    signature = sign(message, private_key)
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def parse_authorization(header: str) -> dict[str, str]:
    """The fields of an Authorization header; NotificationRejected("malformed") if any lacks."""
    schema, _, params = header.strip().partition(" ")
    if schema != SCHEMA:
        raise NotificationRejected("malformed")
    fields = dict(_AUTH_PARAM.findall(params))
    if any(name not in fields for name in _AUTH_FIELDS):
        raise NotificationRejected("malformed")
    return fields


def verify_authorization(
    method: str,
    path: str,
    body: str,
    header: str,
    public_key: rsa.RSAPublicKey,
    now: datetime,
    max_skew_s: int = MAX_SKEW_S,
) -> dict[str, str]:
    """Checks a merchant request signature (raises NotificationRejected); returns its fields."""
    fields = parse_authorization(header)
    check_timestamp(fields["timestamp"], now, max_skew_s)
    message = _request_message(method, path, fields["timestamp"], fields["nonce_str"], body)
    if not verify(message, fields["signature"], public_key):
        raise NotificationRejected("bad signature")
    return fields


def pay_sign(
    appid: str, timestamp: str, nonce: str, package: str, private_key: rsa.RSAPrivateKey
) -> str:
    """The ``paySign`` of ``wx.requestPayment`` parameters."""
    return sign(f"{appid}\n{timestamp}\n{nonce}\n{package}\n".encode(), private_key)
