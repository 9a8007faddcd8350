"""Group-buy (拼团) through the Shop: teams opened by paid leaders, seats held by
joiners' orders, filling, leaving, expiry and the automatic refunds (in-memory
store, fixed clock)."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from chalicelib.application import Shop
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.application.errors import InvalidInput, NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.errors import CampaignNotOpen
from chalicelib.domain.order import OrderStatus, RefundStatus
from chalicelib.domain.team import AlreadyInTeam, Team, TeamClosed, TeamFull, TeamNotFormed
from chalicelib.domain.values import CampaignItem, CampaignRules, CouponTerms

from .support import EXPRESS, PICKUP, available, pay, refund_notified, stored_events

GROUP_PRICE = 1990


def define_group_buy(
    shop: Shop, *, size: int = 3, percent: int = 0, hours: int = 24, campaign_hours: int = 48
) -> None:
    now = shop.clock.now()
    shop.campaigns.define_campaign(
        code="team",
        kind="group_buy",
        title="3人团",
        items=[CampaignItem("tea-250", GROUP_PRICE, 8)],
        starts_at=now,
        ends_at=now + timedelta(hours=campaign_hours),
        per_member_limit=1,
        rules=CampaignRules(
            team_size=size, team_hours=hours, virtual_success_percent=percent, pay_minutes=5
        ),
        shards=2,
    )
    shop.campaigns.start_campaign("team")


def member(shop: Shop, name: str) -> UUID:
    member_id = shop.logins.log_in(openid=f"o-{name}", unionid=None, scene=None, query={})[0]
    shop.members.update_profile(
        member_id, nickname=name, avatar_url=f"https://img.example/{name}.png"
    )
    return member_id


def lead(shop: Shop, name: str = "张三丰") -> tuple[UUID, UUID]:
    """A paid leader's order and the team it opened."""
    order_id = shop.group_buy.open_team(
        "team",
        member_id=member(shop, name),
        sku_id="tea-250",
        quantity=1,
        terms=OrderTerms(EXPRESS),
    )
    assert pay(shop, order_id, f"t-{order_id.hex}")
    return order_id, Team.create_id(str(order_id))


def join(shop: Shop, team_id: UUID, name: str, *, paid: bool = True) -> UUID:
    order_id = shop.group_buy.join_team(
        team_id, member_id=member(shop, name), quantity=1, terms=OrderTerms(PICKUP)
    )
    if paid:
        assert pay(shop, order_id, f"t-{order_id.hex}")
    return order_id


@pytest.fixture
def team_id(shop: Shop) -> UUID:
    define_group_buy(shop)
    return lead(shop)[1]


def test_a_team_opens_when_the_leaders_order_is_paid(shop: Shop) -> None:
    define_group_buy(shop, hours=24)
    order_id = shop.group_buy.open_team(
        "team",
        member_id=member(shop, "张三丰"),
        sku_id="tea-250",
        quantity=1,
        terms=OrderTerms(EXPRESS),
    )
    order = shop.orders.order(order_id)
    assert order.lines[0].unit_price_fen == GROUP_PRICE and order.price.member_discount_fen == 0
    assert order.pay_deadline == shop.clock.now() + timedelta(minutes=5)
    assert not shop.store.exists(Team.create_id(str(order_id)))  # nothing opens unpaid

    assert pay(shop, order_id)

    team = shop.group_buy.team(Team.create_id(str(order_id)))
    assert (team.leader_order_id, team.size, team.status) == (str(order_id), 3, "forming")
    assert team.deadline == shop.clock.now() + timedelta(hours=24)
    opened = shop.store.events.get(team.id)
    leader = shop.orders.order(order_id).member_id
    assert next(iter(opened)).leader_member_id == str(leader)  # type: ignore[attr-defined]


def test_a_teams_deadline_is_capped_by_the_campaigns_end(shop: Shop) -> None:
    define_group_buy(shop, hours=24, campaign_hours=2)
    _, team_id = lead(shop)

    assert shop.group_buy.team(team_id).deadline == shop.clock.now() + timedelta(hours=2)


def test_a_joiner_holds_a_seat_in_the_same_save_as_the_order(shop: Shop, team_id: UUID) -> None:
    order_id = join(shop, team_id, "李四", paid=False)

    order = shop.orders.order(order_id)
    assert order.campaign is not None and order.campaign.team_id == str(team_id)
    assert order.lines[0].sku_id == "tea-250" and order.price.items_fen == GROUP_PRICE
    team = shop.group_buy.team(team_id)
    assert team.seats_left(shop.clock.now()) == 1
    assert stored_events(shop, team_id) == [Team.Opened, Team.SeatHeld]


