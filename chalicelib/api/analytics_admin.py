"""The operators' analytics (X-Admin-Token): the daily overview, the figures
per traffic source, the funnels, the registration cohorts' retention and
repurchase, and the sources' labels. The overview, the sources and the funnel
join the behaviour log's figures (projections/behaviour_queries.py); on the
embedded runtime every read first catches up the projections it reads (the
order log's analytics run off the request path: projections/lanes.py), so an
operator sees every event committed or tracked before the read. Days are
Beijing days; every answer states the definitions it used, and `?format=csv`
answers the rows as CSV (UTF-8 with a BOM, so Excel opens Chinese)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, choice_param, query_param, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)
MAX_DAYS = 366
DEFAULT_DAYS = 30
FORMATS = ("json", "csv")


def _day(name: str) -> date | None:
    from ..application.errors import InvalidInput
    from .schemas import plausible_day

    text = query_param(bp, name)
    if text is None:
        return None
    try:
        return plausible_day(text)
    except ValueError as error:
        raise InvalidInput(name, str(error)) from None


def _range() -> tuple[date, date]:
    """`from` and `to` (Beijing days, inclusive, at most MAX_DAYS days); by
    default the last DEFAULT_DAYS days up to today."""
    from ..application.errors import InvalidInput
    from ..domain.calendar import beijing_date

    end = _day("to") or beijing_date(container().now())
    start = _day("from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput("from", "a day on or before `to`")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput("to", f"at most {MAX_DAYS} days after `from` (inclusive)")
    return start, end


def csv_response(
    name: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], start: date, end: date
) -> Response:
    from .csv_cells import cell

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(column)) for column in columns])
    filename = f"{name}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        body="\ufeff" + out.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _caught_up() -> None:
    """The order log's analytics and the behaviour log's figures take in every
    event so far (on the embedded runtime; on AWS the projector functions do)."""
    c = container()
    c.follow_on.before_read()
    c.behaviour_follow_on.before_read()


@bp.route("/admin/analytics/overview", methods=["GET"])
@handles_errors
def overview() -> Response:
    from ..projections import behaviour_queries

    require_admin(bp)
    start, end = _range()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    _caught_up()
    answer = behaviour_queries.overview(container().views, start, end)
    if csv_wanted:
        columns = behaviour_queries.OVERVIEW_COLUMNS
        return csv_response("overview", columns, answer["days"], start, end)
    return json_response(answer)


@bp.route("/admin/analytics/sources", methods=["GET"])
@handles_errors
def sources() -> Response:
    from ..projections import behaviour_queries

    require_admin(bp)
    start, end = _range()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    _caught_up()
    answer = behaviour_queries.sources(container().views, start, end)
    if csv_wanted:
        columns = behaviour_queries.SOURCE_COLUMNS
        return csv_response("sources", columns, answer["days"], start, end)
    return json_response(answer)


def _window_days() -> int:
    from ..application.errors import InvalidInput
    from ..domain import funnel

    text = query_param(bp, "window_days")
    if text is None:
        return funnel.DEFAULT_WINDOW_DAYS
    if not re.fullmatch(r"[0-9]{1,3}", text) or int(text) > funnel.MAX_WINDOW_DAYS:
        raise InvalidInput("window_days", f"a whole number of days, 0 to {funnel.MAX_WINDOW_DAYS}")
    return int(text)


@bp.route("/admin/analytics/funnel", methods=["GET"])
@handles_errors
def funnel_answer() -> Response:
    """`acquisition`: the people first seen in the range, step by step within
    `window_days` (funnel_queries.acquisition_funnel); `daily`: the shopping
    funnel per day and source (behaviour_queries.daily_funnel). CSV: the daily rows."""
    from ..projections import behaviour_queries, funnel_queries

    require_admin(bp)
    start, end = _range()
    window_days = _window_days()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    _caught_up()
    views = container().views
    daily = behaviour_queries.daily_funnel(views, start, end)
    if csv_wanted:
        rows = behaviour_queries.funnel_csv_rows(daily)
        return csv_response("funnel", behaviour_queries.FUNNEL_CSV_COLUMNS, rows, start, end)
    return json_response(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "window_days": window_days,
            "definitions": behaviour_queries.FUNNEL_DEFINITIONS,
            "acquisition": funnel_queries.acquisition_funnel(views, start, end, window_days),
            "daily": daily,
        }
    )


@bp.route("/admin/analytics/retention", methods=["GET"])
@handles_errors
def retention() -> Response:
    from ..domain.calendar import beijing_date
    from ..domain.retention import COHORTS
    from ..projections import analytics_queries

    require_admin(bp)
    start, end = _range()
    cohort = choice_param(bp, "cohort", COHORTS) or "day"
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    today = beijing_date(container().now())
    container().follow_on.before_read()
    answer = analytics_queries.retention(container().views, start, end, cohort, today)
    if csv_wanted:
        columns = analytics_queries.retention_columns(cohort)
        return csv_response(f"retention-{cohort}", columns, answer["cohorts"], start, end)
    return json_response(answer)


@bp.route("/admin/analytics/sources/labels", methods=["GET"])
@handles_errors
def labels() -> Response:
    from ..projections import analytics_queries

    require_admin(bp)
    container().follow_on.before_read()
    return json_response(analytics_queries.label_list(container().views))


@bp.route("/admin/analytics/sources/{source}", methods=["PUT"])
@handles_errors
def label_source(source: str) -> Response:
    from .analytics_schemas import LabelIn

    require_admin(bp)
    request = body(bp, LabelIn)
    key, label = container().shop.source_labels.label_source(unquote(source), request.label)
    return json_response({"source": key, "label": label})
