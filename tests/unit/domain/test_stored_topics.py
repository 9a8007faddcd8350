"""Stored events name their class by topic (`module:Aggregate.Event`), so a
stored topic must keep resolving: moving rules out of an aggregate's module
never moves or renames its events. Pinned for the aggregates whose modules
were split (orders, members, points)."""

from __future__ import annotations

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate
from eventsourcing.utils import get_topic, resolve_topic

from chalicelib.domain.member import Member, MemberAlias
from chalicelib.domain.order import Order
from chalicelib.domain.points import PointsAccount

RECORDED = {
    ("chalicelib.domain.order", Order): {
        "Placed",
        "Paid",
        "PaidAfterClose",
        "Cancelled",
        "Shipped",
        "ReadyForPickup",
        "Received",
        "PickedUp",
        "Completed",
        "RefundRequested",
        "RefundApproved",
        "RefundRejected",
        "Refunded",
        "RefundFailed",
        "AfterSaleRefunded",
    },
    ("chalicelib.domain.member", Member): {
        "Registered",
        "LoggedIn",
        "UnionIdLinked",
        "ProfileSealed",
        "ProfileUpdated",
        "BirthdaySealed",
        "BirthdaySet",
        "BirthdayCelebrated",
        "PhoneBound",
        "SpendRecorded",
        "SpendReversed",
        "SpendAgedOut",
        "LevelChanged",
        "Closed",
        "Rejoined",
    },
    ("chalicelib.domain.member", MemberAlias): {"Linked"},
    ("chalicelib.domain.points", PointsAccount): {
        "Opened",
        "Earned",
        "CheckedIn",
        "Redeemed",
        "RedemptionRestored",
        "RedemptionPartRestored",
        "ClawedBack",
        "Expired",
        "Closed",
        "Reopened",
    },
}


@pytest.mark.parametrize(
    ("module", "aggregate"), list(RECORDED), ids=[aggregate.__name__ for _, aggregate in RECORDED]
)
def test_every_event_keeps_its_stored_topic(module: str, aggregate: type[Aggregate]) -> None:
    events = {
        name: cls
        for name, cls in vars(aggregate).items()
        if isinstance(cls, type)
        and issubclass(cls, CanMutateAggregate)
        and name not in ("Created", "Event")
    }

    assert set(events) == RECORDED[module, aggregate]
    for name, cls in events.items():
        topic = f"{module}:{aggregate.__name__}.{name}"
        assert get_topic(cls) == topic
        assert resolve_topic(topic) is cls
