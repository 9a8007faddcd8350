"""The notification read models, built by the runner from a real Shop's events on
both view stores (SQLite; DynamoDB Local for the AWS runtime): the intents the
triggers queue (ids, pages, fields, due times) and the ones that became moot,
the outbox messages that carry them (a reminder waits until due, and on AWS is
not queued to SQS before), the followers, the operators' log and daily counts
— and a rebuild equals them and sends nothing new."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from chalicelib.adapters.dynamodb.connection import Tables, client
from chalicelib.adapters.dynamodb.outbox import DynamoDBOutbox
from chalicelib.adapters.dynamodb.views import DynamoDBViewStore
from chalicelib.adapters.pii import PersonalData
from chalicelib.adapters.pii.sqlite_keys import SQLiteKeyStore
from chalicelib.adapters.sqlite_outbox import SQLiteOutbox
from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.clock import FixedClock
from chalicelib.domain.follower import Follower, follower_id_for
from chalicelib.domain.ids import campaign_id_for
from chalicelib.domain.notification import Notification
from chalicelib.domain.team import Team
from chalicelib.domain.values import (
    Address,
    CampaignItem,
    CampaignRules,
    CouponTerms,
    Delivery,
    SkuSpec,
)
from chalicelib.projections import all_projections
from chalicelib.projections import notification_queries as q
from chalicelib.projections.base import rank_time
from chalicelib.projections.followers import (
    FollowersByUnionKey,
    follower_for_openid,
    follower_for_unionid_key,
)
from chalicelib.projections.runner import ReadModelRunner
from local.aws_stage import create_stage, drop_stage
from local.engines import REGION
from tests.unit.application.support import new_shop

START = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
HOME = Delivery(method="express")
PICKUP = Delivery(method="pickup", store_id="s1")
ADDRESS = Address("王五", "13700000000", "上海", "上海", "徐汇", "1")
NOTIFYING = ("notification_triggers", "followers", "notification_log")


class World:
    def __init__(self, tmp_path: Path, runtime: str, request: pytest.FixtureRequest) -> None:
        self.clock = FixedClock(START)
        self.shop = new_shop(
            self.clock, vault=PersonalData(SQLiteKeyStore(tmp_path / "keys.sqlite"))
        )
        self.pushed: list[str] = []  # what the AWS store put on the SQS queue at commit
        self.stage: Any = None
        if runtime == "embedded":
            store = SQLiteViewStore(tmp_path / "views.sqlite", self.clock.now)
            self.views: Any = store
            self.outbox: Any = SQLiteOutbox(store)
        else:
            self.engines = request.getfixturevalue("engines")
            self.stage = create_stage(self.engines, f"nv{uuid4().hex[:10]}")
            ddb = client("dynamodb", self.engines.dynamodb_url, REGION)
            tables = Tables(self.stage.prefix)
            now = lambda: rank_time(self.clock.now())  # noqa: E731
            self.views = DynamoDBViewStore(ddb, tables, now, self.pushed.extend)
            self.outbox = DynamoDBOutbox(ddb, tables)
        self.runner = ReadModelRunner(self.shop.store, self.views, all_projections())
        skus = [(SkuSpec("TEA", "50g", 6800), 100), (SkuSpec("GOLD", "1kg", 100_000), 10)]
        self.shop.catalogue.list_product(
            slug="tea", title="Tea", category="tea", description="", image_url="", skus=skus
        )

    def close(self) -> None:
        if self.stage is not None:
            drop_stage(self.engines, self.stage)

    def member(self, name: str) -> UUID:
        member_id: UUID = self.shop.logins.log_in(
            openid=f"o-{name}", unionid=None, scene=None, query={}
        )[0]
        return member_id

    def pay(self, order_id: UUID) -> None:
        order = self.shop.orders.order(order_id)
        assert self.shop.payments.record_payment(
            out_trade_no=order.out_trade_no,
            transaction_id=uuid4().hex,
            amount_fen=order.price.payable_fen,
            paid_at=self.clock.now(),
        )

    def intents(self) -> dict[str, dict[str, Any]]:
        self.runner.catch_up()
        dump = self.views.dump("notification_triggers")
        return {k.split("/", 1)[1]: v["doc"] for k, v in dump.items() if k.startswith("intents/")}

    def messages(self) -> dict[str, dict[str, Any]]:
        """Outbox rows by id, with the moment each is first due as `due`."""
        self.runner.catch_up()
        rows = self.outbox.messages(limit=10_000)
        return {r["id"]: dict(r, due=r.get("due") or r.get("next_attempt_at")) for r in rows}


@pytest.fixture
def world(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    made = World(tmp_path, runtime, request)
    try:
        yield made
    finally:
        made.close()


def status(world: World, intent_id: str) -> str | None:
    world.runner.catch_up()
    return q.intent_status(world.views, intent_id)


# -- orders ------------------------------------------------------------------------------
def test_an_order_is_announced_paid_shipped_and_reminded_of_after_sales(world: World) -> None:
    alice = world.member("alice")
    order = world.shop.orders.place_order(
        member_id=alice, items=[("TEA", 1)], delivery=HOME, address=ADDRESS
    )
    world.pay(order)
    paid, prompt = f"notify:order_paid:{order}", f"notify:follow_prompt:{order}"
    intents = world.intents()
    payable = world.shop.orders.order(order).price.payable_fen
    assert payable == 7800  # ¥68 tea + ¥10 shipping
    assert intents[paid] == {
        "intent_id": paid,
        "trigger": "order_paid",
        "member_id": str(alice),
        "page": f"pages/orders/detail?id={order}",
        "fields": {
            "order_no": order.hex,
            "amount": "¥78.00",
            "title": "Tea 50g",
            "time": "2026-11-01 10:00",
        },
        "expires_at": None,
        "status": "queued",
        "due_at": None,
    }
    assert intents[prompt]["page"] == "pages/official-account/follow"
    messages = world.messages()
    assert messages[paid]["kind"] == "notify"
    assert messages[paid]["payload"] == {
        k: intents[paid][k]
        for k in ("intent_id", "trigger", "member_id", "page", "fields", "expires_at")
    }

    world.clock.advance(hours=2)
    world.shop.orders.ship_order(order, carrier="SF", tracking_no="SF123")
    shipped = world.intents()[f"notify:order_shipped:{order}"]
    assert shipped["page"] == f"pages/orders/logistics?id={order}"
    assert (shipped["fields"]["carrier"], shipped["fields"]["tracking_no"]) == ("SF", "SF123")

    world.clock.advance(days=1)
    received_at = world.clock.now()
    world.shop.orders.confirm_receipt(order, member_id=alice)
    reminder = f"notify:after_sales_reminder:{order}"
    doc = world.intents()[reminder]
    due = received_at + timedelta(days=6)  # the last of the 7 after-sales days
    assert (doc["due_at"], doc["expires_at"]) == (
        due.isoformat(),
        (received_at + timedelta(days=7)).isoformat(),
    )
    assert doc["fields"]["time"] == "2026-11-09 12:00"
    assert world.messages()[reminder]["due"] == rank_time(due)
    assert reminder not in [m.id for m in world.outbox.due(due - timedelta(seconds=1), 1000)]
    assert reminder in [m.id for m in world.outbox.due(due, 1000)]
    if world.stage is not None:
        assert paid in world.pushed and reminder not in world.pushed

    world.shop.orders.request_refund(order, member_id=alice, reason="broken")
    assert status(world, reminder) == "cancelled"


def test_completion_makes_the_after_sales_reminder_moot(world: World) -> None:
    bob = world.member("bob")
    order = world.shop.orders.place_order(member_id=bob, items=[("TEA", 2)], delivery=PICKUP)
    world.pay(order)
    world.shop.orders.mark_ready_for_pickup(order)
    world.shop.orders.record_pickup(order)
    reminder = f"notify:after_sales_reminder:{order}"
    assert status(world, reminder) == "queued"
    world.clock.advance(days=7)
    assert world.shop.orders.complete_order(order)
    assert status(world, reminder) == "cancelled"
    assert f"notify:order_shipped:{order}" not in world.intents()  # picked up, never shipped


# -- group-buy and campaigns -------------------------------------------------------------
def define(world: World, code: str, kind: str, starts_at: datetime, **rules: int) -> None:
    world.shop.campaigns.define_campaign(
        code=code,
        kind=kind,
        title=code.upper(),
        items=[CampaignItem("TEA", 4900, 20)],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=48),
        per_member_limit=3,
        rules=CampaignRules(**rules),
        shards=1,
    )


def open_team(world: World, leader: UUID) -> tuple[UUID, UUID]:
    order = world.shop.group_buy.open_team(
        "team", member_id=leader, sku_id="TEA", quantity=1, terms=OrderTerms(PICKUP)
    )
    order_id = order if isinstance(order, UUID) else UUID(str(order.id))
    world.pay(order_id)
    return order_id, Team.create_id(str(order_id))


def join(world: World, team_id: UUID, member: UUID) -> UUID:
    order = world.shop.group_buy.join_team(
        team_id, member_id=member, quantity=1, terms=OrderTerms(PICKUP)
    )
    order_id = order if isinstance(order, UUID) else UUID(str(order.id))
    world.pay(order_id)
    return order_id


def test_team_members_hear_of_the_last_seat_success_and_failure(world: World) -> None:
    define(world, "team", "group_buy", START, team_size=3, team_hours=24)
    world.shop.campaigns.start_campaign("team")
    ann, ben, cat, dan = (world.member(n) for n in ("ann", "ben", "cat", "dan"))
    _, team = open_team(world, ann)
    assert not any("team_" in key for key in world.intents())
    join(world, team, ben)
    intents = world.intents()
    last_seat = {k: v for k, v in intents.items() if k.startswith("notify:team_one_seat_left")}
    assert sorted(last_seat) == sorted(f"notify:team_one_seat_left:{team}:{m}" for m in (ann, ben))
    doc = last_seat[f"notify:team_one_seat_left:{team}:{ben}"]
    assert doc["page"] == f"pages/group-buy/team?id={team}"
    assert doc["expires_at"] == (START + timedelta(hours=24)).isoformat()
    assert doc["fields"]["title"] == "Tea 50g"
    join(world, team, cat)
    succeeded = [k for k in world.intents() if k.startswith("notify:team_succeeded")]
    assert sorted(succeeded) == sorted(f"notify:team_succeeded:{team}:{m}" for m in (ann, ben, cat))

    dans_order, failing = open_team(world, dan)
    world.clock.advance(hours=25)
    assert world.shop.group_buy.expire_team(failing)
    failed = world.intents()[f"notify:team_failed:{failing}:{dan}"]
    assert failed["page"] == f"pages/orders/detail?id={dans_order}"
    assert failed["fields"]["amount"] == "¥49.00"


def test_reservers_are_reminded_when_the_campaign_starts(world: World) -> None:
    starts = START + timedelta(days=2)
    define(world, "fair", "flash_sale", starts)
    world.shop.campaigns.start_campaign("fair")
    eve, fay = world.member("eve"), world.member("fay")
    world.shop.reservations.reserve_campaign("fair", eve)
    world.shop.reservations.reserve_campaign("fair", fay)
    campaign = campaign_id_for("fair")
    eves = f"notify:campaign_starting:{campaign}:{eve}"
    doc = world.intents()[eves]
    assert (doc["due_at"], doc["page"]) == (starts.isoformat(), "pages/campaigns/detail?code=fair")
    assert doc["fields"] == {"campaign": "FAIR", "title": "FAIR", "time": "2026-11-03 10:00"}
    assert world.messages()[eves]["due"] == rank_time(starts)
    world.shop.reservations.cancel_reservation("fair", fay)
    assert status(world, f"notify:campaign_starting:{campaign}:{fay}") == "cancelled"
    assert status(world, eves) == "queued"
    world.shop.campaigns.end_campaign("fair")
    assert status(world, eves) == "cancelled"  # judged when read: the campaign ended


# -- points, coupons, levels -----------------------------------------------------------
def test_points_coupons_and_levels_have_their_reminders(world: World) -> None:
    gus = world.member("gus")
    world.shop.loyalty.check_in(gus)
    expiring = f"notify:points_expiring:{gus}:2027-11"
    doc = world.intents()[expiring]
    month_starts = datetime(2027, 10, 31, 16, tzinfo=UTC)  # 1 Nov 2027, 00:00 Beijing
    assert doc["fields"] == {"points": "5", "time": "2027-11-01", "month": "2027-11"}
    assert doc["due_at"] == (month_starts - timedelta(days=7)).isoformat()
    assert doc["expires_at"] == month_starts.isoformat()
    spent = world.shop.orders.place_order(
        member_id=gus, items=[("TEA", 1)], delivery=PICKUP, points=5
    )
    assert status(world, expiring) == "cancelled"
    world.shop.orders.cancel_order(spent, member_id=gus, reason="changed my mind")
    assert status(world, expiring) == "queued"

    world.shop.coupons.define_coupon_template(
        code="five",
        title="五元券",
        terms=CouponTerms("no_threshold", amount_fen=500),
        trigger="claim",
        starts_at=None,
        ends_at=None,
        valid_days=7,
        total_quantity=0,
        per_member_limit=0,
    )
    coupon = world.shop.coupons.claim_coupon(gus, "five")
    reminder = f"notify:coupon_expiring:{coupon.coupon_id}"
    doc = world.intents()[reminder]
    assert datetime.fromisoformat(doc["due_at"]) == coupon.expires_at - timedelta(days=1)
    assert doc["fields"]["coupon"] == "五元券"
    order = world.shop.orders.place_order(
        member_id=gus, items=[("GOLD", 2)], delivery=PICKUP, coupon_id=coupon.coupon_id
    )
    world.pay(order)
    assert status(world, reminder) == "cancelled"  # used
    level_up = [d for k, d in world.intents().items() if k.startswith("notify:level_up")]
    assert [(d["member_id"], d["fields"]["level"]) for d in level_up] == [(str(gus), "VIP")]


# -- followers and the operators' log --------------------------------------------------
def test_followers_are_found_by_unionid_once_identified(world: World) -> None:
    identities = world.shop.official_account.identities
    follower_id = follower_id_for("oa-hal")
    sealed_openid = identities.seal(follower_id, "oa-hal")
    follower = Follower.first_seen(follower_id, sealed_openid, START)
    follower.follow("qr1", START)
    follower.record_entry("qrscene", "qr1", START)
    world.shop.store.save(follower)
    identify = world.messages()[f"oa.identify:{follower_id}"]
    assert identify["payload"] == {"follower_id": str(follower_id)}  # no openid in the outbox
    key = identities.unionid_key("u-hal")
    assert follower_for_unionid_key(world.views, key) is None
    follower.identify(identities.seal(follower_id, "u-hal"), key)
    world.shop.store.save(follower)
    world.runner.catch_up()
    found = follower_for_unionid_key(world.views, key)
    assert found == {
        "follower_id": str(follower_id),
        "sealed_openid": sealed_openid,
        "unionid_key": key,
        "following": True,
        "followed_at": START.isoformat(),
        "sources": [{"kind": "qrscene", "key": "qr1", "at": START.isoformat()}],
    }
    assert world.shop.official_account.follower_of("u-hal") is None  # another lookup port
    follower.unfollow(START + timedelta(hours=1))
    world.shop.store.save(follower)
    world.runner.catch_up()
    assert follower_for_openid(world.views, "oa-hal")["following"] is False  # type: ignore[index]
    assert follower_for_unionid_key(world.views, key)["following"] is False  # type: ignore[index]
    filed = FollowersByUnionKey(world.views).follower_filed_under(key)
    assert filed is not None and identities.open(filed.follower_id, filed.sealed_openid) == "oa-hal"


def test_the_log_shows_each_outcome_and_the_days_counts(world: World) -> None:
    member = uuid4()

    def considered(n: int) -> Notification:
        return Notification(f"notify:order_paid:o{n}", "order_paid", member, START)

    sent = considered(1)
    sent.dispatch("template", "oa-paid", "oa-x", START)
    sent.record_sent(4242, START + timedelta(seconds=1))
    sent.record_delivery("success", START + timedelta(seconds=5))
    muted = considered(2)
    muted.suppress("opted_out", "oa-paid", START + timedelta(seconds=2))
    broken = considered(3)
    broken.fail("bad_fields: amount2", "oa-paid", START + timedelta(seconds=3))
    world.shop.store.save(sent, muted, broken)
    world.runner.catch_up()
    day = "2026-11-01"
    rows = q.notifications(world.views, day)
    assert [(r["intent_id"], r["status"]) for r in rows] == [
        ("notify:order_paid:o1", "sent"),  # its delivery report came last
        ("notify:order_paid:o3", "failed"),
        ("notify:order_paid:o2", "suppressed"),
    ]
    assert (rows[0]["msgid"], rows[0]["delivery"], rows[0]["channel"]) == (
        4242,
        "success",
        "template",
    )
    assert [r["intent_id"] for r in q.notifications(world.views, day, status="failed")] == [
        "notify:order_paid:o3"
    ]
    assert q.daily_stats(world.views, day) == [
        {
            "day": day,
            "template_id": "oa-paid",
            "trigger": "order_paid",
            "sent": 1,
            "failed": 1,
            "suppressed": {"opted_out": 1},
            "delivered": 1,
            "delivery_failed": 0,
        }
    ]
    assert q.notifications(world.views, "2026-11-02") == []


# -- rebuilding ------------------------------------------------------------------------
def test_a_rebuild_equals_the_incremental_views_and_sends_nothing_new(world: World) -> None:
    test_points_coupons_and_levels_have_their_reminders(world)
    test_followers_are_found_by_unionid_once_identified(world)
    test_the_log_shows_each_outcome_and_the_days_counts(world)
    before = {name: world.views.dump(name) for name in NOTIFYING}
    messages, pushed = world.messages(), list(world.pushed)
    assert all(before.values()) and messages
    for name in NOTIFYING:
        assert world.runner.rebuild(name).events == world.runner.log_length()
    assert {name: world.views.dump(name) for name in NOTIFYING} == before
    assert world.messages() == messages
    assert world.pushed == pushed
