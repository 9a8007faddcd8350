"""Invites: the invite code, the referral's refusals (self-invite, loops) and the
reward recorded exactly once; the points account's reward lot."""

from __future__ import annotations

import re
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from chalicelib.domain.errors import AccountClosed
from chalicelib.domain.points import PointsAccount
from chalicelib.domain.points_policy import PointsPolicy
from chalicelib.domain.referral import (
    MAX_CHAIN,
    InvitePolicy,
    InviteRefused,
    Referral,
    invite_code_for,
    invite_path_for,
    inviter_of_code,
    referral_id_for,
)

from .given import NOW, given, then, types

INVITER = UUID("00000000-0000-4000-8000-00000000000a")
INVITEE = UUID("00000000-0000-4000-8000-00000000000b")
ORDER_ID = UUID("00000000-0000-4000-8000-0000000000cc")


def recorded(above: list[UUID] | None = None) -> Referral:
    return Referral.record(
        invitee_id=INVITEE, inviter_id=INVITER, inviters_above=above or [], at=NOW
    )


def refusal(invitee: UUID, inviter: UUID, above: list[UUID]) -> str:
    with pytest.raises(InviteRefused) as refused:
        Referral.record(invitee_id=invitee, inviter_id=inviter, inviters_above=above, at=NOW)
    return refused.value.reason


# -- the invite code --------------------------------------------------------------
def test_an_invite_code_is_26_url_safe_characters_that_decode_to_the_member() -> None:
    for member_id in (INVITER, INVITEE, uuid4(), UUID(int=0), UUID(int=2**128 - 1)):
        code = invite_code_for(member_id)
        assert re.fullmatch(r"[a-z2-7]{26}", code)
        assert inviter_of_code(code) == member_id


def test_the_share_path_opens_the_home_page_with_the_code() -> None:
    assert invite_path_for(INVITER) == f"pages/index/index?inviter={invite_code_for(INVITER)}"


def test_a_code_typed_in_capitals_or_with_spaces_still_decodes() -> None:
    assert inviter_of_code(f" {invite_code_for(INVITER).upper()} ") == INVITER


@pytest.mark.parametrize(
    "code",
    [
        "",
        "abc",
        invite_code_for(INVITER)[:-1],  # too short
        invite_code_for(INVITER) + "a",  # too long
        "0" * 26,  # not base32
        "1" * 26,
        "a" * 25 + "!",
        invite_code_for(INVITER)[:-1] + "b",  # the last character carries stray bits
    ],
)
def test_anything_else_is_an_invalid_code(code: str) -> None:
    with pytest.raises(InviteRefused) as refused:
        inviter_of_code(code)
    assert refused.value.reason == "invalid_code"
    assert refused.value.code == "invite_refused"


# -- recording ----------------------------------------------------------------------
def test_a_referral_records_who_invited_whom_under_the_invitees_id() -> None:
    referral = recorded()

    (event,) = then(referral)
    assert isinstance(event, Referral.Recorded)
    assert (event.invitee_id, event.inviter_id, event.at) == (INVITEE, INVITER, NOW)
    assert referral.id == Referral.create_id(INVITEE) == referral_id_for(INVITEE)
    assert referral_id_for(INVITEE) != referral_id_for(INVITER)
    assert not referral.rewarded


def test_a_member_cannot_invite_themselves() -> None:
    assert refusal(INVITEE, INVITEE, []) == "self_invite"


def test_an_invitee_among_the_inviters_inviters_is_a_loop() -> None:
    assert refusal(INVITEE, INVITER, [INVITEE]) == "loop"  # B invited A; A cannot invite B
    far = [uuid4() for _ in range(MAX_CHAIN - 1)] + [INVITEE]
    assert refusal(INVITEE, INVITER, far) == "loop"  # the 20th level up


def test_the_walk_up_stops_after_20_levels() -> None:
    beyond = [uuid4() for _ in range(MAX_CHAIN)] + [INVITEE]
    assert recorded(beyond).inviter_id == INVITER


# -- the reward ------------------------------------------------------------------------
def test_the_reward_is_recorded_once_with_what_each_side_received() -> None:
    referral = given(recorded())
    at = NOW + timedelta(days=10)

    assert referral.reward(
        ORDER_ID,
        inviter_points=100,
        invitee_points=0,
        inviter_coupon_id="c-1",
        invitee_coupon_id="",
        at=at,
    )
    (event,) = then(referral)
    assert isinstance(event, Referral.Rewarded)
    assert (event.order_id, event.inviter_points, event.invitee_points) == (str(ORDER_ID), 100, 0)
    assert (event.inviter_coupon_id, event.invitee_coupon_id, event.at) == ("c-1", "", at)
    assert referral.rewarded and referral.rewarded_for == str(ORDER_ID)

    again = referral.reward(
        uuid4(),
        inviter_points=1,
        invitee_points=1,
        inviter_coupon_id="",
        invitee_coupon_id="",
        at=at,
    )
    assert not again and then(referral) == []


def test_the_default_policy_gives_100_points_and_no_coupon() -> None:
    assert InvitePolicy() == InvitePolicy(reward_points=100, reward_coupon="")


# -- the points account's reward lot --------------------------------------------------
def test_reward_points_are_a_lot_of_their_own_given_once_per_reason() -> None:
    account = given(PointsAccount(member_id=INVITEE))
    policy = PointsPolicy()

    assert account.earn_reward("invite:r-1", 100, NOW, policy)
    (event,) = then(account)
    assert types([event]) == [PointsAccount.Earned]
    assert isinstance(event, PointsAccount.Earned)
    assert (event.lot_id, event.source, event.balance_after) == (
        "reward:invite:r-1",
        event.lot_id,
        100,
    )
    assert event.expires_at == policy.expires_at(NOW)

    assert not account.earn_reward("invite:r-1", 100, NOW, policy)
    assert not account.earn_reward("invite:r-2", 0, NOW, policy)
    assert then(account) == []
    assert account.balance == 100


def test_a_refund_never_claws_back_reward_points() -> None:
    account = given(PointsAccount(member_id=INVITEE))
    account.earn_reward("invite:r-1", 100, NOW, PointsPolicy())

    assert not account.claw_back(ORDER_ID, NOW)
    assert account.balance == 100


def test_a_closed_account_earns_no_reward() -> None:
    account = PointsAccount(member_id=INVITEE)
    account.close(NOW)
    with pytest.raises(AccountClosed):
        account.earn_reward("invite:r-1", 100, NOW, PointsPolicy())
