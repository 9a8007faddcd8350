"""Cursors of product search pages: opaque to callers, the base64url
(unpadded) text of the position the last page ended at, `<sort>:<key>:<product
id>` (projections/product_search_queries.py `Position`), never an offset. A
cursor is only good for the sort it was given out for."""

from __future__ import annotations

import base64
import binascii
import re

from ..application.errors import InvalidInput
from ..projections.product_search_queries import SORTS, Position

MAX_CURSOR = 120
"""Characters a cursor may have (ours have at most 100)."""
_POSITION = re.compile(
    r"(?P<sort>[a-z_]{1,10}):(?P<key>-?[0-9]{1,19}):"
    r"(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
)


def encode_position(position: Position) -> str:
    text = f"{position.sort}:{position.key}:{position.product_id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_position(text: str | None, sort: str) -> Position | None:
    """The position a `cursor` parameter names (None when not given); anything
    that is not a cursor given out for this `sort` is a 400 naming `cursor`."""
    if text is None:
        return None
    wrong = InvalidInput("cursor", f"a next_cursor from an earlier page sorted by {sort}")
    if len(text) > MAX_CURSOR or not re.fullmatch(r"[A-Za-z0-9_-]+", text):
        raise wrong
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise wrong from None
    found = _POSITION.fullmatch(decoded)
    if found is None or found["sort"] != sort or sort not in SORTS:
        raise wrong
    return Position(sort, int(found["key"]), found["id"])
