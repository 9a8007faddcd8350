"""The analytics read model, built by the runner from a real shop's events on
both runtimes: an invite code makes the acquisition source "invite", an order
more than 24 hours after the last visit is "direct", closing an account
removes the member's document and keeps the figures (a rebuild gives the
same documents), and a day's detailed
sources are capped (junk page queries fold into their group)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.calendar import beijing_date
from chalicelib.domain.referral import invite_code_for
from chalicelib.domain.values import Delivery
from chalicelib.projections import analytics_queries as q
from chalicelib.projections.analytics_counters import MAX_SOURCES_PER_DAY, MEMBERS, SOURCE_DAYS
from tests.support.runtimes import Running

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")
MENU = {"from": "menu", "type": "home"}


def pay(c: Container, member_id: UUID, n: int) -> int:
    order_id = c.shop.orders.place_order(member_id=member_id, items=[("TEA", 1)], delivery=PICKUP)
    payable = c.shop.orders.order(order_id).price.payable_fen
    c.shop.payments.record_payment(
        out_trade_no=order_id.hex, transaction_id=f"t{n}", amount_fen=payable, paid_at=c.clock.now()
    )
    return payable


def by_source(running: Running, clock: FixedClock) -> dict[str, dict[str, Any]]:
    running.settle()
    day = beijing_date(clock.now())
    answer = q.sources(running.container.views, day - timedelta(days=1), day)
    return {s["source"]: s for s in answer["sources"]}


def test_invites_direct_orders_and_closing_an_account(running: Running, clock: FixedClock) -> None:
    c = running.container
    list_tea(c, 10)
    inviter, _ = c.shop.logins.log_in(openid="o-inviter", unionid=None, scene=1001, query={})
    invitee, _ = c.shop.logins.log_in(
        openid="o-invitee",
        unionid=None,
        scene=1035,
        query=MENU,
        invite_code=invite_code_for(inviter),
    )
    clock.advance(hours=25)  # the next Beijing day, past the 24-hour window
    paid = pay(c, invitee, 1)

    sources = by_source(running, clock)
    assert {k: (v["visits"], v["new_members"]) for k, v in sources.items()} == {
        "other": (1, 1),
        "oa_menu:home": (1, 0),  # the visit counts by its own source
        "invite": (0, 1),  # the member by the invitation
        "direct": (0, 0),
    }
    assert (sources["direct"]["orders_paid"], sources["direct"]["gmv_fen"]) == (1, paid)
    assert (sources["invite"]["converted"], sources["invite"]["conversion"]) == (1, 1.0)
    day = beijing_date(clock.now())
    before = q.overview(c.views, day - timedelta(days=1), day)
    dump = c.views.dump("analytics")
    assert f"{MEMBERS}/{invitee}" in dump and str(invitee) in str(dump)

    c.shop.members.close_account(invitee)
    running.settle()
    dump = c.views.dump("analytics")
    assert f"{MEMBERS}/{invitee}" not in dump
    assert str(invitee) not in str(dump)  # nothing left names the member
    assert q.overview(c.views, day - timedelta(days=1), day) == before

    incremental = c.views.dump("analytics")
    c.runner.rebuild(["analytics"])
    assert c.views.dump("analytics") == incremental  # rebuilt from the log: the same


def test_a_days_detailed_sources_are_capped(running: Running, clock: FixedClock) -> None:
    """Past the cap, a new detailed source counts under its group."""
    c = running.container
    member, _ = c.shop.logins.log_in(openid="o-junk", unionid=None, scene=1058, query={})
    for n in range(MAX_SOURCES_PER_DAY + 2):
        query = {"from": "article", "id": f"junk{n}"}
        c.shop.logins.log_in(openid="o-junk", unionid=None, scene=1058, query=query)
    running.settle()
    day = beijing_date(clock.now())
    rows = [k for k in c.views.dump("analytics") if k.startswith(f"{SOURCE_DAYS}/")]
    assert len(rows) == MAX_SOURCES_PER_DAY
    sources = by_source(running, clock)
    assert sources["oa_article"]["visits"] == 1 + 3  # the plain one and the three folded in
    figures = q.overview(c.views, day, day)["days"][0]
    assert (figures["visits"], figures["active_members"]) == (MAX_SOURCES_PER_DAY + 3, 1)
    assert member
