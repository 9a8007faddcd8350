"""Group-buy (拼团) over HTTP on both runtimes, paid through the signed sandbox:
a team fills and ships; a team expiring unfilled refunds each paid member
exactly once however often (and however concurrently) the jobs run; a payment
after expiry is refunded; a refunded member frees the seat and a refunded
leader hands the lead to the earliest remaining member, also when the refund
is a closing account's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import requests

from tests.support.stack import ADMIN, Stack

from .test_account_deletion import log_in
from .test_after_sales import ADDRESS, admin, ask
from .test_closing_with_after_sales import interrupted_closing

PICKUP = {"method": "pickup", "store_id": "s1"}
GROUP_PRICE = 1990


def define(stack: Stack, size: int, hours: int = 2, stock: int = 20, limit: int = 1) -> None:
    body = {
        "code": "tuan",
        "kind": "group_buy",
        "title": "好茶拼团",
        "items": [{"sku_id": "TEA", "price_fen": GROUP_PRICE, "stock": stock}],
        "starts_at": "2026-01-01T00:00:00+08:00",
        "ends_at": "2099-01-01T00:00:00+08:00",
        "rules": {"team_size": size, "team_hours": hours, "pay_minutes": 5},
        "per_member_limit": limit,
    }
    status, answer = stack.call("POST", "/admin/campaigns", admin=True, body=body)
    assert status == 201, answer
    assert stack.call("POST", "/admin/campaigns/tuan/start", admin=True)[0] == 200


def open_team(stack: Stack, token: str) -> dict[str, Any]:
    body = {"sku_id": "TEA", "delivery": PICKUP}
    status, order = stack.call("POST", "/campaigns/tuan/teams", token=token, body=body)
    assert status == 201, order
    return dict(order)


def join(stack: Stack, token: str, team_id: str) -> tuple[int, Any]:
    return stack.call("POST", f"/teams/{team_id}/orders", token=token, body={"delivery": PICKUP})


def pay(stack: Stack, token: str, order_id: str) -> None:
    assert stack.call("POST", f"/orders/{order_id}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order_id.replace("-", "")) == [204]


def order_of(stack: Stack, order_id: str) -> dict[str, Any]:
    return dict(stack.call("GET", f"/admin/orders/{order_id}", admin=True)[1])


def joined(stack: Stack, team_id: str, *users: str) -> dict[str, tuple[str, str]]:
    """Each user logged in and joined with a paid order: user -> (token, order id)."""
    members = {}
    for user in users:
        token = stack.login(user)
        status, order = join(stack, token, team_id)
        assert status == 201, order
        pay(stack, token, order["id"])
        members[user] = (token, order["id"])
    return members


def sandbox_refunds(stack: Stack, order_ids: list[str]) -> dict[str, list[str]]:
    """out_trade_no -> the out_refund_no of every refund WeChat Pay was asked for."""
    trade_nos = {oid.replace("-", "") for oid in order_ids}
    found: dict[str, list[str]] = {}
    for number, refund in stack.sandbox.snapshot()["refunds"].items():
        if refund["out_trade_no"] in trade_nos:
            found.setdefault(refund["out_trade_no"], []).append(number)
    return found


def test_a_team_that_fills_ships_all_its_orders(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=3)
    alice = stack.login("alice")
    leader = open_team(stack, alice)
    assert (leader["payable_fen"], leader["campaign"]["kind"]) == (GROUP_PRICE, "group_buy")
    team_id = leader["team_id"]
    assert (leader["order_id"], team_id) == (leader["id"], str(UUID(team_id)))
    assert leader["pay_deadline"] == "2026-11-01T02:05:00+00:00"  # pay_minutes after placing
    pay(stack, alice, leader["id"])
    status, too_early = stack.call(
        "POST", f"/admin/orders/{leader['id']}/ready-for-pickup", admin=True
    )
    assert (status, too_early["code"]) == (409, "team_not_formed")
    assert join(stack, alice, team_id)[1]["code"] == "already_in_team"

    members = joined(stack, team_id, "bob", "carol")

    assert join(stack, stack.login("dave"), team_id)[1]["code"] == "team_closed"
    for order_id in [leader["id"], *(order for _, order in members.values())]:
        status, ready = stack.call("POST", f"/admin/orders/{order_id}/ready-for-pickup", admin=True)
        assert (status, ready["status"]) == (200, "ready_for_pickup"), ready
    assert stack.container.shop.group_buy.team(UUID(team_id)).status == "succeeded"


def test_bad_requests_are_400_unknown_teams_404_and_nothing_is_recorded(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=2)
    alice, bob = stack.login("alice"), stack.login("bob")
    team_id = open_team(stack, alice)["team_id"]  # not paid: the team is not open yet
    before = stack.event_count()

    for body, field in [
        ({"sku_id": "TEA"}, "delivery"),
        ({"sku_id": "TEA", "quantity": 0, "delivery": PICKUP}, "quantity"),
        ({"sku_id": "NOPE", "delivery": PICKUP}, "sku_id"),
        ({"sku_id": "TEA", "delivery": {"method": "express"}}, "delivery"),
    ]:
        status, answer = stack.call("POST", "/campaigns/tuan/teams", token=bob, body=body)
        assert (status, answer["code"]) == (400, "invalid_request"), answer
        assert field in answer["message"], answer
    status, answer = stack.call(
        "POST", f"/teams/{team_id}/orders", token=bob, body={"delivery": PICKUP, "bogus": 1}
    )
    assert (status, answer["code"]) == (400, "invalid_request"), answer
    assert "bogus" in answer["message"]
    for path in ["/campaigns/nope/teams", "/teams/not-a-uuid/orders", f"/teams/{team_id}/orders"]:
        status, answer = stack.call(
            "POST", path, token=bob, body={"sku_id": "TEA", "delivery": PICKUP}
        )
        assert (status, answer["code"]) == (404, "not_found"), (path, answer)
    assert stack.call("POST", "/campaigns/tuan/teams", body={})[0] == 401
    for junk in [b"", b"[]", b"{", b"\xff", b'{"quantity": 1e99}', b"null"]:
        for path in ["/campaigns/tuan/teams", f"/teams/{team_id}/orders"]:
            response = requests.post(
                stack.base_url + path, data=junk, headers={"Authorization": f"Bearer {bob}"}
            )
            assert response.status_code in (400, 404), (path, junk, response.text)
    assert stack.event_count() == before


def test_an_unfilled_team_refunds_each_paid_member_once_however_often_the_jobs_run(
    stack: Stack,
) -> None:
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=5, hours=2)
    alice = stack.login("alice")
    leader = open_team(stack, alice)
    pay(stack, alice, leader["id"])
    team_id = leader["team_id"]
    members = joined(stack, team_id, "bob", "carol")
    paid = [leader["id"], *(order for _, order in members.values())]
    stack.clock.advance(hours=1, minutes=59)
    dave = stack.login("dave")
    status, late = join(stack, dave, team_id)  # a seat held a minute before the deadline
    assert status == 201, late
    assert stack.call("POST", f"/orders/{late['id']}/pay", token=dave)[0] == 200
    stack.clock.advance(minutes=1)

    stack.settle()
    with ThreadPoolExecutor(3) as pool:
        runs = list(pool.map(lambda _: run_jobs(stack), range(3)))
    runs.append(run_jobs(stack))

    assert sum(run["teams_expired"] for run in runs) == 1, runs
    refunds = sandbox_refunds(stack, paid)
    assert sorted(refunds) == sorted(oid.replace("-", "") for oid in paid)
    assert all(len(numbers) == 1 for numbers in refunds.values()), refunds
    for numbers in refunds.values():
        assert stack.sandbox.complete_refund(numbers[0]) == [204]
    for order_id in paid:
        order = order_of(stack, order_id)
        assert (order["status"], order["refund_status"]) == ("refunded", "refunded"), order

    assert stack.sandbox.pay(late["id"].replace("-", "")) == [204]  # after the team failed
    (number,) = sandbox_refunds(stack, [late["id"]])[late["id"].replace("-", "")]
    assert stack.sandbox.complete_refund(number) == [204]
    assert order_of(stack, late["id"])["status"] == "refunded"
    assert sum(run_jobs(stack)["teams_expired"] for _ in range(2)) == 0
    assert len(sandbox_refunds(stack, [*paid, late["id"]])) == 4


def run_jobs(stack: Stack) -> dict[str, int]:
    response = requests.post(stack.base_url + "/admin/jobs/run", headers=ADMIN)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_refunded_members_free_their_seats_and_the_earliest_remaining_leads(
    stack: Stack,
) -> None:
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=3)
    alice = stack.login("alice")
    leader = open_team(stack, alice)
    pay(stack, alice, leader["id"])
    team_id = leader["team_id"]
    bob, bob_order = joined(stack, team_id, "bob")["bob"]

    assert (
        stack.call("POST", f"/orders/{bob_order}/refund", token=bob, body={"reason": "买错了"})[0]
        == 200
    )
    status, approved = stack.call("POST", f"/admin/orders/{bob_order}/refund/approve", admin=True)
    assert status == 200, approved
    assert stack.sandbox.complete_refund(approved["refund"]["out_refund_no"]) == [204]
    carol_order = joined(stack, team_id, "carol")["carol"][1]  # bob's seat, free again
    assert stack.container.shop.group_buy.team(UUID(team_id)).is_forming

    status, refunded = stack.call(
        "POST", f"/admin/orders/{leader['id']}/refund", admin=True, body={"reason": "缺货"}
    )
    assert (status, refunded["refund_status"]) == (200, "approved"), refunded

    team = stack.container.shop.group_buy.team(UUID(team_id))
    assert team.leader_order_id == carol_order
    assert team.paid_order_ids == [carol_order]
    joined(stack, team_id, "dave", "erin")
    team = stack.container.shop.group_buy.team(UUID(team_id))
    assert (team.status, team.leader_order_id) == ("succeeded", carol_order)


def test_a_closing_that_refunds_a_seat_frees_it(stack: Stack) -> None:
    """注销 interrupted after the member's key went: closing again refunds the
    paid express order that can no longer ship, and its seat is free again."""
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=3)
    alice = stack.login("alice")
    leader = open_team(stack, alice)
    pay(stack, alice, leader["id"])
    team_id = leader["team_id"]
    bob = log_in(stack, "bob")
    express = {"delivery": {"method": "express", "address": ADDRESS}}
    status, order = stack.call("POST", f"/teams/{team_id}/orders", token=bob["token"], body=express)
    assert status == 201, order
    pay(stack, bob["token"], order["id"])
    interrupted_closing(stack, bob["member_id"])

    assert stack.call("DELETE", "/me", token=bob["token"]) == (200, {"closed": True})

    assert order_of(stack, order["id"])["refund_status"] == "approved"
    team = stack.container.shop.group_buy.team(UUID(team_id))
    assert team.paid_order_ids == [leader["id"]] and team.is_forming
    joined(stack, team_id, "carol", "dave")  # bob's seat, free again
    assert stack.container.shop.group_buy.team(UUID(team_id)).status == "succeeded"


def test_a_formed_teams_order_takes_partial_after_sales_a_forming_ones_does_not(
    stack: Stack,
) -> None:
    """Before its team forms, a group-buy order is refunded whole if the team
    fails, so after-sales waits for the team (409 team_not_formed); after, some
    units come back to the campaign and the order stays paid for the rest."""
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=2, stock=10, limit=3)
    alice = stack.login("alice")
    body = {"sku_id": "TEA", "quantity": 3, "delivery": PICKUP}
    status, leader = stack.call("POST", "/campaigns/tuan/teams", token=alice, body=body)
    assert status == 201, leader
    pay(stack, alice, leader["id"])
    status, early = ask(stack, alice, leader["id"], "refund_only", {"TEA": 1})
    assert (status, early["code"]) == (409, "team_not_formed"), early

    joined(stack, leader["team_id"], "bob")
    status, request = ask(stack, alice, leader["id"], "refund_only", {"TEA": 1})
    assert (status, request["amount_fen"]) == (201, GROUP_PRICE), request
    _, approved = admin(stack, request["id"], "approve")
    assert stack.sandbox.complete_refund(approved["out_refund_no"]) == [204]

    order = order_of(stack, leader["id"])
    assert (order["status"], order["refunded_fen"]) == ("paid", GROUP_PRICE), order
    item = stack.call("GET", "/campaigns/tuan")[1]["items"][0]
    assert (item["left"], item["taken"]) == (10 - 4 + 1, 3)
    assert stack.container.shop.group_buy.team(UUID(leader["team_id"])).status == "succeeded"
