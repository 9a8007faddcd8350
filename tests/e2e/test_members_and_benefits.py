"""Members, points, coupons, checkout pricing and personal data over HTTP, with
signed WeChat Pay callbacks, on both runtimes."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack

ADDRESS = {
    "receiver": "张三丰",
    "phone": "13912345678",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "粤海街道 科技南路 88 号",
}
WELCOME = {
    "code": "welcome",
    "title": "新人券 满50减10",
    "terms": {"kind": "threshold", "amount_fen": 1000, "threshold_fen": 5000},
    "trigger": "first_login",
    "valid_days": 7,
}
TEN_OFF = {
    "code": "ten-off",
    "title": "无门槛 10 元",
    "terms": {"kind": "no_threshold", "amount_fen": 1000},
    "valid_days": 30,
    "total_quantity": 100,
    "per_member_limit": 1,
}


def define(stack: Stack, template: dict[str, Any]) -> dict[str, Any]:
    status, answer = stack.call("POST", "/admin/coupon-templates", admin=True, body=template)
    assert status == 201, answer
    return dict(answer)


def order_body(sku: str, quantity: int = 1, **extra: Any) -> dict[str, Any]:
    delivery = {"method": "express", "address": ADDRESS}
    return {"lines": [{"sku_id": sku, "quantity": quantity}], "delivery": delivery, **extra}


def pay(stack: Stack, token: str, order_id: str) -> None:
    assert stack.call("POST", f"/orders/{order_id}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order_id.replace("-", "")) == [204]


def refund(stack: Stack, order_id: str) -> None:
    _, approved = stack.call(
        "POST", f"/admin/orders/{order_id}/refund", admin=True, body={"reason": "缺货"}
    )
    assert approved["refund_status"] == "approved", approved
    assert stack.sandbox.complete_refund(approved["refund"]["out_refund_no"]) == [204]


def stored_event_bytes(stack: Stack) -> bytes:
    stack.settle()
    log = stack.container.shop.store.recorder.select_notifications(start=None, limit=100_000)
    return b"".join(n.state for n in log)


def test_checkout_quote_coupon_points_and_what_cancel_and_refund_give_back(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6000, 50)])
    define(stack, WELCOME)
    define(stack, TEN_OFF)
    alice = stack.login("alice")

    _, coupons = stack.call("GET", "/me/coupons?status=usable", token=alice)
    assert [c["title"] for c in coupons["items"]] == ["新人券 满50减10"]
    status, claimed = stack.call("POST", "/coupons/ten-off/claim", token=alice)
    assert status == 201, claimed
    status, again = stack.call("POST", "/coupons/ten-off/claim", token=alice)
    assert (status, again["code"]) == (409, "coupon_limit_reached")
    status, checked_in = stack.call("POST", "/me/check-in", token=alice)
    assert (status, checked_in["points"], checked_in["balance"]) == (200, 5, 5)
    assert stack.call("POST", "/me/check-in", token=alice)[1]["code"] == "already_checked_in"

    quote_body = {"lines": [{"sku_id": "TEA", "quantity": 1}], "coupon_id": claimed["coupon_id"]}
    status, quote = stack.call(
        "POST", "/checkout/quote", token=alice, body=quote_body | {"points": 5}
    )
    assert status == 200, quote
    assert quote["price"]["level"] == "regular"
    assert (quote["price"]["coupon_discount_fen"], quote["price"]["points_discount_fen"]) == (
        1000,
        5,
    )
    assert quote["price"]["payable_fen"] == 6000 - 1000 - 5 + 1000

    extra = {"coupon_id": claimed["coupon_id"], "points": 5, "quote_id": quote["quote_id"]}
    status, order = stack.call("POST", "/orders", token=alice, body=order_body("TEA", **extra))
    assert status == 201, order
    assert order["price"]["payable_fen"] == quote["price"]["payable_fen"]
    assert order["delivery"]["address"] == ADDRESS
    _, points = stack.call("GET", "/me/points", token=alice)
    assert points["balance"] == 0

    status, cancelled = stack.call("POST", f"/orders/{order['id']}/cancel", token=alice)
    assert status == 200 and cancelled["status"] == "cancelled"
    _, usable = stack.call("GET", "/me/coupons?status=usable", token=alice)
    assert claimed["coupon_id"] in [c["coupon_id"] for c in usable["items"]]
    assert stack.call("GET", "/me/points", token=alice)[1]["balance"] == 5

    member_price = {
        "levels": [{"code": "regular", "name": "普通", "threshold_fen": 0, "discount_percent": 95}]
    }
    assert stack.call("PUT", "/admin/levels", admin=True, body=member_price)[0] == 200
    status, stale = stack.call("POST", "/orders", token=alice, body=order_body("TEA", **extra))
    assert (status, stale["code"]) == (409, "quote_stale")
    assert stale["details"]["payable_fen"] == 6000 - 300 - 1000 - 5 + 1000
    assert stack.call("GET", "/me/points", token=alice)[1]["balance"] == 5  # nothing changed


def test_paying_with_a_coupon_uses_it_and_a_refund_returns_it_and_moves_the_level(
    stack: Stack,
) -> None:
    stack.list_product("tea", [("TEA", 100_000, 5)])
    define(stack, TEN_OFF)
    alice = stack.login("alice")
    _, claimed = stack.call("POST", "/coupons/ten-off/claim", token=alice)
    extra = {"coupon_id": claimed["coupon_id"]}
    _, order = stack.call("POST", "/orders", token=alice, body=order_body("TEA", 2, **extra))
    assert order["price"]["payable_fen"] == 200_000 - 1000

    pay(stack, alice, order["id"])
    _, used = stack.call("GET", "/me/coupons?status=used", token=alice)
    assert [c["coupon_id"] for c in used["items"]] == [claimed["coupon_id"]]
    _, me = stack.call("GET", "/me", token=alice)
    assert me["level"]["code"] == "vip"
    assert me["next_level"]["code"] == "supreme"
    assert me["next_level"]["missing_fen"] == 500_000 - 199_000

    refund(stack, order["id"])
    _, me = stack.call("GET", "/me", token=alice)
    assert me["level"]["code"] == "regular"
    assert me["next_level"]["missing_fen"] == 100_000
    _, usable = stack.call("GET", "/me/coupons?status=usable", token=alice)
    assert [c["coupon_id"] for c in usable["items"]] == [claimed["coupon_id"]]


def test_personal_data_is_sealed_exported_and_shredded_on_account_deletion(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 3000, 50)])
    alice = stack.login("alice")
    profile = {"nickname": "阿丽", "birthday": "1992-05-17"}
    assert stack.call("POST", "/me/profile", token=alice, body=profile)[0] == 200
    status, bound = stack.call(
        "POST", "/me/phone", token=alice, body={"code": stack.phone_code("alice", "13700001111")}
    )
    assert (status, bound["phone"]) == (200, "137****1111")
    _, order = stack.call("POST", "/orders", token=alice, body=order_body("TEA"))
    pay(stack, alice, order["id"])

    _, me = stack.call("GET", "/me", token=alice)
    assert (me["nickname"], me["phone"], me["birthday"]) == ("阿丽", "137****1111", "1992-05-17")
    _, export = stack.call("GET", "/me/export", token=alice)
    assert export["member"]["phone"] == "13700001111"
    assert export["orders"][0]["delivery"]["address"] == ADDRESS
    stored = stored_event_bytes(stack)
    for secret in ("13700001111", ADDRESS["phone"], ADDRESS["receiver"], ADDRESS["detail"]):
        assert secret.encode() not in stored
    ship = {"carrier": "SF", "tracking_no": "SF1234567890"}  # 注销 waits for the address's use
    assert stack.call("POST", f"/admin/orders/{order['id']}/ship", admin=True, body=ship)[0] == 200

    status, closed = stack.call("DELETE", "/me", token=alice)
    assert (status, closed) == (200, {"closed": True})

    assert stack.call("GET", "/me", token=alice)[0] == 401
    _, seen = stack.call("GET", f"/admin/orders/{order['id']}", admin=True)
    assert seen["delivery"]["address"] is None and seen["delivery"]["address_redacted"]
    assert seen["price"]["payable_fen"] == 3000 + 1000
    for name in ("order_status", "members", "points", "coupons"):
        assert stack.call("POST", f"/admin/projections/{name}/rebuild", admin=True)[0] == 200
    _, rebuilt = stack.call("GET", f"/admin/orders/{order['id']}", admin=True)
    assert rebuilt["status"] == "shipped" and rebuilt["delivery"]["address"] is None
    assert stack.call("GET", "/me", token=alice)[0] == 401

    again = stack.login("alice")
    _, fresh = stack.call("GET", "/me", token=again)
    assert fresh["phone"] is None and fresh["nickname"] == ""


def test_admin_levels_and_templates_and_bad_input(stack: Stack) -> None:
    alice = stack.login("alice")
    levels = {
        "levels": [
            {"code": "regular", "name": "普通", "threshold_fen": 0},
            {"code": "gold", "name": "金卡", "threshold_fen": 50_000, "discount_percent": 90},
        ]
    }
    status, defined = stack.call("PUT", "/admin/levels", admin=True, body=levels)
    assert status == 200 and [lv["code"] for lv in defined["levels"]] == ["regular", "gold"]
    _, me = stack.call("GET", "/me", token=alice)
    assert me["next_level"] == {
        "code": "gold",
        "name": "金卡",
        "threshold_fen": 50_000,
        "missing_fen": 50_000,
    }

    bad_levels = {"levels": [{"code": "vip", "name": "VIP", "threshold_fen": 100}]}
    status, error = stack.call("PUT", "/admin/levels", admin=True, body=bad_levels)
    assert status == 409 and "threshold" in error["message"]
    status, error = stack.call(
        "POST", "/admin/coupon-templates", admin=True, body={**TEN_OFF, "valid_days": 0}
    )
    assert status == 400
    status, error = stack.call(
        "POST", "/checkout/quote", token=alice, body={"lines": [], "points": -1}
    )
    assert status == 400 and {e["field"] for e in error["details"]["errors"]} >= {"lines", "points"}
    assert stack.call("POST", "/coupons/nope/claim", token=alice)[0] == 404
    assert stack.call("GET", "/me")[0] == 401
    assert stack.call("PUT", "/admin/levels", body=levels)[0] == 401
