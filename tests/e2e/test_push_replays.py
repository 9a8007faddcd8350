"""WeChat's push signatures cover the token, the timestamp and the nonce, not the
body (plain mode): an observed push URL must not let anyone create followers or
grant credits later. A timestamp more than five minutes from now is refused, a
(timestamp, nonce) pair already seen has no effect whatever the body, and with an
EncodingAESKey configured a plain push is refused. On both runtimes, with the
sandbox's clock (the app's) giving "now"."""

from __future__ import annotations

import hashlib

import requests

from chalicelib.domain.follower import Follower, follower_id_for
from sandbox.mp_push import push_xml as popup_xml
from tests.support.races import race, split
from tests.support.stack import Stack

from .test_mini_program_push import PAID_SUB, count_credits_from, credits

OA_PATH = "/webhooks/wechat/official-account"
MP_PATH = "/webhooks/wechat/mini-program"


def plain_mode_only(stack: Stack) -> None:
    """The shop as configured without EncodingAESKeys: plain pushes are all there is."""
    stack.container.settings.oa_aes_key = ""
    stack.container.settings.mp_push_aes_key = ""


def signed(token: str, timestamp: int, nonce: str) -> str:
    digest = hashlib.sha1("".join(sorted([token, str(timestamp), nonce])).encode()).hexdigest()
    return f"signature={digest}&timestamp={timestamp}&nonce={nonce}"


def follow_xml(openid: str, create_time: int) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_shop]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName><CreateTime>{create_time}</CreateTime>"
        "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>"
        "<EventKey><![CDATA[]]></EventKey></xml>"
    )


def post(stack: Stack, path: str, query: str, xml: str) -> tuple[int, str]:
    stack.settle()
    response = requests.post(
        f"{stack.base_url}{path}?{query}",
        data=xml.encode(),
        headers={"Content-Type": "text/xml"},
        timeout=30,
    )
    return response.status_code, response.text


def follows(stack: Stack, openid: str) -> bool:
    follower = stack.container.store.find(Follower, follower_id_for(openid))
    return follower is not None and follower.following


def now_s(stack: Stack) -> int:
    return int(stack.clock.now().timestamp())


def test_a_push_signed_more_than_five_minutes_from_now_is_refused(stack: Stack) -> None:
    plain_mode_only(stack)
    token, now = stack.wechat.keyring.oa_token, now_s(stack)
    events = stack.event_count()
    year_ago, ahead = now - 365 * 24 * 3600, now + 6 * 60
    for when, openid in ((year_ago, "oOLD"), (ahead, "oAHEAD")):
        assert post(stack, OA_PATH, signed(token, when, "1"), follow_xml(openid, now)) == (
            403,
            "stale timestamp",
        )
        assert not follows(stack, openid)
    assert stack.event_count() == events

    four_minutes_ago = signed(token, now - 4 * 60, "2")
    assert post(stack, OA_PATH, four_minutes_ago, follow_xml("oRECENT", now)) == (200, "success")
    assert follows(stack, "oRECENT")


def test_a_replayed_signature_has_no_effect_whatever_the_body(stack: Stack) -> None:
    plain_mode_only(stack)
    token, now = stack.wechat.keyring.oa_token, now_s(stack)
    query = signed(token, now, "7355608")
    assert post(stack, OA_PATH, query, follow_xml("oALICE", now)) == (200, "success")
    assert follows(stack, "oALICE")

    events = stack.event_count()
    stack.clock.advance(minutes=3)
    assert post(stack, OA_PATH, query, follow_xml("oMALLORY", now)) == (200, "success")
    assert post(stack, OA_PATH, query, follow_xml("oALICE", now + 1)) == (200, "success")
    assert not follows(stack, "oMALLORY")
    assert stack.event_count() == events

    fresh = signed(token, now_s(stack), "7355609")
    assert post(stack, OA_PATH, fresh, follow_xml("oBOB", now_s(stack))) == (200, "success")
    assert follows(stack, "oBOB")


def test_a_replayed_mini_program_push_grants_no_second_credit(stack: Stack) -> None:
    plain_mode_only(stack)
    count_credits_from(stack, "push")
    alice = stack.login("alice")
    sandbox, token = stack.wechat, stack.wechat.keyring.mp_push_token
    openid = sandbox.mp_openid("alice")
    query = signed(token, now_s(stack), "424242")
    assert post(stack, MP_PATH, query, popup_xml(sandbox, openid, "popup", [PAID_SUB])) == (
        200,
        "success",
    )
    assert credits(stack, alice) == {PAID_SUB: 1}

    stack.clock.advance(seconds=30)  # a new CreateTime: not a redelivery of the same event
    replayed = popup_xml(sandbox, openid, "popup", [PAID_SUB])
    assert post(stack, MP_PATH, query, replayed) == (200, "success")
    assert credits(stack, alice) == {PAID_SUB: 1}


def test_concurrent_replays_of_one_signature_have_one_effect(stack: Stack) -> None:
    plain_mode_only(stack)
    token, now = stack.wechat.keyring.oa_token, now_s(stack)
    query = signed(token, now, "99")
    openids = [f"oRACER{i}" for i in range(8)]
    stack.settle()
    outcomes = race(8, lambda i: post(stack, OA_PATH, query, follow_xml(openids[i], now)))
    answers, errors = split(outcomes)
    assert errors == []
    assert answers == [(200, "success")] * 8
    assert sum(follows(stack, openid) for openid in openids) == 1


def test_plain_pushes_are_refused_once_safe_mode_is_configured(stack: Stack) -> None:
    stack.login("bob")
    events = stack.event_count()
    assert stack.wechat.oa_push("bob", "subscribe", safe=False) == [
        (403, "plain mode refused: safe mode is configured")
    ]
    assert stack.wechat.mp_subscribe_popup("bob", [PAID_SUB], safe=False) == [
        (403, "plain mode refused: safe mode is configured")
    ]
    assert stack.event_count() == events
    assert stack.wechat.oa_push("bob", "subscribe") == [(200, "success")]
    assert follows(stack, stack.wechat.oa_openid("bob"))


def test_the_sandbox_signs_every_delivery_afresh(stack: Stack) -> None:
    """WeChat's retries of one message are new requests: each is accepted (and the
    message recognised), none taken for a replay."""
    stack.login("bob")
    deliveries = stack.wechat.oa_push("bob", "subscribe", times=3)
    assert deliveries == [(200, "success")] * 3
    assert follows(stack, stack.wechat.oa_openid("bob"))
    stack.clock.advance(minutes=1)
    assert stack.wechat.oa_push("bob", "unsubscribe") == [(200, "success")]
    assert not follows(stack, stack.wechat.oa_openid("bob"))
