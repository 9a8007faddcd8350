"""A/B tests in the domain: definitions, transitions, the stable assignment
(traffic share and arm from disjoint hashes, the recorded first exposure
winning over the hash), and the report's flags. No I/O."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid5

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.experiment import (
    Experiment,
    ExperimentStatus,
    definition_problem,
    payload_json,
)
from chalicelib.domain.experiment_assignment import (
    assign,
    hashed_variant,
    in_traffic,
    traffic_bucket,
)
from chalicelib.domain.experiment_report import ARM_COUNTS, report
from chalicelib.domain.exposure import ExperimentIndex, WelcomeTaken
from chalicelib.domain.values import Audience, ExperimentVariant

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
MEMBERS = [uuid5(UUID(int=0), f"member-{n}") for n in range(4000)]


def variant(key: str, weight: int = 1, control: bool = False) -> ExperimentVariant:
    return ExperimentVariant(key, weight, control, payload_json({"copy": key}))


def experiment(
    *, weights: tuple[int, int] = (1, 1), audience: Audience | None = None, key: str = "buy-copy"
) -> Experiment:
    return Experiment(
        key=key,
        hypothesis="限时抢购 sells more than 立即购买",
        variants=[variant("control", weights[0], True), variant("urgent", weights[1])],
        audience=audience or Audience("everyone", 100),
        primary_metric="conversion",
        conversion_window_days=7,
        guardrails=["refund_rate"],
        minimum_detectable_effect=0.1,
        at=T0,
    )


def running(**kwargs: object) -> Experiment:
    e = experiment(**kwargs)  # type: ignore[arg-type]
    e.start(T0)
    return e


def test_a_definition_names_the_field_that_is_wrong() -> None:
    everyone = Audience("everyone", 100)
    two_controls = [variant("a", control=True), variant("b", control=True)]
    assert definition_problem(two_controls, everyone, []) == (
        "variants",
        "exactly one variant is the control",
    )
    assert definition_problem([variant("a", control=True)], everyone, [])[0] == "variants"  # type: ignore[index]
    same = [variant("a", control=True), variant("a")]
    assert definition_problem(same, everyone, [])[0] == "variants"  # type: ignore[index]
    big = ExperimentVariant("b", 1, False, payload_json({"x": "长" * 1400}))
    assert definition_problem([variant("a", control=True), big], everyone, [])[0] == (  # type: ignore[index]
        "variants[1].payload"
    )
    fine = [variant("a", control=True), variant("b")]
    assert definition_problem(fine, Audience("source", 100), [])[0] == "audience.source"  # type: ignore[index]
    assert definition_problem(fine, everyone, ["aov", "aov"])[0] == "guardrails"  # type: ignore[index]
    assert definition_problem(fine, Audience("source", 50, "oa_menu"), ["aov"]) is None


def test_transitions_and_when_weights_may_change() -> None:
    e = experiment()
    with pytest.raises(InvalidTransition):
        e.pause(T0)
    with pytest.raises(InvalidTransition):
        e.stop(T0)
    e.reweigh({"control": 1, "urgent": 3}, T0)
    e.start(T0)
    with pytest.raises(InvalidTransition):
        e.start(T0)
    with pytest.raises(InvalidTransition):
        e.reweigh({"control": 1, "urgent": 1}, T0)
    e.pause(T0 + timedelta(hours=1))
    with pytest.raises(ValueError):
        e.reweigh({"control": 1}, T0)
    e.start(T0 + timedelta(hours=2))  # resumed: started_at stays the first start
    assert (e.status, e.started_at) == (ExperimentStatus.RUNNING, T0)
    e.stop(T0 + timedelta(hours=3))
    for command in (e.start, e.pause, e.stop):
        with pytest.raises(InvalidTransition):
            command(T0)


def test_the_bucket_is_sha256_of_key_and_member_with_no_process_salt() -> None:
    member = MEMBERS[0]
    digest = hashlib.sha256(f"buy-copy:{member}".encode()).digest()
    assert traffic_bucket("buy-copy", member) == int.from_bytes(digest[:8], "big") % 10_000
    # two experiments built apart (as two instances would) agree on every member
    first, second = running(), running()
    for member in MEMBERS[:500]:
        a = assign(first, member, recorded=None, registered_at=T0, source=None)
        b = assign(second, member, recorded=None, registered_at=T0, source=None)
        assert a.variant.key == b.variant.key and a.first_exposure


def test_the_split_follows_the_weights() -> None:
    e = running(weights=(1, 3))
    urgent = sum(hashed_variant(e.key, m, e.variants).key == "urgent" for m in MEMBERS)
    assert 0.72 < urgent / len(MEMBERS) < 0.78


def test_a_larger_traffic_share_keeps_the_arms_of_those_already_in() -> None:
    small = running(audience=Audience("everyone", 20))
    large = running(audience=Audience("everyone", 60))
    inside = [m for m in MEMBERS if in_traffic(small.key, m, 20)]
    assert 0.17 < len(inside) / len(MEMBERS) < 0.23
    assert all(in_traffic(large.key, m, 60) for m in inside)
    for member in inside:
        a = assign(small, member, recorded=None, registered_at=T0, source=None)
        b = assign(large, member, recorded=None, registered_at=T0, source=None)
        assert a.variant.key == b.variant.key
    outside = next(m for m in MEMBERS if not in_traffic(small.key, m, 20))
    answer = assign(small, outside, recorded=None, registered_at=T0, source=None)
    assert (answer.variant.key, answer.in_experiment, answer.first_exposure) == (
        "control",
        False,
        False,
    )


def test_a_weight_change_never_moves_an_exposed_member() -> None:
    e = running(weights=(1, 1))
    seen = {m: assign(e, m, recorded=None, registered_at=T0, source=None) for m in MEMBERS[:400]}
    e.pause(T0)
    paused = assign(
        e, MEMBERS[0], recorded=seen[MEMBERS[0]].variant.key, registered_at=T0, source=None
    )
    assert (paused.variant.key, paused.in_experiment) == ("control", False)
    e.reweigh({"control": 1, "urgent": 99}, T0)
    e.start(T0)
    moved_by_hash = 0
    for member, first in seen.items():
        again = assign(e, member, recorded=first.variant.key, registered_at=T0, source=None)
        assert again.variant.key == first.variant.key and not again.first_exposure
        fresh = assign(e, member, recorded=None, registered_at=T0, source=None)
        moved_by_hash += fresh.variant.key != first.variant.key
    assert moved_by_hash > 100  # the hash alone would have moved them


def test_audiences() -> None:
    new = running(audience=Audience("new_members", 100))
    member = MEMBERS[1]
    before = assign(
        new, member, recorded=None, registered_at=T0 - timedelta(seconds=1), source=None
    )
    after = assign(new, member, recorded=None, registered_at=T0, source=None)
    assert (before.in_experiment, after.in_experiment) == (False, True)
    menu = running(audience=Audience("source", 100, "oa_menu:home"))
    assert not assign(menu, member, recorded=None, registered_at=T0, source="direct").in_experiment
    assert assign(
        menu, member, recorded=None, registered_at=T0, source="oa_menu:home"
    ).in_experiment
    draft = experiment()
    assert not assign(draft, member, recorded=None, registered_at=T0, source=None).in_experiment


def test_one_running_experiment_sets_the_welcome_coupons() -> None:
    index = ExperimentIndex(at=T0)
    index.claim_welcome("a")
    index.claim_welcome("a")
    with pytest.raises(WelcomeTaken):
        index.claim_welcome("b")
    index.release_welcome("a")
    index.claim_welcome("b")
    assert index.welcome == "b"


def arm(**counts: int) -> dict[str, int]:
    return {**dict.fromkeys(ARM_COUNTS, 0), **counts}


def test_the_report_flags_a_broken_split_and_a_breached_guardrail() -> None:
    e = running()
    answer = report(
        e,
        {
            "control": arm(exposures=1000, conversions=100, orders_paid=100, orders_refunded=2),
            "urgent": arm(exposures=1300, conversions=150, orders_paid=150, orders_refunded=30),
        },
    )
    assert answer["sample_ratio"]["mismatch"] is True
    assert answer["guardrail_breaches"] == [{"variant": "urgent", "metric": "refund_rate"}]
    control, urgent = answer["variants"]
    assert control["conversion_rate"] == 0.1 and "vs_control" not in control
    assert urgent["vs_control"]["conversion"]["difference"] == pytest.approx(150 / 1300 - 0.1)
    assert answer["needed_per_arm"] > 1000 and urgent["still_needed"] > 0
    assert any("needs" in w for w in answer["warnings"])


def test_an_empty_experiment_reports_zeros_without_failing() -> None:
    answer = report(running(), {})
    assert [v["exposures"] for v in answer["variants"]] == [0, 0]
    assert answer["needed_per_arm"] is None and answer["warnings"]
    assert answer["sample_ratio"]["mismatch"] is False


def test_a_mean_as_primary_metric_gets_its_sample_size_from_the_controls_spread() -> None:
    e = Experiment(
        key="spend",
        hypothesis="a bigger basket",
        variants=[variant("control", 1, True), variant("bundle", 1)],
        audience=Audience("everyone", 100),
        primary_metric="revenue_per_member",
        conversion_window_days=7,
        guardrails=[],
        minimum_detectable_effect=0.1,
        at=T0,
    )
    e.start(T0)
    # control: 100 members, 20 spent 5,000 fen each, 80 spent nothing
    control = arm(exposures=100, revenue_fen=100_000, revenue_fen_squares=20 * 5_000**2)
    answer = report(e, {"control": control, "bundle": arm(exposures=100)})
    mean, variance = 1_000.0, (20 * 5_000**2 - 100 * 1_000**2) / 99
    z = 1.959963984540054 + 0.8416212335729143
    assert answer["needed_per_arm"] == math.ceil(2 * z * z * variance / 100.0**2)
    assert answer["variants"][1]["still_needed"] == answer["needed_per_arm"] - 100
    assert mean == answer["variants"][0]["revenue_per_member_fen"]

    nobody_spent = report(e, {"control": arm(exposures=100), "bundle": arm(exposures=100)})
    assert nobody_spent["needed_per_arm"] is None
    assert any("not computable yet" in w for w in nobody_spent["warnings"])


def test_the_share_rate_is_reported_and_can_be_a_guardrail() -> None:
    e = experiment()
    e.guardrails = ["share_rate"]
    e.start(T0)
    answer = report(
        e,
        {
            "control": arm(exposures=1000, share_exposures=1000, sharers=200),
            "urgent": arm(exposures=1000, share_exposures=998, sharers=120),
        },
    )
    control, urgent = answer["variants"]
    assert (control["share_rate"], urgent["share_rate"]) == (0.2, 120 / 998)
    assert urgent["vs_control"]["share_rate"]["difference"] == pytest.approx(120 / 998 - 0.2)
    assert answer["guardrail_breaches"] == [{"variant": "urgent", "metric": "share_rate"}]
    assert definition_problem(e.variants, e.audience, ["share_rate", "conversion"]) is None
