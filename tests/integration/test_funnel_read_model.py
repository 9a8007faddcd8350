"""The order log's facts mirrored into the behaviour log, and the read models
over the behaviour log that join them with what the mini-program reported
(the acquisition funnel, the share rate per experiment variant), built by the
real runners from a small population on both runtimes: each fact is recorded
once however often its message is delivered (8 threads at once), the answers are the ones the
population implies, and a rebuild of the behaviour log's projections gives
the same documents."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from chalicelib.bootstrap import Container
from chalicelib.clock import FixedClock
from chalicelib.domain.mirrored_facts import KINDS, MIRROR_BEHAVIOUR
from chalicelib.domain.values import Audience, Delivery, ExperimentVariant
from chalicelib.projections import experiments_queries, funnel_queries
from tests.support.races import race, split
from tests.support.runtimes import Running

from .conftest import list_tea

PICKUP = Delivery(method="pickup", store_id="s1")
ARTICLE = {"from": "article", "id": "123"}
DAY0 = date(2026, 11, 1)
BEHAVIOUR_VIEWS = ("funnel", "experiment_shares")


def track(c: Container, subject: str, n: int, kind: str, **fields: Any) -> None:
    item = {"id": f"e{n}", "kind": kind, "at": c.clock.now().isoformat(), **fields}
    answer = c.tracking.track(subject, [item])
    assert answer.accepted == 1, answer.as_dict()


def launch(c: Container, subject: str, n: int, scene: int, query: dict[str, str]) -> None:
    track(c, subject, n, "launch", scene=scene, query=query, path="pages/index/index")


def share(c: Container, subject: str, n: int) -> None:
    track(c, subject, n, "share", path="pages/index/index", channel="chat")


def expose(c: Container, member_id: UUID) -> str:
    (answer,), _ = c.shop.experiments.variants_for(member_id, ["share-copy"], source=lambda: None)
    return answer.variant.key


def buy(c: Container, member_id: UUID) -> int:
    order_id = c.shop.orders.place_order(member_id=member_id, items=[("TEA", 1)], delivery=PICKUP)
    payable = c.shop.orders.order(order_id).price.payable_fen
    c.shop.payments.record_payment(
        out_trade_no=order_id.hex, transaction_id="t1", amount_fen=payable, paid_at=c.clock.now()
    )
    return payable


def population(c: Container, clock: FixedClock) -> tuple[dict[str, str], UUID]:
    """A: launched from an article before login, viewed a product, registered
    (linking the install), was exposed, shared, bought. B: registered from a
    scan without reporting a launch, shared before being exposed, viewed a
    product two days (and six minutes) later. C: launched from the menu, never logged in.
    Returns A's and B's variants, and B's member id."""
    list_tea(c, 20)
    c.shop.experiments.define_experiment(
        key="share-copy",
        hypothesis="a warmer copy gets shared more",
        variants=[ExperimentVariant("a", 1, True, "{}"), ExperimentVariant("b", 1, False, "{}")],
        audience=Audience("everyone", 100),
        primary_metric="conversion",
        conversion_window_days=7,
        guardrails=["share_rate"],
        minimum_detectable_effect=0.1,
    )
    c.shop.experiments.start_experiment("share-copy")
    launch(c, "install:install-aaaa1", 1, 1058, ARTICLE)
    clock.advance(minutes=1)
    track(c, "install:install-aaaa1", 2, "product_view", product_id=str(UUID(int=1)))
    clock.advance(minutes=1)
    a, _ = c.shop.logins.log_in(openid="o-a", unionid=None, scene=1058, query=ARTICLE)
    c.tracking.link_install("install-aaaa1", a)
    clock.advance(minutes=1)
    variant_a = expose(c, a)
    clock.advance(minutes=1)
    share(c, f"member:{a}", 3)
    buy(c, a)
    clock.advance(minutes=5)
    b, _ = c.shop.logins.log_in(openid="o-b", unionid=None, scene=1011, query={})
    share(c, f"member:{b}", 4)
    clock.advance(minutes=1)
    variant_b = expose(c, b)
    clock.advance(minutes=5)
    launch(c, "install:install-cccc3", 5, 1035, {"type": "home"})
    clock.advance(days=2)
    track(c, f"member:{b}", 6, "product_view", product_id=str(UUID(int=1)))
    return {"a": variant_a, "b": variant_b}, b


