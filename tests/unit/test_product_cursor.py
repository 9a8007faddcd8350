"""Product search cursors: opaque, good for the sort they came from, and any
other text a 400 naming `cursor`."""

from __future__ import annotations

import base64

import pytest

from chalicelib.api.product_cursors import decode_position, encode_position
from chalicelib.application.errors import InvalidInput
from chalicelib.projections.product_search_queries import SORTS, Position

ID = "0b0e3c52-1e6f-4a57-9a64-5d2f8e7f0a11"


@pytest.mark.parametrize("position", [Position(s, k, ID) for s in SORTS for k in (0, -42, 7)])
def test_a_cursor_names_the_position_it_was_made_from(position: Position) -> None:
    cursor = encode_position(position)
    assert "=" not in cursor and ":" not in cursor
    assert decode_position(cursor, position.sort) == position


def test_no_cursor_is_the_first_page() -> None:
    assert decode_position(None, "sales") is None


def raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not a cursor",
        "%%%",
        "A" * 200,
        raw("sales:1"),
        raw(f"sales:x:{ID}"),
        raw(f"sales:1:{ID.upper()}"),
        raw(f"sales:{'9' * 20}:{ID}"),
        raw(f"rating:1:{ID}"),
        raw(f"price_asc:1:{ID}"),  # another sort's cursor
        raw(f"sales:1:{ID}\n"),
        "_-_-",
        base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="),
    ],
)
def test_anything_else_is_refused_naming_cursor(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_position(cursor, "sales")
    assert refused.value.field == "cursor"
