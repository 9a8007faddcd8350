"""The campaign_visits projection over the behaviour log on both runtimes:
visits, visitors and sharers per campaign and Beijing day from tracked events
whose answers the test knows, an install joining its member at login, an
earlier visit reported late, a resent batch and racing catch-ups (real
threads) counting once, a closed account forgotten with the counts kept, and a
rebuild equal to the incremental views."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from chalicelib.application.behaviour_log import NewBehaviour
from chalicelib.bootstrap import Container
from chalicelib.domain.behaviour import install_subject, member_subject
from chalicelib.domain.calendar import beijing_date
from chalicelib.projections.campaign_visits import (
    DAYS,
    SUBJECTS,
    CampaignVisitsProjection,
    day_key,
)
from chalicelib.projections.runner import ReadModelRunner
from tests.support.races import race, split
from tests.support.runtimes import Running

NAME = CampaignVisitsProjection.name
INSTALL = "install-cccc3333"
PAGE = "pages/campaigns/detail"


def item(client_id: str, kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": client_id, "kind": kind, "at": at.isoformat(), **fields}


def populate(c: Container) -> tuple[UUID, UUID]:
    """An install visits yesterday and logs in as `alice`, who visits and
    shares today; `bob` visits today twice and reports yesterday's visit late;
    `carol` visits another campaign and a malformed code."""
    today = c.clock.now()
    yesterday = today - timedelta(days=1)
    alice, bob, carol = uuid4(), uuid4(), uuid4()
    c.tracking.track(
        install_subject(INSTALL),
        [item("i1", "launch", yesterday, scene=1058, path=PAGE, query={"code": "double11"})],
    )
    c.tracking.track(
        member_subject(alice),
        [
            item(
                "a1",
                "page_view",
                today,
                path="pages/group-buy/team",
                query={"campaign": "double11"},
            ),
            item(
                "a2",
                "share",
                today,
                path="pages/group-buy/team?id=t&campaign=double11",
                channel="chat",
            ),
            item("a3", "share", today, path=f"{PAGE}?code=double11", channel="moments"),
            item("a4", "product_view", today, product_id=str(uuid4())),
        ],
    )
    c.tracking.link_install(INSTALL, alice)
    bob_today = [
        item("b1", "launch", today, scene=1007, path="p", query={"campaign": "double11"}),
        item("b2", "page_view", today, path=f"{PAGE}?code=double11"),
    ]
    c.tracking.track(member_subject(bob), bob_today)
    c.tracking.track(member_subject(bob), bob_today)  # resent: recorded once
    c.tracking.track(
        member_subject(bob), [item("b3", "page_view", yesterday, path=f"{PAGE}?code=double11")]
    )
    c.tracking.track(
        member_subject(carol),
        [
            item("c1", "launch", today, scene=1035, path="p", query={"campaign": "tuan"}),
            item("c2", "page_view", today, path="p", query={"campaign": "Double11!"}),
        ],
    )
    return alice, bob


def settled(running: Running) -> Container:
    running.settle()
    c = running.container
    c.behaviour_runner.catch_up()
    return c


def figures(c: Container, code: str, days_ago: int) -> dict[str, int]:
    day = (beijing_date(c.clock.now()) - timedelta(days=days_ago)).isoformat()
    doc = c.views.get(NAME, DAYS, day_key(code, day)) or {}
    return {k: doc.get(k, 0) for k in ("visits", "visitors", "sharers")}


def test_visits_visitors_and_sharers_per_campaign_and_day(running: Running) -> None:
    populate(running.container)
    c = settled(running)
    # yesterday: the install's launch and bob's late page view, each their first visit
    assert figures(c, "double11", 1) == {"visits": 2, "visitors": 2, "sharers": 0}
    # today: alice's page view (her first visit was the install's, yesterday), bob's two
    # visits (his first moved to yesterday), alice's two shares (one sharer)
    assert figures(c, "double11", 0) == {"visits": 3, "visitors": 0, "sharers": 1}
    assert figures(c, "tuan", 0) == {"visits": 1, "visitors": 1, "sharers": 0}
    assert c.views.query(NAME, DAYS, "Double11!") == []


def test_a_closed_account_is_forgotten_and_the_counts_stay(running: Running) -> None:
    alice, _ = populate(running.container)
    c = settled(running)
    before = (figures(c, "double11", 1), figures(c, "double11", 0))
    assert c.views.get(NAME, SUBJECTS, member_subject(alice)) is not None
    now = c.clock.now()
    closed = NewBehaviour(
        member_subject(alice),
        "server/account_closed/v9",
        "account_closed",
        now,
        now.isoformat(),
        {},
    )
    c.behaviour.record([closed])
    c = settled(running)
    assert c.views.get(NAME, SUBJECTS, member_subject(alice)) is None
    assert (figures(c, "double11", 1), figures(c, "double11", 0)) == before


def test_racing_catch_ups_count_once_and_a_rebuild_equals_them(running: Running) -> None:
    populate(running.container)
    c = settled(running)
    before = c.views.dump(NAME)
    assert before

    copy = CampaignVisitsProjection()
    copy.name = "campaign_visits_race"  # the same rules under a name no runner has driven
    runners = [ReadModelRunner(c.behaviour, c.views, [copy], batch_size=2) for _ in range(4)]
    won, lost = split(race(4, lambda i: runners[i].catch_up()))
    assert not lost
    assert sum(won) == c.behaviour_runner.log_length()  # each event applied once in all
    assert c.views.dump("campaign_visits_race") == before

    result = c.behaviour_runner.rebuild(NAME)
    assert result.complete and result.switched == [NAME]
    assert c.views.generation(NAME) == 2
    assert c.views.dump(NAME) == before
