"""A mini-program on a bad network retries: a create-style command sent again
with the same Idempotency-Key is answered with its first answer and takes
effect once, also when the repeats race; a key names one request for 24 hours."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import requests

from tests.support.races import race
from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}
ORDER = {"lines": [{"sku_id": "TEA", "quantity": 1}], "delivery": PICKUP}
STARTS = "2026-01-01T00:00:00+08:00"
ENDS = "2099-01-01T00:00:00+08:00"


def send(
    stack: Stack, path: str, token: str, key: str | None, body: Any = None
) -> requests.Response:
    """POST as the mini-program does: the session, the key, a JSON body."""
    stack.settle()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
    data = None if body is None else json.dumps(body)
    return requests.post(stack.base_url + path, data=data, headers=headers, timeout=60)


def orders_of(stack: Stack, token: str) -> list[str]:
    _, listed = stack.call("GET", "/orders", token=token)
    return [order["id"] for order in listed["items"]]


def replayed(response: requests.Response) -> bool:
    return response.headers.get("Idempotent-Replayed") == "true"


def test_a_retried_order_is_answered_with_its_first_answer_and_placed_once(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 10)])
    alice = stack.login("alice")

    first = send(stack, "/orders", alice, "order-1", ORDER)
    again = send(stack, "/orders", alice, "order-1", ORDER)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert replayed(again) and not replayed(first)
    assert orders_of(stack, alice) == [first.json()["id"]]

    more = {**ORDER, "lines": [{"sku_id": "TEA", "quantity": 2}]}
    for path, body in (("/orders", more), ("/me/check-in", None)):
        reused = send(stack, path, alice, "order-1", body)
        assert reused.status_code == 422, reused.text
        assert reused.json()["code"] == "idempotency_key_reused"
        assert "Idempotency-Key" in reused.json()["message"]
    quote = send(stack, "/checkout/quote", alice, "order-1", {"lines": ORDER["lines"]})
    assert quote.status_code == 200, quote.text  # a read: the key means nothing there
    assert orders_of(stack, alice) == [first.json()["id"]]

    bob = stack.login("bob")  # keys are the caller's own
    his = send(stack, "/orders", bob, "order-1", ORDER)
    assert his.status_code == 201 and his.json()["id"] != first.json()["id"]
    # Without the header nothing changes: every request is a new order.
    unkeyed = [send(stack, "/orders", alice, None, ORDER).json()["id"] for _ in range(2)]
    assert sorted(orders_of(stack, alice)) == sorted([first.json()["id"], *unkeyed])


def test_racing_repeats_of_one_key_place_one_order(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 20)])
    alice = stack.login("alice")
    stack.settle()

    outcomes = race(10, lambda i: send(stack, "/orders", alice, "tap-tap-tap", ORDER))

    answers = [o for o in outcomes if isinstance(o, requests.Response)]
    assert len(answers) == 10, outcomes
    assert {a.status_code for a in answers} <= {201, 409}, [a.text for a in answers]
    placed = {a.json()["id"] for a in answers if a.status_code == 201}
    assert len(placed) == 1
    for waiting in (a for a in answers if a.status_code == 409):
        assert waiting.json()["code"] == "request_in_progress"
        retried = send(stack, "/orders", alice, "tap-tap-tap", ORDER)
        assert (retried.status_code, retried.json()["id"]) == (201, *placed)
    assert orders_of(stack, alice) == list(placed)
    _, product = stack.call("GET", "/products")
    assert product["items"][0]["skus"][0]["available"] == 19


def test_a_key_is_kept_24_hours(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 10)])
    alice = stack.login("alice")
    first = send(stack, "/orders", alice, "k", ORDER).json()

    stack.clock.advance(hours=23, minutes=59)
    late = send(stack, "/orders", alice, "k", ORDER)
    assert replayed(late) and late.json() == first

    stack.clock.advance(minutes=1, seconds=1)
    expired = send(stack, "/orders", alice, "k", ORDER)
    assert expired.status_code == 201 and not replayed(expired)
    assert expired.json()["id"] != first["id"]
    assert len(orders_of(stack, alice)) == 2


def campaign(stack: Stack, code: str, kind: str, **extra: Any) -> None:
    now = stack.clock.now()
    body = {
        "code": code,
        "kind": kind,
        "title": code,
        "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 5}],
        "starts_at": STARTS if kind != "bargain" else now.isoformat(),
        "ends_at": ENDS if kind != "bargain" else (now + timedelta(days=3)).isoformat(),
        **extra,
    }
    status, answer = stack.call("POST", "/admin/campaigns", admin=True, body=body)
    assert status == 201, answer
    assert stack.call("POST", f"/admin/campaigns/{code}/start", admin=True)[0] == 200


def test_every_create_style_command_answers_a_keyed_repeat_with_its_first_answer(
    stack: Stack,
) -> None:
    stack.list_product("tea", [("TEA", 2500, 50)])
    coupon = {
        "code": "ten-off",
        "title": "无门槛 10 元",
        "terms": {"kind": "no_threshold", "amount_fen": 1000},
        "valid_days": 30,
        "total_quantity": 100,
        "per_member_limit": 1,
    }
    assert stack.call("POST", "/admin/coupon-templates", admin=True, body=coupon)[0] == 201
    campaign(stack, "miao", "flash_sale", per_member_limit=1)
    team_rules = {"team_size": 3, "team_hours": 2, "pay_minutes": 5}
    campaign(stack, "tuan", "group_buy", per_member_limit=1, rules=team_rules)
    campaign(stack, "kan", "bargain", rules={"helps_needed": 3, "bargain_hours": 24})
    alice, bob = stack.login("alice"), stack.login("bob")
    _, bargain = stack.call("POST", "/campaigns/kan/bargains", token=alice, body={})
    leader = {"sku_id": "TEA", "delivery": PICKUP}
    commands: list[tuple[str, str, Any]] = [
        ("/me/check-in", alice, None),
        ("/coupons/ten-off/claim", alice, None),
        ("/campaigns/miao/orders", alice, {**leader, "quantity": 1}),
        ("/campaigns/tuan/teams", alice, leader),
        (f"/bargains/{bargain['id']}/orders", alice, {"delivery": PICKUP}),
        ("/orders", bob, ORDER),
    ]
    answers = {}
    for path, token, body in commands:
        first = send(stack, path, token, f"key {path}", body)
        assert first.status_code in (200, 201), (path, first.text)
        events = stack.event_count()
        again = send(stack, path, token, f"key {path}", body)
        assert (again.status_code, again.json()) == (first.status_code, first.json()), path
        assert replayed(again) and stack.event_count() == events, path
        if path != "/orders":  # a new key is a new command, refused as it always was
            assert send(stack, path, token, f"new {path}", body).status_code == 409, path
        answers[path] = first.json()

    team, leader_order = (
        answers["/campaigns/tuan/teams"]["team_id"],
        answers["/campaigns/tuan/teams"]["id"],
    )
    for token, order_id in ((alice, leader_order), (bob, answers["/orders"]["id"])):
        assert stack.call("POST", f"/orders/{order_id}/pay", token=token)[0] == 200
        assert stack.sandbox.pay(order_id.replace("-", "")) == [204]
    joined = send(stack, f"/teams/{team}/orders", bob, "join", {"delivery": PICKUP})
    assert joined.status_code == 201, joined.text
    assert send(stack, f"/teams/{team}/orders", bob, "join", {"delivery": PICKUP}).json() == (
        joined.json()
    )

    refund = f"/orders/{answers['/orders']['id']}/refund"
    reason = {"reason": "不想要了"}
    first = send(stack, refund, bob, "refund", reason)
    assert first.status_code == 200 and first.json()["refund_status"] == "requested", first.text
    again = send(stack, refund, bob, "refund", reason)
    assert again.json() == first.json() and replayed(again)
    assert send(stack, refund, bob, "refund again", reason).status_code == 409
