from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

import pytest

from chalicelib.domain.calendar import BEIJING
from chalicelib.domain.coupon_terms import eligible_lines
from chalicelib.domain.coupons import CouponTemplate, CouponWallet
from chalicelib.domain.errors import (
    AccountClosed,
    CouponLimitReached,
    CouponsExhausted,
    CouponUnavailable,
    DomainError,
    InvalidTransition,
)
from chalicelib.domain.ids import coupon_template_id_for, wallet_id_for
from chalicelib.domain.values import Coupon, CouponTerms, OrderLine

from .given import given, then, types

MEMBER_ID = UUID("00000000-0000-4000-8000-000000000001")
OTHER_MEMBER_ID = UUID("00000000-0000-4000-8000-000000000002")
ORDER_ID = UUID("00000000-0000-4000-8000-0000000000aa")
OTHER_ORDER_ID = UUID("00000000-0000-4000-8000-0000000000bb")

DEFINED_AT = datetime(2026, 10, 1, 9, 0, tzinfo=BEIJING)
CLAIMED_AT = datetime(2026, 11, 1, 10, 0, tzinfo=BEIJING)
STARTS_AT = datetime(2026, 11, 1, 0, 0, tzinfo=BEIJING)
ENDS_AT = datetime(2026, 11, 12, 0, 0, tzinfo=BEIJING)

MAN_100_JIAN_20 = CouponTerms(kind="threshold", amount_fen=2000, threshold_fen=10000)


def define(
    *,
    code: str = "new-member",
    terms: CouponTerms = MAN_100_JIAN_20,
    trigger: str = "claim",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    valid_days: int = 7,
    total_quantity: int = 0,
    per_member_limit: int = 0,
) -> CouponTemplate:
    return CouponTemplate(
        code=code,
        title="满100减20",
        terms=terms,
        trigger=trigger,
        starts_at=starts_at,
        ends_at=ends_at,
        valid_days=valid_days,
        total_quantity=total_quantity,
        per_member_limit=per_member_limit,
        defined_at=DEFINED_AT,
    )


def given_template(**kwargs: Any) -> CouponTemplate:
    return given(define(**kwargs))


def coupon(
    coupon_id: str = "c-1",
    *,
    template_id: str = "t-1",
    valid_from: datetime = CLAIMED_AT,
    expires_at: datetime = CLAIMED_AT + timedelta(days=7),
) -> Coupon:
    return Coupon(coupon_id, template_id, "满100减20", MAN_100_JIAN_20, valid_from, expires_at)


def given_wallet(*coupons: Coupon) -> CouponWallet:
    wallet = CouponWallet(member_id=MEMBER_ID)
    for c in coupons:
        wallet.receive(c, per_member_limit=0, at=c.valid_from)
    return given(wallet)


def given_locked(c: Coupon | None = None) -> CouponWallet:
    c = c or coupon()
    wallet = given_wallet(c)
    wallet.lock(c.coupon_id, ORDER_ID, c.valid_from)
    return given(wallet)


def given_used(c: Coupon | None = None) -> CouponWallet:
    c = c or coupon()
    wallet = given_locked(c)
    wallet.use(c.coupon_id, ORDER_ID, c.valid_from)
    return given(wallet)


# -- defining a template ---------------------------------------------------------------
def test_defining_a_template_records_it_under_an_id_from_its_code() -> None:
    template = define(code="welcome", trigger="first_login", total_quantity=100)

    events = then(template)
    assert types(events) == [CouponTemplate.Defined]
    assert (events[0].code, events[0].terms, events[0].trigger) == (
        "welcome",
        MAN_100_JIAN_20,
        "first_login",
    )
    assert template.id == coupon_template_id_for("welcome")
    assert (template.issued, template.remaining, template.stopped) == (0, 100, False)


def test_a_fixed_window_template_needs_no_valid_days() -> None:
    template = define(starts_at=STARTS_AT, ends_at=ENDS_AT, valid_days=0)

    assert (template.starts_at, template.ends_at) == (STARTS_AT, ENDS_AT)


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "valid_days"),
    [
        (None, None, 0),
        (None, None, -1),
        (STARTS_AT, None, 0),
        (None, ENDS_AT, 0),
        (STARTS_AT, ENDS_AT, 7),
        (STARTS_AT, STARTS_AT, 0),
        (ENDS_AT, STARTS_AT, 0),
    ],
)
def test_a_template_is_valid_either_for_a_fixed_window_or_for_some_days(
    starts_at: datetime | None, ends_at: datetime | None, valid_days: int
) -> None:
    with pytest.raises(DomainError):
        define(starts_at=starts_at, ends_at=ends_at, valid_days=valid_days)


