"""Subscribe and template messages, follower info and per-app tokens, over HTTP against
the sandbox with the real clients."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.adapters.wechat import OfficialAccountClient, WeChatClient, WeChatError
from chalicelib.clock import FixedClock
from sandbox import Keyring, Sandbox
from sandbox.state import unionid_for

from .conftest import Receiver, get_json, post_json

GOOD = {"thing1": {"value": "乌龙茶 250g"}, "amount2": {"value": "¥12.30"}}
PAGE = "pages/orders/detail?id=1"


@pytest.fixture
def oa(sandbox: Sandbox, keyring: Keyring, clock: FixedClock) -> OfficialAccountClient:
    return OfficialAccountClient(
        sandbox.base_url, appid=keyring.oa_appid, secret=keyring.oa_secret, clock=clock
    )


@pytest.fixture
def app(sandbox: Sandbox, receiver: Receiver) -> Iterator[Receiver]:
    """The app's server URL, as configured in the official account."""
    sandbox.app_url = receiver.url
    yield receiver


def subscribe(wechat: WeChatClient, sandbox: Sandbox, user: str, **overrides: Any) -> None:
    arguments: dict[str, Any] = {"template_id": "T-sub", "page": PAGE, "data": GOOD}
    arguments.update(overrides)
    wechat.send_subscribe_message(touser=sandbox.mp_openid(user), **arguments)


def template(oa: OfficialAccountClient, sandbox: Sandbox, user: str, **overrides: Any) -> int:
    arguments: dict[str, Any] = {
        "template_id": "T-oa",
        "data": GOOD,
        "miniprogram": {"appid": sandbox.keyring.appid, "pagepath": PAGE},
        "url": None,
        "client_msg_id": "notify:order_paid:1",
    }
    arguments.update(overrides)
    return oa.send_template(touser=sandbox.oa_openid(user), **arguments)


def errcode_of(call: Any) -> int:
    with pytest.raises(WeChatError) as err:
        call()
    return err.value.errcode


def test_each_acceptance_allows_exactly_one_send(sandbox: Sandbox, wechat: WeChatClient) -> None:
    assert sandbox.accept_subscribe("alice", ["T-sub", "T-other"]) == {
        "T-sub": "accept",
        "T-other": "accept",
    }
    subscribe(wechat, sandbox, "alice")
    assert errcode_of(lambda: subscribe(wechat, sandbox, "alice")) == 43101
    sandbox.accept_subscribe("alice", ["T-sub"])
    sandbox.accept_subscribe("alice", ["T-sub"])
    subscribe(wechat, sandbox, "alice")
    subscribe(wechat, sandbox, "alice")
    assert errcode_of(lambda: subscribe(wechat, sandbox, "alice")) == 43101
    [first, *_] = sandbox.messages()
    assert len(sandbox.messages()) == 3
    assert first["channel"] == "subscribe" and first["user"] == "alice"
    assert (first["touser"], first["template_id"]) == (sandbox.mp_openid("alice"), "T-sub")
    assert (first["page"], first["data"]) == (PAGE, GOOD)
    assert isinstance(first["msgid"], int) and first["at"] == "2026-11-01T02:00:00+00:00"


def test_credits_are_per_user_and_template(sandbox: Sandbox, wechat: WeChatClient) -> None:
    sandbox.accept_subscribe("alice", ["T-sub"])
    sandbox.mint_login_code("bob")
    assert errcode_of(lambda: subscribe(wechat, sandbox, "bob")) == 43101
    assert errcode_of(lambda: subscribe(wechat, sandbox, "alice", template_id="T-x")) == 43101
    subscribe(wechat, sandbox, "alice")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("thing1", "这是一个超过二十个字的商品名称真的很长很长的"),
        ("character_string3", "订单123"),
        ("phrase4", "已经发货了吗"),
        ("phrase4", "ok"),
        ("amount2", "12.345"),
        ("number5", "12a"),
        ("time6", "tomorrow"),
        ("date7", "11/01/2026"),  # 2026/11/01 is one of the published formats
        ("thing1", "  "),
        ("keyword1", "x" * 201),
    ],
)
def test_a_value_breaking_its_rule_is_refused_and_costs_no_credit(
    sandbox: Sandbox, wechat: WeChatClient, key: str, value: str
) -> None:
    sandbox.accept_subscribe("alice", ["T-sub"])
    bad = {**GOOD, key: {"value": value}}
    assert errcode_of(lambda: subscribe(wechat, sandbox, "alice", data=bad)) == 47003
    subscribe(wechat, sandbox, "alice")


