"""Bargain (砍价) over HTTP on both runtimes: start, friends help to the floor,
buy and pay through the signed sandbox; the refusals and bad input."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any
from uuid import uuid4

from tests.support.stack import Stack

ADDRESS = {
    "receiver": "张三丰",
    "phone": "13912345678",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技南路 88 号",
}
EXPRESS = {"delivery": {"method": "express", "address": ADDRESS}}


def bargain_campaign(stack: Stack, code: str = "kan") -> None:
    stack.list_product("tea", [("TEA", 2500, 20)])
    now = stack.clock.now()
    campaign = {
        "code": code,
        "kind": "bargain",
        "title": "砍到 9.9 元",
        "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 5}],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat(),
        "rules": {"helps_needed": 3, "bargain_hours": 24},
    }
    status, answer = stack.call("POST", "/admin/campaigns", admin=True, body=campaign)
    assert status == 201, answer
    status, answer = stack.call("POST", f"/admin/campaigns/{code}/start", admin=True)
    assert status == 200, answer


def friend(stack: Stack, name: str, nickname: str = "") -> str:
    token = stack.login(name)
    if nickname:
        assert stack.call("POST", "/me/profile", token=token, body={"nickname": nickname})[0] == 200
    return token


def start(stack: Stack, token: str) -> dict[str, Any]:
    status, bargain = stack.call("POST", "/campaigns/kan/bargains", token=token, body={})
    assert status == 201, bargain
    return dict(bargain)


def test_friends_cut_it_to_the_floor_and_the_starter_buys_and_pays(stack: Stack) -> None:
    bargain_campaign(stack)
    alice = stack.login("alice")
    bargain = start(stack, alice)
    assert (bargain["price_fen"], bargain["floor_fen"], bargain["helps_left"]) == (2500, 990, 3)
    assert bargain["mine"] and bargain["can_buy"] and not bargain["can_help"]
    path = f"/bargains/{bargain['id']}"
    again_status, again = stack.call("POST", "/campaigns/kan/bargains", token=alice, body={})
    assert (again_status, again["id"]) == (200, bargain["id"])

    status, own = stack.call("POST", f"{path}/help", token=alice)
    assert (status, own["code"]) == (409, "own_bargain")

    prices = [2500]
    for name, nickname in (("bob", "鲍勃"), ("carol", ""), ("dave", "大卫")):
        token = friend(stack, name, nickname)
        _, seen = stack.call("GET", path, token=token)
        assert seen["can_help"] and not seen["mine"] and seen["order_id"] is None
        status, helped = stack.call("POST", f"{path}/help", token=token)
        assert status == 200, helped
        assert helped["your_cut_fen"] >= 1 and not helped["can_help"] and helped["helped"]
        assert helped["price_fen"] == prices[-1] - helped["your_cut_fen"]
        prices.append(helped["price_fen"])
    assert prices[-1] == 990

    _, page = stack.call("GET", path, token=alice)
    assert page["floor_reached"] and page["helps_left"] == 0 and page["cut_fen"] == 2500 - 990
    assert [h["nickname"] for h in page["helps"]] == ["鲍**", "微信用户", "大**"]
    assert [h["cut_fen"] for h in page["helps"]] == [a - b for a, b in pairwise(prices)]
    erin = stack.login("erin")
    status, late = stack.call("POST", f"{path}/help", token=erin)
    assert (status, late["code"]) == (409, "floor_reached")
    status, twice = stack.call("POST", f"{path}/help", token=friend(stack, "bob"))
    assert (status, twice["code"]) == (409, "already_helped")

    status, stranger = stack.call("POST", f"{path}/orders", token=erin, body=EXPRESS)
    assert (status, stranger["code"]) == (404, "not_found")
    status, order = stack.call("POST", f"{path}/orders", token=alice, body=EXPRESS)
    assert status == 201, order
    assert order["lines"][0]["unit_price_fen"] == 990 and order["lines"][0]["quantity"] == 1
    assert order["delivery"]["address"] == ADDRESS
    status, twice = stack.call("POST", f"{path}/orders", token=alice, body=EXPRESS)
    assert (status, twice["code"]) == (409, "already_bought")

    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    _, paid = stack.call("GET", f"/orders/{order['id']}", token=alice)
    assert paid["status"] == "paid"
    _, page = stack.call("GET", path, token=alice)
    assert page["order_id"] == order["id"] and not page["can_buy"]


def test_expiry_cancelled_orders_and_bad_input(stack: Stack) -> None:
    bargain_campaign(stack)
    alice = stack.login("alice")
    bargain = start(stack, alice)
    path = f"/bargains/{bargain['id']}"
    bob = friend(stack, "bob")
    assert stack.call("POST", f"{path}/help", token=bob)[0] == 200

    _, order = stack.call("POST", f"{path}/orders", token=alice, body=EXPRESS)
    status, cancelled = stack.call("POST", f"/orders/{order['id']}/cancel", token=alice)
    assert (status, cancelled["status"]) == (200, "cancelled")
    _, page = stack.call("GET", path, token=alice)
    assert page["can_buy"] and page["order_id"] is None
    status, _ = stack.call("POST", f"{path}/orders", token=alice, body=EXPRESS)
    assert status == 201

    bad = [
        ("POST", "/campaigns/kan/bargains", {"sku_id": 5}, 400, "sku_id"),
        ("POST", "/campaigns/kan/bargains", {"sku_id": "NOPE"}, 400, "sku_id"),
        ("POST", f"{path}/orders", {"delivery": {"method": "express"}}, 400, "delivery"),
        ("POST", f"{path}/orders", {**EXPRESS, "points": -1}, 400, "points"),
        ("POST", f"{path}/orders", {**EXPRESS, "quantity": 2}, 400, "quantity"),
    ]
    for method, route, body, expected, field in bad:
        status, answer = stack.call(method, route, token=alice, body=body)
        assert (status, answer["code"]) == (expected, "invalid_request"), (route, answer)
        assert field in answer["message"], answer
    for route in ("/bargains/not-a-uuid", f"/bargains/{uuid4()}"):
        status, answer = stack.call("GET", route, token=alice)
        assert (status, answer["code"]) == (404, "not_found")
    assert stack.call("POST", "/campaigns/nope/bargains", token=alice, body={})[0] == 404
    assert stack.call("GET", path)[0] == 401
    for junk in (b"[]", b"{", b"\xff"):
        response = stack.http.post(
            stack.base_url + f"{path}/orders",
            data=junk,
            headers={"Authorization": f"Bearer {alice}", "Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text

    stack.clock.advance(hours=24)
    status, expired = stack.call("POST", f"{path}/help", token=friend(stack, "carol"))
    assert (status, expired["code"]) == (409, "bargain_expired")
    _, page = stack.call("GET", path, token=stack.login("alice"))
    assert page["expired"] and not page["can_buy"]