def settle(running: Running) -> None:
    """The order log projected and its outbox sent (the mirrored facts
    recorded), then the behaviour log's projections caught up."""
    running.settle()
    running.container.behaviour_runner.catch_up()
    running.settle()


def counts(answer: dict[str, Any]) -> list[int]:
    return [step["count"] for step in answer["steps"]]


def test_the_funnel_and_share_rate_of_a_known_population(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    variants, b = population(c, clock)
    settle(running)

    week = funnel_queries.acquisition_funnel(c.views, DAY0, DAY0, 7)
    assert counts(week) == [3, 2, 2, 1, 1]
    assert [s["conversion"] for s in week["steps"]] == [None, 2 / 3, 1.0, 0.5, 1.0]
    by_source = {s["source"]: counts(s) for s in week["sources"]}
    assert by_source == {
        "oa_article:123": [1, 1, 1, 1, 1],
        "scan": [1, 1, 1, 0, 0],
        "oa_menu:home": [1, 0, 0, 0, 0],
    }
    assert counts(funnel_queries.acquisition_funnel(c.views, DAY0, DAY0, 1)) == [3, 2, 1, 1, 1]
    # B viewed a product 2 days and 6 minutes after registering: a delay of 3 days
    assert counts(funnel_queries.acquisition_funnel(c.views, DAY0, DAY0, 2))[2] == 1
    assert counts(funnel_queries.acquisition_funnel(c.views, DAY0, DAY0, 3))[2] == 2
    later = DAY0 + timedelta(days=1)
    assert counts(funnel_queries.acquisition_funnel(c.views, later, later, 7)) == [0] * 5

    arms = experiments_queries.arms(c.views, "share-copy")
    expected: dict[str, tuple[int, int]] = {}
    for member, shared in (("a", 1), ("b", 0)):
        exposures, sharers = expected.get(variants[member], (0, 0))
        expected[variants[member]] = (exposures + 1, sharers + shared)
    found = {v: (arm["share_exposures"], arm["sharers"]) for v, arm in arms.items()}
    assert found == expected

    assert c.views.get("funnel", "people", f"member:{b}") is not None
    c.shop.members.close_account(b)
    settle(running)
    assert c.views.get("funnel", "people", f"member:{b}") is None
    assert c.views.get("experiment_shares", "members", str(b)) is None
    assert funnel_queries.acquisition_funnel(c.views, DAY0, DAY0, 7) == week
    assert experiments_queries.arms(c.views, "share-copy") == arms


def test_each_fact_is_mirrored_once_under_redelivery_and_rebuilds_equal(
    running: Running, clock: FixedClock
) -> None:
    c = running.container
    _, b = population(c, clock)
    c.shop.members.close_account(b)
    settle(running)

    def server_events() -> list[str]:
        found = c.behaviour.select(1, 1000)
        return sorted(e.client_id for e in found if e.client_id.startswith("server/"))

    mirrored = server_events()
    kinds = sorted(client_id.split("/")[1] for client_id in mirrored)
    facts = ["order_placed", "order_paid", "account_closed"]
    assert kinds == sorted(["registered"] * 2 + ["exposure"] * 2 + facts)
    assert set(kinds) <= set(KINDS)
    messages = [m for m in c.outbox.messages() if m["kind"] == MIRROR_BEHAVIOUR]
    assert len(messages) == len(mirrored)
    handler = c.dispatcher.handlers[MIRROR_BEHAVIOUR]
    for message in messages:  # every message delivered again, 8 times at once
        payload = message["payload"]

        def deliver(_: int, payload: dict[str, Any] = payload) -> None:
            handler(payload)

        _, errors = split(race(8, deliver))
        assert not errors
    settle(running)
    assert server_events() == mirrored

    before = {name: c.views.dump(name) for name in BEHAVIOUR_VIEWS}
    assert all(before.values())
    result = c.behaviour_runner.rebuild(list(BEHAVIOUR_VIEWS))
    assert result.complete and sorted(result.switched) == sorted(BEHAVIOUR_VIEWS)
    assert {name: c.views.dump(name) for name in BEHAVIOUR_VIEWS} == before
    assert c.runner.rebuild("behaviour_mirror").complete
    assert len([m for m in c.outbox.messages() if m["kind"] == MIRROR_BEHAVIOUR]) == len(messages)