def test_joining_is_refused_when_full_twice_or_for_the_wrong_sku(shop: Shop, team_id: UUID) -> None:
    join(shop, team_id, "李四", paid=False)
    wang = member(shop, "王五")
    join(shop, team_id, "赵六", paid=False)

    with pytest.raises(TeamFull):
        shop.group_buy.join_team(team_id, member_id=wang, quantity=1, terms=OrderTerms(PICKUP))
    with pytest.raises(AlreadyInTeam):
        shop.group_buy.join_team(
            team_id, member_id=member(shop, "李四"), quantity=1, terms=OrderTerms(PICKUP)
        )
    with pytest.raises(InvalidInput, match="tea-250"):
        shop.group_buy.join_team(
            team_id, member_id=wang, quantity=1, terms=OrderTerms(PICKUP), sku_id="tea-500"
        )
    with pytest.raises(NotFound):
        shop.group_buy.join_team(
            Team.create_id("nope"), member_id=wang, quantity=1, terms=OrderTerms(PICKUP)
        )
    assert shop.campaigns.campaign_stock("team")["tea-250"]["taken"] == 3  # leader + two holds


def test_a_cancelled_or_lapsed_unpaid_joiner_frees_the_seat(
    shop: Shop, clock: FixedClock, team_id: UUID
) -> None:
    li = join(shop, team_id, "李四", paid=False)
    zhao = join(shop, team_id, "赵六", paid=False)
    shop.orders.cancel_order(
        li, member_id=shop.orders.order(li).member_id, reason="changed my mind"
    )
    assert shop.group_buy.team(team_id).seats_left(clock.now()) == 1

    clock.advance(minutes=5)  # 赵六's hold lapses: the seat is free before the job runs
    assert shop.group_buy.team(team_id).seats_left(clock.now()) == 2
    join(shop, team_id, "王五", paid=False)
    assert shop.orders.expire_order(zhao)
    assert stored_events(shop, team_id).count(Team.SeatReleased) == 2
    assert shop.group_buy.team(team_id).seats_left(clock.now()) == 1


def test_a_filled_team_succeeds_and_only_then_its_orders_ship(shop: Shop) -> None:
    define_group_buy(shop)
    leader, team_id = lead(shop)
    with pytest.raises(TeamNotFormed):
        shop.orders.ship_order(leader, carrier="SF", tracking_no="SF1")
    li = join(shop, team_id, "李四")
    zhao = join(shop, team_id, "赵六")

    assert shop.group_buy.team(team_id).status == "succeeded"
    shop.orders.ship_order(leader, carrier="SF", tracking_no="SF1")
    shop.orders.mark_ready_for_pickup(li)
    shop.orders.mark_ready_for_pickup(zhao)
    assert shop.orders.order(leader).status == OrderStatus.SHIPPED
    assert not shop.group_buy.expire_team(team_id)
    with pytest.raises(TeamClosed):
        join(shop, team_id, "王五", paid=False)


def test_an_unfilled_team_refunds_every_paid_order_once_at_its_deadline(
    shop: Shop, clock: FixedClock
) -> None:
    define_group_buy(shop, size=4)
    leader, team_id = lead(shop)
    joiners = [join(shop, team_id, "李四"), join(shop, team_id, "赵六")]
    clock.advance(hours=23, minutes=59, seconds=59)
    assert not shop.group_buy.expire_team(team_id)

    clock.advance(seconds=1)
    assert shop.group_buy.expire_team(team_id)
    assert not shop.group_buy.expire_team(team_id)

    for order_id in [leader, *joiners]:
        order = shop.orders.order(order_id)
        assert order.refund_status == RefundStatus.APPROVED, order_id
        assert stored_events(shop, order_id).count(type(order).RefundApproved) == 1
        assert refund_notified(shop, order_id)
    assert shop.group_buy.team(team_id).status == "failed"
    assert shop.campaigns.campaign_stock("team")["tea-250"] == {"stock": 8, "left": 8, "taken": 0}


