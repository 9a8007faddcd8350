"""A member's inbox: credits that never go negative, opt-outs, capped slots."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.inbox import CannotOptOut, Inbox, inbox_id_for

from .given import MEMBER_ID, NOW, given, then, types

LATER = NOW + timedelta(hours=1)


def new_inbox(*credits: str) -> Inbox:
    inbox = Inbox(member_id=MEMBER_ID)
    inbox.grant(list(credits), NOW)
    given(inbox)
    return inbox


def test_an_inbox_is_one_per_member() -> None:
    inbox = Inbox(member_id=MEMBER_ID)

    assert inbox.id == inbox_id_for(MEMBER_ID)
    assert types(then(inbox)) == [Inbox.Opened]


def test_each_accepted_template_is_one_credit() -> None:
    inbox = new_inbox()

    inbox.grant(["T-paid", "T-shipped", "T-paid"], NOW)

    events = then(inbox)
    assert types(events) == [Inbox.CreditsGranted]
    assert events[0].template_ids == ["T-paid", "T-shipped", "T-paid"]
    assert (inbox.credits_for("T-paid"), inbox.credits_for("T-shipped")) == (2, 1)


def test_granting_nothing_records_nothing() -> None:
    inbox = new_inbox()

    inbox.grant([], NOW)

    assert then(inbox) == []


def test_a_send_consumes_one_credit_and_never_goes_below_zero() -> None:
    inbox = new_inbox("T-paid")

    assert inbox.consume("T-paid", LATER) is True
    assert inbox.consume("T-paid", LATER) is False
    assert inbox.consume("T-never-granted", LATER) is False

    events = then(inbox)
    assert types(events) == [Inbox.CreditConsumed]
    assert (events[0].template_id, events[0].member_id) == ("T-paid", MEMBER_ID)
    assert inbox.credits_for("T-paid") == 0


def test_a_credit_whose_message_never_went_comes_back() -> None:
    inbox = new_inbox("T-paid")
    inbox.consume("T-paid", LATER)
    given(inbox)

    inbox.refund_credit("T-paid", LATER)

    assert types(then(inbox)) == [Inbox.CreditRefunded]
    assert inbox.credits_for("T-paid") == 1


def test_opting_out_and_back_in_of_a_category() -> None:
    inbox = new_inbox()

    inbox.opt_out("marketing", NOW)
    inbox.opt_out("marketing", NOW)
    inbox.opt_in("marketing", LATER)
    inbox.opt_in("reminder", LATER)

    assert types(then(inbox)) == [Inbox.OptedOut, Inbox.OptedIn]
    assert inbox.opted_out == []


def test_transactional_messages_cannot_be_opted_out_of() -> None:
    inbox = new_inbox()

    with pytest.raises(CannotOptOut) as refused:
        inbox.opt_out("transactional", NOW)

    assert refused.value.field == "category"
    assert refused.value.details == {"category": "transactional"}
    assert then(inbox) == []


def test_a_capped_category_remembers_when_and_for_which_intent_it_went() -> None:
    inbox = new_inbox()

    inbox.record_sent("marketing", "notify:campaign_starting:c1:m1", NOW)
    inbox.record_sent("transactional", "notify:order_paid:o1", NOW)

    events = then(inbox)
    assert types(events) == [Inbox.CappedSent]
    assert events[0].category == "marketing"
    assert inbox.last_sent_except("notify:other") == {"marketing": NOW}
    assert inbox.last_sent_except("notify:campaign_starting:c1:m1") == {}
