"""Personal data (phone, receiver, address) sealed under the member's own key.

A sealed value is "pii1:" + urlsafe base64 of nonce (12 bytes) + AES-GCM
ciphertext and tag; the associated data is the member id's 16 bytes, so a
value sealed for one member cannot be opened as another's. Keys live only in
the key store, never cached here: shredding a member's key makes every value
sealed for them unreadable at once, on every instance."""

from __future__ import annotations

import base64
import json
import os
from typing import Any, Protocol
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "pii1:"
KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


class KeyStore(Protocol):
    """One 256-bit key per member."""

    def get(self, member_id: UUID) -> bytes | None:
        """The member's key; None if there never was one or it was deleted."""

    def put_if_absent(self, member_id: UUID, key: bytes) -> bytes:
        """Stores the key unless the member has one; returns the key stored,
        this one or the one a concurrent writer stored first."""

    def delete(self, member_id: UUID) -> None:
        """Deletes the member's key, if any (crypto-shredding)."""


class PersonalData:
    def __init__(self, keys: KeyStore) -> None:
        self._keys = keys

    def seal(self, member_id: UUID, text: str) -> str:
        key = self._keys.get(member_id)
        if key is None:
            key = self._keys.put_if_absent(member_id, AESGCM.generate_key(bit_length=256))
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, text.encode("utf-8"), member_id.bytes)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, member_id: UUID, sealed: str | None) -> str | None:
        """The text, or None: nothing sealed, the key shredded, not a sealed
        value, sealed for another member, or altered."""
        blob = _unwrap(sealed)
        if blob is None:
            return None
        key = self._keys.get(member_id)
        if key is None:
            return None
        nonce, ciphertext = blob[:NONCE_BYTES], blob[NONCE_BYTES:]
        try:
            plain = AESGCM(key).decrypt(nonce, ciphertext, member_id.bytes)
        except InvalidTag:
            return None
        return plain.decode("utf-8")

    def seal_json(self, member_id: UUID, obj: dict[str, Any]) -> str:
        return self.seal(member_id, json.dumps(obj, ensure_ascii=False, separators=(",", ":")))

    def open_json(self, member_id: UUID, sealed: str | None) -> dict[str, Any] | None:
        text = self.open(member_id, sealed)
        if text is None:
            return None
        try:
            obj = json.loads(text)
        except ValueError:
            return None
        return obj if isinstance(obj, dict) else None

    def shred(self, member_id: UUID) -> None:
        self._keys.delete(member_id)

    def is_sealed(self, value: str) -> bool:
        """Whether the value is canonically one `seal` made (it may not open)."""
        return _unwrap(value) is not None

    def has_key(self, member_id: UUID) -> bool:
        return self._keys.get(member_id) is not None


def _unwrap(sealed: str | None) -> bytes | None:
    """Nonce + ciphertext + tag, if `sealed` is canonically one of ours."""
    if not isinstance(sealed, str) or not sealed.startswith(PREFIX):
        return None
    body = sealed[len(PREFIX) :]
    try:
        blob = base64.urlsafe_b64decode(body)
    except ValueError:  # binascii.Error: not base64
        return None
    if base64.urlsafe_b64encode(blob).decode("ascii") != body:
        return None
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        return None
    return blob
