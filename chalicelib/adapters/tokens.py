"""Signed, expiring session tokens for members (HMAC-SHA256, no server state)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from uuid import UUID


class InvalidToken(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionTokens:
    def __init__(self, secret: bytes, ttl_s: int) -> None:
        if len(secret) < 16:
            raise ValueError("session secret must be at least 16 bytes")
        self._secret = secret
        self.ttl_s = ttl_s

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._secret, payload.encode(), hashlib.sha256).digest())

    def issue(self, member_id: UUID, now: datetime) -> tuple[str, int]:
        expires = int(now.timestamp()) + self.ttl_s
        payload = _b64(json.dumps({"sub": str(member_id), "exp": expires}).encode())
        return f"{payload}.{self._sign(payload)}", expires

    def verify(self, token: str, now: datetime) -> UUID:
        payload, _, signature = token.partition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            raise InvalidToken("bad session token")
        try:
            claims = json.loads(_unb64(payload))
            member_id = UUID(claims["sub"])
            expires = int(claims["exp"])
        except (ValueError, KeyError, TypeError) as error:
            raise InvalidToken("bad session token") from error
        if now.timestamp() >= expires:
            raise InvalidToken("session expired")
        return member_id
