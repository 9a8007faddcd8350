"""Campaign progress over HTTP on both runtimes: the operator defines and starts
a flash sale, members buy, and the campaign pages the mini-program polls show
the stock going down and the live numbers going up — in the same request cycle
on the embedded runtime, once the projector has run on the AWS runtime."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}
FLASH = {
    "code": "double11",
    "kind": "flash_sale",
    "title": "双十一 秒杀",
    "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 5}],
    "starts_at": "2026-01-01T00:00:00+08:00",
    "ends_at": "2099-01-01T00:00:00+08:00",
    "per_member_limit": 2,
}


def unsettled_get(stack: Stack, path: str) -> Any:
    """A GET that does not wait for the AWS runtime's indexer and projector."""
    response = stack.http.get(stack.base_url + path)
    assert response.status_code == 200, response.text
    return response.json()


def left(doc: dict[str, Any]) -> tuple[int, int]:
    item = doc["items"][0]
    return item["left"], item["taken"]


def test_the_campaign_pages_follow_a_flash_sale(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    status, _ = stack.call("POST", "/admin/campaigns", admin=True, body=FLASH)
    assert status == 201
    assert stack.call("GET", "/campaigns")[1] == {"items": []}  # a draft is not published
    assert stack.call("GET", "/campaigns/double11")[0] == 404
    _, listed = stack.call("GET", "/admin/campaigns", admin=True)
    assert [(c["code"], c["status"]) for c in listed["items"]] == [("double11", "draft")]

    assert stack.call("POST", "/admin/campaigns/double11/start", admin=True)[0] == 200
    _, shown = stack.call("GET", "/campaigns?kind=flash_sale")
    assert [(c["code"], c["phase"]) for c in shown["items"]] == [("double11", "ongoing")]
    assert stack.call("GET", "/campaigns?kind=group_buy")[1] == {"items": []}
    assert left(stack.call("GET", "/campaigns/double11")[1]) == (5, 0)

    alice = stack.login("alice")
    body = {"sku_id": "TEA", "quantity": 2, "delivery": PICKUP}
    status, order = stack.call("POST", "/campaigns/double11/orders", token=alice, body=body)
    assert status == 201, order
    seen = unsettled_get(stack, "/campaigns/double11")
    if stack.running.lambdas is None:
        assert left(seen) == (3, 2)  # the embedded runtime projects before it answers
    else:
        assert left(seen) == (5, 0)  # the projector has not run yet
        stack.settle()
        assert left(unsettled_get(stack, "/campaigns/double11")) == (3, 2)

    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    status, progress = stack.call("GET", "/campaigns/double11/progress")
    assert status == 200
    assert progress == {
        "code": "double11",
        "status": "live",
        "phase": "ongoing",
        "teams_open": 0,
        "teams_succeeded": 0,
        "teams_failed": 0,
        "participants": 1,
        "units_sold": 2,
        "left": 3,
        "items": [{"sku_id": "TEA", "stock": 5, "left": 3, "taken": 2}],
    }
    _, detail = stack.call("GET", "/admin/campaigns/double11", admin=True)
    assert detail["stock"] == {"TEA": {"stock": 5, "left": 3, "taken": 2}}
    assert left(detail) == (3, 2)
    assert stack.call("GET", f"/products/{product['id']}/teams")[1] == {"items": []}

    reason = {"reason": "售罄下架"}
    assert stack.call("POST", "/admin/campaigns/double11/end", admin=True, body=reason)[0] == 200
    assert stack.call("GET", "/campaigns")[1] == {"items": []}
    _, ended = stack.call("GET", "/campaigns/double11")
    assert (ended["phase"], ended["end_reason"], left(ended)) == ("ended", "售罄下架", (0, 2))


def test_unknown_ids_are_404_and_bad_queries_400(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 10)])
    for path in (
        "/campaigns/nope",
        "/campaigns/nope/progress",
        "/teams/not-a-team",
        f"/teams/{uuid4()}",
        "/products/not-a-product/teams",
    ):
        status, answer = stack.call("GET", path)
        assert (status, answer["code"]) == (404, "not_found"), path
    assert stack.call("GET", f"/products/{product['id']}/teams?limit=2")[1] == {"items": []}
    for path in ("/campaigns?kind=lottery", f"/products/{product['id']}/teams?limit=0"):
        status, answer = stack.call("GET", path)
        assert (status, answer["code"]) == (400, "invalid_request"), path
    assert stack.call("GET", "/admin/campaigns")[0] == 401
    assert stack.call("GET", "/admin/campaigns/nope", admin=True)[0] == 404


