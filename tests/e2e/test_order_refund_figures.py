"""What an order says it refunded, on both runtimes: the read model's
`refunded_fen`, `partially_refunded` and lines' `refunded_quantity` from
placement on, and the CSV export's `refunded_fen`, the money refunded for the
order in total (after-sales refunds and a whole-order refund alike)."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.support.stack import ADMIN, Stack

PICKUP = {"method": "pickup", "store_id": "s1"}


def paid_order(stack: Stack, token: str, lines: dict[str, int]) -> dict[str, Any]:
    body = {"lines": [{"sku_id": s, "quantity": q} for s, q in lines.items()], "delivery": PICKUP}
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return dict(order)


def exported_refunds(stack: Stack) -> dict[str, int]:
    stack.settle()  # a raw request does not settle first
    response = stack.http.get(stack.base_url + "/admin/orders?format=csv", headers=ADMIN)
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row["order_id"]: int(row["refunded_fen"]) for row in rows}


def refund_figures(order: dict[str, Any]) -> tuple[int, bool, list[int]]:
    lines = [line["refunded_quantity"] for line in order["lines"]]
    return order["refunded_fen"], order["partially_refunded"], lines


def test_an_order_reads_its_refund_figures_from_placement_on(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = stack.login("alice")
    body = {"lines": [{"sku_id": "CUP-A", "quantity": 2}], "delivery": PICKUP}
    status, placed = stack.call("POST", "/orders", token=alice, body=body)
    assert status == 201, placed

    _, shown = stack.call("GET", f"/orders/{placed['id']}", token=alice)
    _, mine = stack.call("GET", "/orders", token=alice)
    _, searched = stack.call("GET", "/admin/orders", admin=True)
    for order in (placed, shown, mine["items"][0], searched["items"][0]):
        assert refund_figures(order) == (0, False, [0]), order


def test_the_export_counts_after_sales_refunds_and_whole_refunds(stack: Stack) -> None:
    stack.list_product("cup", [("CUP-A", 1999, 10), ("CUP-B", 1500, 10)])
    alice = stack.login("alice")
    partly = paid_order(stack, alice, {"CUP-A": 2, "CUP-B": 1})
    wholly = paid_order(stack, alice, {"CUP-B": 2})
    assert exported_refunds(stack) == {partly["id"]: 0, wholly["id"]: 0}

    asked = {
        "kind": "refund_only",
        "reason": "不想要了",
        "lines": [{"sku_id": "CUP-A", "quantity": 1}],
    }
    status, after_sale = stack.call(
        "POST", f"/orders/{partly['id']}/after-sales", token=alice, body=asked
    )
    assert status == 201, after_sale
    admin = f"/admin/after-sales/{after_sale['id']}/approve"
    _, approved = stack.call("POST", admin, admin=True)
    assert stack.sandbox.complete_refund(approved["out_refund_no"]) == [204]

    refund = {"reason": "不想要了"}
    assert stack.call("POST", f"/orders/{wholly['id']}/refund", token=alice, body=refund)[0] == 200
    path = f"/admin/orders/{wholly['id']}/refund/approve"
    _, whole = stack.call("POST", path, admin=True)
    assert stack.sandbox.complete_refund(whole["refund"]["out_refund_no"]) == [204]

    assert exported_refunds(stack) == {partly["id"]: 1999, wholly["id"]: 3000}
    _, shown = stack.call("GET", f"/orders/{partly['id']}", token=alice)
    assert refund_figures(shown) == (1999, True, [1, 0])
