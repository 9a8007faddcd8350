"""注销 beside after-sales requests, over HTTP with signed WeChat Pay
notifications each delivered twice, on both runtimes. A closing interrupted
after the member's key was deleted leaves a paid express order that can no
longer ship; closing again refunds only the units no request claims (by a
request the shop makes and approves at once), the member's own request goes
on as usual, and the member gets back exactly what was paid, once."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from chalicelib.application.order_reactions import ACCOUNT_CLOSED
from tests.support.stack import Stack

from .test_account_deletion import log_in
from .test_after_sales import ADDRESS, admin, ask, available, money_kept


def paid_express_order(stack: Stack, token: str) -> dict[str, Any]:
    body = {
        "lines": [{"sku_id": "CUP-A", "quantity": 3}, {"sku_id": "CUP-B", "quantity": 1}],
        "delivery": {"method": "express", "address": ADDRESS},
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", ""), times=2) == [204, 204]
    return dict(order)


def refunds_of(stack: Stack, trade_no: str) -> dict[str, dict[str, Any]]:
    return {
        number: refund
        for number, refund in stack.sandbox.snapshot()["refunds"].items()
        if refund["out_trade_no"] == trade_no
    }


def interrupted_closing(stack: Stack, member_id: str) -> None:
    """A closing that deleted the member's key and stopped before its write."""
    stack.container.vault.shred(UUID(member_id))


def closed_with_requests(stack: Stack, *claims: dict[str, int]) -> tuple[dict[str, Any], list[Any]]:
    """alice's paid express order with a refund_only request for each claim, then
    her closing interrupted after her key's deletion, and run again."""
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = log_in(stack, "alice")
    token = alice["token"]
    order = paid_express_order(stack, token)
    requests = [ask(stack, token, order["id"], "refund_only", claim)[1] for claim in claims]
    interrupted_closing(stack, alice["member_id"])
    assert stack.call("DELETE", "/me", token=token) == (200, {"closed": True})
    return order, requests


def test_closing_refunds_only_the_units_no_request_claims(stack: Stack) -> None:
    product = stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = log_in(stack, "alice")
    token = alice["token"]
    order = paid_express_order(stack, token)
    oid, trade_no = order["id"], order["id"].replace("-", "")
    payable = order["price"]["payable_fen"]
    status, mine = ask(stack, token, oid, "refund_only", {"CUP-A": 1})
    assert status == 201, mine
    interrupted_closing(stack, alice["member_id"])

    assert stack.call("DELETE", "/me", token=token) == (200, {"closed": True})

    [(number, rest)] = refunds_of(stack, trade_no).items()  # only the shop's, once
    assert rest["refund"] == payable - mine["amount_fen"] and rest["total"] == payable
    _, listed = stack.call("GET", "/admin/after-sales", admin=True)
    [made] = [i for i in listed["items"] if i["id"] != mine["id"]]
    assert (made["reason"], made["kind"], made["status"]) == (
        ACCOUNT_CLOSED,
        "refund_only",
        "refunding",
    )
    assert {line["sku_id"]: line["quantity"] for line in made["lines"]} == {"CUP-A": 2, "CUP-B": 1}
    assert made["member_id"] == alice["member_id"] and made["out_refund_no"] == number
    _, seen = stack.call("GET", f"/admin/orders/{oid}", admin=True)
    assert (seen["status"], seen["refund_status"]) == ("paid", "none"), seen
    whole = {"reason": "补偿"}
    assert stack.call("POST", f"/admin/orders/{oid}/refund", admin=True, body=whole)[0] == 409

    assert stack.sandbox.complete_refund(number, times=2) == [204, 204]
    status, approved = admin(stack, mine["id"], "approve")  # the member's request, as usual
    assert status == 200 and approved["status"] == "refunding", approved
    assert stack.sandbox.complete_refund(approved["out_refund_no"], times=2) == [204, 204]
    assert stack.call("DELETE", "/me", token=token)[0] == 401  # closed: nothing to do twice

    assert len(refunds_of(stack, trade_no)) == 2
    assert stack.sandbox.state.refunded(trade_no) == payable
    _, refunded = stack.call("GET", f"/admin/orders/{oid}", admin=True)
    assert (refunded["status"], refunded["refunded_fen"]) == ("refunded", payable), refunded
    assert money_kept(stack) == 0
    assert available(stack, product["id"]) == {"CUP-A": 10, "CUP-B": 10}  # never shipped


