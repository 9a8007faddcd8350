"""RSA-SHA256 (PKCS#1 v1.5) primitives shared by the WeChat Pay signature schemes."""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import NotificationRejected

MAX_SKEW_S = 300
_NONCE_ALPHABET = string.ascii_uppercase + string.digits


def load_private_key(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def load_public_key(pem: bytes) -> rsa.RSAPublicKey:
    """Accepts a PUBLIC KEY PEM (public-key mode) or a platform certificate PEM."""
    key = (
        x509.load_pem_x509_certificate(pem).public_key()
        if b"BEGIN CERTIFICATE" in pem
        else serialization.load_pem_public_key(pem)
    )
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def random_nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


def sign(message: bytes, private_key: rsa.RSAPrivateKey) -> str:
    signature = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def verify(message: bytes, signature_b64: str, public_key: rsa.RSAPublicKey) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def check_timestamp(timestamp: str, now: datetime, max_skew_s: int = MAX_SKEW_S) -> None:
    """Rejects a Unix timestamp more than ``max_skew_s`` seconds away from ``now``."""
    try:
        seconds = int(timestamp)
    except ValueError:
        raise NotificationRejected("malformed") from None
    if abs(now.timestamp() - seconds) > max_skew_s:
        raise NotificationRejected("stale timestamp")