@pytest.mark.parametrize(
    "terms",
    [
        CouponTerms(kind="threshold", amount_fen=2000, threshold_fen=2000),
        CouponTerms(kind="no_threshold", amount_fen=1),
        CouponTerms(kind="discount", rate_percent=1),
        CouponTerms(kind="discount", rate_percent=99, cap_fen=500),
        CouponTerms(kind="no_threshold", amount_fen=500, scope="category", scope_ids=["tea"]),
        CouponTerms(kind="no_threshold", amount_fen=500, scope="products", scope_ids=["p-1"]),
    ],
)
def test_terms_at_their_boundaries_are_accepted(terms: CouponTerms) -> None:
    assert define(terms=terms).terms == terms


@pytest.mark.parametrize(
    "terms",
    [
        CouponTerms(kind="cashback", amount_fen=100),
        CouponTerms(kind="threshold", amount_fen=0, threshold_fen=10000),
        CouponTerms(kind="threshold", amount_fen=2000, threshold_fen=1999),
        CouponTerms(kind="no_threshold", amount_fen=0),
        CouponTerms(kind="discount", rate_percent=0),
        CouponTerms(kind="discount", rate_percent=100),
        CouponTerms(kind="discount", rate_percent=80, cap_fen=-1),
        CouponTerms(kind="no_threshold", amount_fen=500, scope="all", scope_ids=["tea"]),
        CouponTerms(kind="no_threshold", amount_fen=500, scope="category"),
        CouponTerms(kind="no_threshold", amount_fen=500, scope="products"),
        CouponTerms(kind="no_threshold", amount_fen=500, scope="brand", scope_ids=["x"]),
    ],
)
def test_terms_that_make_no_sense_are_refused(terms: CouponTerms) -> None:
    with pytest.raises(DomainError):
        define(terms=terms)


@pytest.mark.parametrize(
    "kwargs", [{"total_quantity": -1}, {"per_member_limit": -1}, {"trigger": "lottery"}]
)
def test_negative_quantities_and_unknown_triggers_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(DomainError):
        define(**kwargs)


# -- issuing -----------------------------------------------------------------------------
def test_issuing_records_a_deterministic_coupon_id_per_member_and_count() -> None:
    template = given_template()

    first = template.issue(MEMBER_ID, CLAIMED_AT)
    second = template.issue(MEMBER_ID, CLAIMED_AT)
    other = template.issue(OTHER_MEMBER_ID, CLAIMED_AT)

    events = then(template)
    assert types(events) == [CouponTemplate.Issued] * 3
    assert (events[0].coupon_id, events[0].member_id, events[0].at) == (
        first.coupon_id,
        MEMBER_ID,
        CLAIMED_AT,
    )
    assert first.coupon_id == str(uuid5(template.id, f"{MEMBER_ID}:1"))
    assert second.coupon_id == str(uuid5(template.id, f"{MEMBER_ID}:2"))
    assert other.coupon_id == str(uuid5(template.id, f"{OTHER_MEMBER_ID}:1"))
    assert template.issued == 3
    assert template.issued_to == {str(MEMBER_ID): 2, str(OTHER_MEMBER_ID): 1}


def test_an_issued_coupon_carries_the_template_title_and_terms() -> None:
    template = given_template(valid_days=7)

    issued = template.issue(MEMBER_ID, CLAIMED_AT)

    assert issued.template_id == str(template.id)
    assert (issued.title, issued.terms) == ("满100减20", MAN_100_JIAN_20)
    assert issued.valid_from == CLAIMED_AT


