"""Platform-signed messages: notifications and API responses (``Wechatpay-*`` headers)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from .aead import ALGORITHM, decrypt_resource
from .crypto import MAX_SKEW_S, check_timestamp, sign, verify
from .errors import NotificationRejected


@dataclass(frozen=True)
class PayNotification:
    """A verified, decrypted notification; ``resource`` is the plaintext."""

    id: str
    event_type: str
    create_time: str
    resource: dict[str, Any]


def _message(timestamp: str, nonce: str, body: bytes) -> bytes:
    return timestamp.encode() + b"\n" + nonce.encode() + b"\n" + body + b"\n"


def sign_message(
    timestamp: str | int, nonce: str, body: bytes | str, private_key: rsa.RSAPrivateKey
) -> str:
    """The platform's signature of a response or notification body."""
    raw = body.encode() if isinstance(body, str) else body
    return sign(_message(str(timestamp), nonce, raw), private_key)


def header_value(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (proxies and API Gateway change the case)."""
    if name in headers:
        return headers[name]
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def platform_key_for(
    platform_keys: Mapping[str, rsa.RSAPublicKey], serial: str
) -> rsa.RSAPublicKey | None:
    """The key a ``Wechatpay-Serial`` names. A certificate serial is hex, and the
    platform, the merchant console and ``openssl x509 -serial`` do not agree on its
    case: it matches whatever the case (a ``PUB_KEY_ID_…`` as well)."""
    if serial in platform_keys:
        return platform_keys[serial]
    wanted = serial.upper()
    return next((key for name, key in platform_keys.items() if name.upper() == wanted), None)


def verify_notification_signature(
    headers: Mapping[str, str],
    body: bytes,
    platform_keys: Mapping[str, rsa.RSAPublicKey],
    now: datetime,
    max_skew_s: int = MAX_SKEW_S,
) -> None:
    """Verifies the ``Wechatpay-*`` headers of a notification or an API response."""
    serial = header_value(headers, "Wechatpay-Serial")
    timestamp = header_value(headers, "Wechatpay-Timestamp")
    nonce = header_value(headers, "Wechatpay-Nonce")
    signature = header_value(headers, "Wechatpay-Signature")
    if serial is None or timestamp is None or nonce is None or signature is None:
        raise NotificationRejected("malformed")
    public_key = platform_key_for(platform_keys, serial)
    if public_key is None:
        raise NotificationRejected("unknown serial")
    check_timestamp(timestamp, now, max_skew_s)
    if not verify(_message(timestamp, nonce, body), signature, public_key):
        raise NotificationRejected("bad signature")


def parse_notification(
    headers: Mapping[str, str],
    body: bytes,
    *,
    platform_keys: Mapping[str, rsa.RSAPublicKey],
    apiv3_key: bytes,
    now: datetime,
) -> PayNotification:
    """Verifies signature and timestamp before reading anything, then decrypts.

    Every failure is a ``NotificationRejected``.
    """
    verify_notification_signature(headers, body, platform_keys, now)
    try:
        envelope = json.loads(body)
    except ValueError:
        raise NotificationRejected("malformed") from None
    if not isinstance(envelope, dict):
        raise NotificationRejected("malformed")
    notification_id = envelope.get("id")
    event_type = envelope.get("event_type")
    create_time = envelope.get("create_time")
    resource = envelope.get("resource")
    if not (
        isinstance(notification_id, str)
        and isinstance(event_type, str)
        and isinstance(create_time, str)
        and isinstance(resource, dict)
    ):
        raise NotificationRejected("malformed")
    if resource.get("algorithm") != ALGORITHM:
        raise NotificationRejected("malformed")
    plaintext = decrypt_resource(resource, apiv3_key)
    return PayNotification(notification_id, event_type, create_time, plaintext)
