from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from chalicelib.domain.ids import member_id_for, payment_id_for
from chalicelib.domain.member import Member
from chalicelib.domain.payment import Payment

from .given import NOW, given, then, types

LATER = NOW + timedelta(hours=1)


def test_registering_a_member_records_their_identity() -> None:
    member = Member(openid="o-1", unionid=None, registered_at=NOW)

    events = then(member)
    assert types(events) == [Member.Registered]
    assert (events[0].openid, events[0].unionid, events[0].registered_at) == ("o-1", None, NOW)
    assert member.id == member_id_for(unionid=None, openid="o-1")
    assert member.logins == 0


def test_a_member_with_a_unionid_is_identified_by_it() -> None:
    member = Member(openid="o-1", unionid="u-1", registered_at=NOW)

    assert member.id == member_id_for(unionid="u-1", openid="o-other")
    assert member.id != member_id_for(unionid=None, openid="o-1")


def test_logging_in_records_scene_and_query() -> None:
    member = given(Member(openid="o-1", unionid=None, registered_at=NOW))

    member.log_in(scene=1047, query={"ref": "poster"}, at=LATER)

    events = then(member)
    assert types(events) == [Member.LoggedIn]
    assert events[0].scene == 1047
    assert events[0].query == {"ref": "poster"}
    assert events[0].at == LATER
    assert member.logins == 1
    assert member.last_login_at == LATER


def test_logging_in_without_a_scene_records_none() -> None:
    member = given(Member(openid="o-1", unionid=None, registered_at=NOW))

    member.log_in(scene=None, query={}, at=LATER)

    events = then(member)
    assert (events[0].scene, events[0].query) == (None, {})


def test_linking_a_new_unionid_records_it() -> None:
    member = given(Member(openid="o-1", unionid=None, registered_at=NOW))

    member.link_unionid("u-1")

    events = then(member)
    assert types(events) == [Member.UnionIdLinked]
    assert events[0].unionid == "u-1"
    assert member.unionid == "u-1"


def test_linking_the_same_unionid_records_nothing() -> None:
    member = given(Member(openid="o-1", unionid="u-1", registered_at=NOW))

    member.link_unionid("u-1")

    assert then(member) == []


def test_a_payment_is_identified_by_its_transaction() -> None:
    order_id = UUID("00000000-0000-4000-8000-0000000000aa")

    payment = Payment(transaction_id="t-1", order_id=order_id, amount_fen=5000, paid_at=NOW)

    events = then(payment)
    assert types(events) == [Payment.Received]
    assert (events[0].order_id, events[0].amount_fen) == (order_id, 5000)
    assert payment.id == payment_id_for("t-1")
    assert Payment.create_id("t-1") == Payment.create_id("t-1")