@pytest.mark.parametrize(
    ("claimed_at", "valid_days", "expires_at"),
    [
        # one day is the claim day only: it expires at the next Beijing midnight
        (datetime(2026, 11, 1, 23, 30, tzinfo=BEIJING), 1, datetime(2026, 11, 2, tzinfo=BEIJING)),
        (datetime(2026, 11, 1, 0, 0, tzinfo=BEIJING), 3, datetime(2026, 11, 4, tzinfo=BEIJING)),
        # 15:59:59 UTC is still 1 November in Beijing; 16:00 UTC is already the 2nd
        (datetime(2026, 11, 1, 15, 59, 59, tzinfo=UTC), 1, datetime(2026, 11, 2, tzinfo=BEIJING)),
        (datetime(2026, 11, 1, 16, 0, 0, tzinfo=UTC), 1, datetime(2026, 11, 3, tzinfo=BEIJING)),
    ],
)
def test_valid_days_count_beijing_days_including_the_claim_day(
    claimed_at: datetime, valid_days: int, expires_at: datetime
) -> None:
    template = given_template(valid_days=valid_days)

    issued = template.issue(MEMBER_ID, claimed_at)

    assert (issued.valid_from, issued.expires_at) == (claimed_at, expires_at)


def test_a_fixed_window_coupon_is_valid_from_the_start_to_the_end_whenever_claimed() -> None:
    template = given_template(starts_at=STARTS_AT, ends_at=ENDS_AT, valid_days=0)

    early = template.issue(MEMBER_ID, STARTS_AT - timedelta(days=2))
    late = template.issue(OTHER_MEMBER_ID, ENDS_AT - timedelta(seconds=1))

    assert (early.valid_from, early.expires_at) == (STARTS_AT, ENDS_AT)
    assert (late.valid_from, late.expires_at) == (STARTS_AT, ENDS_AT)


def test_a_fixed_window_coupon_cannot_be_claimed_once_its_window_ends() -> None:
    template = given_template(starts_at=STARTS_AT, ends_at=ENDS_AT, valid_days=0)

    with pytest.raises(CouponUnavailable):
        template.issue(MEMBER_ID, ENDS_AT)

    assert then(template) == []
    assert template.issued == 0


def test_issuing_exactly_the_total_quantity_leaves_none() -> None:
    template = given_template(total_quantity=2)
    template.issue(MEMBER_ID, CLAIMED_AT)

    template.issue(OTHER_MEMBER_ID, CLAIMED_AT)

    assert types(then(template)) == [CouponTemplate.Issued] * 2
    assert template.remaining == 0


def test_issuing_one_more_than_the_total_quantity_is_refused() -> None:
    template = given_template(total_quantity=2)
    template.issue(MEMBER_ID, CLAIMED_AT)
    template.issue(OTHER_MEMBER_ID, CLAIMED_AT)
    template.collect_events()

    with pytest.raises(CouponsExhausted):
        template.issue(MEMBER_ID, CLAIMED_AT)

    assert then(template) == []
    assert (template.issued, template.remaining) == (2, 0)


def test_an_unlimited_template_has_no_remaining_count() -> None:
    template = given_template(total_quantity=0)

    for _ in range(3):
        template.issue(MEMBER_ID, CLAIMED_AT)

    assert template.remaining is None


# -- stopping ----------------------------------------------------------------------------
def test_stopping_a_template_records_it_once() -> None:
    template = given_template()

    assert template.stop(CLAIMED_AT) is True
    assert template.stop(CLAIMED_AT) is False

    events = then(template)
    assert types(events) == [CouponTemplate.Stopped]
    assert events[0].at == CLAIMED_AT
    assert template.stopped


def test_a_stopped_template_issues_nothing() -> None:
    template = given_template()
    template.stop(CLAIMED_AT)
    template.collect_events()

    with pytest.raises(CouponUnavailable):
        template.issue(MEMBER_ID, CLAIMED_AT)

    assert then(template) == []


# -- receiving ---------------------------------------------------------------------------
def test_opening_a_wallet_records_it_under_an_id_from_the_member() -> None:
    wallet = CouponWallet(member_id=MEMBER_ID)

    events = then(wallet)
    assert types(events) == [CouponWallet.Opened]
    assert events[0].member_id == MEMBER_ID
    assert wallet.id == wallet_id_for(MEMBER_ID)
    assert wallet.coupons == {}


def test_receiving_a_coupon_makes_it_available() -> None:
    wallet = given_wallet()
    c = coupon()

    assert wallet.receive(c, per_member_limit=1, at=CLAIMED_AT) is True

    events = then(wallet)
    assert types(events) == [CouponWallet.Received]
    assert (events[0].coupon, events[0].at) == (c, CLAIMED_AT)
    assert wallet.status_of("c-1") == "available"
    assert wallet.coupons["c-1"] == (c, "available", None)
    assert wallet.has_from_template("t-1") == 1


