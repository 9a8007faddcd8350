"""Invites (邀请有礼) and campaign reservations (活动预约) over HTTP, on both
runtimes: an invitee's first order, completed by the scheduled jobs on the
stack's clock, rewards both members exactly once; reminders are reserved before
a campaign starts and cancelled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from chalicelib.domain.ids import member_id_for
from chalicelib.domain.referral import invite_code_for
from chalicelib.projections import reservations
from tests.support.stack import Stack

ADDRESS = {
    "receiver": "李雷",
    "phone": "13800000000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技南路 1 号",
}
INVITE_GIFT = {
    "code": "invite-gift",
    "title": "邀请有礼 无门槛 5 元",
    "terms": {"kind": "no_threshold", "amount_fen": 500},
    "valid_days": 30,
}


def log_in(stack: Stack, user: str, **extra: Any) -> dict[str, Any]:
    code = stack.sandbox.mint_login_code(user)["code"]
    status, answer = stack.call("POST", "/auth/login", body={"code": code, **extra})
    assert status == 200, answer
    return dict(answer)


def jobs(stack: Stack) -> dict[str, int]:
    status, done = stack.call("POST", "/admin/jobs/run", admin=True)
    assert status == 200, done
    return dict(done)


def points(stack: Stack, token: str) -> int:
    return int(stack.call("GET", "/me/points", token=token)[1]["balance"])


def invite_gifts(stack: Stack, token: str) -> int:
    _, coupons = stack.call("GET", "/me/coupons?status=usable", token=token)
    return sum(1 for c in coupons["items"] if c["title"] == INVITE_GIFT["title"])


def completed_first_order(stack: Stack, token: str) -> str:
    body = {
        "lines": [{"sku_id": "TEA", "quantity": 1}],
        "delivery": {"method": "express", "address": ADDRESS},
    }
    status, order = stack.call("POST", "/orders", token=token, body=body)
    assert status == 201, order
    oid = str(order["id"])
    assert stack.call("POST", f"/orders/{oid}/pay", token=token)[0] == 200
    assert stack.sandbox.pay(oid.replace("-", "")) == [204]
    ship = {"carrier": "SF", "tracking_no": "SF0000000001"}
    assert stack.call("POST", f"/admin/orders/{oid}/ship", admin=True, body=ship)[0] == 200
    stack.clock.advance(days=7)
    assert jobs(stack)["auto_received"] == 1
    stack.clock.advance(days=7)
    assert jobs(stack)["completed"] == 1
    return oid


def test_an_invitees_first_completed_order_rewards_both_exactly_once(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 3000, 50)])
    status, _ = stack.call("POST", "/admin/coupon-templates", admin=True, body=INVITE_GIFT)
    assert status == 201
    stack.container.settings.invite_reward_points = 100
    stack.container.settings.invite_reward_coupon = "invite-gift"
    stack.container.reread_rules()
    alice = stack.login("alice")
    status, page = stack.call("GET", "/me/invite", token=alice)
    assert status == 200, page
    assert (page["invited"], page["rewarded"]) == (0, 0)
    assert page["path"] == f"pages/index/index?inviter={page['code']}"

    bob_login = log_in(stack, "bob", invite_code=page["code"], scene=1007)
    assert bob_login["registered"] is True
    assert bob_login["invite"] == {"status": "recorded", "inviter": page["code"]}
    bob = str(bob_login["token"])
    assert stack.call("GET", "/me/invite", token=alice)[1]["invited"] == 1
    assert (points(stack, alice), points(stack, bob)) == (0, 0)

    completed_first_order(stack, bob)
    alice, bob = stack.login("alice"), stack.login("bob")  # 14 days on: sessions expired

    assert points(stack, alice) == 100
    assert points(stack, bob) == 100 + 30  # the reward, and ¥30 of goods at 1 point per ¥1
    assert (invite_gifts(stack, alice), invite_gifts(stack, bob)) == (1, 1)
    _, page = stack.call("GET", "/me/invite", token=alice)
    assert (page["invited"], page["rewarded"]) == (1, 1)

    stack.clock.advance(days=1)
    assert jobs(stack)["completed"] == 0  # the completion job again: nothing more
    assert (points(stack, alice), points(stack, bob)) == (100, 130)
    assert (invite_gifts(stack, alice), invite_gifts(stack, bob)) == (1, 1)

    again = log_in(stack, "bob", invite_code=page["code"])  # not a registration
    assert again["invite"] == {"status": "refused", "reason": "already_registered"}
    assert stack.call("POST", "/admin/projections/invites/rebuild", admin=True)[0] == 200
    assert stack.call("GET", "/me/invite", token=alice)[1] == page


def test_self_invites_and_bad_codes_are_refused_and_the_login_still_succeeds(
    stack: Stack,
) -> None:
    minted = stack.sandbox.mint_login_code("carol")
    carol_id = member_id_for(unionid=minted["unionid"], openid=minted["openid"])
    own_code = invite_code_for(carol_id)
    status, carol = stack.call(
        "POST", "/auth/login", body={"code": minted["code"], "invite_code": own_code}
    )
    assert status == 200, carol
    assert carol["registered"] is True and carol["member_id"] == str(carol_id)
    assert carol["invite"] == {"status": "refused", "reason": "self_invite"}
    _, page = stack.call("GET", "/me/invite", token=carol["token"])
    assert (page["code"], page["invited"]) == (own_code, 0)

    dave = log_in(stack, "dave", invite_code="not-a-code")
    assert dave["invite"] == {"status": "refused", "reason": "invalid_code"}
    nobody = invite_code_for(UUID(int=7))
    erin = log_in(stack, "erin", query={"inviter": nobody})  # the share path's query
    assert erin["invite"] == {"status": "refused", "reason": "unknown_inviter"}
    frank = log_in(stack, "frank", query="inviter=" + own_code)
    assert frank["invite"] == {"status": "recorded", "inviter": own_code}
    assert log_in(stack, "grace")["invite"] is None

    code = stack.sandbox.mint_login_code("heidi")["code"]
    status, error = stack.call("POST", "/auth/login", body={"code": code, "invite_code": "x" * 65})
    assert status == 400 and error["details"]["errors"][0]["field"] == "invite_code"
    assert stack.call("GET", "/me/invite")[0] == 401


def test_reserve_and_cancel_a_reminder_for_a_campaigns_start(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 3000, 50)])
    starts_at = stack.clock.now() + timedelta(days=1)
    campaign = {
        "code": "double-11",
        "kind": "flash_sale",
        "title": "双十一秒杀",
        "items": [{"sku_id": "TEA", "price_fen": 990, "stock": 10}],
        "starts_at": starts_at.isoformat(),
        "ends_at": (starts_at + timedelta(hours=2)).isoformat(),
        "shards": 2,
    }
    status, defined = stack.call("POST", "/admin/campaigns", admin=True, body=campaign)
    assert status == 201, defined
    alice = stack.login("alice")
    path = "/campaigns/double-11/reservation"
    status, error = stack.call("POST", path, token=alice)
    assert (status, error["code"]) == (404, "not_found")  # a draft is not shown to members
    assert stack.call("DELETE", path, token=alice)[0] == 404
    assert stack.call("POST", "/admin/campaigns/double-11/start", admin=True)[0] == 200
    bob = stack.login("bob")

    status, reserved = stack.call("POST", path, token=alice)
    assert status == 200, reserved
    assert (reserved["code"], reserved["title"], reserved["reserved"]) == (
        "double-11",
        "双十一秒杀",
        True,
    )
    assert reserved["starts_at"] == defined["starts_at"]
    assert stack.call("POST", path, token=alice)[1] == reserved  # twice is fine
    assert stack.call("POST", path, token=bob)[0] == 200

    _, mine = stack.call("GET", "/me/reservations", token=alice)
    assert [(r["code"], r["title"], r["starts_at"]) for r in mine["items"]] == [
        ("double-11", "双十一秒杀", defined["starts_at"])
    ]
    stack.settle()
    reservers = reservations.reservers(stack.container.views, UUID(defined["id"]))
    assert len(reservers) == 2 and reservers[0]["reserved_at"] == reserved["reserved_at"]

    status, cancelled = stack.call("DELETE", path, token=alice)
    assert (status, cancelled["reserved"], cancelled["reserved_at"]) == (200, False, None)
    status, error = stack.call("DELETE", path, token=alice)
    assert (status, error["code"]) == (404, "not_found")
    assert stack.call("GET", "/me/reservations", token=alice)[1]["items"] == []
    stack.settle()
    reservers = reservations.reservers(stack.container.views, UUID(defined["id"]))
    assert [r["member_id"] for r in reservers] == [log_in(stack, "bob")["member_id"]]

    assert stack.call("POST", "/campaigns/nope/reservation", token=alice)[0] == 404
    assert stack.call("POST", path)[0] == 401
    stack.clock.advance(days=1)
    status, error = stack.call("POST", path, token=alice)
    assert (status, error["code"]) == (409, "campaign_started")
