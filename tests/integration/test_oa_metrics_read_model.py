"""The official account's follower figures, built by the runner from a real
shop's events on both runtimes: a follower linked to a member at login, one
identified only after paying (its payment after following still counts), a
repurchase within 30 days, an unfollow inside the retention window, the
figures exact when pushes are redelivered, a rebuild equal to them, and
closing an account removing what names the member and keeping the figures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.values import Delivery
from chalicelib.projections import oa_metrics_queries as q
from chalicelib.projections.analytics_queries import days_between
from tests.support.runtimes import Running

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")
D = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing, 2026-11-01
DAY = date(2026, 11, 1)


def push(c: Container, openid: str, event: str, **extra: str) -> None:
    message = {"MsgType": "event", "Event": event, "FromUserName": openid}
    message["CreateTime"] = str(int(c.clock.now().timestamp()))
    c.shop.official_account.receive_push(message | extra)


def pay(c: Container, member_id: UUID, n: int) -> None:
    order_id = c.shop.orders.place_order(member_id=member_id, items=[("TEA", 1)], delivery=PICKUP)
    payable = c.shop.orders.order(order_id).price.payable_fen
    c.shop.payments.record_payment(
        out_trade_no=order_id.hex, transaction_id=f"t{n}", amount_fen=payable, paid_at=c.clock.now()
    )


def figures(running: Running, today: date) -> dict[str, Any]:
    running.settle()
    days = days_between(DAY, DAY + timedelta(days=2))
    return q.followers(running.container.views, days, today)


def test_followers_linked_paid_repurchased_and_retained(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    list_tea(c, 20)
    clock.set(D)
    # ann follows (the push names her unionid), then comes into the mini-program
    push(c, "oa-ann", "subscribe", UnionId="u-ann", EventKey="qrscene_store1")
    push(c, "oa-ann", "subscribe", UnionId="u-ann", EventKey="qrscene_store1")  # a retry
    ann, _ = c.shop.logins.log_in(openid="mp-ann", unionid="u-ann", scene=1001, query={})
    # bob is a member who paid before following; his unionid is learnt later
    bob, _ = c.shop.logins.log_in(openid="mp-bob", unionid="u-bob", scene=1001, query={})
    pay(c, bob, 1)
    clock.advance(hours=1)
    push(c, "oa-bob", "subscribe")
    # cid follows and leaves the next day; dan follows and is never linked
    push(c, "oa-cid", "subscribe")
    push(c, "oa-dan", "subscribe", UnionId="u-dan")
    clock.advance(days=1)
    push(c, "oa-cid", "unsubscribe")
    push(c, "oa-cid", "unsubscribe")  # a retry
    pay(c, ann, 2)
    pay(c, bob, 3)  # after following, before his follower is known to be him
    clock.advance(days=10)
    pay(c, ann, 4)  # within 30 days of her first payment: a repurchase
    follower = c.shop.store.find(Follower, follower_id_for("oa-bob"))
    assert follower is not None
    identities = c.shop.official_account.identities
    follower.identify(identities.seal(follower.id, "u-bob"), identities.unionid_key("u-bob"))
    c.shop.store.save(follower)

    answer = figures(running, DAY + timedelta(days=11))
    day1, day2, _ = answer["days"]
    assert {k: day1[k] for k in ("gained", "lost", "net", "linked", "linked_payers")} == {
        "gained": 4,
        "lost": 0,
        "net": 4,
        "linked": 2,
        "linked_payers": 2,
    }
    assert (day1["repurchasers"], day1["repurchase"], day1["paid_rate"]) == (1, 0.5, 1.0)
    assert (day1["retained_30d"], day1["retention_30d"]) == (None, None)  # not 30 days yet
    assert (day2["gained"], day2["lost"], day2["net"]) == (0, 1, -1)
    assert answer["totals"]["gained"] == 4 and answer["totals"]["retained_30d"] is None

    later = figures(running, DAY + timedelta(days=30))
    assert (later["days"][0]["retained_30d"], later["days"][0]["retention_30d"]) == (3, 0.75)
    assert (later["totals"]["retained_30d"], later["totals"]["retention_30d"]) == (3, 0.75)

    incremental = c.views.dump("oa_metrics")
    c.runner.rebuild(["oa_metrics"])
    assert c.views.dump("oa_metrics") == incremental  # rebuilt from the log: the same

    c.shop.members.close_account(ann)
    running.settle()
    dump = c.views.dump("oa_metrics")
    for gone in (str(ann), str(follower_id_for("oa-ann"))):
        assert gone not in str(dump)  # nothing left names her
    assert figures(running, DAY + timedelta(days=30)) == later
    c.runner.rebuild(["oa_metrics"])
    assert c.views.dump("oa_metrics") == dump


def track_prompt(c: Container, subject: str, n: int, at: datetime) -> None:
    item = {"id": f"p{n}", "kind": "follow_prompt", "at": at.isoformat(), "path": "pages/me/me"}
    assert c.tracking.track(subject, [item]).accepted == 1


def settle_both_logs(running: Running) -> None:
    """The order log projected, its mirrored facts sent, the behaviour log projected."""
    running.settle()
    running.container.behaviour_runner.catch_up()
    running.settle()


def test_follow_conversion_within_24_hours_of_the_prompt(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    clock.set(D)
    members = {
        name: c.shop.logins.log_in(openid=f"mp-{name}", unionid=f"u-{name}", scene=1001, query={})[
            0
        ]
        for name in ("amy", "ben", "cal", "dee", "eve")
    }
    for n, name in enumerate(("amy", "ben", "cal", "dee")):
        track_prompt(c, f"member:{members[name]}", n, D)
    track_prompt(c, "install:install-zzzz1", 9, D)  # before login: not a member's
    clock.advance(hours=1)
    push(c, "oa-eve", "subscribe", UnionId="u-eve")  # eve follows; her prompt arrives late
    push(c, "oa-dee", "subscribe")  # dee's unionid is learnt two hours later
    clock.advance(hours=1)
    push(c, "oa-amy", "subscribe", UnionId="u-amy")
    follower = c.shop.store.find(Follower, follower_id_for("oa-dee"))
    assert follower is not None
    identities = c.shop.official_account.identities
    clock.advance(hours=2)
    follower.identify(identities.seal(follower.id, "u-dee"), identities.unionid_key("u-dee"))
    c.shop.store.save(follower)
    settle_both_logs(running)
    track_prompt(c, f"member:{members['eve']}", 5, D)  # shown an hour before she followed
    clock.set(D + timedelta(hours=25))
    push(c, "oa-ben", "subscribe", UnionId="u-ben")  # 25 hours after his prompt: too late
    settle_both_logs(running)

    days = days_between(DAY, DAY + timedelta(days=1))
    answer = q.follow_conversion(c.views, days)
    assert answer["days"][0] == {
        "day": DAY.isoformat(),
        "prompted": 5,
        "followed": 3,  # amy, dee (at her follow's time), eve
        "follow_conversion": 0.6,
    }
    assert (answer["totals"]["prompted"], answer["totals"]["followed"]) == (5, 3)

    messages = len(c.outbox.messages())
    c.runner.rebuild(["oa_metrics"])
    assert len(c.outbox.messages()) == messages  # the mirrored follows are not queued again
    incremental = c.views.dump("follow_conversion")
    assert c.behaviour_runner.rebuild(["follow_conversion"]).complete
    assert c.views.dump("follow_conversion") == incremental
