"""The operators' promotion analytics (X-Admin-Token): a campaign's figures
per Beijing day with its sources, and each coupon template's figures with the
满减 vs 折扣 comparison. Every answer states the definitions it used, and
`?format=csv` answers the rows as CSV (UTF-8 with a BOM, so Excel opens
Chinese), as the other analytics answers do (analytics_admin.py). A campaign's
visits come from the behaviour log (projections/campaign_visits.py); on the
embedded runtime its projections catch up first, as for the overview."""

from __future__ import annotations

from datetime import date, timedelta

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .analytics_admin import DEFAULT_DAYS, FORMATS, MAX_DAYS, csv_response
from .inputs import choice_param, query_param, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


def _day(name: str) -> date | None:
    from ..application.errors import InvalidInput
    from .schemas import plausible_day

    text = query_param(bp, name)
    try:
        return None if text is None else plausible_day(text)
    except ValueError as error:
        raise InvalidInput(name, str(error)) from None


def _range() -> tuple[date, date]:
    """`from` and `to`, Beijing days, inclusive: as the other analytics answers
    take them (by default the last DEFAULT_DAYS days, at most MAX_DAYS)."""
    from ..application.errors import InvalidInput
    from ..domain.calendar import beijing_date

    end = _day("to") or beijing_date(container().now())
    start = _day("from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput("from", "a day on or before `to`")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput("to", f"at most {MAX_DAYS} days after `from` (inclusive)")
    return start, end


@bp.route("/admin/analytics/campaigns/{code}", methods=["GET"])
@handles_errors
def campaign(code: str) -> Response:
    from ..projections import promotion_queries

    require_admin(bp)
    start, end = _range()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    container().follow_on.before_read("promotion_analytics")
    container().behaviour_follow_on.before_read()  # the visits tracked before this read
    answer = promotion_queries.campaign(container().views, code, start, end)
    if csv_wanted:
        columns = promotion_queries.CAMPAIGN_COLUMNS
        name = f"campaign-{answer['campaign']['code']}"
        return csv_response(name, columns, answer["days"], start, end)
    return json_response(answer)


@bp.route("/admin/analytics/coupons", methods=["GET"])
@handles_errors
def coupons() -> Response:
    from ..projections import promotion_queries

    require_admin(bp)
    start, end = _range()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    container().follow_on.before_read("promotion_analytics")
    answer = promotion_queries.coupons(container().views, start, end)
    if csv_wanted:
        columns = promotion_queries.COUPON_COLUMNS
        return csv_response("coupons", columns, answer["templates"], start, end)
    return json_response(answer)
