"""What callers and operators send is checked at the edge, on both runtimes:
times outside the years 2000–2099 and days likewise are a 400 naming the field,
bodies over a route's size or 64 levels deep are refused before any parser or
model sees them, Chalice's and the gateway's own answers come in the documented
`{code, message, details}` shape, and a draft campaign is as invisible to a
reservation as to GET /campaigns/{code}. Each refusal changes nothing."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.api.inputs import BODY_LIMIT, MAX_DEPTH
from chalicelib.api.schemas import MAX_SKUS
from tests.support.stack import ADMIN, Stack

FAR_PAST = "0001-01-01T00:00:00+08:00"
FAR_FUTURE = "9999-12-31T23:59:59-14:00"
COUPON = {
    "code": "window",
    "title": "限时 5 元",
    "terms": {"kind": "no_threshold", "amount_fen": 500},
    "starts_at": "2026-01-01T00:00:00+08:00",
    "ends_at": "2026-12-31T00:00:00+08:00",
}
CAMPAIGN = {
    "code": "double-11",
    "kind": "flash_sale",
    "title": "双十一秒杀",
    "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 2}],
    "starts_at": "2026-11-11T00:00:00+08:00",
    "ends_at": "2026-11-12T00:00:00+08:00",
}
ORDER = {
    "lines": [{"sku_id": "TEA", "quantity": 1}],
    "delivery": {"method": "pickup", "store_id": "s1"},
}


def fields_of(answer: Any) -> list[str]:
    return [error["field"] for error in answer["details"]["errors"]]


def raw(stack: Stack, method: str, path: str, data: bytes, **headers: str) -> Any:
    stack.settle()
    sent = {"Content-Type": "application/json", **ADMIN, **headers}
    return stack.http.request(method, stack.base_url + path, data=data, headers=sent)


def announce_a_huge_body(base_url: str, path: str) -> tuple[int, Any]:
    """Headers announcing 10 MB and one byte, then no body at all."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {10 * 1024 * 1024 + 1}\r\n\r\n".encode()
        )
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def assert_documented(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    assert set(answer) == {"code", "message", "details"}, answer
    assert answer["code"] == code and answer["message"], answer
    return answer


@pytest.mark.parametrize(
    ("route", "document", "field", "value"),
    [
        ("/admin/coupon-templates", COUPON, "starts_at", FAR_PAST),
        ("/admin/coupon-templates", COUPON, "ends_at", FAR_FUTURE),
        ("/admin/campaigns", CAMPAIGN, "starts_at", FAR_PAST),
        ("/admin/campaigns", CAMPAIGN, "ends_at", FAR_FUTURE),
        ("/admin/campaigns", CAMPAIGN, "ends_at", "2100-01-01T00:00:00+08:00"),
        ("/admin/campaigns", CAMPAIGN, "starts_at", "1999-12-31T23:59:59+08:00"),
    ],
)
def test_an_implausible_time_is_a_400_naming_the_field_and_saves_nothing(
    stack: Stack, route: str, document: dict[str, Any], field: str, value: str
) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    before = stack.event_count()
    status, answer = stack.call("POST", route, admin=True, body={**document, field: value})
    assert (status, answer["code"], fields_of(answer)) == (400, "invalid_request", [field])
    assert "2000" in answer["message"] and "2099" in answer["message"]
    assert stack.event_count() == before
    status, answer = stack.call("POST", route, admin=True, body=document)
    assert status == 201, answer  # the years the window holds are taken


def test_an_implausible_day_or_amount_is_a_400_naming_it(stack: Stack) -> None:
    token = stack.login("alice")
    before = stack.event_count()
    status, answer = stack.call("GET", "/admin/notifications?day=0001-01-01", admin=True)
    assert (status, fields_of(answer)) == (400, ["day"])
    status, answer = stack.call("GET", "/admin/notifications/stats?day=9999-12-31", admin=True)
    assert (status, fields_of(answer)) == (400, ["day"])
    status, answer = stack.call("POST", "/me/profile", token=token, body={"birthday": "9999-01-01"})
    assert (status, fields_of(answer)) == (400, ["birthday"])
    too_dear = {**CAMPAIGN, "items": [{"sku_id": "TEA", "price_fen": 100_000_001, "stock": 1}]}
    status, answer = stack.call("POST", "/admin/campaigns", admin=True, body=too_dear)
    assert (status, fields_of(answer)) == (400, ["items[0].price_fen"])
    status, answer = stack.call("POST", "/orders", token=token, body={**ORDER, "points": 10**12})
    assert (status, fields_of(answer)) == (400, ["points"])
    assert stack.event_count() == before


def test_bodies_nested_too_deep_or_too_large_are_refused_before_parsing(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    before = stack.event_count()
    deep = b'{"code": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    answer = assert_documented(raw(stack, "POST", "/auth/login", deep), 400, "invalid_json")
    assert str(MAX_DEPTH) in answer["message"]
    just_too_deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    assert_documented(raw(stack, "POST", "/auth/login", just_too_deep), 400, "invalid_json")
    brackets_in_strings = json.dumps({"code": "[" * 5000}).encode()
    response = raw(stack, "POST", "/auth/login", brackets_in_strings)
    assert response.status_code == 400 and response.json()["code"] == "invalid_request"

    huge_note = json.dumps({**ORDER, "note": "x" * BODY_LIMIT}).encode()
    bearer = {"Authorization": f"Bearer {token}"}
    answer = assert_documented(raw(stack, "POST", "/orders", huge_note, **bearer), 413, "too_large")
    assert answer["details"] == {"limit_bytes": BODY_LIMIT}
    lines = [{"sku_id": "TEA", "quantity": 1}] * 330_000  # about 11 MB: over API Gateway's 10
    huge_array = json.dumps({**ORDER, "lines": lines}).encode()
    assert_documented(raw(stack, "POST", "/orders", huge_array, **bearer), 413, "too_large")
    some_lines = json.dumps({**ORDER, "lines": lines[:2_000]}).encode()  # over the route's 64 KiB
    assert_documented(raw(stack, "POST", "/orders", some_lines, **bearer), 413, "too_large")
    assert stack.event_count() == before

    many_skus = {
        "slug": "big",
        "title": "Big",
        "category": "test",
        "description": "长" * 2000,
        "skus": [
            {"sku_id": f"BIG-{n:060d}", "name": "名" * 50, "price_fen": 100, "stock": 1}
            for n in range(MAX_SKUS)
        ],
    }
    escaped = json.dumps(many_skus, indent=8).encode()  # \uXXXX escapes: over 64 KiB
    assert len(escaped) > BODY_LIMIT
    assert raw(stack, "POST", "/admin/products", escaped).status_code == 201  # a route's own limit


def test_chalice_and_gateway_answers_come_in_the_documented_shape(stack: Stack) -> None:
    token = stack.login("alice")
    bearer = {"Authorization": f"Bearer {token}"}
    for headers in ({}, bearer):  # API Gateway answers differently with an Authorization header
        answer = assert_documented(raw(stack, "GET", "/nope", b"", **headers), 404, "not_found")
        assert "/nope" in answer["message"]
    response = raw(stack, "DELETE", "/orders", b"", **bearer)
    answer = assert_documented(response, 405, "method_not_allowed")
    assert sorted(answer["details"]["allowed"]) == ["GET", "POST"]
    assert sorted(response.headers["Allow"].replace(" ", "").split(",")) == ["GET", "POST"]
    response = raw(stack, "POST", "/orders", b"lines", **{**bearer, "Content-Type": "text/plain"})
    assert_documented(response, 415, "unsupported_media_type")

    status, answer = announce_a_huge_body(stack.base_url, "/orders")
    assert (status, answer["code"]) == (413, "too_large")  # answered without reading the body

    status, answer = stack.call("GET", "/orders?status=bogus", token=token)
    assert (status, fields_of(answer)) == (400, ["status"])
    empty = {"items": [], "next_cursor": None}
    assert stack.call("GET", "/orders?status=paid", token=token) == (200, empty)
    for path, admin in (
        ("/me/coupons?status=bogus", False),
        ("/admin/orders?status=bogus", True),
        ("/admin/outbox?status=bogus", True),
        ("/admin/notifications?status=bogus", True),
    ):
        status, answer = stack.call("GET", path, token=None if admin else token, admin=admin)
        assert (status, fields_of(answer)) == (400, ["status"]), path
    assert stack.call("GET", "/me/coupons?status=usable", token=token)[0] == 200
    assert stack.call("GET", "/admin/outbox?status=sent", admin=True)[0] == 200


def test_a_draft_campaign_can_be_neither_reserved_nor_cancelled(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    starts_at = stack.clock.now() + timedelta(days=1)
    draft = {
        **CAMPAIGN,
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
    }
    assert stack.call("POST", "/admin/campaigns", admin=True, body=draft)[0] == 201
    token = stack.login("alice")
    before = stack.event_count()
    assert stack.call("GET", "/campaigns/double-11")[0] == 404
    for method in ("POST", "DELETE"):
        status, answer = stack.call(method, "/campaigns/double-11/reservation", token=token)
        assert (status, answer["code"]) == (404, "not_found")
    assert stack.event_count() == before
    assert stack.call("POST", "/admin/campaigns/double-11/start", admin=True)[0] == 200
    assert stack.call("POST", "/campaigns/double-11/reservation", token=token)[0] == 200
