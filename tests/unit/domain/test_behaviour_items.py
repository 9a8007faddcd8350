"""Behaviour events (POST /track), one item at a time: each kind's fields, the
field each mistake is reported under, and the client's clock against the server's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain.behaviour import Rejection, Tracked, check_item

NOW = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
AT = "2026-11-01T09:59:00+08:00"  # a minute before NOW
PRODUCT = "6f1d2f3e-58a4-4c1e-9a57-4d0c4f1f7a11"

GOOD: dict[str, dict[str, Any]] = {
    "launch": {
        "scene": 1058,
        "query": {"from": "article", "id": "123"},
        "path": "pages/index/index",
        "inviter": "INV42",
        "share_ticket": "tkt",
    },
    "page_view": {"path": "pages/cart/cart", "query": {}},
    "product_view": {"product_id": PRODUCT},
    "search": {"text": "乌龙茶", "result_count": 0},
    "share": {"path": "pages/product/product?id=1", "channel": "moments"},
    "checkout_view": {},
}


def item(of: str, **fields: Any) -> dict[str, Any]:
    return {"id": "e-1", "kind": of, "at": AT, **GOOD[of], **fields}


def accepted(raw: object) -> Tracked:
    result = check_item(0, raw, NOW)
    assert isinstance(result, Tracked), result
    return result


def refused(raw: object, index: int = 3) -> Rejection:
    result = check_item(index, raw, NOW)
    assert isinstance(result, Rejection), result
    assert result.index == index
    return result


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_each_kind_is_kept_with_its_fields(kind: str) -> None:
    tracked = accepted(item(kind))
    assert tracked.kind == kind
    assert tracked.client_id == "e-1"
    assert tracked.fields == GOOD[kind]
    assert tracked.at == NOW - timedelta(minutes=1)
    assert tracked.client_at == AT


def test_optional_fields_may_be_left_out() -> None:
    launch = {k: v for k, v in item("launch").items() if k not in ("inviter", "share_ticket")}
    del launch["query"]
    assert accepted(launch).fields == {"scene": 1058, "path": "pages/index/index", "query": {}}
    assert accepted({k: v for k, v in item("page_view").items() if k != "query"}).fields == {
        "path": "pages/cart/cart",
        "query": {},
    }


BAD: list[tuple[dict[str, Any], str]] = [
    ({"id": ""}, "id"),
    ({"id": "x" * 65}, "id"),
    ({"id": "a/b"}, "id"),
    ({"id": 7}, "id"),
    ({"kind": "purchase"}, "kind"),
    ({"kind": None}, "kind"),
    ({"at": "yesterday"}, "at"),
    ({"at": "2026-11-01T09:59:00"}, "at"),  # no offset
    ({"at": 1761962340}, "at"),
    ({"scene": "1058"}, "scene"),
    ({"scene": True}, "scene"),
    ({"scene": -1}, "scene"),
    ({"query": ["from", "menu"]}, "query"),
    ({"query": {f"k{i}": "v" for i in range(21)}}, "query"),
    ({"query": {"from": 1}}, "query.from"),
    ({"query": {"from": "x" * 513}}, "query.from"),
    ({"path": ""}, "path"),
    ({"path": "p" * 257}, "path"),
    ({"path": "pages/\x00"}, "path"),
    ({"inviter": 5}, "inviter"),
    ({"share_ticket": "t" * 257}, "share_ticket"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_a_bad_launch_is_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    rejection = refused(item("launch", **change))
    assert rejection.field == field
    assert rejection.message
    expected_id = change.get("id", "e-1")
    assert rejection.client_id == (expected_id if field != "id" else None)


@pytest.mark.parametrize(
    ("kind", "change", "field"),
    [
        ("page_view", {"path": None}, "path"),
        ("page_view", {"scene": 1001}, "scene"),
        ("product_view", {"product_id": "tea"}, "product_id"),
        ("product_view", {"product_id": 12}, "product_id"),
        ("search", {"text": " "}, "text"),
        ("search", {"text": "茶" * 101}, "text"),
        ("search", {"result_count": -1}, "result_count"),
        ("search", {"result_count": 1.5}, "result_count"),
        ("share", {"channel": "email"}, "channel"),
        ("share", {"path": 3}, "path"),
        ("checkout_view", {"path": "pages/checkout"}, "path"),
    ],
)
def test_each_kind_checks_its_own_fields(kind: str, change: dict[str, Any], field: str) -> None:
    assert refused(item(kind, **change)).field == field


def test_an_item_that_is_not_an_object_is_refused() -> None:
    rejection = refused(["launch"], index=0)
    assert (rejection.field, rejection.client_id) == ("item", None)


def test_a_time_ahead_of_the_server_is_taken_as_now() -> None:
    for ahead in ("2026-11-01T10:00:01+08:00", "2026-11-02T02:00:00Z", "9999-12-31T23:59:59-14:00"):
        tracked = accepted(item("checkout_view", at=ahead))
        assert tracked.at == NOW
        assert tracked.client_at == ahead


def test_a_time_within_seven_days_is_kept_in_utc() -> None:
    week_ago = "2026-10-25T10:00:00+08:00"  # exactly 7 days before NOW
    assert accepted(item("checkout_view", at=week_ago)).at == NOW - timedelta(days=7)


@pytest.mark.parametrize("old", ["2026-10-25T09:59:59+08:00", "0001-01-01T00:00:00+14:00"])
def test_a_time_over_seven_days_old_is_out_of_range(old: str) -> None:
    rejection = refused(item("checkout_view", at=old))
    assert rejection.field == "at"
    assert "out of range" in rejection.message
