"""Cursor paging of order lists: `?limit=` and `?cursor=`. A cursor is opaque
to callers: the base64url (unpadded) text of the position the last page ended
at, an order's rank (placement time in fixed-width UTC, `#`, its order id;
projections/order_status.py `order_rank`), never an offset, so orders placed
between two pages shift nothing."""

from __future__ import annotations

import base64
import binascii
import re

from ..application.errors import InvalidInput

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR = 200
"""Characters a cursor may have (ours have 88)."""
_POSITION = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z#"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def encode_cursor(position: str) -> str:
    return base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")


def decode_cursor(text: str | None) -> str | None:
    """The position a `cursor` parameter names (None when not given); anything
    that is not a cursor this API gave out is a 400 naming `cursor`."""
    if text is None:
        return None
    wrong = InvalidInput("cursor", "a next_cursor from an earlier page")
    if len(text) > MAX_CURSOR or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise wrong
    try:
        position = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise wrong from None
    if not _POSITION.fullmatch(position):
        raise wrong
    return position


def parse_limit(text: str | None) -> int:
    """`limit`: 1..MAX_LIMIT orders a page (DEFAULT_LIMIT when not given)."""
    if text is None:
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= MAX_LIMIT:
        raise InvalidInput("limit", f"a whole number from 1 to {MAX_LIMIT}")
    return int(text)
