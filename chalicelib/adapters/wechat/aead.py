"""AEAD_AES_256_GCM envelopes of WeChat Pay notifications (``resource``)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import NotificationRejected

ALGORITHM = "AEAD_AES_256_GCM"


def encrypt_resource(
    plaintext: dict[str, Any],
    apiv3_key: bytes,
    *,
    nonce: str,
    associated_data: str,
    original_type: str,
) -> dict[str, str]:
    data = json.dumps(plaintext, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = AESGCM(apiv3_key).encrypt(nonce.encode(), data, associated_data.encode())
    return {
        "algorithm": ALGORITHM,
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
        "nonce": nonce,
        "associated_data": associated_data,
        "original_type": original_type,
    }


def decrypt_resource(resource: dict[str, Any], apiv3_key: bytes) -> dict[str, Any]:
    """Opens a ``resource``; the ciphertext carries the 16-byte tag at its end."""
    if resource.get("algorithm") != ALGORITHM:
        raise NotificationRejected("malformed")
    ciphertext, nonce = resource.get("ciphertext"), resource.get("nonce")
    associated_data = resource.get("associated_data") or ""
    if not isinstance(ciphertext, str) or not isinstance(nonce, str):
        raise NotificationRejected("malformed")
    if not isinstance(associated_data, str):
        raise NotificationRejected("malformed")
    try:
        sealed = base64.b64decode(ciphertext, validate=True)
        data = AESGCM(apiv3_key).decrypt(nonce.encode(), sealed, associated_data.encode())
    except (InvalidTag, binascii.Error, ValueError):
        raise NotificationRejected("cannot decrypt") from None
    try:
        plaintext = json.loads(data)
    except ValueError:
        raise NotificationRejected("malformed") from None
    if not isinstance(plaintext, dict):
        raise NotificationRejected("malformed")
    return plaintext
