"""The behaviour log's runner and the behaviour_metrics projection on both
runtimes: figures per day and source from tracked events, the install-to-member
rule, exactly once under a resent batch and under racing catch-ups (real
threads), a rebuild equal to the incremental views, and a failing behaviour
projection parked alone while the order log's projections carry on."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from chalicelib.application.behaviour_log import NewBehaviour
from chalicelib.bootstrap import Container
from chalicelib.domain.behaviour import install_subject, member_subject
from chalicelib.domain.calendar import beijing_date
from chalicelib.projections import behaviour_queries
from chalicelib.projections.base import ViewWriter
from chalicelib.projections.behaviour_metrics import BehaviourMetricsProjection
from chalicelib.projections.runner import ReadModelRunner
from tests.support.races import race, split
from tests.support.runtimes import Running

INSTALL = "install-aaaa1111"
SECOND_INSTALL = "install-bbbb2222"


def item(client_id: str, kind: str, at: datetime, **fields: Any) -> dict[str, Any]:
    return {"id": client_id, "kind": kind, "at": at.isoformat(), **fields}


def populate(c: Container) -> tuple[UUID, UUID]:
    """Two members (one first seen as an install), a third visitor seen as an
    install and as their member the same day; the answers are in the test."""
    now = c.clock.now()
    tea = str(uuid4())
    member, other, third = uuid4(), uuid4(), uuid4()
    install_batch = [
        item("a1", "launch", now, scene=1058, query={"id": "123"}, path="pages/home"),
        item("a2", "product_view", now, product_id=tea),
    ]
    c.tracking.track(install_subject(INSTALL), install_batch)
    c.tracking.link_install(INSTALL, member)
    c.tracking.track(
        member_subject(member),
        [
            item("m1", "launch", now, scene=1035, query={"type": "home"}, path="pages/home"),
            item("m2", "share", now, path="pages/product", channel="moments"),
            item("m3", "checkout_view", now),
        ],
    )
    c.tracking.track(
        member_subject(other),
        [
            item("o1", "launch", now, scene=1007, path="pages/product"),
            item("o2", "launch", now, scene=1007, path="pages/product"),
            item("o3", "product_view", now, product_id=tea),
            item("o4", "search", now, text="  Green   TEA ", result_count=3),
            item("o5", "search", now, text="green tea", result_count=3),
        ],
    )
    c.tracking.track(member_subject(third), [item("t1", "launch", now, scene=1011, path="p")])
    c.tracking.track(
        install_subject(SECOND_INSTALL), [item("s1", "launch", now, scene=1011, path="p")]
    )
    c.tracking.link_install(SECOND_INSTALL, third)
    server_fact = NewBehaviour(
        member_subject(member), "server/registered", "registered", now, now.isoformat(), {}
    )
    c.behaviour.record([server_fact])  # a kind this projection does not know: ignored
    return member, other


def settled(running: Running) -> Container:
    running.settle()
    c = running.container
    c.behaviour_runner.catch_up()
    return c


def day_row(c: Container) -> dict[str, Any]:
    day = beijing_date(c.clock.now())
    (row,) = behaviour_queries.overview(c.views, day, day)["days"]
    return row


def source_rows(c: Container) -> dict[str, dict[str, Any]]:
    day = beijing_date(c.clock.now())
    answer = behaviour_queries.sources(c.views, day, day)
    return {row["source"]: row for row in answer["days"]}


def test_tracked_events_count_per_day_and_source(running: Running) -> None:
    populate(running.container)
    c = settled(running)

    row = day_row(c)
    assert {k: row[k] for k in ("launches", "visitors", "product_viewers")} == {
        "launches": 6,
        "visitors": 3,  # the install is its member; the third's install and member count once
        "product_viewers": 2,
    }
    assert (row["checkout_viewers"], row["sharers"], row["searches"]) == (1, 1, 2)
    assert row["share_rate"] == round(1 / 3, 4)
    day = beijing_date(c.clock.now())
    hot = behaviour_queries.overview(c.views, day, day)["hot_searches"]
    assert hot == [{"term": "green tea", "searches": 2}]

    sources = source_rows(c)
    assert sources["oa_article:123"]["launches"] == 1
    assert sources["oa_article:123"]["visitors"] == 1
    assert sources["oa_menu:home"]["visitors"] == 1
    assert sources["chat_card"]["launches"] == 2 and sources["chat_card"]["visitors"] == 1
    assert sources["scan"]["launches"] == 2 and sources["scan"]["visitors"] == 1
    funnel = [r for r in behaviour_queries.daily_funnel(c.views, day, day) if r["source"] != "all"]
    by_source = {r["source"]: r for r in funnel}
    assert by_source["oa_article:123"]["product_viewers"] == 1  # viewed as the install
    assert by_source["oa_menu:home"]["checkout_viewers"] == 1


def test_a_resent_batch_and_racing_catch_ups_count_once(running: Running) -> None:
    populate(running.container)
    c = settled(running)
    before = day_row(c)
    resent = c.tracking.track(
        member_subject(uuid4()), [item("x1", "launch", c.clock.now(), scene=1035, path="p")]
    )
    again = c.tracking.track(
        install_subject(INSTALL),
        [item("a1", "launch", c.clock.now(), scene=1058, query={"id": "123"}, path="pages/home")],
    )
    assert (resent.accepted, again.accepted, again.duplicates) == (1, 0, 1)
    c = settled(running)
    assert day_row(c)["launches"] == before["launches"] + 1
    assert day_row(c)["visitors"] == before["visitors"] + 1

    copy = BehaviourMetricsProjection()
    copy.name = "behaviour_metrics_race"  # the same rules under a name no runner has driven
    runners = [ReadModelRunner(c.behaviour, c.views, [copy], batch_size=3) for _ in range(4)]
    won, lost = split(race(4, lambda i: runners[i].catch_up()))
    assert not lost
    assert sum(won) == c.behaviour_runner.log_length()  # each event applied once in all
    assert c.views.dump("behaviour_metrics_race") == c.views.dump("behaviour_metrics")


def test_a_rebuild_equals_the_incremental_views(running: Running) -> None:
    populate(running.container)
    c = settled(running)
    runner = c.behaviour_runner
    before = c.views.dump("behaviour_metrics")
    assert before
    result = runner.rebuild("behaviour_metrics")
    assert result.complete and result.switched == ["behaviour_metrics"]
    assert c.views.generation("behaviour_metrics") == 2
    assert c.views.dump("behaviour_metrics") == before

    orders_before = c.views.dump("analytics")
    both = c.runners.rebuild(c.runners.names())  # the nightly rebuild: both logs, one call
    assert both.complete and set(both.switched) == set(c.runners.names())
    assert c.views.generation("behaviour_metrics") == 3 and c.views.generation("analytics") == 2
    assert c.views.dump("behaviour_metrics") == before
    assert c.views.dump("analytics") == orders_before


class Broken:
    """A behaviour projection with a bug: it raises on every event."""

    name = "broken_behaviour"
    handles = frozenset({object})

    def apply(self, event: Any, views: ViewWriter) -> None:
        raise ValueError("a bug in a behaviour projection")


def test_a_failing_behaviour_projection_parks_alone(running: Running) -> None:
    populate(running.container)
    c = settled(running)
    copy = BehaviourMetricsProjection()
    copy.name = "behaviour_metrics_beside_a_bug"
    runner = ReadModelRunner(c.behaviour, c.views, [Broken(), copy])
    runner.catch_up()

    (park,) = runner.parks()
    assert park.projection == "broken_behaviour" and park.position == 1
    assert "a bug in a behaviour projection" in park.error
    assert c.views.dump("behaviour_metrics_beside_a_bug") == c.views.dump("behaviour_metrics")

    c.shop.logins.log_in(openid="newcomer", unionid=None, scene=1035, query={})
    running.settle()
    c.runner.catch_up()
    assert not c.runner.parks()
    day = beijing_date(c.clock.now())
    assert behaviour_queries.overview(c.views, day, day)["days"][0]["new_members"] == 1
