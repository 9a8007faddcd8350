"""注销 over HTTP, on both runtimes: the closed account's token is refused, a
login after it is a new member with none of the old orders and no second 新人券,
deletion waits for paid express orders to ship, order notes, nickname, avatar
and birthday are sealed, the official-account follower and the profile go with
the account, and an order paid after the account closed is refunded."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from chalicelib.application.order_reactions import ACCOUNT_CLOSED
from chalicelib.projections.followers import follower_for_openid, follower_for_unionid_key
from sandbox.state import openid_for, unionid_for
from tests.support.stack import Stack

from .test_members_and_benefits import WELCOME, define, order_body, pay, stored_event_bytes

NOTE = "请放在物业前台 王阿姨代收"


def log_in(stack: Stack, user: str) -> dict[str, Any]:
    code = stack.sandbox.mint_login_code(user)["code"]
    status, answer = stack.call("POST", "/auth/login", body={"code": code, "scene": 1001})
    assert status == 200, answer
    return dict(answer)


def welcome_coupons(stack: Stack, token: str) -> int:
    """The member's coupons: the 新人券 is the only template these tests define."""
    status, mine = stack.call("GET", "/me/coupons", token=token)
    assert status == 200, mine
    return len(mine["items"])


def test_a_closed_accounts_token_is_refused_and_a_new_login_is_a_new_member(
    stack: Stack,
) -> None:
    define(stack, {**WELCOME, "per_member_limit": 1})
    stack.list_product("tea", [("TEA", 3000, 50)])
    first = log_in(stack, "alice")
    old = first["token"]
    assert first["registered"] and welcome_coupons(stack, old) == 1
    _, order = stack.call("POST", "/orders", token=old, body=order_body("TEA", note=NOTE))
    assert order["note"] == NOTE
    assert NOTE.encode() not in stored_event_bytes(stack)

    assert stack.call("DELETE", "/me", token=old) == (200, {"closed": True})

    for path in ("/orders", "/me", "/me/coupons", f"/orders/{order['id']}"):
        status, refused = stack.call("GET", path, token=old)
        assert (status, refused["code"]) == (401, "unauthenticated"), path
    status, _ = stack.call("DELETE", "/me", token=old)
    assert status == 401

    again = log_in(stack, "alice")
    assert again["registered"] and again["member_id"] != first["member_id"]
    new = again["token"]
    assert stack.call("GET", "/orders", token=new) == (200, {"items": [], "next_cursor": None})
    assert stack.call("GET", f"/orders/{order['id']}", token=new)[0] == 404
    assert welcome_coupons(stack, new) == 0  # 新人券 once per WeChat identity

    assert stack.call("DELETE", "/me", token=new)[0] == 200
    third = log_in(stack, "alice")
    assert third["member_id"] not in (first["member_id"], again["member_id"])
    assert welcome_coupons(stack, third["token"]) == 0
    _, seen = stack.call("GET", f"/admin/orders/{order['id']}", admin=True)
    assert seen["note"] is None  # its key is shredded


def test_deletion_waits_while_a_paid_express_order_awaits_shipping(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 3000, 50)])
    alice = stack.login("alice")
    _, order = stack.call("POST", "/orders", token=alice, body=order_body("TEA"))
    pay(stack, alice, order["id"])

    status, refused = stack.call("DELETE", "/me", token=alice)
    assert (status, refused["code"]) == (409, "address_still_needed"), refused
    assert refused["details"]["order_ids"] == [order["id"]]
    _, still = stack.call("GET", f"/orders/{order['id']}", token=alice)
    assert still["delivery"]["address"]["receiver"] == "张三丰"  # nothing changed

    ship = {"carrier": "SF", "tracking_no": "SF1234567890"}
    assert stack.call("POST", f"/admin/orders/{order['id']}/ship", admin=True, body=ship)[0] == 200
    assert stack.call("DELETE", "/me", token=alice) == (200, {"closed": True})


def test_the_follower_record_and_the_profile_go_with_the_account(stack: Stack) -> None:
    alice = stack.login("alice")
    profile = {"nickname": "阿丽", "avatar_url": "https://img.example/a.png"}
    assert stack.call("POST", "/me/profile", token=alice, body=profile)[0] == 200
    [(status, _)] = stack.wechat.oa_push("alice", "subscribe", scene="store42")
    assert status == 200
    stack.settle()
    views = stack.container.views
    oa_openid = openid_for(stack.wechat.keyring.oa_appid, "alice")
    unionid_key = stack.container.pseudonyms.of("unionid", unionid_for("alice"))
    follower = follower_for_unionid_key(views, unionid_key)
    assert follower is not None and follower["sources"], follower

    assert stack.call("DELETE", "/me", token=alice)[0] == 200
    stack.settle()

    assert follower_for_unionid_key(views, unionid_key) is None
    assert follower_for_openid(views, oa_openid) is None
    again = stack.login("alice")
    _, me = stack.call("GET", "/me", token=again)
    assert (me["nickname"], me["avatar_url"], me["birthday"]) == ("", "", None)


