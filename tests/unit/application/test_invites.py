"""Invites through the Shop: the referral recorded at registration or refused
(and the login still succeeds), the reward both sides get when the invitee's
first order completes, exactly once, and the read model behind GET /me/invite."""

from __future__ import annotations

from itertools import count
from pathlib import Path
from uuid import UUID

import pytest

from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.application import Shop
from chalicelib.application.logins import Login
from chalicelib.clock import FixedClock
from chalicelib.domain.ids import member_id_for
from chalicelib.domain.referral import InvitePolicy, Referral, invite_code_for
from chalicelib.domain.values import CouponTerms
from chalicelib.projections import all_projections, invites
from chalicelib.projections.runner import ReadModelRunner

from .support import PICKUP, pay, refund_notified, rewired

TRANSACTIONS = count(1)


def join(shop: Shop, openid: str, code: str | None = None) -> Login:
    return shop.logins.log_in_with_invite(
        openid=openid, unionid=None, scene=None, query={}, invite_code=code
    )


def invited(shop: Shop, openid: str, inviter: UUID) -> UUID:
    login = join(shop, openid, invite_code_for(inviter))
    assert login.invite is not None and login.invite.status == "recorded", login.invite
    return login.member_id


def refused(shop: Shop, openid: str, code: str) -> str:
    login = join(shop, openid, code)
    assert login.invite is not None and login.invite.status == "refused"
    assert login.invite.as_dict() == {"status": "refused", "reason": login.invite.reason}
    return login.invite.reason


def completed_order(shop: Shop, clock: FixedClock, member_id: UUID, sku: str = "tea-250") -> UUID:
    order_id = shop.orders.place_order(member_id=member_id, items=[(sku, 1)], delivery=PICKUP)
    pay(shop, order_id, transaction_id=f"t-{next(TRANSACTIONS)}")
    shop.orders.mark_ready_for_pickup(order_id)
    shop.orders.record_pickup(order_id)
    clock.advance(days=8)
    assert shop.orders.complete_order(order_id)
    return order_id


def balance(shop: Shop, member_id: UUID) -> int:
    return shop.accounts.points_account(member_id).balance


def define_gift(shop: Shop, *, total: int = 0, limit: int = 1) -> Shop:
    """Defines the reward coupon; returns the shop with the invite policy that gives it."""
    shop.coupons.define_coupon_template(
        code="invite-gift",
        title="邀请有礼 减5元",
        terms=CouponTerms(kind="no_threshold", amount_fen=500),
        trigger="claim",
        starts_at=None,
        ends_at=None,
        valid_days=30,
        total_quantity=total,
        per_member_limit=limit,
    )
    return rewired(shop, invite_policy=InvitePolicy(reward_points=100, reward_coupon="invite-gift"))


def gifts(shop: Shop, member_id: UUID) -> int:
    template = shop.coupons.coupon_template("invite-gift")
    return shop.accounts.wallet_of(member_id).has_from_template(template.id)


# -- recording at registration --------------------------------------------------------
def test_a_first_login_with_a_code_records_the_inviter(shop: Shop, member_id: UUID) -> None:
    login = join(shop, "o-bob", invite_code_for(member_id))

    assert login.registered
    assert login.invite is not None
    assert login.invite.as_dict() == {"status": "recorded", "inviter": invite_code_for(member_id)}
    referral = shop.invites.referral_of(login.member_id)
    assert referral is not None and referral.inviter_id == member_id
    assert not referral.rewarded


def test_log_in_keeps_answering_member_id_and_registered(shop: Shop, member_id: UUID) -> None:
    bob, registered = shop.logins.log_in(
        openid="o-bob", unionid=None, scene=None, query={}, invite_code=invite_code_for(member_id)
    )
    assert registered and shop.invites.referral_of(bob) is not None
    assert join(shop, "o-carol").invite is None  # no code, nothing to say


def test_a_login_that_is_not_a_registration_ignores_the_code(shop: Shop, member_id: UUID) -> None:
    join(shop, "o-bob")
    assert refused(shop, "o-bob", invite_code_for(member_id)) == "already_registered"
    assert shop.invites.referral_of(member_id_for(unionid=None, openid="o-bob")) is None


