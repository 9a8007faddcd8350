"""Reviews over HTTP on both runtimes: a member reviews each line of their own
order once it completed (through the shop's own flow: paid, picked up, then
completed by the scheduled jobs), adds one follow-up; the shop replies,
operators hide and show reviews with a reason; product pages show the rating
summary and visible reviews with masked nicknames, the placeholder once the
author closed the account; a review earns its points once."""

from __future__ import annotations

from typing import Any

from tests.support.stack import Stack

PICKUP = {"method": "pickup", "store_id": "s1"}
IMAGE = "https://img.example.com/review/1.jpg"


def picked_up_order(stack: Stack, token: str, skus: list[str]) -> str:
    body = {"lines": [{"sku_id": s, "quantity": 1} for s in skus], "delivery": PICKUP}
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    oid = str(order["id"])
    assert stack.call("POST", f"/orders/{oid}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(oid.replace("-", "")) == [204]
    for step in ("ready-for-pickup", "picked-up"):
        assert stack.call("POST", f"/admin/orders/{oid}/{step}", admin=True)[0] == 200
    return oid


def complete_orders(stack: Stack, count: int) -> None:
    stack.clock.advance(days=7)
    status, done = stack.call("POST", "/admin/jobs/run", admin=True)
    assert (status, done["completed"]) == (200, count), done


def review(stack: Stack, token: str, oid: str, **fields: Any) -> tuple[int, Any]:
    body = {"sku_id": "TEA", "stars": 5, "text": "好喝", "images": [IMAGE], **fields}
    return stack.call("POST", f"/orders/{oid}/reviews", token=token, body=body)


def field_of(answer: Any) -> str:
    return str(answer["details"]["errors"][0]["field"])


def test_a_member_reviews_a_completed_line_once_and_the_page_shows_it(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 5), ("CUP", 1200, 5)])["id"]
    alice, bob = stack.login("alice"), stack.login("bob")
    profile = {"nickname": "阿丽", "avatar_url": "https://img.example.com/a.png"}
    assert stack.call("POST", "/me/profile", token=alice, body=profile)[0] == 200
    oid = picked_up_order(stack, alice, ["TEA", "CUP"])
    before = stack.event_count()
    status, refused = review(stack, alice, oid)
    assert (status, refused["code"]) == (409, "conflict"), refused  # picked up, not completed
    assert stack.event_count() == before

    complete_orders(stack, 1)
    alice, bob = stack.login("alice"), stack.login("bob")  # sessions last 7 days
    before = stack.event_count()
    assert review(stack, bob, oid)[0] == 404  # not bob's order
    for fields, field in (
        ({"stars": 0}, "stars"),
        ({"stars": "5"}, "stars"),
        ({"text": "x" * 501}, "text"),
        ({"text": "bell\u0007"}, "text"),
        ({"images": ["http://img.example.com/1.jpg"]}, "images"),
        ({"images": [IMAGE] * 10}, "images"),
        ({"sku_id": "NOT-IN-ORDER"}, "sku_id"),
    ):
        status, answer = review(stack, alice, oid, **fields)
        assert (status, field_of(answer)) == (400, field), (fields, answer)
    assert stack.event_count() == before

    status, written = review(stack, alice, oid, text="好喝\n会回购")
    assert status == 201, written
    assert (written["stars"], written["text"], written["images"]) == (5, "好喝\n会回购", [IMAGE])
    status, again = review(stack, alice, oid, stars=1)
    assert (status, again["code"]) == (409, "already_reviewed")
    stack.clock.advance(minutes=1)
    assert review(stack, alice, oid, sku_id="CUP", stars=2, images=[])[0] == 201

    rid = written["id"]
    later = {"text": "用了一个月，还是好"}
    assert stack.call("POST", f"/reviews/{rid}/follow-up", token=bob, body=later)[0] == 404
    assert stack.call("POST", f"/reviews/{rid}/follow-up", token=alice, body=later)[0] == 201
    status, twice = stack.call("POST", f"/reviews/{rid}/follow-up", token=alice, body=later)
    assert status == 409, twice
    reply = {"text": "谢谢支持"}
    assert stack.call("PUT", f"/admin/reviews/{rid}/reply", body=reply)[0] == 401
    assert stack.call("PUT", f"/admin/reviews/{rid}/reply", admin=True, body=reply)[0] == 200

    status, page = stack.call("GET", f"/products/{product}/reviews")
    assert status == 200, page
    assert page["summary"] == {
        "count": 2,
        "average": 3.5,
        "stars": {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1},
    }
    newest, oldest = page["items"]
    assert (newest["sku_id"], oldest["sku_id"]) == ("CUP", "TEA")
    assert oldest["member"] == {"nickname": "阿**", "avatar_url": profile["avatar_url"]}
    assert oldest["follow_up"]["text"] == later["text"]
    assert oldest["reply"]["text"] == reply["text"]
    assert "member_id" not in oldest and "order_id" not in oldest

    assert stack.call("DELETE", "/me", token=alice)[0] == 200
    _, page = stack.call("GET", f"/products/{product}/reviews?limit=1")
    assert page["items"][0]["member"] == {"nickname": "微信用户", "avatar_url": ""}
    assert page["items"][0]["sku_id"] == "CUP"
    _, rest = stack.call("GET", f"/products/{product}/reviews?limit=1&cursor={page['next_cursor']}")
    assert rest["items"][0]["text"] == "好喝\n会回购"  # the text stays
    assert rest["next_cursor"] is None