def test_values_within_the_rules_are_accepted(sandbox: Sandbox, wechat: WeChatClient) -> None:
    data = {
        "thing1": {"value": "二十个字以内的商品名称正好二十个字呀呀呀"},
        "character_string2": {"value": "ML2026110100001"},
        "phrase3": {"value": "已发货"},
        "amount4": {"value": "12.30元"},
        "number5": {"value": "3"},
        "time6": {"value": "2026-11-01 10:00"},
        "date7": {"value": "2026年11月01日"},
        "name8": {"value": "王小明"},
        "first": {"value": "您的订单已支付"},
    }
    sandbox.accept_subscribe("alice", ["T-sub"])
    subscribe(wechat, sandbox, "alice", data=data)


def test_subscribe_message_needs_a_mini_program_openid(
    sandbox: Sandbox, wechat: WeChatClient, app: Receiver
) -> None:
    """alice follows, so her account openid is known, but it is not the mini-program's."""
    sandbox.accept_subscribe("alice", ["T-sub"])
    sandbox.oa_push("alice", "subscribe")
    with pytest.raises(WeChatError) as err:
        wechat.send_subscribe_message(
            touser=sandbox.oa_openid("alice"), template_id="T-sub", page=PAGE, data=GOOD
        )
    assert err.value.errcode == 40003


def test_template_message_needs_a_current_follower(
    sandbox: Sandbox, oa: OfficialAccountClient, app: Receiver
) -> None:
    sandbox.mint_login_code("alice")
    assert errcode_of(lambda: template(oa, sandbox, "alice")) == 40003
    sandbox.oa_push("alice", "subscribe")
    msgid = template(oa, sandbox, "alice")
    sandbox.oa_push("alice", "unsubscribe")
    assert errcode_of(lambda: template(oa, sandbox, "alice", client_msg_id="other")) == 43004
    [message] = sandbox.messages()
    assert message["channel"] == "template" and message["msgid"] == msgid
    assert message["miniprogram"] == {"appid": sandbox.keyring.appid, "pagepath": PAGE}
    assert message["client_msg_id"] == "notify:order_paid:1"
    assert message["touser"] == sandbox.oa_openid("alice")


def test_client_msg_id_dedupes_per_user_for_ten_minutes(
    sandbox: Sandbox, oa: OfficialAccountClient, app: Receiver, clock: FixedClock
) -> None:
    for user in ("alice", "bob"):
        sandbox.oa_push(user, "subscribe")
    first = template(oa, sandbox, "alice")
    clock.advance(minutes=9, seconds=59)
    assert template(oa, sandbox, "alice") == first
    assert template(oa, sandbox, "bob") != first
    assert template(oa, sandbox, "alice", client_msg_id="another") != first
    assert len(sandbox.messages()) == 3
    clock.advance(seconds=1)
    assert template(oa, sandbox, "alice") != first
    assert len(sandbox.messages()) == 4


def test_template_message_checks_its_fields_and_mini_program(
    sandbox: Sandbox, oa: OfficialAccountClient, app: Receiver
) -> None:
    sandbox.oa_push("alice", "subscribe")
    too_long = {"thing1": {"value": "x" * 21}}
    assert errcode_of(lambda: template(oa, sandbox, "alice", data=too_long)) == 47003
    other_app = {"appid": "wxSOMEONEELSE", "pagepath": PAGE}
    assert errcode_of(lambda: template(oa, sandbox, "alice", miniprogram=other_app)) == 40166
    assert sandbox.messages() == []