def test_receiving_the_same_coupon_again_records_nothing() -> None:
    wallet = given_wallet(coupon())

    assert wallet.receive(coupon(), per_member_limit=1, at=CLAIMED_AT) is False

    assert then(wallet) == []


def test_receiving_up_to_the_per_member_limit_is_allowed() -> None:
    wallet = given_wallet(coupon("c-1"))

    wallet.receive(coupon("c-2"), per_member_limit=2, at=CLAIMED_AT)

    assert types(then(wallet)) == [CouponWallet.Received]
    assert wallet.has_from_template("t-1") == 2


def test_receiving_beyond_the_per_member_limit_is_refused_whatever_the_status() -> None:
    wallet = given_used(coupon("c-1"))

    with pytest.raises(CouponLimitReached) as raised:
        wallet.receive(coupon("c-2"), per_member_limit=1, at=CLAIMED_AT)

    assert raised.value.details == {"template_id": "t-1", "per_member_limit": 1}
    assert then(wallet) == []


def test_the_per_member_limit_counts_one_template_only_and_zero_means_unlimited() -> None:
    wallet = given_wallet(coupon("c-1"))

    wallet.receive(coupon("c-2", template_id="t-2"), per_member_limit=1, at=CLAIMED_AT)
    wallet.receive(coupon("c-3"), per_member_limit=0, at=CLAIMED_AT)

    assert types(then(wallet)) == [CouponWallet.Received] * 2
    assert (wallet.has_from_template("t-1"), wallet.has_from_template("t-2")) == (2, 1)


def test_held_from_lists_a_templates_coupons_by_its_id_whatever_their_status() -> None:
    template = given_template()
    first, second = (template.issue(MEMBER_ID, CLAIMED_AT) for _ in range(2))
    wallet = given_wallet(first, second, coupon("c-other", template_id="t-2"))
    wallet.lock(first.coupon_id, ORDER_ID, CLAIMED_AT)

    assert wallet.held_from(template.id) == [first, second]
    assert wallet.has_from_template(template.id) == 2


# -- usability ---------------------------------------------------------------------------
EXPIRES_TODAY = coupon(expires_at=datetime(2026, 11, 2, tzinfo=BEIJING))


def test_a_coupon_expiring_today_is_usable_at_23_59_59_beijing() -> None:
    wallet = given_wallet(EXPIRES_TODAY)
    last_second = datetime(2026, 11, 1, 15, 59, 59, tzinfo=UTC)

    assert wallet.usable("c-1", last_second) == EXPIRES_TODAY
    assert wallet.usable_coupons(last_second) == [EXPIRES_TODAY]


def test_a_coupon_expiring_today_is_unusable_at_midnight_beijing() -> None:
    wallet = given_wallet(EXPIRES_TODAY)
    midnight = datetime(2026, 11, 1, 16, 0, tzinfo=UTC)

    with pytest.raises(CouponUnavailable, match="expired"):
        wallet.usable("c-1", midnight)
    assert wallet.usable_coupons(midnight) == []


def test_a_coupon_is_usable_from_the_first_moment_it_is_valid_not_before() -> None:
    wallet = given_wallet(coupon())

    assert wallet.usable("c-1", CLAIMED_AT) == coupon()
    with pytest.raises(CouponUnavailable, match="not valid yet"):
        wallet.usable("c-1", CLAIMED_AT - timedelta(seconds=1))
    assert wallet.usable_coupons(CLAIMED_AT - timedelta(seconds=1)) == []


def test_an_unknown_coupon_is_unavailable() -> None:
    with pytest.raises(CouponUnavailable, match="no such coupon"):
        given_wallet().usable("c-9", CLAIMED_AT)


def test_usable_coupons_leaves_out_locked_ones() -> None:
    wallet = given_locked(coupon("c-1"))
    wallet.receive(coupon("c-2"), per_member_limit=0, at=CLAIMED_AT)

    assert [c.coupon_id for c in wallet.usable_coupons(CLAIMED_AT)] == ["c-2"]


# -- locking and using -------------------------------------------------------------------
def test_locking_a_usable_coupon_holds_it_for_the_order() -> None:
    wallet = given_wallet(coupon())

    wallet.lock("c-1", ORDER_ID, CLAIMED_AT)

    events = then(wallet)
    assert types(events) == [CouponWallet.Locked]
    assert (events[0].coupon_id, events[0].order_id, events[0].at) == (
        "c-1",
        str(ORDER_ID),
        CLAIMED_AT,
    )
    assert wallet.coupons["c-1"][1:] == ("locked", str(ORDER_ID))


