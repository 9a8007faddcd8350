"""One projection failing on an event stops nothing else: a coupon template
whose start (year 1) the coupons projection cannot convert to UTC, saved
through the application (the API edge refuses such times), parks the coupons
projection at that event; logins, orders and payments keep answering 2xx
exactly once, the other read models keep up, operators see the park, and a
resume after the fix brings the coupons up to date."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from chalicelib.api import schedules
from chalicelib.domain.coupons import CouponTemplate
from chalicelib.domain.values import CouponTerms
from chalicelib.projections import coupons
from chalicelib.projections.runner import PARKED
from tests.support.stack import Stack

from .test_order_flow import place

BEIJING = timezone(timedelta(hours=8))


def plant_a_template_the_coupons_projection_fails_on(stack: Stack) -> None:
    stack.container.shop.coupons.define_coupon_template(
        code="ANCIENT",
        title="from the year 1",
        terms=CouponTerms("no_threshold", amount_fen=500),
        trigger="claim",
        starts_at=datetime(1, 1, 1, tzinfo=BEIJING),
        ends_at=datetime(2027, 1, 1, tzinfo=BEIJING),
        valid_days=0,
        total_quantity=0,
        per_member_limit=1,
    )


def projections(stack: Stack) -> dict[str, Any]:
    status, answer = stack.call("GET", "/admin/projections", admin=True)
    assert status == 200, answer
    return {p["name"]: p for p in answer["items"]}  # each with its own log's position


def test_a_parked_projection_stops_nothing_else_and_resumes_after_a_fix(
    stack: Stack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    product = stack.list_product("tea", [("TEA-50G", 6800, 20)])
    alice = stack.login("alice")
    first = place(stack, alice, "TEA-50G")

    plant_a_template_the_coupons_projection_fails_on(stack)

    bob = stack.login("bob")  # a new member: logins keep working
    second = place(stack, alice, "TEA-50G", 2)
    _, mine = stack.call("GET", "/orders", token=alice)
    assert sorted(o["id"] for o in mine["items"]) == sorted([first["id"], second["id"]])
    assert stack.call("POST", f"/orders/{second['id']}/pay", token=alice)[0] == 200
    assert stack.sandbox.pay(second["id"].replace("-", ""), times=2) == [204, 204]
    status, paid = stack.call("GET", f"/orders/{second['id']}", token=alice)
    assert status == 200 and paid["status"] == "paid"
    _, paid_list = stack.call("GET", "/orders?status=paid", token=alice)  # order status view
    assert [o["id"] for o in paid_list["items"]] == [second["id"]]
    _, shown = stack.call("GET", f"/products/{product['id']}")  # catalogue view
    assert shown["skus"][0]["available"] == 17
    status, me = stack.call("GET", "/me", token=bob)  # members view
    assert status == 200 and me["member_id"]

    state = projections(stack)
    parked = state["coupons"]["parked"]
    assert parked["error"].startswith("OverflowError")
    assert parked["topic"].endswith("CouponTemplate.Defined")
    assert state["coupons"]["position"] == parked["position"] - 1
    for name, other in state.items():
        if name != "coupons":
            assert other["parked"] is None, name
            assert other["position"] == other["log_position"], name
    status, templates = stack.call("GET", "/admin/coupon-templates", admin=True)
    assert status == 200 and templates["items"] == []  # stale, but answering
    assert stack.call("POST", "/admin/jobs/run", admin=True)[0] == 200
    with caplog.at_level(logging.ERROR, logger="chalicelib.api.schedules"):
        schedules.run_due_jobs()  # every scheduled round repeats the alarm's line
    assert any(r.getMessage().startswith(f"{PARKED}: coupons@1") for r in caplog.records)

    status, rebuilt = stack.call("POST", "/admin/projections/coupons/rebuild", admin=True)
    assert status == 200 and rebuilt["rebuilt"] is False and rebuilt["generation"] == 1
    assert rebuilt["rebuild_parked"]["position"] == parked["position"]
    status, rebuilt = stack.call("POST", "/admin/projections/catalogue/rebuild", admin=True)
    assert status == 200 and rebuilt["rebuilt"] is True and rebuilt["generation"] == 2

    status, again = stack.call("POST", "/admin/projections/coupons/resume", admin=True)
    assert status == 200 and again["parked"]["position"] == parked["position"]  # not fixed yet

    failing = coupons.HANDLERS[CouponTemplate.Defined]

    def fixed(e: CouponTemplate.Defined, views: Any) -> None:
        """The fix: a start before any sale is no start at all."""
        if e.starts_at is not None and e.starts_at.year < 1970:
            e = dataclasses.replace(e, starts_at=None)
        failing(e, views)

    monkeypatch.setitem(coupons.HANDLERS, CouponTemplate.Defined, fixed)
    status, resumed = stack.call("POST", "/admin/projections/coupons/resume", admin=True)
    assert status == 200 and resumed["parked"] is None
    assert projections(stack)["coupons"]["position"] == stack.event_count()
    _, templates = stack.call("GET", "/admin/coupon-templates", admin=True)
    assert [t["code"] for t in templates["items"]] == ["ANCIENT"]
    assert stack.call("POST", "/admin/projections/coupons/resume", admin=True)[0] == 409
    assert stack.call("POST", "/admin/projections/nope/resume", admin=True)[0] == 404
