"""Time-driven jobs with the injected clock, and the API's error contract."""

from __future__ import annotations

import pytest

from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}
ADDRESS = {
    "receiver": "李四",
    "phone": "13900000000",
    "province": "浙江省",
    "city": "杭州市",
    "district": "西湖区",
    "detail": "1 号",
}


def paid_express_order(stack: Stack, token: str) -> str:
    body = {
        "lines": [{"sku_id": "TEA", "quantity": 1}],
        "delivery": {"method": "express", "address": ADDRESS},
    }
    _, order = stack.call("POST", "/orders", token=token, body=body)
    stack.call("POST", f"/orders/{order['id']}/pay", token=token)
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return str(order["id"])


def test_unpaid_orders_cancel_after_30_minutes_and_release_stock(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 2)])
    token = stack.login("alice")
    _, order = stack.call(
        "POST",
        "/orders",
        token=token,
        body={"lines": [{"sku_id": "TEA", "quantity": 2}], "delivery": PICKUP},
    )
    stack.clock.advance(minutes=29, seconds=59)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["cancelled_unpaid"] == 0
    stack.clock.advance(seconds=1)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["cancelled_unpaid"] == 1
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["cancelled_unpaid"] == 0
    _, cancelled = stack.call("GET", f"/orders/{order['id']}", token=token)
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation"]["reason"] == "payment timeout"
    assert stack.call("GET", f"/products/{product['id']}")[1]["skus"][0]["available"] == 2


def test_shipped_orders_are_received_after_7_days_then_completed(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    oid = paid_express_order(stack, token)
    stack.call(
        "POST",
        f"/admin/orders/{oid}/ship",
        admin=True,
        body={"carrier": "ZTO", "tracking_no": "ZTO1"},
    )
    stack.clock.advance(days=7)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["auto_received"] == 1
    token = stack.login("alice")  # sessions last 7 days
    assert stack.call("GET", f"/orders/{oid}", token=token)[1]["status"] == "received"
    stack.clock.advance(days=6)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["completed"] == 0
    stack.clock.advance(days=1)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["completed"] == 1
    token = stack.login("alice")
    assert stack.call("GET", f"/orders/{oid}", token=token)[1]["status"] == "completed"
    status, answer = stack.call(
        "POST", f"/orders/{oid}/refund", token=token, body={"reason": "late"}
    )
    assert status == 409 and answer["code"] == "invalid_transition"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": [], "delivery": PICKUP}, "lines"),
        ({"lines": [{"sku_id": "TEA", "quantity": 0}], "delivery": PICKUP}, "lines[0].quantity"),
        ({"lines": [{"sku_id": "TEA", "quantity": 1.5}], "delivery": PICKUP}, "lines[0].quantity"),
        ({"lines": [{"sku_id": "TEA", "quantity": "1"}], "delivery": PICKUP}, "lines[0].quantity"),
        ({"lines": [{"sku_id": "NOPE", "quantity": 1}], "delivery": PICKUP}, "lines[0].sku_id"),
        (
            {"lines": [{"sku_id": "TEA", "quantity": 1}], "delivery": {"method": "express"}},
            "delivery",
        ),
        ({"lines": [{"sku_id": "TEA", "quantity": 1}], "delivery": PICKUP, "x": 1}, "x"),
    ],
)
def test_bad_orders_get_400_naming_the_field_and_change_nothing(
    stack: Stack, body: dict, field: str
) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    token = stack.login("alice")
    before = stack.event_count()
    status, answer = stack.call("POST", "/orders", token=token, body=body)
    assert status == 400, answer
    assert set(answer) == {"code", "message", "details"}
    assert field in [e["field"] for e in answer["details"]["errors"]]
    assert stack.event_count() == before


def test_auth_not_found_and_conflict_statuses(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 1)])
    token = stack.login("alice")
    assert stack.call("GET", "/orders")[0] == 401
    assert stack.call("GET", "/orders", token="forged.token")[0] == 401
    assert stack.call("POST", "/admin/jobs/run")[0] == 401
    status, _ = stack.call("POST", "/admin/jobs/run", token=token)
    assert status == 401
    assert (
        stack.http.post(
            stack.base_url + "/admin/jobs/run", headers={"X-Admin-Token": "wrong"}
        ).status_code
        == 403
    )
    assert stack.call("GET", "/orders/not-a-uuid", token=token)[0] == 404
    assert stack.call("GET", "/products/00000000-0000-0000-0000-000000000000")[0] == 404
    status, answer = stack.call("POST", "/auth/login", body={"code": "never-issued"})
    assert status == 400 and answer["details"]["errors"][0]["field"] == "code"
    body = {"lines": [{"sku_id": "TEA", "quantity": 2}], "delivery": PICKUP}
    status, answer = stack.call("POST", "/orders", token=token, body=body)
    assert status == 409 and answer["code"] == "out_of_stock"
    status, answer = stack.call("POST", "/admin/projections/nope/rebuild", admin=True)
    assert status == 404


def test_session_tokens_expire(stack: Stack) -> None:
    token = stack.login("alice")
    assert stack.call("GET", "/orders", token=token)[0] == 200
    stack.clock.advance(days=7, seconds=1)
    assert stack.call("GET", "/orders", token=token)[0] == 401