def member(stack: Stack, user: str, nickname: str) -> str:
    token = stack.login(user)
    profile = {"nickname": nickname, "avatar_url": f"https://img.example/{user}.png"}
    assert stack.call("POST", "/me/profile", token=token, body=profile)[0] == 200
    return token


def paid_order(stack: Stack, token: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    status, order = stack.call("POST", path, token=token, body=body)
    assert status == 201, order
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    return dict(order)


def test_team_progress_is_visible_as_members_join(stack: Stack) -> None:
    """Every read goes through stack.call, which waits for the projector on the AWS
    runtime and not at all on the embedded one: there the answer already shows
    the command just made."""
    product = stack.list_product("tea", [("TEA", 6800, 50)])
    tuan = {
        "code": "tuan",
        "kind": "group_buy",
        "title": "好茶拼团",
        "items": [{"sku_id": "TEA", "price_fen": 1990, "stock": 20}],
        "starts_at": "2026-01-01T00:00:00+08:00",
        "ends_at": "2099-01-01T00:00:00+08:00",
        "rules": {"team_size": 3, "team_hours": 2},
    }
    assert stack.call("POST", "/admin/campaigns", admin=True, body=tuan)[0] == 201
    assert stack.call("POST", "/admin/campaigns/tuan/start", admin=True)[0] == 200
    alice = member(stack, "alice", "张三丰")
    team_id = paid_order(
        stack, alice, "/campaigns/tuan/teams", {"sku_id": "TEA", "delivery": PICKUP}
    )["team_id"]

    status, team = stack.call("GET", f"/teams/{team_id}")
    assert status == 200, team
    assert (team["status"], team["seats_left"], team["short_text"]) == (
        "forming",
        2,
        "还差 2 人成团",
    )
    assert team["members"] == [
        {"nickname": "张**", "avatar_url": "https://img.example/alice.png", "leader": True}
    ]
    assert team["campaign"]["price_fen"] == 1990
    _, offered = stack.call("GET", f"/products/{product['id']}/teams")
    assert [(t["team_id"], t["seats_left"]) for t in offered["items"]] == [(team_id, 2)]

    bob = member(stack, "bob", "李四")
    status, held = stack.call(
        "POST", f"/teams/{team_id}/orders", token=bob, body={"delivery": PICKUP}
    )
    assert status == 201, held
    team = stack.call("GET", f"/teams/{team_id}")[1]
    assert (team["seats_left"], team["short_text"]) == (1, "还差 2 人成团")  # a held seat
    assert stack.call("POST", f"/orders/{held['id']}/pay", token=bob)[0] == 200
    assert stack.sandbox.pay(held["id"].replace("-", "")) == [204]
    team = stack.call("GET", f"/teams/{team_id}")[1]
    assert [(m["nickname"], m["leader"]) for m in team["members"]] == [
        ("张**", True),
        ("李**", False),
    ]
    assert team["short_text"] == "还差 1 人成团"

    paid_order(
        stack, member(stack, "carol", "王五"), f"/teams/{team_id}/orders", {"delivery": PICKUP}
    )
    team = stack.call("GET", f"/teams/{team_id}")[1]
    assert (team["status"], team["seats_left"], team["short_text"]) == ("succeeded", 0, "拼团成功")
    assert stack.call("GET", f"/products/{product['id']}/teams")[1] == {"items": []}
    _, progress = stack.call("GET", "/campaigns/tuan/progress")
    numbers = ("teams_open", "teams_succeeded", "teams_failed", "participants", "units_sold")
    assert [progress[k] for k in numbers] == [0, 1, 0, 3, 3]
