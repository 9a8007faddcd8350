"""Reservations through the Shop: reserve before the start (twice is fine),
cancel (404 when there is nothing to cancel), too late from the start on, and
the read model the notification triggers and GET /me/reservations read."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from chalicelib.adapters.sqlite_views import SQLiteViewStore
from chalicelib.application import Shop
from chalicelib.application.errors import NotFound
from chalicelib.clock import FixedClock
from chalicelib.domain.campaign import Campaign
from chalicelib.domain.errors import AccountClosed
from chalicelib.domain.reservation import CampaignEnded, CampaignStarted, Reservation
from chalicelib.domain.values import CampaignItem, CampaignRules
from chalicelib.projections import all_projections, reservations
from chalicelib.projections.runner import ReadModelRunner

from .support import stored_events


def define(
    shop: Shop, code: str = "double-11", starts_in: timedelta = timedelta(days=1)
) -> Campaign:
    starts_at = shop.clock.now() + starts_in
    shop.campaigns.define_campaign(
        code=code,
        kind="flash_sale",
        title=f"秒杀 {code}",
        items=[CampaignItem(sku_id="tea-250", price_fen=990, stock=2)],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        per_member_limit=1,
        rules=CampaignRules(),
        shards=1,
    )
    return shop.campaigns.start_campaign(code)  # a draft is not shown to members


def test_a_draft_campaign_can_be_neither_reserved_nor_cancelled(
    shop: Shop, member_id: UUID
) -> None:
    starts_at = shop.clock.now() + timedelta(days=1)
    shop.campaigns.define_campaign(
        code="draft",
        kind="flash_sale",
        title="秒杀 draft",
        items=[CampaignItem(sku_id="tea-250", price_fen=990, stock=2)],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        per_member_limit=1,
        rules=CampaignRules(),
        shards=1,
    )
    for attempt in (shop.reservations.reserve_campaign, shop.reservations.cancel_reservation):
        with pytest.raises(NotFound) as missing:
            attempt("draft", member_id)
        assert missing.value.what == "campaign"


def test_a_member_reserves_a_campaign_before_it_starts_once(shop: Shop, member_id: UUID) -> None:
    sale = define(shop)

    campaign, reservation = shop.reservations.reserve_campaign("double-11", member_id)
    again, same = shop.reservations.reserve_campaign("double-11", member_id)

    assert campaign.id == again.id == sale.id
    assert reservation.reserved and same.reserved_at == reservation.reserved_at
    assert stored_events(shop, reservation.id) == [Reservation.Opened, Reservation.Reserved]


def test_cancel_then_reserve_again(shop: Shop, member_id: UUID, clock: FixedClock) -> None:
    define(shop)
    _, reservation = shop.reservations.reserve_campaign("double-11", member_id)

    shop.reservations.cancel_reservation("double-11", member_id)
    with pytest.raises(NotFound):
        shop.reservations.cancel_reservation("double-11", member_id)
    clock.advance(hours=1)
    _, again = shop.reservations.reserve_campaign("double-11", member_id)

    assert again.reserved_at == clock.now()
    events = stored_events(shop, reservation.id)
    assert events[1:] == [Reservation.Reserved, Reservation.Cancelled, Reservation.Reserved]


def test_cancelling_without_a_reservation_is_not_found(shop: Shop, member_id: UUID) -> None:
    define(shop)
    with pytest.raises(NotFound) as missing:
        shop.reservations.cancel_reservation("double-11", member_id)
    assert missing.value.what == "reservation"


def test_an_unknown_campaign_is_not_found(shop: Shop, member_id: UUID) -> None:
    with pytest.raises(NotFound) as missing:
        shop.reservations.reserve_campaign("nope", member_id)
    assert missing.value.what == "campaign"


def test_from_the_start_on_it_is_too_late(shop: Shop, member_id: UUID, clock: FixedClock) -> None:
    define(shop, starts_in=timedelta(minutes=10))
    clock.advance(minutes=10)

    with pytest.raises(CampaignStarted):
        shop.reservations.reserve_campaign("double-11", member_id)


def test_an_ended_campaign_cannot_be_reserved(shop: Shop, member_id: UUID) -> None:
    define(shop)
    shop.campaigns.end_campaign("double-11")

    with pytest.raises(CampaignEnded):
        shop.reservations.reserve_campaign("double-11", member_id)


def test_a_closed_account_cannot_reserve(shop: Shop, member_id: UUID) -> None:
    define(shop)
    shop.members.close_account(member_id)
    with pytest.raises(AccountClosed):
        shop.reservations.reserve_campaign("double-11", member_id)


def test_the_read_model_lists_reservers_per_campaign_and_campaigns_per_member(
    shop: Shop, member_id: UUID, clock: FixedClock, tmp_path: Path
) -> None:
    views = SQLiteViewStore(tmp_path / "views.sqlite", clock.now)
    runner = ReadModelRunner(shop.store, views, all_projections())
    later = define(shop, "later", starts_in=timedelta(days=3))
    sooner = define(shop, "sooner", starts_in=timedelta(days=1))
    bob, _ = shop.logins.log_in(openid="o-bob", unionid=None, scene=None, query={})
    shop.reservations.reserve_campaign("later", member_id)
    shop.reservations.reserve_campaign("sooner", member_id)
    clock.advance(minutes=1)
    shop.reservations.reserve_campaign("later", bob)
    runner.catch_up()

    first = shop.clock.now() - timedelta(minutes=1)
    assert reservations.reservers(views, later.id) == [
        {"member_id": str(member_id), "reserved_at": first.isoformat()},
        {"member_id": str(bob), "reserved_at": clock.now().isoformat()},
    ]
    assert reservations.reserved_count(views, later.id) == 2
    mine = reservations.member_reservations(views, member_id)
    assert [(r["code"], r["title"], r["status"]) for r in mine] == [
        ("sooner", "秒杀 sooner", "live"),
        ("later", "秒杀 later", "live"),
    ]
    assert mine[0]["starts_at"] == sooner.starts_at.isoformat()

    shop.reservations.cancel_reservation("later", member_id)
    runner.catch_up()
    assert [r["member_id"] for r in reservations.reservers(views, later.id)] == [str(bob)]
    assert reservations.reserved_count(views, later.id) == 1
    assert [
        (r["code"], r["status"]) for r in reservations.member_reservations(views, member_id)
    ] == [("sooner", "live")]

    shop.campaigns.end_campaign("sooner")  # an ended campaign leaves the member's page
    runner.catch_up()
    assert reservations.member_reservations(views, member_id) == []
    assert len(reservations.reservers(views, sooner.id)) == 1  # still who reserved it

    before = {
        "reservers": reservations.reservers(views, later.id),
        "mine": reservations.member_reservations(views, bob),
    }
    runner.rebuild(reservations.ReservationsProjection.name)
    assert before == {
        "reservers": reservations.reservers(views, later.id),
        "mine": reservations.member_reservations(views, bob),
    }
