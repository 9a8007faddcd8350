"""Pseudonyms of WeChat identities: HMAC-SHA256 under a server secret, so the
same openid or unionid always gives the same pseudonym, and a pseudonym tells
nothing about the identity to anyone without the secret (not even whether a
known openid is among them)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

MIN_SECRET_BYTES = 16


class KeyedPseudonyms:
    """`secret` is asked for on first use (on AWS it must be configured)."""

    def __init__(self, secret: Callable[[], bytes]) -> None:
        self._secret = secret
        self._key: bytes | None = None

    def of(self, kind: str, value: str) -> str:
        """The pseudonym of an identity: `kind` is "openid" or "unionid"."""
        if self._key is None:
            key = self._secret()
            if len(key) < MIN_SECRET_BYTES:
                raise ValueError(f"the identity secret must be at least {MIN_SECRET_BYTES} bytes")
            self._key = key
        return hmac.new(self._key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