def test_an_expired_team_returns_coupons_and_approves_a_requested_refund(
    shop: Shop, clock: FixedClock
) -> None:
    define_group_buy(shop)
    shop.coupons.define_coupon_template(
        code="c5",
        title="减5元",
        terms=CouponTerms(kind="no_threshold", amount_fen=500),
        trigger="claim",
        starts_at=None,
        ends_at=None,
        valid_days=7,
        total_quantity=0,
        per_member_limit=1,
    )
    _, team_id = lead(shop)
    li = member(shop, "李四")
    coupon = shop.coupons.claim_coupon(li, "c5")
    joined = shop.group_buy.join_team(
        team_id, member_id=li, quantity=1, terms=OrderTerms(PICKUP, coupon_id=coupon.coupon_id)
    )
    assert shop.orders.order(joined).price.payable_fen == GROUP_PRICE - 500
    assert pay(shop, joined)
    shop.orders.request_refund(joined, member_id=li, reason="等不及了")
    clock.advance(hours=24)

    assert shop.group_buy.expire_team(team_id)

    assert shop.orders.order(joined).refund_status == RefundStatus.APPROVED
    assert refund_notified(shop, joined)
    assert shop.accounts.wallet_of(li).status_of(coupon.coupon_id) == "available"


def test_a_virtually_successful_team_ships(shop: Shop, clock: FixedClock) -> None:
    define_group_buy(shop, size=3, percent=60)  # ceil(1.8) = 2 paid members
    leader, team_id = lead(shop)
    li = join(shop, team_id, "李四")
    clock.advance(hours=24)

    assert shop.group_buy.expire_team(team_id)

    team = shop.group_buy.team(team_id)
    assert (team.status, team.virtual) == ("succeeded", True)
    shop.orders.ship_order(leader, carrier="SF", tracking_no="SF1")
    shop.orders.mark_ready_for_pickup(li)
    assert shop.orders.order(li).refund_status == RefundStatus.NONE


def test_a_payment_arriving_after_the_team_expired_is_refunded(
    shop: Shop, clock: FixedClock, team_id: UUID
) -> None:
    li = join(shop, team_id, "李四", paid=False)
    clock.advance(hours=24)
    assert shop.group_buy.expire_team(team_id)

    assert pay(shop, li)

    order = shop.orders.order(li)
    assert (order.status, order.refund_status) == (OrderStatus.PAID, RefundStatus.APPROVED)
    assert refund_notified(shop, li)
    assert shop.orders.order(li).status == OrderStatus.REFUNDED


def test_a_payment_for_a_seat_taken_after_its_hold_lapsed_is_refunded(
    shop: Shop, clock: FixedClock
) -> None:
    define_group_buy(shop, size=2)
    _, team_id = lead(shop)
    li = join(shop, team_id, "李四", paid=False)
    clock.advance(minutes=5)
    wang = join(shop, team_id, "王五")  # the lapsed seat, taken and paid: the team fills

    assert pay(shop, li)  # WeChat's late notification for the lapsed hold

    assert shop.orders.order(li).refund_status == RefundStatus.APPROVED
    assert shop.group_buy.team(team_id).paid_order_ids[1] == str(wang)


def test_a_leaders_payment_after_the_campaign_closed_is_refunded(shop: Shop) -> None:
    define_group_buy(shop)
    order_id = shop.group_buy.open_team(
        "team",
        member_id=member(shop, "张三丰"),
        sku_id="tea-250",
        quantity=1,
        terms=OrderTerms(EXPRESS),
    )
    shop.campaigns.end_campaign("team")

    assert pay(shop, order_id)

    assert shop.orders.order(order_id).refund_status == RefundStatus.APPROVED
    assert not shop.store.exists(Team.create_id(str(order_id)))
    with pytest.raises(CampaignNotOpen):
        shop.group_buy.open_team(
            "team",
            member_id=member(shop, "李四"),
            sku_id="tea-250",
            quantity=1,
            terms=OrderTerms(EXPRESS),
        )


def test_a_refunded_joiner_leaves_and_frees_the_seat(shop: Shop, team_id: UUID) -> None:
    li = join(shop, team_id, "李四")
    shop.orders.request_refund(li, member_id=shop.orders.order(li).member_id, reason="买错了")
    shop.orders.approve_refund(li)

    team = shop.group_buy.team(team_id)
    assert str(li) not in team.paid_order_ids
    assert team.seats_left(shop.clock.now()) == 2
    assert refund_notified(shop, li)
    join(shop, team_id, "王五")
    join(shop, team_id, "赵六")
    assert shop.group_buy.team(team_id).status == "succeeded"
    assert available(shop, "tea-250") == 10 - 8


def test_when_the_leader_is_refunded_the_earliest_paid_member_leads(
    shop: Shop, clock: FixedClock
) -> None:
    define_group_buy(shop, size=4)
    leader, team_id = lead(shop)
    li = join(shop, team_id, "李四")
    clock.advance(minutes=1)
    join(shop, team_id, "赵六")

    shop.orders.refund_by_shop(leader, reason="缺货")

    team = shop.group_buy.team(team_id)
    assert (team.leader_order_id, team.is_forming) == (str(li), True)
    assert len(team.paid_order_ids) == 2
