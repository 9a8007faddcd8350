"""Registration cohorts over HTTP on both runtimes: four members registering
on known Beijing days, coming back on known days over five weeks (the shop's
clock moved day by day), two of them paying twice, one within 30 days of the
first payment and one beyond; the day and week cohorts' retention and
repurchase the test knows in advance, null for the days and weeks not arrived
yet, the CSV, and the figures kept (and counted) when an account is closed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.support.stack import Stack

from .test_analytics import ARTICLE, MENU, fetch_csv, get, order, visit
from .test_members_and_benefits import pay

D0 = date(2026, 11, 2)  # a Monday


def noon(n: int) -> datetime:
    """12:00 in Beijing, n days after D0."""
    return datetime.combine(D0 + timedelta(days=n), datetime.min.time(), UTC) + timedelta(hours=4)


def day(n: int) -> str:
    return (D0 + timedelta(days=n)).isoformat()


def pick(row: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(row[name] for name in names)


def test_day_and_week_cohorts_their_retention_and_repurchase(stack: Stack) -> None:
    stack.list_product("tea", [("TEA", 5000, 50)])
    # who comes back on which day after D0, and who pays then
    plan: dict[int, list[tuple[str, bool]]] = {
        0: [("u1", False), ("u2", True)],  # u2 registers and pays at once
        1: [("u1", True), ("u2", False), ("u2", False), ("u3", False)],  # u3 registers
        2: [("u3", False)],
        3: [("u1", False)],
        7: [("u1", False)],
        8: [("u3", False)],
        14: [("u1", False)],
        20: [("u1", True)],  # 19 days after u1's first payment: a repurchase
        25: [("u4", False)],  # u4 registers on a Friday
        26: [("u4", False)],
        30: [("u2", False)],
        31: [("u2", True)],  # 31 days after u2's first payment: none
    }
    for n, visits in sorted(plan.items()):
        stack.clock.set(noon(n))
        for user, pays in visits:
            token = visit(stack, user, ARTICLE if user in ("u1", "u3") else MENU)
            if pays:
                pay(stack, token, order(stack, token)["id"])
    today = 31

    days = get(stack, f"/admin/analytics/retention?from={day(0)}&to={day(1)}&cohort=day")
    assert set(days["definitions"]) >= {"active_dN", "retention_dN", "repurchase", "members"}
    assert "active_wN" not in days["definitions"]
    assert (days["cohort"], days["today"]) == ("day", day(today))
    first, second = days["cohorts"]
    names = ("cohort", "members", "active_d1", "active_d3", "active_d7", "active_d14", "active_d30")
    assert pick(first, *names) == (day(0), 2, 2, 1, 1, 1, 1)
    assert pick(second, *names) == (day(1), 1, 1, 0, 1, 0, 0)  # day 30 is today: arrived
    assert pick(first, "retention_d1", "retention_d3", "retention_d30") == (1.0, 0.5, 0.5)
    assert pick(second, "retention_d7", "retention_d14") == (1.0, 0.0)
    money = ("first_payers", "repurchasers", "repurchase")
    assert pick(first, *money) == (1, 0, 0.0)  # u2: paid again, 31 days later
    assert pick(second, *money) == (1, 1, 1.0)  # u1: paid again within 30 days

    late = get(stack, f"/admin/analytics/retention?from={day(25)}&to={day(today)}")
    assert late["cohort"] == "day" and len(late["cohorts"]) == 7
    u4 = late["cohorts"][0]
    assert pick(u4, "members", "active_d1", "active_d3", "retention_d3") == (1, 1, 0, 0.0)
    assert pick(u4, "active_d7", "retention_d7", "active_d14", "active_d30") == (None,) * 4
    last = late["cohorts"][-1]
    assert pick(last, "cohort", "members", "active_d1", "retention_d1") == (
        day(today),
        0,
        None,
        None,
    )

    weeks = get(stack, f"/admin/analytics/retention?from={day(0)}&to={day(1)}&cohort=week")
    assert "active_wN" in weeks["definitions"] and "active_dN" not in weeks["definitions"]
    (week,) = weeks["cohorts"]
    active = [week[f"active_w{n}"] for n in range(1, 9)]
    assert (week["cohort"], week["members"]) == (day(0), 3)
    assert active == [2, 1, 0, 1, None, None, None, None]  # week 5 starts after today
    assert pick(week, "retention_w1", "retention_w2", "retention_w5") == (0.6667, 0.3333, None)
    assert pick(week, *money) == (2, 1, 0.5)
    u4_week = get(stack, f"/admin/analytics/retention?from={day(25)}&to={day(26)}&cohort=week")
    assert pick(u4_week["cohorts"][0], "cohort", "members", "active_w1", "active_w2") == (
        "2026-11-23",
        1,
        0,
        None,
    )

    response, rows = fetch_csv(
        stack, f"/admin/analytics/retention?from={day(0)}&to={day(1)}&format=csv"
    )
    assert "retention-day" in response.headers["Content-Disposition"]
    assert [
        pick(r, "cohort", "members", "active_d1", "retention_d3", "repurchase") for r in rows
    ] == [
        (day(0), "2", "2", "0.5", "0.0"),
        (day(1), "1", "1", "0.0", "1.0"),
    ]
    _, rows = fetch_csv(stack, f"/admin/analytics/retention?from={day(25)}&to={day(25)}&format=csv")
    assert pick(rows[0], "active_d3", "active_d7", "retention_d30") == ("0", "", "")
    _, rows = fetch_csv(stack, f"/admin/analytics/retention?cohort=week&format=csv&to={day(1)}")
    assert [r["cohort"] for r in rows][-1] == day(0) and rows[-1]["active_w4"] == "1"

    u3 = visit(stack, "u3", ARTICLE)  # today: u3's day 30, and week 4 of the week cohort
    assert stack.call("DELETE", "/me", token=u3) == (200, {"closed": True})
    after = get(stack, f"/admin/analytics/retention?from={day(0)}&to={day(1)}&cohort=week")
    week_after = after["cohorts"][0]
    assert pick(week_after, "members", "active_w1", "active_w4", "active_w5") == (3, 2, 2, None)
    assert pick(after["cohorts"][0], *money) == (2, 1, 0.5)
    again = get(stack, f"/admin/analytics/retention?from={day(0)}&to={day(1)}")
    assert again["cohorts"][0] == first
    assert pick(again["cohorts"][1], "members", "active_d7", "active_d30") == (1, 1, 1)


def test_bad_cohorts_and_ranges_are_refused_naming_the_field(stack: Stack) -> None:
    for query, field in [
        ("cohort=month", "cohort"),
        ("from=2026-11-03&to=2026-11-02", "from"),
        ("from=2025-11-01&to=2026-11-02&cohort=week", "to"),
        ("format=xlsx&cohort=week", "format"),
        ("to=2026-02-30", "to"),
    ]:
        status, answer = stack.call("GET", f"/admin/analytics/retention?{query}", admin=True)
        assert status == 400, (query, answer)
        assert answer["details"]["errors"][0]["field"] == field, answer
    assert stack.call("GET", "/admin/analytics/retention")[0] == 401
    default = get(stack, "/admin/analytics/retention")
    assert len(default["cohorts"]) == 30 and default["cohort"] == "day"
    weeks = get(stack, "/admin/analytics/retention?from=2025-11-02&to=2026-11-02&cohort=week")
    cohorts = [c["cohort"] for c in weeks["cohorts"]]  # every week holding a day of the range
    assert (len(cohorts), cohorts[0], cohorts[-1]) == (54, "2025-10-27", "2026-11-02")