def test_an_order_whose_every_unit_is_claimed_is_left_to_its_requests(stack: Stack) -> None:
    order, (first, second) = closed_with_requests(stack, {"CUP-A": 3}, {"CUP-B": 1})
    oid, trade_no = order["id"], order["id"].replace("-", "")

    assert refunds_of(stack, trade_no) == {}
    for request in (first, second):
        status, approved = admin(stack, request["id"], "approve")
        assert status == 200, approved
        assert stack.sandbox.complete_refund(approved["out_refund_no"], times=2) == [204, 204]
    assert stack.sandbox.state.refunded(trade_no) == order["price"]["payable_fen"]
    _, refunded = stack.call("GET", f"/admin/orders/{oid}", admin=True)
    assert refunded["status"] == "refunded" and money_kept(stack) == 0


def test_with_no_claim_the_whole_order_is_refunded_once(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = log_in(stack, "alice")
    token = alice["token"]
    order = paid_express_order(stack, token)
    oid, trade_no = order["id"], order["id"].replace("-", "")
    _, rejected = ask(stack, token, oid, "refund_only", {"CUP-A": 1})
    assert admin(stack, rejected["id"], "reject", {"reason": "不符合"})[0] == 200
    interrupted_closing(stack, alice["member_id"])

    assert stack.call("DELETE", "/me", token=token) == (200, {"closed": True})

    [(number, whole)] = refunds_of(stack, trade_no).items()
    assert whole["refund"] == whole["total"] == order["price"]["payable_fen"]
    assert whole["reason"] == ACCOUNT_CLOSED
    assert stack.sandbox.complete_refund(number, times=2) == [204, 204]
    assert stack.sandbox.state.refunded(trade_no) == order["price"]["payable_fen"]
    _, refunded = stack.call("GET", f"/admin/orders/{oid}", admin=True)
    assert (refunded["status"], refunded["refund_status"]) == ("refunded", "refunded")
    assert money_kept(stack) == 0


def test_a_request_rejected_after_the_closing_is_refunded_by_the_shop(stack: Stack) -> None:
    """Nobody is left to ask for those units again, and the order cannot ship."""
    order, (first, second) = closed_with_requests(stack, {"CUP-A": 3}, {"CUP-B": 1})
    oid, trade_no = order["id"], order["id"].replace("-", "")
    assert refunds_of(stack, trade_no) == {}

    assert admin(stack, second["id"], "reject", {"reason": "不符合"})[0] == 200
    [(number, rest)] = refunds_of(stack, trade_no).items()
    assert rest["refund"] == second["amount_fen"] and rest["reason"] == ACCOUNT_CLOSED
    assert stack.sandbox.complete_refund(number, times=2) == [204, 204]
    _, approved = admin(stack, first["id"], "approve")
    assert stack.sandbox.complete_refund(approved["out_refund_no"], times=2) == [204, 204]
    assert stack.sandbox.state.refunded(trade_no) == order["price"]["payable_fen"]
    _, refunded = stack.call("GET", f"/admin/orders/{oid}", admin=True)
    assert refunded["status"] == "refunded" and money_kept(stack) == 0


def test_the_last_claim_rejected_after_the_closing_refunds_the_order_whole(stack: Stack) -> None:
    order, (claim,) = closed_with_requests(stack, {"CUP-A": 3, "CUP-B": 1})
    oid, trade_no = order["id"], order["id"].replace("-", "")

    assert admin(stack, claim["id"], "reject", {"reason": "不符合"})[0] == 200
    [(number, whole)] = refunds_of(stack, trade_no).items()
    assert whole["refund"] == whole["total"] == order["price"]["payable_fen"]
    assert stack.sandbox.complete_refund(number, times=2) == [204, 204]
    _, refunded = stack.call("GET", f"/admin/orders/{oid}", admin=True)
    assert (refunded["status"], refunded["refund_status"]) == ("refunded", "refunded")
    assert money_kept(stack) == 0