NICKNAME, AVATAR, BIRTHDAY = "欧阳娜娜", "https://img.example/nana-7f3e.png", "1992-11-02"


def test_nickname_avatar_and_birthday_are_stored_sealed_and_go_with_the_account(
    stack: Stack,
) -> None:
    alice = stack.login("alice")
    profile = {"nickname": NICKNAME, "avatar_url": AVATAR, "birthday": BIRTHDAY}
    status, saved = stack.call("POST", "/me/profile", token=alice, body=profile)
    assert (status, saved) == (200, profile)
    _, me = stack.call("GET", "/me", token=alice)
    assert (me["nickname"], me["avatar_url"], me["birthday"]) == (NICKNAME, AVATAR, BIRTHDAY)
    status, export = stack.call("GET", "/me/export", token=alice)
    assert status == 200 and export["member"]["nickname"] == NICKNAME, export
    assert export["member"]["birthday"] == BIRTHDAY
    stored = stored_event_bytes(stack)
    for clear in (NICKNAME, AVATAR, BIRTHDAY, "1992"):
        assert clear.encode() not in stored, clear
        assert json.dumps(clear).encode() not in stored, clear
    assert b'"11-02"' in stored  # the birthday job's month-day bucket, identifying nobody

    assert stack.call("DELETE", "/me", token=alice) == (200, {"closed": True})

    vault = stack.container.vault
    member_id = UUID(me["member_id"])
    sealed = [
        value
        for event in stack.container.shop.store.events.get(member_id)
        for value in vars(event).values()
        if isinstance(value, str) and value.startswith("pii1:")
    ]
    assert len(sealed) == 3 and all(vault.open(member_id, value) is None for value in sealed)
    assert stack.call("GET", "/me/export", token=alice)[0] == 401


def test_the_birthday_coupon_still_goes_to_an_open_member(stack: Stack) -> None:
    define(stack, {"code": "bday", "title": "生日券", "trigger": "birthday", **BIRTHDAY_TERMS})
    levels = {"levels": [{"code": "regular", "name": "普通", "threshold_fen": 0, **BDAY}]}
    assert stack.call("PUT", "/admin/levels", admin=True, body=levels)[0] == 200
    alice = stack.login("alice")
    assert stack.call("POST", "/me/profile", token=alice, body={"birthday": BIRTHDAY})[0] == 200

    assert run_jobs(stack)["birthday_coupons"] == 0  # 1 November in Beijing
    stack.clock.advance(days=1)
    assert run_jobs(stack)["birthday_coupons"] == 1
    assert run_jobs(stack)["birthday_coupons"] == 0
    _, mine = stack.call("GET", "/me/coupons", token=alice)
    assert [c["title"] for c in mine["items"]] == ["生日券"]


BIRTHDAY_TERMS = {"terms": {"kind": "no_threshold", "amount_fen": 800}, "valid_days": 7}
BDAY = {"birthday_coupon": "bday"}


def run_jobs(stack: Stack) -> dict[str, int]:
    status, done = stack.call("POST", "/admin/jobs/run", admin=True)
    assert status == 200, done
    return dict(done)


def test_an_order_paid_after_the_account_closed_is_refunded(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 3000, 50)])
    alice = stack.login("alice")
    _, order = stack.call("POST", "/orders", token=alice, body=order_body("TEA"))
    assert stack.call("POST", f"/orders/{order['id']}/pay", token=alice)[0] == 200
    assert stack.call("DELETE", "/me", token=alice) == (200, {"closed": True})  # unpaid yet
    trade_no = order["id"].replace("-", "")

    assert stack.sandbox.pay(trade_no, times=2) == [204, 204]  # WeChat Pay notifies twice

    refunds = [
        (number, refund)
        for number, refund in stack.sandbox.snapshot()["refunds"].items()
        if refund["out_trade_no"] == trade_no
    ]
    assert len(refunds) == 1, refunds  # asked for once
    number, refund = refunds[0]
    assert refund["refund"] == refund["total"] == 3000 + 1000
    assert refund["reason"] == ACCOUNT_CLOSED
    _, seen = stack.call("GET", f"/admin/orders/{order['id']}", admin=True)
    assert (seen["status"], seen["refund_status"]) == ("paid", "approved"), seen
    assert seen["delivery"]["address"] is None
    assert stack.sandbox.complete_refund(number) == [204]
    _, refunded = stack.call("GET", f"/admin/orders/{order['id']}", admin=True)
    assert (refunded["status"], refunded["refund_status"]) == ("refunded", "refunded")
