"""The Notification aggregate: one outcome per intent, dispatch recorded first."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.errors import InvalidTransition
from chalicelib.domain.notification import (
    Notification,
    TemplateMsgIndex,
    template_msg_index_id_for,
)
from chalicelib.domain.notify_triggers import notification_id_for

from .given import MEMBER_ID, NOW, given, then, types

INTENT = "notify:order_paid:order-1"
LATER = NOW + timedelta(seconds=2)


def considered() -> Notification:
    notification = Notification(INTENT, "order_paid", MEMBER_ID, NOW)
    given(notification)
    return notification


def dispatched(channel: str = "template") -> Notification:
    notification = considered()
    notification.dispatch(channel, "T-oa", "oa-openid-1", NOW)
    given(notification)
    return notification


def test_a_notification_is_identified_by_its_intent() -> None:
    notification = Notification(INTENT, "order_paid", MEMBER_ID, NOW)

    assert notification.id == notification_id_for(INTENT)
    assert types(then(notification)) == [Notification.Considered]


def test_dispatching_records_who_what_and_the_dedupe_id_before_the_call() -> None:
    notification = considered()

    notification.dispatch("template", "T-oa", "oa-openid-1", NOW)

    (event,) = then(notification)
    assert isinstance(event, Notification.Dispatched)
    assert (event.intent_id, event.trigger, event.member_id) == (INTENT, "order_paid", MEMBER_ID)
    assert (event.channel, event.template_id, event.touser) == ("template", "T-oa", "oa-openid-1")
    assert event.client_msg_id == notification.id.hex
    assert notification.pending is not None
    assert notification.outcome is None


def test_a_dispatch_is_sent_once() -> None:
    notification = dispatched()

    notification.record_sent(4242, LATER)

    (event,) = then(notification)
    assert isinstance(event, Notification.Sent)
    assert (event.channel, event.msgid, event.template_id) == ("template", 4242, "T-oa")
    assert (notification.outcome, notification.pending) == ("sent", None)
    with pytest.raises(InvalidTransition):
        notification.record_sent(4242, LATER)
    with pytest.raises(InvalidTransition):
        notification.dispatch("template", "T-oa", "oa-openid-1", LATER)


def test_a_notification_being_sent_cannot_be_dispatched_again_nor_suppressed() -> None:
    notification = dispatched()

    with pytest.raises(InvalidTransition):
        notification.dispatch("subscribe", "T-sub", "openid-1", LATER)
    with pytest.raises(InvalidTransition):
        notification.suppress("opted_out", "T-sub", LATER)


def test_an_abandoned_dispatch_is_ready_to_be_dispatched_again() -> None:
    notification = dispatched("subscribe")

    notification.abandon_dispatch("wechat 43101", LATER)
    notification.dispatch("template", "T-oa", "oa-openid-1", LATER)

    assert types(then(notification)) == [
        Notification.DispatchAbandoned,
        Notification.Dispatched,
    ]


def test_failing_a_dispatch_names_its_channel_and_template() -> None:
    notification = dispatched()

    notification.fail("wechat 43004", "", LATER)

    (event,) = then(notification)
    assert isinstance(event, Notification.Failed)
    assert (event.reason, event.channel, event.template_id) == ("wechat 43004", "template", "T-oa")
    assert notification.outcome == "failed"


def test_a_suppressed_notification_says_why_and_is_final() -> None:
    notification = considered()

    notification.suppress("opted_out", "T-sub", NOW)

    (event,) = then(notification)
    assert isinstance(event, Notification.Suppressed)
    assert (event.reason, event.template_id) == ("opted_out", "T-sub")
    with pytest.raises(InvalidTransition):
        notification.fail("bad_fields: thing1: empty", "T-sub", NOW)


def test_deferring_to_the_same_moment_twice_records_it_once() -> None:
    notification = considered()
    morning = NOW + timedelta(hours=6)

    notification.defer(morning, "T-sub", NOW)
    notification.defer(morning, "T-sub", NOW + timedelta(minutes=1))

    assert types(then(notification)) == [Notification.Deferred]
    assert notification.deferred_until == morning
    assert notification.outcome is None


def test_a_delivery_report_is_recorded_once_per_status() -> None:
    notification = dispatched()
    notification.record_sent(4242, LATER)
    given(notification)

    assert notification.record_delivery("success", LATER) is True
    assert notification.record_delivery("success", LATER) is False

    (event,) = then(notification)
    assert isinstance(event, Notification.Delivered)
    assert (event.status, event.template_id) == ("success", "T-oa")


def test_only_a_sent_notification_is_delivered() -> None:
    with pytest.raises(InvalidTransition):
        dispatched().record_delivery("success", LATER)


def test_a_template_msgid_points_at_its_notification() -> None:
    index = TemplateMsgIndex(4242, notification_id_for(INTENT))

    assert index.id == template_msg_index_id_for("4242")
    assert index.notification_id == notification_id_for(INTENT)
