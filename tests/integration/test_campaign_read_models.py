"""The campaign read models, built by the runner from a real Shop's events on
both view stores (SQLite; DynamoDB Local for the AWS runtime): stock left and
taken exactly as the shards hold it, the live numbers, the team page, the
teams a product offers to join, the job timers — and a rebuild equals them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from chalicelib.adapters.dynamodb.connection import Tables, client
from chalicelib.adapters.dynamodb.views import DynamoDBViewStore
from chalicelib.adapters.pii import PersonalData
from chalicelib.adapters.pii.sqlite_keys import SQLiteKeyStore
from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.api.member_faces import MemberFaces
from chalicelib.application.campaign_orders import OrderTerms
from chalicelib.application.errors import NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.campaign import Campaign
from chalicelib.domain.ids import product_id_for
from chalicelib.domain.policy import OrderPolicy
from chalicelib.domain.team import Team
from chalicelib.domain.values import CampaignItem, CampaignRules, Delivery, SkuSpec
from chalicelib.projections import all_projections
from chalicelib.projections import campaign_queries as q
from chalicelib.projections.base import rank_time
from chalicelib.projections.due import DueTimers
from chalicelib.projections.runner import ReadModelRunner
from local.aws_stage import create_stage, drop_stage
from local.engines import REGION
from tests.unit.application.support import new_shop

START = datetime(2026, 11, 11, 2, 0, tzinfo=UTC)
PICKUP = Delivery(method="pickup", store_id="s1")
TICK = timedelta(microseconds=1)
PRODUCT = product_id_for("oolong")


class World:
    def __init__(self, tmp_path: Path, views: Any) -> None:
        self.clock = FixedClock(START)
        self.shop = new_shop(
            self.clock, vault=PersonalData(SQLiteKeyStore(tmp_path / "keys.sqlite"))
        )
        self.views = views
        self.faces = MemberFaces(views, self.shop.ports.vault)
        self.runner = ReadModelRunner(self.shop.store, views, all_projections())
        self.timers = DueTimers(views, OrderPolicy())
        skus = [(SkuSpec("tea-250", "250g", 2500), 10), (SkuSpec("tea-500", "500g", 4500), 3)]
        self.shop.catalogue.list_product(
            slug="oolong", title="Oolong", category="tea", description="", image_url="", skus=skus
        )

    def member(self, name: str) -> UUID:
        member_id: UUID = self.shop.logins.log_in(
            openid=f"o-{name}", unionid=None, scene=None, query={}
        )[0]
        self.shop.members.update_profile(
            member_id, nickname=name, avatar_url=f"https://img/{name}.png"
        )
        return member_id

    def pay(self, order_id: UUID) -> None:
        order = self.shop.orders.order(order_id)
        assert self.shop.payments.record_payment(
            out_trade_no=order.out_trade_no,
            transaction_id=uuid4().hex,
            amount_fen=order.price.payable_fen,
            paid_at=self.clock.now(),
        )

    def refunded(self, order_id: UUID) -> None:
        """WeChat Pay's notice of the refund the shop approved."""
        order = self.shop.orders.order(order_id)
        assert order.out_refund_no is not None
        assert self.shop.payments.record_refund(
            out_trade_no=order.out_trade_no,
            out_refund_no=order.out_refund_no,
            refund_id=uuid4().hex,
            amount_fen=order.price.payable_fen,
            refunded_at=self.clock.now(),
        )

    def refund(self, order_id: UUID, member_id: UUID) -> None:
        self.shop.orders.request_refund(order_id, member_id=member_id, reason="changed my mind")
        self.shop.orders.approve_refund(order_id)

    def define(self, code: str, kind: str, items: list[CampaignItem], **rules: int) -> None:
        self.shop.campaigns.define_campaign(
            code=code,
            kind=kind,
            title=code.upper(),
            items=items,
            starts_at=START,
            ends_at=START + timedelta(hours=48),
            per_member_limit=3,
            rules=CampaignRules(**rules),
            shards=2,
        )

    def caught_up(self) -> Any:
        self.runner.catch_up()
        return self.views

    def campaign(self, code: str) -> dict[str, Any]:
        return q.campaign(self.caught_up(), code, self.clock.now())

    def stock(self, code: str) -> dict[str, dict[str, int]]:
        items = self.campaign(code)["items"]
        return {i["sku_id"]: {k: i[k] for k in ("stock", "left", "taken")} for i in items}

    def numbers(self, code: str) -> tuple[int, ...]:
        p = q.campaign_progress(self.caught_up(), code, self.clock.now())
        counters = ("teams_open", "teams_succeeded", "teams_failed", "participants", "units_sold")
        return tuple(p[k] for k in counters)

    def team(self, team_id: UUID) -> dict[str, Any]:
        return q.team(self.caught_up(), team_id, self.clock.now(), self.faces)

    def joinable(self, limit: int = 20) -> list[UUID]:
        rows = q.joinable_teams(self.caught_up(), PRODUCT, self.clock.now(), self.faces, limit)
        return [UUID(row["team_id"]) for row in rows]

    def due(self, kind: str, at: datetime) -> list[UUID]:
        self.runner.catch_up()
        return self.timers.due(kind, at)

    def rebuilt_equals_incremental(self) -> bool:
        before = self.caught_up().dump("campaigns")
        assert self.runner.rebuild("campaigns").events == self.runner.log_length()
        return bool(before) and self.views.dump("campaigns") == before


