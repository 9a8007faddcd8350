"""The official account and notifications end to end, over HTTP with signed
and encrypted pushes from the WeChat sandbox: follow, log in, accept one
subscribe template, pay (one subscribe message), ship (a template message
with the mini-program jump), opt out of marketing (a campaign reminder is
suppressed on both channels), and nothing sent twice by rebuilds or replays."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.stack import Stack

from .test_order_flow import place

PAID_SUB = "sandbox-order_paid-sub"
SHIPPED_OA = "sandbox-order_shipped-oa"


def messages(stack: Stack) -> list[dict[str, Any]]:
    return list(stack.sandbox.messages())


def notifications(stack: Stack, status: str | None = None) -> list[dict[str, Any]]:
    path = "/admin/notifications" + (f"?status={status}" if status else "")
    code, answer = stack.call("GET", path, admin=True)
    assert code == 200, answer
    return list(answer["notifications"])


def test_follow_login_subscribe_pay_ship_and_opt_out(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 6800, 20)])
    [(status, body)] = stack.wechat.oa_push("alice", "subscribe", scene="store42", safe=True)
    assert (status, body) == (200, "success")
    alice = stack.login("alice")

    accepted = stack.sandbox.accept_subscribe("alice", [PAID_SUB])
    code, credits = stack.call(
        "POST", "/me/subscribe-messages", token=alice, body={"results": accepted}
    )
    assert code == 200, credits

    order = place(stack, alice, "TEA")
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(order["id"].replace("-", "")) == [204]
    sent = messages(stack)
    assert [(m["channel"], m["template_id"]) for m in sent] == [("subscribe", PAID_SUB)]
    assert order["id"] in sent[0]["page"]

    ship = {"carrier": "SF", "tracking_no": "SF1234567890"}
    code, _ = stack.call("POST", f"/admin/orders/{order['id']}/ship", admin=True, body=ship)
    assert code == 200
    sent = messages(stack)
    assert [(m["channel"], m["template_id"]) for m in sent][1:] == [("template", SHIPPED_OA)]
    jump = sent[1]["miniprogram"]
    assert jump["appid"] == stack.container.settings.wechat_appid
    assert jump["pagepath"].startswith("pages/orders/logistics") and order["id"] in jump["pagepath"]

    [(status, _)] = stack.wechat.oa_push("alice", "template_finish", status="success")
    assert status == 200
    shipped = [n for n in notifications(stack, "sent") if n["trigger"] == "order_shipped"]
    assert [n["delivery"] for n in shipped] == ["success"]

    code, prefs = stack.call(
        "PUT", "/me/notification-preferences", token=alice, body={"opted_out": ["marketing"]}
    )
    assert code == 200 and prefs["opted_out"] == ["marketing"]
    starts_at = stack.clock.now() + timedelta(hours=1)
    campaign = {
        "code": "double-11",
        "kind": "flash_sale",
        "title": "双十一秒杀",
        "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 5}],
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
    }
    assert stack.call("POST", "/admin/campaigns", admin=True, body=campaign)[0] == 201
    assert stack.call("POST", "/admin/campaigns/double-11/start", admin=True)[0] == 200
    assert stack.call("POST", "/campaigns/double-11/reservation", token=alice)[0] == 200
    stack.clock.advance(hours=1)
    stack.call("POST", "/admin/jobs/run", admin=True)
    assert len(messages(stack)) == 2
    suppressed = {n["trigger"]: n["reason"] for n in notifications(stack, "suppressed")}
    assert suppressed["campaign_starting"] == "opted_out"

    before = (messages(stack), stack.event_count())
    for name in stack.container.runner.projections:
        assert stack.call("POST", f"/admin/projections/{name}/rebuild", admin=True)[0] == 200
    stack.call("POST", "/admin/jobs/run", admin=True)
    assert (messages(stack), stack.event_count()) == before

    code, stats = stack.call("GET", "/admin/notifications/stats", admin=True)
    assert code == 200
    by_template = {row["template_id"]: row for row in stats["templates"]}
    assert by_template[PAID_SUB]["sent"] == 1 and by_template[SHIPPED_OA]["sent"] == 1


def test_a_push_replayed_three_times_changes_nothing_after_the_first(stack: Stack) -> None:
    stack.login("bob")
    [(status, first)] = stack.wechat.oa_push("bob", "text", content="订单", msgid=10001)
    assert status == 200
    reply = stack.wechat.oa_reply(first)
    assert "pages/orders/index" in reply["Content"]
    events = stack.event_count()
    again = stack.wechat.oa_push("bob", "text", content="订单", msgid=10001, times=3)
    assert stack.event_count() == events + 3  # each retry's fresh nonce remembered; no more
    assert [status for status, _ in again] == [200, 200, 200]
    assert all(stack.wechat.oa_reply(body)["Content"] == reply["Content"] for _, body in again)

    [(status, body)] = stack.wechat.oa_push("bob", "subscribe", scene="poster7")
    assert (status, body) == (200, "success")
    events = stack.event_count()
    again = stack.wechat.oa_push("bob", "subscribe", scene="poster7", times=3)
    assert [status for status, _ in again] == [200, 200, 200]
    assert stack.event_count() == events + 3


def test_forged_pushes_are_refused_and_change_nothing(stack: Stack) -> None:
    events = stack.event_count()
    [(status, _)] = stack.wechat.oa_push("carol", "subscribe", safe=True, forge=True)
    assert status == 403
    assert stack.event_count() == events
