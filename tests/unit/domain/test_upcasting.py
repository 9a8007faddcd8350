"""Events recorded before personal data left them still load: version 1 of the
group-buy, bargain and follower events, as the event store holds them, read
through their upcasters — without the clear nickname and avatar (teams,
bargains), and with the clear openid and unionid in the sealed fields as
recorded (followers, whose application reads an unsealed value as is)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import StoredEvent

from chalicelib.application import EventStore
from chalicelib.domain.bargain import Bargain
from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.team import Team

from .given import NOW

STORE = EventStore(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
LEADER_ORDER = "order-leader"
DROP = object()  # a field version 1 did not have


def as_version_1(event: Any, **old_fields: Any) -> Any:
    """The event as version 1 recorded it: no class_version, `old_fields` in
    place of today's fields of the same names (DROP: a field it did not have)."""
    stored = STORE.mapper.to_stored_event(event)
    state = STORE.mapper.transcoder.decode(stored.state)
    assert state.pop("class_version") == 2
    for name, value in old_fields.items():
        state.pop(name, None)
        if value is not DROP:
            state[name] = value
    old = replace(stored, state=STORE.mapper.transcoder.encode(state))
    assert isinstance(old, StoredEvent) and b"class_version" not in old.state
    return STORE.mapper.to_domain_event(old)


def team_events() -> list[Any]:
    team = Team(
        campaign_id="c-1",
        product_id="p-1",
        sku_id="sku-1",
        size=2,
        virtual_success_percent=0,
        leader_order_id=LEADER_ORDER,
        leader_member_id="m-leader",
        opened_at=NOW,
        deadline=NOW + timedelta(hours=24),
    )
    team.hold_seat("order-1", "m-1", until=NOW + timedelta(minutes=5), now=NOW)
    assert team.admit("order-1", NOW)
    return list(team.collect_events())


def test_a_version_1_team_loads_without_the_nicknames_and_avatars_it_recorded() -> None:
    opened, held, paid, succeeded = team_events()
    old_opened = as_version_1(
        opened, leader_nickname="张**", leader_avatar_url="https://img.example/leader.png"
    )
    old_paid = as_version_1(paid, nickname="李**", avatar_url="https://img.example/joiner.png")

    for old in (old_opened, old_paid):
        assert not {"leader_nickname", "leader_avatar_url", "nickname", "avatar_url"} & set(
            vars(old)
        )
    assert isinstance(old_opened, Team.Opened) and old_opened.leader_member_id == "m-leader"
    assert isinstance(old_paid, Team.SeatPaid) and old_paid.member_id == "m-1"
    team = old_opened.mutate(None)
    for event in (held, old_paid, succeeded):
        team = event.mutate(team)
    assert isinstance(team, Team)
    assert (team.status, team.paid_order_ids) == ("succeeded", [LEADER_ORDER, "order-1"])


def test_a_version_1_bargain_help_loads_without_the_helpers_name_and_avatar() -> None:
    bargain = Bargain(
        campaign_id=uuid4(),
        member_id=uuid4(),
        sku_id="tea-250",
        original_fen=2500,
        floor_fen=990,
        helps_needed=3,
        started_at=NOW,
        expires_at=NOW + timedelta(hours=24),
    )
    helper = uuid4()
    cut = bargain.help(helper, NOW)
    started, helped = bargain.collect_events()

    old = as_version_1(helped, helper_name="鲍**", helper_avatar="https://img.example/bob.png")

    assert isinstance(old, Bargain.Helped)
    assert not {"helper_name", "helper_avatar"} & set(vars(old))
    restored = old.mutate(started.mutate(None))
    assert isinstance(restored, Bargain)
    assert restored.helps[0][:3] == (str(helper), cut, 2500 - cut)
    assert restored.has_helped(helper)


def test_version_1_follower_events_load_with_their_clear_identity_as_recorded() -> None:
    follower_id = follower_id_for("oa-old")
    follower = Follower.first_seen(follower_id, "pii1:x", NOW)
    follower.follow("store42", NOW)
    follower.record_entry("qrscene", "store42", NOW)
    follower.identify("pii1:y", "key-y")
    follower.unfollow(NOW)
    follower.forget(NOW)
    seen, followed, entry, identified, unfollowed, forgotten = follower.collect_events()
    clear = {"sealed_openid": DROP, "openid": "oa-old"}
    identity = {**clear, "sealed_unionid": DROP, "unionid_key": DROP, "unionid": "u-old"}

    old = [
        as_version_1(seen, **clear),
        as_version_1(followed, **{**identity, "unionid": None}),
        as_version_1(entry, **clear),
        as_version_1(identified, **identity),
        as_version_1(unfollowed, **identity),
        as_version_1(forgotten, openid="oa-old", unionid="u-old", unionid_key=DROP),
    ]

    assert [type(e) for e in old] == [type(e) for e in (seen, followed, entry)] + [
        Follower.Identified,
        Follower.Unfollowed,
        Follower.Forgotten,
    ]
    assert all(e.sealed_openid == "oa-old" for e in old[:5])
    assert (old[1].sealed_unionid, old[1].unionid_key) == (None, None)
    assert (old[3].sealed_unionid, old[3].unionid_key) == ("u-old", "u-old")
    assert old[4].unionid_key == "u-old" and "sealed_unionid" not in vars(old[4])
    assert old[5].unionid_key == "u-old" and "openid" not in vars(old[5])
    restored = old[0].mutate(None)
    for event in old[1:4]:
        restored = event.mutate(restored)
    assert isinstance(restored, Follower)
    assert (restored.id, restored.sealed_openid, restored.unionid_key) == (
        follower_id,
        "oa-old",
        "u-old",
    )
    restored = old[5].mutate(old[4].mutate(restored))
    assert isinstance(restored, Follower) and restored.forgotten