@pytest.fixture
def world(runtime: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    if runtime == "embedded":
        yield World(tmp_path, SQLiteViewStore(tmp_path / "views.sqlite", FixedClock(START).now))
        return
    engines = request.getfixturevalue("engines")
    stage = create_stage(engines, f"cv{uuid4().hex[:10]}")
    ddb = client("dynamodb", engines.dynamodb_url, REGION)
    clock = FixedClock(START)
    store = DynamoDBViewStore(
        ddb, Tables(stage.prefix), lambda: rank_time(clock.now()), lambda _ids: None
    )
    try:
        yield World(tmp_path, store)
    finally:
        drop_stage(engines, stage)


# -- flash sale: stock, sales, the campaign_end timer ---------------------------------
def test_stock_left_and_taken_follow_orders_cancels_refunds_and_the_end(world: World) -> None:
    shop = world.shop
    items = [CampaignItem("tea-250", 990, 6), CampaignItem("tea-500", 3990, 2)]
    world.define("flash", "flash_sale", items)
    views = world.caught_up()
    assert q.campaigns_for_members(views, START) == []
    with pytest.raises(NotFound):
        world.campaign("flash")  # a draft is not published
    draft = q.admin_campaign(views, "flash", START)
    assert (draft["status"], draft["phase"], draft["items"][0]["left"]) == ("draft", "draft", 0)
    ends_at = START + timedelta(hours=48)
    assert world.due("campaign_end", ends_at - TICK) == []
    assert world.due("campaign_end", ends_at) == [Campaign.create_id("flash")]

    shop.campaigns.start_campaign("flash")
    listed = q.campaigns_for_members(world.caught_up(), START)
    assert [(c["code"], c["phase"]) for c in listed] == [("flash", "ongoing")]
    assert q.campaigns_for_members(views, START, "group_buy") == []
    assert world.stock("flash") == shop.campaigns.campaign_stock("flash")
    assert world.stock("flash")["tea-250"] == {"stock": 6, "left": 6, "taken": 0}

    alice, bob, carol = (world.member(n) for n in ("alice", "bob", "carol"))

    def buy(member: UUID, sku: str, quantity: int = 1) -> UUID:
        order: UUID = shop.flash_sale.place_flash_order(
            "flash", member_id=member, sku_id=sku, quantity=quantity, terms=OrderTerms(PICKUP)
        )
        return order

    alices = buy(alice, "tea-250", 2)
    world.pay(alices)
    buy(bob, "tea-500")
    carols = buy(carol, "tea-250")
    world.pay(carols)
    assert world.stock("flash") == shop.campaigns.campaign_stock("flash")
    assert world.stock("flash") == {
        "tea-250": {"stock": 6, "left": 3, "taken": 3},
        "tea-500": {"stock": 2, "left": 1, "taken": 1},
    }
    assert world.numbers("flash") == (0, 0, 0, 2, 3)

    world.clock.advance(minutes=5)  # bob's unpaid order times out
    assert shop.jobs.run_due_jobs(world.timers)["cancelled_unpaid"] == 1
    assert world.stock("flash")["tea-500"] == {"stock": 2, "left": 2, "taken": 0}

    world.refund(alices, alice)
    assert world.numbers("flash") == (0, 0, 0, 2, 3)  # approved is not yet refunded
    world.refunded(alices)
    assert world.stock("flash") == shop.campaigns.campaign_stock("flash")
    assert world.stock("flash")["tea-250"] == {"stock": 6, "left": 5, "taken": 1}
    assert world.numbers("flash") == (0, 0, 0, 2, 1)

    shop.campaigns.end_campaign("flash")
    assert world.stock("flash") == shop.campaigns.campaign_stock("flash")
    assert world.stock("flash")["tea-250"] == {"stock": 6, "left": 0, "taken": 1}
    assert world.campaign("flash")["phase"] == "ended"
    assert q.campaigns_for_members(world.caught_up(), START) == []
    assert world.due("campaign_end", ends_at) == []
    assert [c["code"] for c in q.admin_campaigns(world.views, START)] == ["flash"]

    world.refund(carols, carol)  # after the end its unit goes back to regular stock
    world.refunded(carols)
    assert world.stock("flash") == shop.campaigns.campaign_stock("flash")
    assert world.stock("flash")["tea-250"] == {"stock": 6, "left": 0, "taken": 0}
    progress = q.campaign_progress(world.caught_up(), "flash", START)
    assert (progress["units_sold"], progress["participants"], progress["left"]) == (0, 2, 0)
    assert world.rebuilt_equals_incremental()


def test_a_payment_after_the_order_closed_is_no_sale(world: World) -> None:
    world.define("flash", "flash_sale", [CampaignItem("tea-250", 990, 4)])
    world.shop.campaigns.start_campaign("flash")
    dave = world.member("dave")
    order = world.shop.flash_sale.place_flash_order(
        "flash", member_id=dave, sku_id="tea-250", quantity=1, terms=OrderTerms(PICKUP)
    )
    world.clock.advance(minutes=5)
    assert world.shop.orders.expire_order(order)
    world.pay(order)  # arrives late: the order refunds itself
    world.refunded(order)
    assert world.numbers("flash") == (0, 0, 0, 0, 0)
    assert world.stock("flash")["tea-250"] == {"stock": 4, "left": 4, "taken": 0}


# -- group-buy: the team page, the joinable teams, the live numbers ---------------------
def order_id_of(placed: Any) -> UUID:
    """The use cases answer an order or its id."""
    return placed if isinstance(placed, UUID) else UUID(str(placed.id))


def open_team(world: World, name: str) -> tuple[UUID, UUID]:
    """A leader's paid order and the team it opened."""
    order = world.shop.group_buy.open_team(
        "team", member_id=world.member(name), sku_id="tea-250", quantity=1, terms=OrderTerms(PICKUP)
    )
    order_id = order_id_of(order)
    world.pay(order_id)
    return order_id, Team.create_id(str(order_id))


def join(world: World, team_id: UUID, name: str, paid: bool = True) -> tuple[UUID, UUID]:
    member = world.member(name)
    order = world.shop.group_buy.join_team(
        team_id, member_id=member, quantity=1, terms=OrderTerms(PICKUP)
    )
    if paid:
        world.pay(order_id_of(order))
    return order_id_of(order), member


def test_the_team_page_shows_seats_masked_members_and_who_leads(world: World) -> None:
    world.define(
        "team", "group_buy", [CampaignItem("tea-250", 1990, 8)], team_size=4, team_hours=24
    )
    world.shop.campaigns.start_campaign("team")
    leader_order, team_id = open_team(world, "张三丰")
    page = world.team(team_id)
    assert page["members"] == [
        {"nickname": "张**", "avatar_url": "https://img/张三丰.png", "leader": True}
    ]
    assert page["campaign"] == {
        "code": "team",
        "title": "TEAM",
        "status": "live",
        "price_fen": 1990,
    }
    assert (page["status"], page["size"], page["paid"], page["seats_left"]) == ("forming", 4, 1, 3)
    assert (page["short_text"], page["joinable"]) == ("还差 3 人成团", True)
    assert page["remaining_seconds"] == 24 * 3600
    assert page["deadline"] == (START + timedelta(hours=24)).isoformat()

    join(world, team_id, "bob", paid=False)  # holds a seat for 5 minutes
    assert (world.team(team_id)["seats_left"], world.team(team_id)["missing"]) == (2, 3)
    world.clock.advance(minutes=5)
    assert world.team(team_id)["seats_left"] == 3  # the hold lapsed
    assert world.shop.jobs.run_due_jobs(world.timers)["cancelled_unpaid"] == 1
    assert world.team(team_id)["seats_left"] == 3

    join(world, team_id, "李四")
    join(world, team_id, "王五")
    world.refund(leader_order, world.shop.orders.order(leader_order).member_id)  # the leader leaves
    page = world.team(team_id)
    assert [(m["nickname"], m["leader"]) for m in page["members"]] == [
        ("李**", True),
        ("王**", False),
    ]
    assert (page["paid"], page["seats_left"], page["short_text"]) == (2, 2, "还差 2 人成团")
    world.refunded(leader_order)
    assert world.numbers("team") == (1, 0, 0, 3, 2)

    join(world, team_id, "赵六")
    join(world, team_id, "钱七")
    page = world.team(team_id)
    assert (page["status"], page["seats_left"], page["short_text"]) == ("succeeded", 0, "拼团成功")
    assert (page["joinable"], page["virtual"], len(page["members"])) == (False, False, 4)
    assert world.numbers("team") == (0, 1, 0, 5, 4)
    assert world.joinable() == []
    assert world.due("team_expiry", START + timedelta(days=9)) == []
    with pytest.raises(NotFound):
        q.team(world.views, uuid4(), START, world.faces)
    assert world.rebuilt_equals_incremental()


def test_joinable_teams_come_fewest_seats_left_first(world: World) -> None:
    world.define(
        "team", "group_buy", [CampaignItem("tea-250", 1990, 8)], team_size=3, team_hours=24
    )
    world.shop.campaigns.start_campaign("team")
    a = open_team(world, "a")[1]
    world.clock.advance(minutes=1)
    b = open_team(world, "b")[1]
    join(world, b, "b2")
    world.clock.advance(minutes=1)
    c = open_team(world, "c")[1]
    world.clock.advance(minutes=1)
    d = open_team(world, "d")[1]
    join(world, d, "d2", paid=False)
    assert world.joinable() == [b, d, a, c]
    assert world.joinable(limit=2) == [b, d]
    row = q.joinable_teams(world.views, PRODUCT, world.clock.now(), world.faces)[0]
    assert (row["seats_left"], row["short_text"], row["leader"]["nickname"]) == (
        1,
        "还差 1 人成团",
        "b**",
    )
    assert world.numbers("team") == (4, 0, 0, 5, 5)

    world.clock.advance(minutes=5)  # d2's hold lapsed
    assert world.joinable() == [b, a, c, d]
    join(world, b, "b3")
    assert world.joinable() == [a, c, d]
    world.shop.campaigns.pause_campaign("team")
    assert world.joinable() == []
    assert world.team(a)["joinable"] is False
    world.shop.campaigns.resume_campaign("team")
    assert world.joinable() == [a, c, d]

    deadline = START + timedelta(hours=24)
    assert world.due("team_expiry", deadline - TICK) == []
    world.clock.set(deadline)
    assert world.joinable() == [c, d]
    assert world.team(a)["short_text"] == "拼团已截止"
    assert world.due("team_expiry", deadline) == [a]
    assert world.shop.group_buy.expire_team(a)
    assert world.team(a)["status"] == "failed"
    assert world.numbers("team") == (2, 1, 1, 6, 6)  # a's refund is approved, not yet done
    world.refunded(a_leader_order(world, a))
    assert world.numbers("team") == (2, 1, 1, 6, 5)
    assert world.due("team_expiry", deadline) == []
    assert q.joinable_teams(world.views, uuid4(), START, world.faces) == []
    assert world.rebuilt_equals_incremental()


def a_leader_order(world: World, team_id: UUID) -> UUID:
    return UUID(world.shop.group_buy.team(team_id).paid_order_ids[0])


def test_a_virtual_success_shows_on_the_team_page_and_in_the_numbers(world: World) -> None:
    world.define(
        "team",
        "group_buy",
        [CampaignItem("tea-250", 1990, 8)],
        team_size=3,
        team_hours=2,
        virtual_success_percent=60,  # 2 of 3 paid seats at the deadline
    )
    world.shop.campaigns.start_campaign("team")
    team_id = open_team(world, "张三丰")[1]
    join(world, team_id, "李四")
    world.clock.advance(hours=2)
    assert world.due("team_expiry", world.clock.now()) == [team_id]
    assert world.shop.group_buy.expire_team(team_id)
    page = world.team(team_id)
    assert (page["status"], page["virtual"], page["short_text"]) == ("succeeded", True, "拼团成功")
    assert (page["seats_left"], page["remaining_seconds"], page["paid"]) == (0, 0, 2)
    assert page["closed_at"] == world.clock.now().isoformat()
    assert world.numbers("team") == (0, 1, 0, 2, 2)
    assert world.due("team_expiry", world.clock.now()) == []
