"""Official-account message push, pure functions: signatures, the AES-CBC safe mode
envelope, and opening an inbound push before anything in it is believed.

Plain mode proves the sender knows the token (``signature`` over token, timestamp and
nonce) but not the body; safe mode adds ``msg_signature`` over the ciphertext and an
appid inside the plaintext, so a push is both authentic and meant for this account.
Either way a signed (timestamp, nonce) pair could be replayed: a push whose timestamp is
more than five minutes from now is refused here, and the caller remembers the pairs it
has seen (application/push_replays.py), so within the window a replay has no effect.
When an EncodingAESKey is configured only safe mode is accepted: a plain push, whose
body nobody signed, is refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .crypto import MAX_SKEW_S, check_timestamp
from .errors import NotificationRejected
from .oa_xml import cdata, parse_push, parse_push_list, text_reply_xml

__all__ = [
    "PushCrypto",
    "check_signature",
    "encrypted_reply_xml",
    "handshake_echo",
    "open_push",
    "open_push_xml",
    "parse_push",
    "parse_push_list",
    "signature",
    "text_reply_xml",
]

BLOCK = 32  # WeChat pads to 32 bytes, not to the AES block size.


def signature(token: str, timestamp: str, nonce: str, *extra: str) -> str:
    """sha1 hex of the lexicographically sorted values joined without separator."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, *extra])).encode()).hexdigest()


def check_signature(given: str, token: str, timestamp: str, nonce: str, *extra: str) -> bool:
    """Constant-time: the comparison must not tell an attacker how much of a guess is right."""
    expected = signature(token, timestamp, nonce, *extra)
    return hmac.compare_digest(expected.encode(), given.encode())


class PushCrypto:
    """Safe mode: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[:16]."""

    def __init__(self, token: str, encoding_aes_key: str, appid: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must have 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except binascii.Error:
            raise ValueError("EncodingAESKey is not base64") from None
        self.token = token
        self.appid = appid
        self._key = key

    def _cipher(self) -> Cipher[modes.CBC]:
        return Cipher(algorithms.AES(self._key), modes.CBC(self._key[:16]))

    def encrypt(self, xml: str, *, random16: bytes | None = None) -> str:
        """random(16) + len(xml) (4 bytes, big-endian) + xml + appid, PKCS#7-padded to 32."""
        prefix = secrets.token_bytes(16) if random16 is None else random16
        if len(prefix) != 16:
            raise ValueError("random16 must be 16 bytes")
        body = xml.encode()
        plain = prefix + len(body).to_bytes(4, "big") + body + self.appid.encode()
        pad = BLOCK - len(plain) % BLOCK
        encryptor = self._cipher().encryptor()
        sealed = encryptor.update(plain + bytes([pad]) * pad) + encryptor.finalize()
        return base64.b64encode(sealed).decode("ascii")

    def decrypt(self, encrypted_b64: str) -> str:
        """The XML inside; NotificationRejected unless padding, length and appid all check."""
        try:
            sealed = base64.b64decode(encrypted_b64, validate=True)
        except binascii.Error:
            raise NotificationRejected("malformed") from None
        if not sealed or len(sealed) % 16:
            raise NotificationRejected("malformed")
        decryptor = self._cipher().decryptor()
        plain = decryptor.update(sealed) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise NotificationRejected("bad padding")
        content = plain[16:-pad]
        length = int.from_bytes(content[:4], "big")
        if len(content) < 4 + length:
            raise NotificationRejected("malformed")
        if not hmac.compare_digest(content[4 + length :], self.appid.encode()):
            raise NotificationRejected("wrong appid")
        try:
            return content[4 : 4 + length].decode("utf-8")
        except UnicodeDecodeError:
            raise NotificationRejected("malformed") from None


def encrypted_reply_xml(crypto: PushCrypto, reply_xml: str, timestamp: str, nonce: str) -> str:
    """A passive reply in safe mode: the encrypted reply and its msg_signature."""
    encrypted = crypto.encrypt(reply_xml)
    msg_signature = signature(crypto.token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt>{cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{cdata(msg_signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
    )


def handshake_echo(query: Mapping[str, str], token: str) -> str:
    """The server-URL check (GET): ``echostr`` when the signature matches."""
    signed, echostr = _signed(query), query.get("echostr")
    if echostr is None or not check_signature(query["signature"], token, *signed):
        raise NotificationRejected("bad signature")
    return echostr


def open_push(
    *,
    query: Mapping[str, str],
    body: bytes,
    token: str,
    crypto: PushCrypto | None,
    now: datetime,
) -> tuple[dict[str, str], bool]:
    """Verifies and reads a push: ``(message, safe)``; NotificationRejected otherwise."""
    xml_text, safe = open_push_xml(query=query, body=body, token=token, crypto=crypto, now=now)
    return parse_push(xml_text), safe


def open_push_xml(
    *,
    query: Mapping[str, str],
    body: bytes,
    token: str,
    crypto: PushCrypto | None,
    now: datetime,
) -> tuple[str, bool]:
    """Verifies a push and returns its XML text: ``(xml_text, safe)``, for pushes whose
    nested parts (``parse_push_list``) a flat message would lose.

    ``signature`` is checked always, then the timestamp's distance from ``now`` (at most
    MAX_SKEW_S, five minutes); in safe mode (``encrypt_type=aes``) also
    ``msg_signature`` over ``<Encrypt>``, before the ciphertext is decrypted. With a
    ``crypto`` (an EncodingAESKey is configured) plain mode is refused.
    The text returned has passed the parser's safety rules once already.
    """
    timestamp, nonce = _signed(query)
    if not check_signature(query["signature"], token, timestamp, nonce):
        raise NotificationRejected("bad signature")
    check_timestamp(timestamp, now, MAX_SKEW_S)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotificationRejected("malformed") from None
    encrypt_type = query.get("encrypt_type", "raw")
    if encrypt_type == "raw" and crypto is not None:
        raise NotificationRejected("plain mode refused: safe mode is configured")
    if encrypt_type == "raw":
        parse_push(text)
        return text, False
    if encrypt_type != "aes":
        raise NotificationRejected("unknown encrypt_type")
    if crypto is None:
        raise NotificationRejected("safe mode is not configured")
    encrypted = parse_push(text).get("Encrypt")
    msg_signature = query.get("msg_signature")
    if not encrypted or msg_signature is None:
        raise NotificationRejected("malformed")
    if not check_signature(msg_signature, token, timestamp, nonce, encrypted):
        raise NotificationRejected("bad msg_signature")
    inner = crypto.decrypt(encrypted)
    parse_push(inner)
    return inner, True


def _signed(query: Mapping[str, str]) -> tuple[str, str]:
    """(timestamp, nonce), once ``signature`` is known to be there too."""
    timestamp, nonce = query.get("timestamp"), query.get("nonce")
    if timestamp is None or nonce is None or query.get("signature") is None:
        raise NotificationRejected("malformed")
    return timestamp, nonce