@pytest.mark.parametrize("order_id", [ORDER_ID, OTHER_ORDER_ID])
def test_locking_a_locked_coupon_again_is_refused(order_id: UUID) -> None:
    wallet = given_locked()

    with pytest.raises(CouponUnavailable, match="locked") as raised:
        wallet.lock("c-1", order_id, CLAIMED_AT)

    assert raised.value.details == {"coupon_id": "c-1", "status": "locked"}
    assert then(wallet) == []


def test_locking_a_used_or_expired_or_unknown_coupon_is_refused() -> None:
    wallet = given_used()
    wallet.receive(coupon("c-2"), per_member_limit=0, at=CLAIMED_AT)
    wallet.collect_events()

    with pytest.raises(CouponUnavailable, match="used"):
        wallet.lock("c-1", OTHER_ORDER_ID, CLAIMED_AT)
    with pytest.raises(CouponUnavailable, match="expired"):
        wallet.lock("c-2", OTHER_ORDER_ID, CLAIMED_AT + timedelta(days=7))
    with pytest.raises(CouponUnavailable, match="no such coupon"):
        wallet.lock("c-9", OTHER_ORDER_ID, CLAIMED_AT)
    assert then(wallet) == []


def test_paying_the_order_uses_its_locked_coupon() -> None:
    wallet = given_locked()

    assert wallet.use("c-1", ORDER_ID, CLAIMED_AT) is True

    events = then(wallet)
    assert types(events) == [CouponWallet.Used]
    assert (events[0].coupon_id, events[0].order_id) == ("c-1", str(ORDER_ID))
    assert wallet.status_of("c-1") == "used"


def test_a_locked_coupon_is_used_even_after_it_expires() -> None:
    wallet = given_locked()

    assert wallet.use("c-1", ORDER_ID, CLAIMED_AT + timedelta(days=30)) is True

    assert types(then(wallet)) == [CouponWallet.Used]


def test_using_it_again_for_the_same_order_records_nothing() -> None:
    wallet = given_used()

    assert wallet.use("c-1", ORDER_ID, CLAIMED_AT) is False

    assert then(wallet) == []


@pytest.mark.parametrize("given_state", [given_locked, given_used])
def test_another_order_cannot_use_the_coupon(given_state: Any) -> None:
    wallet = given_state()

    with pytest.raises(InvalidTransition):
        wallet.use("c-1", OTHER_ORDER_ID, CLAIMED_AT)

    assert then(wallet) == []


@pytest.mark.parametrize("coupon_id", ["c-1", "c-9"])
def test_a_coupon_not_locked_cannot_be_used(coupon_id: str) -> None:
    wallet = given_wallet(coupon())

    with pytest.raises(InvalidTransition):
        wallet.use(coupon_id, ORDER_ID, CLAIMED_AT)

    assert then(wallet) == []


# -- giving back -------------------------------------------------------------------------
@pytest.mark.parametrize("given_state", [given_locked, given_used])
def test_giving_back_before_expiry_makes_the_coupon_available_again(given_state: Any) -> None:
    wallet = given_state()
    last_moment = coupon().expires_at - timedelta(seconds=1)

    assert wallet.give_back("c-1", ORDER_ID, last_moment) is True

    events = then(wallet)
    assert types(events) == [CouponWallet.Returned]
    assert (events[0].coupon_id, events[0].order_id, events[0].at) == (
        "c-1",
        str(ORDER_ID),
        last_moment,
    )
    assert wallet.coupons["c-1"][1:] == ("available", None)
    assert wallet.usable("c-1", last_moment) == coupon()


@pytest.mark.parametrize("given_state", [given_locked, given_used])
def test_giving_back_after_expiry_lapses_the_coupon(given_state: Any) -> None:
    wallet = given_state()
    expiry = coupon().expires_at

    assert wallet.give_back("c-1", ORDER_ID, expiry) is True

    events = then(wallet)
    assert types(events) == [CouponWallet.Lapsed]
    assert (events[0].coupon_id, events[0].order_id) == ("c-1", str(ORDER_ID))
    assert wallet.status_of("c-1") == "expired"
    with pytest.raises(CouponUnavailable):
        wallet.lock("c-1", OTHER_ORDER_ID, CLAIMED_AT)