@pytest.mark.parametrize("code", ["nope", "a" * 64, "!" * 26])
def test_an_undecodable_code_is_refused_and_the_member_still_registers(
    shop: Shop, code: str
) -> None:
    assert refused(shop, "o-bob", code) == "invalid_code"
    bob = member_id_for(unionid=None, openid="o-bob")
    assert shop.accounts.member(bob) and shop.invites.referral_of(bob) is None


def test_a_code_of_no_member_is_refused(shop: Shop) -> None:
    stranger = member_id_for(unionid=None, openid="o-nobody")
    assert refused(shop, "o-bob", invite_code_for(stranger)) == "unknown_inviter"


def test_a_closed_inviter_is_refused(shop: Shop, member_id: UUID) -> None:
    shop.members.close_account(member_id)
    assert refused(shop, "o-bob", invite_code_for(member_id)) == "inviter_closed"


def test_a_new_member_cannot_invite_themselves(shop: Shop) -> None:
    own_code = invite_code_for(member_id_for(unionid=None, openid="o-bob"))
    assert refused(shop, "o-bob", own_code) == "self_invite"


def test_a_member_back_after_closing_takes_no_invite_so_no_loop_can_form(
    shop: Shop, member_id: UUID
) -> None:
    bob = invited(shop, "o-bob", member_id)
    carol = invited(shop, "o-carol", bob)
    shop.members.close_account(member_id)

    login = join(shop, "o-alice", invite_code_for(carol))  # carol <- bob <- alice
    assert login.invite is not None and login.invite.reason == "returning_member"
    assert login.registered and login.member_id != member_id
    assert shop.invites.referral_of(login.member_id) is None


def test_a_member_invited_before_closing_keeps_the_first_referral_and_takes_no_other(
    shop: Shop, member_id: UUID
) -> None:
    bob = invited(shop, "o-bob", member_id)
    carol, _ = shop.logins.log_in(openid="o-carol", unionid=None, scene=None, query={})
    shop.members.close_account(bob)

    assert refused(shop, "o-bob", invite_code_for(carol)) == "returning_member"
    referral = shop.invites.referral_of(bob)
    assert referral is not None and referral.inviter_id == member_id


