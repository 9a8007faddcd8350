"""A WeChat identity: which member it is now, how many it has had, whether its
新人券 were given; and a follower forgotten on 注销."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.identity import WeChatIdentity
from chalicelib.domain.ids import identity_id_for

AT = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def test_an_identity_is_found_by_its_pseudonym_and_records_only_member_ids() -> None:
    member_id = uuid4()
    identity = WeChatIdentity.record("f00d", member_id, members=1, welcomed=False, at=AT)
    [recorded] = identity.collect_events()

    assert identity.id == identity_id_for("f00d") != identity_id_for("beef")
    assert isinstance(recorded, WeChatIdentity.Recorded)
    assert "f00d" not in repr(recorded.__dict__)
    assert (identity.member_id, identity.returning, identity.welcomed) == (member_id, False, False)


def test_moving_to_a_fresh_member_makes_it_returning() -> None:
    identity = WeChatIdentity.record("f00d", uuid4(), members=1, welcomed=True, at=AT)
    fresh = uuid4()
    identity.move_to(fresh, AT)

    assert (identity.member_id, identity.members, identity.returning) == (fresh, 2, True)
    with pytest.raises(InvalidTransition):
        identity.move_to(fresh, AT)


def test_the_welcome_is_given_once() -> None:
    identity = WeChatIdentity.record("f00d", uuid4(), members=1, welcomed=False, at=AT)
    assert identity.welcome(AT) and not identity.welcome(AT)
    assert [type(e) for e in identity.collect_events()] == [
        WeChatIdentity.Recorded,
        WeChatIdentity.Welcomed,
    ]


def test_a_forgotten_follower_keeps_no_unionid_or_sources() -> None:
    follower = Follower.first_seen(follower_id_for("oa-1"), "pii1:openid", AT)
    follower.follow("store42", AT)
    follower.record_entry("qrscene", "store42", AT)
    follower.identify("pii1:u-1", "key-of-u-1")
    follower.forget(AT)

    assert (follower.unionid_key, follower.sealed_unionid) == (None, None)
    assert (follower.sources, follower.following, follower.forgotten) == ([], False, True)
    assert follower.followed_at is None