def test_operators_hide_and_show_a_review_with_a_reason(stack: Stack) -> None:
    product = stack.list_product("tea", [("TEA", 6800, 5)])["id"]
    alice = stack.login("alice")
    oid = picked_up_order(stack, alice, ["TEA"])
    complete_orders(stack, 1)
    alice = stack.login("alice")
    rid = review(stack, alice, oid, stars=1, text="广告 加微信")[1]["id"]

    before = stack.event_count()
    status, answer = stack.call("POST", f"/admin/reviews/{rid}/hide", admin=True, body={})
    assert (status, field_of(answer)) == (400, "reason")
    assert stack.call("POST", f"/admin/reviews/{rid}/unhide", admin=True)[0] == 409
    assert stack.event_count() == before
    hide = {"reason": "广告"}
    assert stack.call("POST", f"/admin/reviews/{rid}/hide", admin=True, body=hide)[0] == 200
    assert stack.call("POST", f"/admin/reviews/{rid}/hide", admin=True, body=hide)[0] == 409

    _, page = stack.call("GET", f"/products/{product}/reviews")
    assert page["items"] == [] and page["summary"]["count"] == 0
    assert page["summary"]["average"] is None
    status, hidden = stack.call("GET", f"/admin/reviews?product={product}&hidden=true", admin=True)
    assert status == 200, hidden
    (item,) = hidden["items"]
    assert item["moderation"][0]["reason"] == "广告" and item["member_id"]
    assert stack.call("GET", "/admin/reviews?hidden=false", admin=True)[1]["items"] == []
    status, answer = stack.call("GET", "/admin/reviews?product=x", admin=True)
    assert (status, field_of(answer)) == (400, "product")

    body = {"reason": "申诉通过"}
    assert stack.call("POST", f"/admin/reviews/{rid}/unhide", admin=True, body=body)[0] == 200
    _, page = stack.call("GET", f"/products/{product}/reviews")
    assert [i["id"] for i in page["items"]] == [rid] and page["summary"]["average"] == 1.0


def test_a_review_earns_its_points_once(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 5)])
    stack.container.settings.review_reward_points = 30
    stack.container.reread_rules()
    alice = stack.login("alice")
    oid = picked_up_order(stack, alice, ["TEA"])
    complete_orders(stack, 1)
    alice = stack.login("alice")
    balance = stack.call("GET", "/me/points", token=alice)[1]["balance"]
    assert review(stack, alice, oid)[0] == 201
    assert review(stack, alice, oid)[0] == 409
    assert stack.call("GET", "/me/points", token=alice)[1]["balance"] == balance + 30