# -- the reward -------------------------------------------------------------------------
def test_the_invitees_first_completed_order_rewards_both_once(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    bob = invited(shop, "o-bob", member_id)
    assert (balance(shop, member_id), balance(shop, bob)) == (0, 0)

    first = completed_order(shop, clock, bob)
    assert balance(shop, member_id) == 100
    assert balance(shop, bob) == 100 + 25  # the reward, and ¥25 paid at 1 point per ¥1
    referral = shop.invites.referral_of(bob)
    assert referral is not None and referral.rewarded_for == str(first)

    completed_order(shop, clock, bob)
    assert not shop.orders.complete_order(first)  # the completion job again: nothing due
    assert balance(shop, member_id) == 100
    assert balance(shop, bob) == 100 + 25 + 25


def test_the_inviters_own_orders_reward_nobody(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    invited(shop, "o-bob", member_id)
    completed_order(shop, clock, member_id)
    assert balance(shop, member_id) == 25


def test_the_reward_is_given_once_even_if_asked_again(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    bob = invited(shop, "o-bob", member_id)
    order_id = completed_order(shop, clock, bob)

    assert shop.invites.invite_rewards_on_completion(shop.orders.order(order_id), []) == []


def test_a_refund_after_completion_keeps_the_invite_reward(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    bob = invited(shop, "o-bob", member_id)
    order_id = completed_order(shop, clock, bob)

    shop.orders.refund_by_shop(order_id, reason="quality complaint")
    refund_notified(shop, order_id)

    assert balance(shop, member_id) == 100
    assert balance(shop, bob) == 100  # the order's own 25 points are clawed back


def test_an_order_refunded_before_completion_brings_no_reward(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    bob = invited(shop, "o-bob", member_id)
    order_id = shop.orders.place_order(member_id=bob, items=[("tea-250", 1)], delivery=PICKUP)
    pay(shop, order_id, transaction_id="t-refunded")
    shop.orders.refund_by_shop(order_id, reason="out of stock")
    refund_notified(shop, order_id)

    assert (balance(shop, member_id), balance(shop, bob)) == (0, 0)
    completed_order(shop, clock, bob)  # the first order to complete is the one rewarded
    assert (balance(shop, member_id), balance(shop, bob)) == (100, 125)


def test_the_coupon_reward_goes_to_both_wallets(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    shop = define_gift(shop)
    bob = invited(shop, "o-bob", member_id)
    completed_order(shop, clock, bob)

    assert (gifts(shop, member_id), gifts(shop, bob)) == (1, 1)
    assert shop.coupons.coupon_template("invite-gift").issued == 2
    referral = shop.invites.referral_of(bob)
    assert referral is not None
    events = [e for e in shop.store.events.get(referral.id) if isinstance(e, Referral.Rewarded)]
    assert events[0].inviter_coupon_id and events[0].invitee_coupon_id


def test_a_member_at_the_coupon_limit_still_gets_the_points(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    shop = define_gift(shop, limit=1)
    shop.coupons.claim_coupon(member_id, "invite-gift")  # alice holds one already
    bob = invited(shop, "o-bob", member_id)
    completed_order(shop, clock, bob)

    assert (gifts(shop, member_id), gifts(shop, bob)) == (1, 1)
    assert shop.coupons.coupon_template("invite-gift").issued == 2  # none issued in vain
    assert balance(shop, member_id) == 100


def test_exhausted_coupons_leave_the_points(shop: Shop, member_id: UUID, clock: FixedClock) -> None:
    shop = define_gift(shop, total=1)
    bob = invited(shop, "o-bob", member_id)
    completed_order(shop, clock, bob)

    assert (gifts(shop, member_id), gifts(shop, bob)) == (1, 0)
    assert (balance(shop, member_id), balance(shop, bob)) == (100, 125)


def test_a_closed_inviter_gets_nothing_and_the_invitee_still_does(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    shop = define_gift(shop)
    bob = invited(shop, "o-bob", member_id)
    shop.members.close_account(member_id)
    completed_order(shop, clock, bob)

    assert gifts(shop, bob) == 1 and balance(shop, bob) == 125
    referral = shop.invites.referral_of(bob)
    assert referral is not None and referral.rewarded
    assert shop.accounts.points_account(member_id).closed


def test_points_only_policy_and_no_reward_policy(
    shop: Shop, member_id: UUID, clock: FixedClock
) -> None:
    shop = rewired(shop, invite_policy=InvitePolicy(reward_points=0, reward_coupon=""))
    bob = invited(shop, "o-bob", member_id)
    completed_order(shop, clock, bob)

    assert (balance(shop, member_id), balance(shop, bob)) == (0, 25)
    referral = shop.invites.referral_of(bob)
    assert referral is not None and referral.rewarded  # nothing to give, still settled


# -- the read model -----------------------------------------------------------------------
def test_the_invite_page_counts_invited_and_rewarded(
    shop: Shop, member_id: UUID, clock: FixedClock, tmp_path: Path
) -> None:
    views = SQLiteViewStore(tmp_path / "views.sqlite", clock.now)
    runner = ReadModelRunner(shop.store, views, all_projections())
    bob = invited(shop, "o-bob", member_id)
    invited(shop, "o-carol", member_id)
    refused(shop, "o-dave", invite_code_for(member_id_for(unionid=None, openid="o-dave")))
    completed_order(shop, clock, bob)
    runner.catch_up()

    page = invites.my_invite(views, member_id)
    assert page == {
        "code": invite_code_for(member_id),
        "path": f"pages/index/index?inviter={invite_code_for(member_id)}",
        "invited": 2,
        "rewarded": 1,
    }
    assert invites.my_invite(views, bob)["invited"] == 0
    doc = invites.referral(views, bob)
    assert doc is not None and doc["inviter_id"] == str(member_id)
    assert doc["reward"]["inviter_points"] == doc["reward"]["invitee_points"] == 100

    runner.rebuild(invites.InvitesProjection.name)
    assert invites.my_invite(views, member_id) == page
