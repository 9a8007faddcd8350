"""Order lists over HTTP on both runtimes: a member's orders and the operators'
search, cursor-paged newest first; each search filter; the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from chalicelib.domain.calendar import BEIJING, beijing_date
from tests.support.stack import ADMIN, Stack

PICKUP = {"method": "pickup", "store_id": "s1"}
CAMPAIGN = {
    "code": "double11",
    "kind": "flash_sale",
    "title": "双十一 秒杀",
    "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 3}],
    "starts_at": "2026-01-01T00:00:00+08:00",
    "ends_at": "2099-01-01T00:00:00+08:00",
    "per_member_limit": 1,
}


def list_tea(stack: Stack) -> None:
    body = {
        "slug": "tea",
        "title": "=西湖龙井",
        "category": "茶",
        "skus": [{"sku_id": "TEA", "name": "50克", "price_fen": 6800, "stock": 100}],
    }
    assert stack.call("POST", "/admin/products", admin=True, body=body)[0] == 201


def place(stack: Stack, token: str, quantity: int = 1) -> str:
    body = {"lines": [{"sku_id": "TEA", "quantity": quantity}], "delivery": PICKUP}
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    return str(order["id"])


def ids(answer: dict[str, Any]) -> list[str]:
    return [order["id"] for order in answer["items"]]


def admin_ids(stack: Stack, query: str) -> list[str]:
    status, answer = stack.call("GET", f"/admin/orders?{query}", admin=True)
    assert status == 200, answer
    assert answer["next_cursor"] is None
    return ids(answer)


def field_of(stack: Stack, path: str, **kw: Any) -> str:
    status, answer = stack.call("GET", path, **kw)
    assert status == 400, (path, answer)
    return str(answer["details"]["errors"][0]["field"])


def test_a_member_pages_through_their_orders(stack: Stack) -> None:
    list_tea(stack)
    alice, bob = stack.login("alice"), stack.login("bob")
    mine = []
    for i in range(5):
        mine.append(place(stack, alice))
        place(stack, bob)
        if i % 2:
            stack.clock.advance(minutes=1)
    status, first = stack.call("GET", "/orders?limit=2", token=alice)
    assert status == 200 and len(first["items"]) == 2 and first["next_cursor"]
    assert set(first["items"][0]) >= {"id", "status", "lines", "price", "delivery", "note"}
    pages, cursor = [ids(first)], first["next_cursor"]
    while cursor:
        _, page = stack.call("GET", f"/orders?limit=2&cursor={cursor}", token=alice)
        pages.append(ids(page))
        cursor = page["next_cursor"]
    placed_at = {
        oid: stack.call("GET", f"/orders/{oid}", token=alice)[1]["placed_at"] for oid in mine
    }
    flat = [oid for page in pages for oid in page]
    assert sorted(flat) == sorted(mine) and len(pages) == 3
    assert [placed_at[o] for o in flat] == sorted(placed_at.values(), reverse=True)
    _, everything = stack.call("GET", "/orders", token=alice)  # 20 by default
    assert ids(everything) == flat and everything["next_cursor"] is None
    # bob's cursor positions alice nowhere into bob's orders
    _, bobs = stack.call("GET", f"/orders?limit=1&cursor={first['next_cursor']}", token=bob)
    assert set(ids(bobs)).isdisjoint(mine)

    for bad in ["0", "101", "x", "-1", "%00"]:
        assert field_of(stack, f"/orders?limit={bad}", token=alice) == "limit"
    for bad in ["nope", "%00", "x" * 300, "MTI"]:
        assert field_of(stack, f"/orders?cursor={bad}", token=alice) == "cursor"
    assert field_of(stack, "/orders?status=bogus", token=alice) == "status"


def test_the_operators_search_by_each_filter(stack: Stack) -> None:
    list_tea(stack)
    assert stack.call("POST", "/admin/campaigns", admin=True, body=CAMPAIGN)[0] == 201
    assert stack.call("POST", "/admin/campaigns/double11/start", admin=True)[0] == 200
    alice, bob = stack.login("alice"), stack.login("bob")
    alice_id = stack.call("GET", "/me", token=alice)[1]["member_id"]
    now = stack.clock.now().astimezone(BEIJING)
    stack.clock.set(now.replace(hour=23, minute=0) + timedelta(days=1))
    d1 = beijing_date(stack.clock.now())
    d2, d3 = d1 + timedelta(days=1), d1 + timedelta(days=2)
    day1 = place(stack, alice)  # 23:00 in Beijing, 15:00 UTC
    stack.clock.advance(hours=2)
    day2 = place(stack, bob)  # 01:00 the next day in Beijing, still the same day in UTC
    stack.clock.advance(minutes=1)
    cancelled = place(stack, bob)
    stack.call("POST", f"/orders/{cancelled}/cancel", token=bob)
    stack.clock.advance(minutes=1)
    body = {"sku_id": "TEA", "quantity": 1, "delivery": PICKUP}
    status, flash = stack.call("POST", "/campaigns/double11/orders", token=alice, body=body)
    assert status == 201, flash
    newest_first = [flash["id"], cancelled, day2, day1]

    assert admin_ids(stack, "") == newest_first  # no filter: every order
    assert admin_ids(stack, "status=cancelled") == [cancelled]  # as before: one status
    assert admin_ids(stack, "status=cancelled,pending_payment") == newest_first
    assert admin_ids(stack, "status=cancelled&status=paid") == [cancelled]
    assert admin_ids(stack, f"from={d1}&to={d1}") == [day1]
    assert admin_ids(stack, f"from={d2}") == [flash["id"], cancelled, day2]
    assert admin_ids(stack, f"to={d1}") == [day1]
    assert admin_ids(stack, f"from={d3}") == []
    assert admin_ids(stack, f"member={alice_id}") == [flash["id"], day1]
    assert admin_ids(stack, f"member={alice_id}&from={d2}") == [flash["id"]]
    assert admin_ids(stack, f"order={day2}") == [day2]
    assert admin_ids(stack, f"order={day2}&status=cancelled") == []
    assert admin_ids(stack, "campaign=double11") == [flash["id"]]
    assert admin_ids(stack, "campaign=nope") == []
    status, page = stack.call("GET", "/admin/orders?limit=3&status=pending_payment", admin=True)
    assert ids(page) == [flash["id"], day2, day1] and page["next_cursor"] is None
    _, first = stack.call("GET", "/admin/orders?limit=2", admin=True)
    cursor = first["next_cursor"]
    assert admin_ids(stack, f"limit=2&cursor={cursor}") == [day2, day1]

    bad = {
        "status=bogus": "status",
        "status=paid,": "status",
        "from=2026-02-30": "from",
        "to=tomorrow": "to",
        f"from={d2}&to={d1}": "from",
        "member=alice": "member",
        "order=42": "order",
        f"campaign={quote('双11')}": "campaign",
        "limit=1000": "limit",
        "cursor=abc": "cursor",
        "format=xml": "format",
    }
    for query, field in bad.items():
        assert field_of(stack, f"/admin/orders?{query}", admin=True) == field, query
    _, allowed = stack.call("GET", "/admin/orders?status=bogus", admin=True)
    assert "pending_payment" in allowed["message"] and "refunded" in allowed["message"]
    assert stack.call("GET", "/admin/orders")[0] == 401
    assert stack.call("GET", "/admin/orders?format=csv")[0] == 401


def test_the_search_as_csv_with_a_bom_and_chinese(stack: Stack) -> None:
    list_tea(stack)
    alice = stack.login("alice")
    first = place(stack, alice, 2)
    stack.clock.advance(minutes=1)
    second = place(stack, alice)
    stack.call("POST", f"/orders/{second}/cancel", token=alice)
    stack.settle()  # stack.call settles before each request; a raw request does not
    response = stack.http.get(stack.base_url + "/admin/orders?format=csv", headers=ADMIN)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "order_id",
        "placed_at",
        "status",
        "member_id",
        "items",
        "total_fen",
        "paid_fen",
        "refunded_fen",
        "campaign",
        "coupon",
    ]
    assert [row[0] for row in rows[1:]] == [second, first]
    assert rows[1][2] == "cancelled" and rows[2][2] == "pending_payment"
    assert rows[2][4].startswith("'=西湖龙井") and rows[2][4].endswith("×2")  # guarded formula
    assert rows[2][5:8] == ["13600", "0", "0"]
    assert len(rows[2][1]) == len("2026-11-10 23:00:00")
    only = stack.http.get(
        stack.base_url + "/admin/orders?format=csv&status=cancelled&limit=1", headers=ADMIN
    )
    assert [row[0] for row in csv.reader(io.StringIO(only.content.decode("utf-8-sig")))][1:] == [
        second
    ]
