"""Nickname, avatar and birthday are recorded sealed under the member's key, so
注销 (which shreds the key) leaves them unreadable in every event; the profile
recorded in clear by earlier versions still reads, and the birthday coupon, the
team leader's and the bargain helper's masked nickname work from either."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.clock import FixedClock
from chalicelib.domain.errors import BirthdayAlreadySet
from chalicelib.domain.member import Member
from chalicelib.domain.values import CouponTerms

from .support import PICKUP, pay

NICKNAME, AVATAR, BIRTHDAY = "阿丽", "https://img.example/ali.png", "1990-11-02"


def member_events(shop: Shop, member_id: UUID) -> list[Any]:
    return list(shop.store.events.get(member_id))


def stored_bytes(shop: Shop) -> bytes:
    return b"".join(
        n.state for n in shop.store.recorder.select_notifications(start=None, limit=10_000)
    )


def test_the_profile_is_recorded_sealed_and_opened_for_its_member(
    shop: Shop, member_id: UUID
) -> None:
    profile = shop.members.update_profile(
        member_id, nickname=NICKNAME, avatar_url=AVATAR, birthday=BIRTHDAY
    )

    assert (profile.nickname, profile.avatar_url, profile.birthday) == (NICKNAME, AVATAR, BIRTHDAY)
    sealed, day = member_events(shop, member_id)[-2:]
    assert isinstance(sealed, Member.ProfileSealed) and isinstance(day, Member.BirthdaySealed)
    assert day.month_day == "11-02"
    stored = stored_bytes(shop)
    for clear in (NICKNAME, AVATAR, BIRTHDAY, "1990"):
        assert clear.encode() not in stored
    assert shop.members.profile(shop.accounts.member(member_id)) == profile


def test_an_unchanged_profile_records_nothing_and_a_partial_one_keeps_the_rest(
    shop: Shop, member_id: UUID
) -> None:
    shop.members.update_profile(member_id, nickname=NICKNAME, avatar_url=AVATAR)
    recorded = len(member_events(shop, member_id))

    shop.members.update_profile(member_id, nickname=NICKNAME, avatar_url=AVATAR)
    shop.members.update_profile(member_id, avatar_url=AVATAR)
    assert len(member_events(shop, member_id)) == recorded

    renamed = shop.members.update_profile(member_id, nickname="Ali")
    assert (renamed.nickname, renamed.avatar_url) == ("Ali", AVATAR)


def test_the_birthday_is_set_once(shop: Shop, member_id: UUID) -> None:
    shop.members.update_profile(member_id, birthday=BIRTHDAY)
    recorded = len(member_events(shop, member_id))

    assert shop.members.update_profile(member_id, birthday=BIRTHDAY).birthday == BIRTHDAY
    assert len(member_events(shop, member_id)) == recorded
    with pytest.raises(BirthdayAlreadySet) as refused:
        shop.members.update_profile(member_id, birthday="1990-11-03")
    assert refused.value.details == {"birthday": BIRTHDAY}


def test_closing_leaves_every_sealed_field_unreadable(shop: Shop, member_id: UUID) -> None:
    shop.members.update_profile(member_id, nickname=NICKNAME, avatar_url=AVATAR, birthday=BIRTHDAY)
    sealed, day = member_events(shop, member_id)[-2:]

    shop.members.close_account(member_id)

    vault = shop.ports.vault
    for value in (sealed.sealed_nickname, sealed.sealed_avatar_url, day.sealed_birthday):
        assert vault.open(member_id, value) is None
    replayed = shop.accounts.member(member_id)
    assert shop.members.profile(replayed).nickname == ""
    assert not replayed.has_birthday


def legacy_profile(shop: Shop, member_id: UUID, nickname: str, birthday: str) -> None:
    """The profile as an earlier version recorded it: in clear."""
    member = shop.accounts.member(member_id)
    now = shop.store.clock.now()
    member._profile_updated(nickname=nickname, avatar_url=AVATAR, at=now)
    member._birthday_set(birthday=birthday, at=now)
    shop.store.save(member)


def test_a_profile_recorded_in_clear_by_an_earlier_version_still_reads(
    shop: Shop, member_id: UUID
) -> None:
    legacy_profile(shop, member_id, NICKNAME, BIRTHDAY)

    member = shop.accounts.member(member_id)
    profile = shop.members.profile(member)
    assert (profile.nickname, profile.avatar_url, profile.birthday) == (NICKNAME, AVATAR, BIRTHDAY)
    assert shop.members.update_profile(member_id, birthday=BIRTHDAY).birthday == BIRTHDAY
    with pytest.raises(BirthdayAlreadySet):
        shop.members.update_profile(member_id, birthday="1990-11-03")

    shop.members.update_profile(member_id, nickname="Ali")
    resealed = shop.accounts.member(member_id)
    assert (resealed.nickname, shop.members.profile(resealed).avatar_url) == ("", AVATAR)
    assert isinstance(member_events(shop, member_id)[-1], Member.ProfileSealed)


def define_birthday_coupon(shop: Shop) -> None:
    shop.coupons.define_coupon_template(
        code="birthday-vip",
        title="生日券",
        terms=CouponTerms(kind="no_threshold", amount_fen=1000),
        trigger="birthday",
        starts_at=None,
        ends_at=None,
        valid_days=7,
        total_quantity=0,
        per_member_limit=0,
    )


@pytest.mark.parametrize("recorded", ["sealed", "in clear by an earlier version"])
def test_the_birthday_coupon_compares_the_month_day(
    shop: Shop, member_id: UUID, clock: FixedClock, recorded: str
) -> None:
    define_birthday_coupon(shop)
    shop.catalogue.restock("tea-250", 100)
    order_id = shop.orders.place_order(
        member_id=member_id, items=[("tea-250", 40)], delivery=PICKUP
    )
    pay(shop, order_id)  # VIP: its level has the birthday coupon
    if recorded == "sealed":
        shop.members.update_profile(member_id, birthday=BIRTHDAY)
    else:
        legacy_profile(shop, member_id, NICKNAME, BIRTHDAY)

    assert not shop.coupons.give_birthday_coupon(member_id)  # 1 Nov in Beijing
    clock.advance(days=1)
    assert shop.coupons.give_birthday_coupon(member_id)
    assert not shop.coupons.give_birthday_coupon(member_id)


def test_a_leap_day_birthday_is_kept_on_28_february(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    shop.members.update_profile(member_id, birthday="2000-02-29")
    clock.advance(days=118)  # 2027-02-27 in Beijing (a common year)
    assert not shop.coupons.give_birthday_coupon(member_id)
    clock.advance(days=1)
    shop.coupons.give_birthday_coupon(member_id)
    assert shop.accounts.member(member_id).celebrated_year == 2027
