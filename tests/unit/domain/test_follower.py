"""Followers of the official account, and the receipts that dedupe its pushes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.push_receipt import PushReceipt, push_dedupe_key, push_receipt_id_for

from .given import NOW, given, then, types

LATER = NOW + timedelta(hours=1)


FOLLOWER_ID = follower_id_for("oa-openid-1")
SEALED_OPENID = "pii1:sealed-openid"  # the application seals it; the domain never sees it


def seen() -> Follower:
    return Follower.first_seen(FOLLOWER_ID, SEALED_OPENID, NOW)


def new_follower(*, following: bool = False) -> Follower:
    follower = seen()
    if following:
        follower.follow(None, NOW)
    given(follower)
    return follower


def test_a_follower_is_known_by_the_official_account_openid_sealed() -> None:
    follower = seen()

    assert follower.id == follower_id_for("oa-openid-1")
    events = then(follower)
    assert types(events) == [Follower.Seen]
    assert events[0].sealed_openid == SEALED_OPENID
    assert (follower.following, follower.unionid_key, follower.identified) == (False, None, False)


def test_following_records_the_scene_once() -> None:
    follower = new_follower()

    follower.follow("poster-42", LATER)
    follower.follow("poster-42", LATER)

    events = then(follower)
    assert types(events) == [Follower.Followed]
    assert (events[0].sealed_openid, events[0].scene_key, events[0].unionid_key) == (
        SEALED_OPENID,
        "poster-42",
        None,
    )
    assert (follower.following, follower.followed_at) == (True, LATER)


def test_unfollowing_only_a_follower() -> None:
    follower = new_follower(following=True)

    follower.unfollow(LATER)
    follower.unfollow(LATER)

    assert types(then(follower)) == [Follower.Unfollowed]
    assert follower.following is False


def test_identifying_records_a_new_unionid_only() -> None:
    follower = new_follower(following=True)

    follower.identify("pii1:sealed-union-1", "key-of-union-1")
    follower.identify("pii1:sealed-again", "key-of-union-1")

    events = then(follower)
    assert types(events) == [Follower.Identified]
    assert (events[0].sealed_unionid, events[0].unionid_key, events[0].following) == (
        "pii1:sealed-union-1",
        "key-of-union-1",
        True,
    )
    assert events[0].sealed_openid == SEALED_OPENID


def test_a_forgotten_follower_is_seen_again_under_a_new_sealed_openid() -> None:
    follower = new_follower(following=True)
    follower.identify("pii1:sealed-union-1", "key-of-union-1")
    follower.forget(LATER)

    with pytest.raises(ValueError, match="forgotten"):
        seen().seen_again("pii1:other", LATER)
    follower.seen_again("pii1:resealed", LATER)
    follower.follow(None, LATER)

    events = then(follower)
    assert types(events) == [
        Follower.Identified,
        Follower.Forgotten,
        Follower.SeenAgain,
        Follower.Followed,
    ]
    assert events[1].unionid_key == "key-of-union-1"
    assert (follower.sealed_openid, follower.forgotten, follower.identified) == (
        "pii1:resealed",
        False,
        False,
    )


def test_entry_sources_keep_the_last_20() -> None:
    follower = new_follower()

    for n in range(22):
        follower.record_entry("click", f"menu-{n}", LATER)

    assert len(then(follower)) == 22
    assert len(follower.sources) == 20
    assert follower.sources[0] == {"kind": "click", "key": "menu-2", "at": LATER.isoformat()}
    assert follower.sources[-1]["key"] == "menu-21"


def test_an_unknown_entry_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="carrier-pigeon"):
        new_follower().record_entry("carrier-pigeon", "", NOW)


def test_messages_dedupe_by_msgid_and_events_by_sender_and_time() -> None:
    text = {"MsgId": "1234", "FromUserName": "o-1", "CreateTime": "1700000000"}
    follow = {"FromUserName": "o-1", "CreateTime": "1700000000", "Event": "subscribe"}
    report_1 = {**follow, "Event": "TEMPLATESENDJOBFINISH", "MsgID": "1"}
    report_2 = {**report_1, "MsgID": "2"}

    assert push_dedupe_key(text) == "msg:1234"
    assert push_dedupe_key(follow) == push_dedupe_key(dict(follow))
    assert len({push_dedupe_key(m) for m in (text, follow, report_1, report_2)}) == 4


def test_a_receipt_keeps_the_reply_and_is_identified_by_source_and_key() -> None:
    receipt = PushReceipt("oa", "msg:1234", "text", "查看我的订单", NOW)

    assert receipt.id == push_receipt_id_for("oa", "msg:1234")
    assert receipt.id != push_receipt_id_for("mp", "msg:1234")
    assert types(then(receipt)) == [PushReceipt.Received]
    assert receipt.reply == "查看我的订单"
