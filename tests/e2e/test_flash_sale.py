"""Flash sale over HTTP on both runtimes: the operator defines and starts it, a
member buys at the session price and pays through the signed sandbox, an unpaid
order gives its unit back after 5 minutes, and ending returns unsold stock."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}
STARTS = "2026-01-01T00:00:00+08:00"


def flash(**extra: Any) -> dict[str, Any]:
    return {
        "code": "double11",
        "kind": "flash_sale",
        "title": "双十一 秒杀",
        "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 3}],
        "starts_at": STARTS,
        "ends_at": "2099-01-01T00:00:00+08:00",
        "per_member_limit": 1,
        **extra,
    }


def buy(stack: Stack, token: str, quantity: int = 1) -> tuple[int, Any]:
    body = {"sku_id": "TEA", "quantity": quantity, "delivery": PICKUP}
    return stack.call("POST", "/campaigns/double11/orders", token=token, body=body)


def available(stack: Stack, product_id: str) -> int:
    return int(stack.call("GET", f"/products/{product_id}")[1]["skus"][0]["available"])


def test_a_flash_sale_from_definition_to_end(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    status, defined = stack.call("POST", "/admin/campaigns", admin=True, body=flash())
    assert (status, defined["status"], defined["shards"]) == (201, "draft", 1)
    alice, bob = stack.login("alice"), stack.login("bob")
    assert buy(stack, alice)[1]["code"] == "campaign_not_open"

    status, started = stack.call("POST", "/admin/campaigns/double11/start", admin=True)
    assert (status, started["status"]) == (200, "live")
    assert available(stack, product["id"]) == 7

    status, order = buy(stack, alice)
    assert status == 201, order
    assert order["price"]["payable_fen"] == 990
    assert order["campaign"]["kind"] == "flash_sale"
    assert buy(stack, alice)[1]["code"] == "campaign_limit_reached"
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    assert stack.call("GET", f"/orders/{order['id']}", token=alice)[1]["status"] == "paid"

    assert buy(stack, bob)[0] == 201
    stack.clock.advance(minutes=5)
    assert stack.call("POST", "/admin/jobs/run", admin=True)[1]["cancelled_unpaid"] == 1
    assert buy(stack, bob)[0] == 201  # the unit and bob's limit came back

    assert stack.call("POST", "/admin/campaigns/double11/pause", admin=True)[0] == 200
    assert buy(stack, stack.login("carol"))[1]["code"] == "campaign_not_open"
    status, ended = stack.call(
        "POST", "/admin/campaigns/double11/end", admin=True, body={"reason": "售罄下架"}
    )
    assert (status, ended["status"]) == (200, "ended")
    assert available(stack, product["id"]) == 7 + 1  # 3 set aside, 2 sold, 1 back


def test_bad_definitions_and_callers_are_refused_and_change_nothing(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 10)])
    before = stack.event_count()
    cases = [
        (flash(kind="lottery"), "kind"),
        (flash(items=[{"sku_id": "TEA", "price_fen": 9.9, "stock": 3}]), "items[0].price_fen"),
        (flash(starts_at="2026-01-01T00:00:00"), "starts_at"),
        (flash(ends_at=STARTS), "ends_at"),
        (flash(items=[{"sku_id": "NOPE", "price_fen": 1, "stock": 1}]), "items[0].sku_id"),
        (flash(kind="group_buy", rules={"team_size": 1, "team_hours": 24}), "rules.team_size"),
        (flash(shards=4), "shards"),
    ]
    for body, field in cases:
        status, answer = stack.call("POST", "/admin/campaigns", admin=True, body=body)
        assert status == 400, (field, answer)
        assert field in {e["field"] for e in answer["details"]["errors"]}, (field, answer)
    assert stack.call("POST", "/admin/campaigns", body=flash())[0] == 401
    status, _ = stack.call("POST", "/admin/campaigns/nope/start", admin=True)
    assert status == 404
    assert stack.event_count() == before
    assert stack.call("POST", "/admin/campaigns", admin=True, body=flash())[0] == 201
    assert stack.call("POST", "/admin/campaigns", admin=True, body=flash())[1]["code"] == (
        "campaign_exists"
    )
    stack.call("POST", "/admin/campaigns/double11/start", admin=True)
    token = stack.login("alice")
    assert buy(stack, token, quantity=0)[0] == 400
    status, answer = stack.call(
        "POST",
        "/campaigns/double11/orders",
        token=token,
        body={"sku_id": "OTHER", "delivery": PICKUP},
    )
    assert (status, answer["details"]["errors"][0]["field"]) == (400, "sku_id")
    assert buy(stack, "not-a-token")[0] == 401
