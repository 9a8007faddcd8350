"""Personal data a closed account leaves in the event store, on both runtimes:
group-buy teams and bargains record their members by member id only (their
pages show each member's masked nickname and avatar as the sealed profile says,
a placeholder once the account is closed), and the official-account follower's
openid and unionid are sealed under the follower's own key, shredded with the
account."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.ids import product_id_for
from chalicelib.domain.team import Team
from sandbox.state import openid_for, unionid_for
from tests.support.stack import Stack

from .test_bargains import bargain_campaign, start
from .test_group_buy import define, join, open_team, pay
from .test_members_and_benefits import stored_event_bytes

ALICE = {"nickname": "欧阳娜娜", "avatar_url": "https://img.example/nana-7f3e.png"}
BOB = {"nickname": "鲍勃小明", "avatar_url": "https://img.example/bob-91c2.png"}
PLACEHOLDER = {"nickname": "微信用户", "avatar_url": ""}
CLEAR = (ALICE["avatar_url"], BOB["avatar_url"], "欧**", "鲍**", "欧阳", "鲍勃")


def with_profile(stack: Stack, user: str, profile: dict[str, str]) -> str:
    token = stack.login(user)
    assert stack.call("POST", "/me/profile", token=token, body=profile)[0] == 200
    return token


def assert_no_face_stored(stack: Stack) -> None:
    stored = stored_event_bytes(stack)
    for clear in CLEAR:
        assert clear.encode() not in stored, clear
        assert json.dumps(clear).encode() not in stored, clear


def faces(members: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{k: m[k] for k in ("nickname", "avatar_url")} for m in members]


def test_a_team_shows_its_members_from_their_profiles_and_a_placeholder_once_closed(
    stack: Stack,
) -> None:
    stack.list_product("tea", [("TEA", 6800, 50)])
    define(stack, size=3)
    alice = with_profile(stack, "alice", ALICE)
    leader_order = open_team(stack, alice)
    pay(stack, alice, leader_order["id"])
    team_id = Team.create_id(leader_order["id"])
    bob = with_profile(stack, "bob", BOB)
    status, joined = join(stack, bob, str(team_id))
    assert status == 201, joined
    pay(stack, bob, joined["id"])
    stack.settle()

    _, page = stack.call("GET", f"/teams/{team_id}")
    shown = [("欧**", ALICE["avatar_url"]), ("鲍**", BOB["avatar_url"])]
    assert [(m["nickname"], m["avatar_url"]) for m in page["members"]] == shown
    _, offered = stack.call("GET", f"/products/{product_id_for('tea')}/teams")
    assert offered["items"][0]["leader"] == {"nickname": "欧**", "avatar_url": ALICE["avatar_url"]}
    assert_no_face_stored(stack)

    assert stack.call("DELETE", "/me", token=bob) == (200, {"closed": True})
    stack.settle()

    _, page = stack.call("GET", f"/teams/{team_id}")
    assert faces(page["members"]) == [
        {"nickname": "欧**", "avatar_url": ALICE["avatar_url"]},
        PLACEHOLDER,
    ]
    assert [m["leader"] for m in page["members"]] == [True, False]
    assert stack.call("DELETE", "/me", token=alice)[0] == 200
    _, offered = stack.call("GET", f"/products/{product_id_for('tea')}/teams")
    assert offered["items"][0]["leader"] == PLACEHOLDER
    assert_no_face_stored(stack)


def test_a_bargain_shows_its_helpers_from_their_profiles_and_a_placeholder_once_closed(
    stack: Stack,
) -> None:
    bargain_campaign(stack)
    alice = stack.login("alice")
    bargain = start(stack, alice)
    path = f"/bargains/{bargain['id']}"
    bob = with_profile(stack, "bob", BOB)
    assert stack.call("POST", f"{path}/help", token=bob)[0] == 200

    _, page = stack.call("GET", path, token=alice)
    assert faces(page["helps"]) == [{"nickname": "鲍**", "avatar_url": BOB["avatar_url"]}]
    assert_no_face_stored(stack)

    assert stack.call("DELETE", "/me", token=bob) == (200, {"closed": True})
    stack.settle()

    _, page = stack.call("GET", path, token=alice)
    assert faces(page["helps"]) == [PLACEHOLDER]
    assert page["helps_left"] == 2  # the help itself stays
    assert_no_face_stored(stack)


def follower_event_states(stack: Stack, follower_id: UUID) -> list[bytes]:
    """The follower's events as the event store holds them (SQLite or DynamoDB)."""
    recorder = stack.container.shop.store.recorder
    return [stored.state for stored in recorder.select_events(follower_id)]


def test_the_follower_of_a_closed_account_keeps_no_openid_or_unionid_readable(
    stack: Stack,
) -> None:
    alice = stack.login("alice")
    [(status, _)] = stack.wechat.oa_push("alice", "subscribe", scene="store42")
    assert status == 200
    stack.wechat.oa_push("alice", "click", key="menu-orders")
    stack.settle()
    oa_openid = openid_for(stack.wechat.keyring.oa_appid, "alice")
    unionid = unionid_for("alice")
    follower_id = follower_id_for(oa_openid)
    states = follower_event_states(stack, follower_id)
    assert len(states) >= 3
    assert all(oa_openid.encode() not in state for state in states)
    assert all(unionid.encode() not in state for state in states)
    assert oa_openid.encode() not in stored_event_bytes(stack)  # push receipts included
    identities = stack.container.shop.official_account.identities
    follower = stack.container.shop.store.load(Follower, follower_id, "follower")
    assert identities.openid(follower) == oa_openid
    assert identities.open(follower_id, follower.sealed_unionid) == unionid

    assert stack.call("DELETE", "/me", token=alice) == (200, {"closed": True})
    stack.settle()

    sealed = [
        value
        for event in stack.container.shop.store.events.get(follower_id)
        for value in vars(event).values()
        if isinstance(value, str) and value.startswith("pii1:")
    ]
    assert len(sealed) >= 4
    assert all(identities.open(follower_id, value) is None for value in sealed)
    states = follower_event_states(stack, follower_id)
    assert all(oa_openid.encode() not in s and unionid.encode() not in s for s in states)
    assert stack.container.shop.official_account.follower_of(unionid) is None
