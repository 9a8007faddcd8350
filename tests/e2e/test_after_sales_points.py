"""Redeemed points given back part by part with after-sales refunds, over HTTP
with signed WeChat Pay refund notifications, on both runtimes: an order paid
partly with points and refunded in two requests leaves the member's balance
exactly where it was before the order; a partly refunded order that completes
earns points on what was paid and kept, as before."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from chalicelib.domain.apportion import points_back
from chalicelib.domain.points_policy import PointsPolicy
from tests.support.stack import Stack

from .test_after_sales import ADDRESS, admin, ask

SEEDED = 1000
REDEEMED = 500  # 100 points = ¥1: 500 fen off
GOODS_PAID = 5997 + 1500 - REDEEMED  # the goods' paid amount, shipping aside


def seeded_member(stack: Stack, user: str) -> tuple[str, UUID]:
    token = stack.login(user)
    _, me = stack.call("GET", "/me", token=token)
    member_id = UUID(me["member_id"])
    account = stack.container.shop.accounts.points_of(member_id)
    account.earn_reward("seed", SEEDED, stack.clock.now(), PointsPolicy())
    stack.container.shop.store.save(account)
    return token, member_id


def balance(stack: Stack, token: str, member_id: UUID) -> int:
    """The balance the member reads, checked against the account's events."""
    _, points = stack.call("GET", "/me/points", token=token)
    assert points["balance"] == stack.container.shop.accounts.points_account(member_id).balance
    return int(points["balance"])


def paid_order_with_points(stack: Stack, token: str) -> str:
    body = {
        "lines": [{"sku_id": "CUP-A", "quantity": 3}, {"sku_id": "CUP-B", "quantity": 1}],
        "delivery": {"method": "express", "address": ADDRESS},
        "points": REDEEMED,
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    assert order["price"]["payable_fen"] == GOODS_PAID + 1000  # shipping below 99 yuan
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return str(order["id"])


def refunded(stack: Stack, token: str, oid: str, lines: dict[str, int]) -> dict[str, Any]:
    """A refund_only request approved and its refund confirmed (delivered twice)."""
    status, request = ask(stack, token, oid, "refund_only", lines)
    assert status == 201, request
    status, approved = admin(stack, request["id"], "approve")
    assert status == 200, approved
    assert stack.sandbox.complete_refund(approved["out_refund_no"], times=2) == [204, 204]
    return dict(request)


def test_two_refunds_give_back_every_redeemed_point(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice, member_id = seeded_member(stack, "alice")
    oid = paid_order_with_points(stack, alice)
    assert balance(stack, alice, member_id) == SEEDED - REDEEMED

    first = refunded(stack, alice, oid, {"CUP-A": 1})
    # 500 fen off: 400 on CUP-A (paid 5597), 100 on CUP-B; one cup of three is 1865
    assert first["goods_fen"] == 1865
    share = points_back(REDEEMED, refunded_fen=0, part_fen=1865, goods_fen=GOODS_PAID)
    assert share == 133  # ⌊500 × 1865 / 6997⌋
    assert balance(stack, alice, member_id) == SEEDED - REDEEMED + 133

    refunded(stack, alice, oid, {"CUP-A": 2, "CUP-B": 1})
    _, order = stack.call("GET", f"/orders/{oid}", token=alice)
    assert (order["status"], order["refunded_fen"]) == ("refunded", GOODS_PAID + 1000)
    assert balance(stack, alice, member_id) == SEEDED
    _, points = stack.call("GET", "/me/points", token=alice)
    moves = [(line["kind"], line["points"]) for line in points["ledger"] if line["order_id"] == oid]
    assert moves == [("restored", REDEEMED - 133), ("restored", 133), ("redeemed", -REDEEMED)]


def test_a_partly_refunded_order_earns_on_what_was_kept(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice, member_id = seeded_member(stack, "alice")
    oid = paid_order_with_points(stack, alice)
    refunded(stack, alice, oid, {"CUP-A": 1})
    assert balance(stack, alice, member_id) == SEEDED - REDEEMED + 133

    ship = {"carrier": "SF", "tracking_no": "SF1"}
    assert stack.call("POST", f"/admin/orders/{oid}/ship", admin=True, body=ship)[0] == 200
    stack.clock.advance(days=7)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["auto_received"] == 1
    stack.clock.advance(days=7)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["completed"] == 1

    alice = stack.login("alice")  # sessions last 7 days
    # 1 point per whole yuan of goods paid and kept: (6997 − 1865) // 100
    assert balance(stack, alice, member_id) == SEEDED - REDEEMED + 133 + 51
