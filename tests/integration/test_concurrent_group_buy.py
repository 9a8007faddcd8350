"""Real threads racing for a group-buy team, on both runtimes: five members for
the last two seats get exactly two seats (the rest are refused and charged
nothing), and expiry jobs racing each other and a last payment refund every
paid member exactly once."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.order import Order, RefundStatus
from chalicelib.domain.team import Team, TeamFull
from chalicelib.domain.values import CampaignItem, CampaignRules, Delivery, SkuSpec
from tests.support.races import race, split
from tests.support.runtimes import Running

PICKUP = Delivery(method="pickup", store_id="s1")
GROUP_PRICE = 1990


def set_up(c: Container, size: int) -> None:
    c.shop.catalogue.list_product(
        slug="tea",
        title="Tea",
        category="tea",
        description="",
        image_url="",
        skus=[(SkuSpec("TEA", "50g", 6800), 50)],
    )
    now = c.clock.now()
    c.shop.campaigns.define_campaign(
        code="tuan",
        kind="group_buy",
        title="拼团",
        items=[CampaignItem("TEA", GROUP_PRICE, 20)],
        starts_at=now,
        ends_at=now + timedelta(days=2),
        per_member_limit=1,
        rules=CampaignRules(team_size=size, team_hours=24, pay_minutes=5),
        shards=2,
    )
    c.shop.campaigns.start_campaign("tuan")


def member(c: Container, name: str) -> UUID:
    return c.shop.logins.log_in(openid=f"o-{name}", unionid=None, scene=None, query={})[0]


def pay(c: Container, order_id: UUID) -> bool:
    order = c.shop.orders.order(order_id)
    return c.shop.payments.record_payment(
        out_trade_no=order.out_trade_no,
        transaction_id=f"4200{order_id.hex}",
        amount_fen=order.price.payable_fen,
        paid_at=c.clock.now(),
    )


def team_with(c: Container, paid_joiners: int) -> tuple[UUID, list[UUID]]:
    leader = c.shop.group_buy.open_team(
        "tuan", member_id=member(c, "leader"), sku_id="TEA", quantity=1, terms=OrderTerms(PICKUP)
    )
    assert pay(c, leader)
    team_id = Team.create_id(str(leader))
    orders = [leader]
    for n in range(paid_joiners):
        order_id = c.shop.group_buy.join_team(
            team_id, member_id=member(c, f"j{n}"), quantity=1, terms=OrderTerms(PICKUP)
        )
        assert pay(c, order_id)
        orders.append(order_id)
    return team_id, orders


def orders_placed(c: Container) -> int:
    log = c.shop.store.recorder.select_notifications(start=None, limit=10_000)
    return sum(1 for n in log if n.topic.endswith("Order.Placed"))


def test_five_members_racing_for_the_last_two_seats_two_join(running: Running) -> None:
    c = running.container
    set_up(c, size=4)
    team_id, _ = team_with(c, paid_joiners=1)
    racers = [member(c, f"racer{i}") for i in range(5)]

    outcomes = race(
        5,
        lambda i: c.shop.group_buy.join_team(
            team_id, member_id=racers[i], quantity=1, terms=OrderTerms(PICKUP)
        ),
    )

    won, lost = split(outcomes)
    assert len(won) == 2, outcomes
    assert all(isinstance(e, TeamFull) for e in lost), lost
    running.settle()
    assert orders_placed(c) == 2 + 2  # the losers have no order: nothing to pay
    assert c.shop.campaigns.campaign_stock("tuan")["TEA"]["taken"] == 4
    for order_id in won:
        assert pay(c, order_id)
    team = c.shop.group_buy.team(team_id)
    assert team.status == "succeeded"
    assert sorted(team.paid_order_ids[2:]) == sorted(str(o) for o in won)
    seated = [e for e in c.shop.store.events.get(team_id) if isinstance(e, Team.SeatHeld)]
    assert len(seated) == 1 + 2


def test_racing_expiry_jobs_and_a_last_payment_refund_each_paid_order_once(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    set_up(c, size=5)
    team_id, paid = team_with(c, paid_joiners=2)
    clock.advance(hours=23, minutes=58)
    late = c.shop.group_buy.join_team(
        team_id, member_id=member(c, "late"), quantity=1, terms=OrderTerms(PICKUP)
    )
    clock.advance(minutes=2)  # the deadline: the hold is still within its 5 minutes

    outcomes = race(5, lambda i: pay(c, late) if i == 0 else c.shop.group_buy.expire_team(team_id))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert outcomes[0] is True and sum(1 for o in outcomes[1:] if o is True) == 1
    assert c.shop.group_buy.team(team_id).status == "failed"
    for order_id in [*paid, late]:
        order = c.shop.orders.order(order_id)
        approvals = [
            e for e in c.shop.store.events.get(order_id) if isinstance(e, Order.RefundApproved)
        ]
        assert (order.refund_status, len(approvals)) == (RefundStatus.APPROVED, 1), order_id