def test_user_info_knows_followers_by_their_account_openid(
    sandbox: Sandbox, oa: OfficialAccountClient, app: Receiver, keyring: Keyring
) -> None:
    assert errcode_of(lambda: oa.user_info(sandbox.oa_openid("alice"))) == 40003
    sandbox.oa_push("alice", "subscribe", scene="poster-7")
    openid = sandbox.oa_openid("alice")
    assert openid != sandbox.mp_openid("alice")
    assert oa.user_info(openid) == {
        "subscribe": 1,
        "openid": openid,
        "unionid": unionid_for("alice"),
    }
    query = urllib.parse.urlencode({"access_token": oa.access_token(), "openid": openid})
    status, raw = get_json(f"{sandbox.base_url}/cgi-bin/user/info?{query}")
    assert (status, raw["qr_scene_str"], raw["subscribe_scene"]) == (
        200,
        "poster-7",
        "ADD_SCENE_QR_CODE",
    )
    sandbox.oa_push("alice", "unsubscribe")
    assert oa.user_info(openid) == {"subscribe": 0, "openid": openid}


def test_each_app_has_its_own_token(
    sandbox: Sandbox, wechat: WeChatClient, oa: OfficialAccountClient, app: Receiver
) -> None:
    mp_token, oa_token = wechat.access_token(), oa.access_token()
    assert mp_token != oa_token
    sandbox.oa_push("alice", "subscribe")
    sandbox.accept_subscribe("alice", ["T-sub"])
    body = {"touser": sandbox.oa_openid("alice"), "template_id": "T-oa", "data": GOOD}
    url = f"{sandbox.base_url}/cgi-bin/message/template/send?access_token="
    assert post_json(url + mp_token, body)[1]["errcode"] == 40001
    body = {"touser": sandbox.mp_openid("alice"), "template_id": "T-sub", "data": GOOD}
    url = f"{sandbox.base_url}/cgi-bin/message/subscribe/send?access_token="
    assert post_json(url + oa_token, body)[1]["errcode"] == 40001
    assert post_json(url + mp_token, body)[1] == {"errcode": 0, "errmsg": "ok", "msgid": 2600000001}
    assert sandbox.snapshot()["token_requests"] == 2
    assert wechat.access_token() == mp_token and oa.access_token() == oa_token


def test_the_account_cannot_log_mini_program_users_in(
    sandbox: Sandbox, keyring: Keyring, clock: FixedClock
) -> None:
    client = WeChatClient(
        sandbox.base_url, appid=keyring.oa_appid, secret=keyring.oa_secret, clock=clock
    )
    code = sandbox.mint_login_code("alice")["code"]
    assert errcode_of(lambda: client.code2session(code)) == 40013


def test_wrong_account_secret(sandbox: Sandbox, keyring: Keyring, clock: FixedClock) -> None:
    client = OfficialAccountClient(
        sandbox.base_url, appid=keyring.oa_appid, secret=keyring.app_secret, clock=clock
    )
    assert errcode_of(client.access_token) == 40125


def test_control_endpoints(sandbox: Sandbox, wechat: WeChatClient) -> None:
    base = sandbox.base_url
    status, result = post_json(
        base + "/sandbox/subscribe-grants", {"user": "bob", "template_ids": ["T-sub"]}
    )
    assert (status, result) == (200, {"T-sub": "accept"})
    subscribe(wechat, sandbox, "bob")
    status, listed = get_json(base + "/sandbox/messages")
    assert status == 200 and listed["messages"] == sandbox.messages()
    assert listed["messages"][0]["user"] == "bob"
    for bad in (
        {"user": "bob"},
        {"user": "bob", "template_ids": []},
        {"user": "", "template_ids": ["T"]},
    ):
        assert post_json(base + "/sandbox/subscribe-grants", bad)[0] == 400
    assert get_json(base + "/sandbox/state")[1]["token_requests"] == 1