def test_giving_back_twice_records_it_once() -> None:
    wallet = given_locked()
    wallet.give_back("c-1", ORDER_ID, CLAIMED_AT)
    wallet.collect_events()

    assert wallet.give_back("c-1", ORDER_ID, CLAIMED_AT) is False

    assert then(wallet) == []
    assert wallet.status_of("c-1") == "available"


@pytest.mark.parametrize(("coupon_id", "order_id"), [("c-1", OTHER_ORDER_ID), ("c-9", ORDER_ID)])
def test_giving_back_what_the_order_does_not_hold_records_nothing(
    coupon_id: str, order_id: UUID
) -> None:
    wallet = given_locked()

    assert wallet.give_back(coupon_id, order_id, CLAIMED_AT) is False

    assert then(wallet) == []
    assert wallet.status_of("c-1") == "locked"


# -- closing and reopening ---------------------------------------------------------------
def test_closing_the_wallet_voids_every_coupon() -> None:
    wallet = given_locked(coupon("c-1"))
    wallet.receive(coupon("c-2"), per_member_limit=0, at=CLAIMED_AT)
    wallet.collect_events()

    assert wallet.close(CLAIMED_AT) is True

    events = then(wallet)
    assert types(events) == [CouponWallet.Closed]
    assert events[0].at == CLAIMED_AT
    assert (wallet.status_of("c-1"), wallet.status_of("c-2")) == ("void", "void")
    assert wallet.usable_coupons(CLAIMED_AT) == []
    assert wallet.close(CLAIMED_AT) is False
    assert then(wallet) == []


def test_a_closed_wallet_refuses_to_receive_lock_or_use() -> None:
    wallet = given_locked(coupon("c-1"))
    wallet.receive(coupon("c-2"), per_member_limit=0, at=CLAIMED_AT)
    wallet.close(CLAIMED_AT)
    wallet.collect_events()

    with pytest.raises(AccountClosed):
        wallet.receive(coupon("c-3"), per_member_limit=0, at=CLAIMED_AT)
    with pytest.raises(AccountClosed):
        wallet.lock("c-2", OTHER_ORDER_ID, CLAIMED_AT)
    with pytest.raises(AccountClosed):
        wallet.use("c-1", ORDER_ID, CLAIMED_AT)
    with pytest.raises(CouponUnavailable, match="void"):
        wallet.usable("c-2", CLAIMED_AT)
    assert then(wallet) == []


def test_giving_back_to_a_closed_wallet_records_nothing() -> None:
    wallet = given_locked()
    wallet.close(CLAIMED_AT)
    wallet.collect_events()

    assert wallet.give_back("c-1", ORDER_ID, CLAIMED_AT) is False

    assert then(wallet) == []
    assert wallet.status_of("c-1") == "void"


def test_reopening_a_closed_wallet_starts_it_empty() -> None:
    wallet = given_wallet(coupon())
    wallet.close(CLAIMED_AT)
    wallet.collect_events()

    assert wallet.reopen(CLAIMED_AT) is True
    assert wallet.reopen(CLAIMED_AT) is False

    assert types(then(wallet)) == [CouponWallet.Reopened]
    assert wallet.coupons == {}
    assert wallet.receive(coupon("c-2"), per_member_limit=1, at=CLAIMED_AT) is True


# -- scope -------------------------------------------------------------------------------
TEA = OrderLine("p-1", "sku-1", "Oolong", 2500, 2, category="tea")
CUP = OrderLine("p-2", "sku-2", "Cup", 1000, 1, category="teaware")
POT = OrderLine("p-3", "sku-3", "Pot", 8000, 1, category="teaware")


@pytest.mark.parametrize(
    ("scope", "scope_ids", "expected"),
    [
        ("all", [], [TEA, CUP, POT]),
        ("category", ["teaware"], [CUP, POT]),
        ("category", ["tea", "snacks"], [TEA]),
        ("products", ["p-1", "p-3"], [TEA, POT]),
        ("products", ["p-9"], []),
    ],
)
def test_eligible_lines_are_those_in_the_coupon_scope(
    scope: str, scope_ids: list[str], expected: list[OrderLine]
) -> None:
    terms = replace(MAN_100_JIAN_20, scope=scope, scope_ids=scope_ids)

    assert eligible_lines(terms, [TEA, CUP, POT]) == expected
