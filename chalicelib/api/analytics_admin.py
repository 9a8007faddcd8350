"""The operators' analytics (X-Admin-Token): the daily overview, the figures
per traffic source, the registration cohorts' retention and repurchase, and
the sources' labels. Days are Beijing days; every
answer states the definitions it used, and `?format=csv` answers the rows as
CSV (UTF-8 with a BOM, so Excel opens Chinese)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import unquote

from chalice.app import Blueprint, Response
from pydantic import Field

from ..application.errors import InvalidInput
from ..bootstrap import container
from ..domain.calendar import beijing_date
from ..domain.retention import COHORTS
from ..projections import analytics_queries
from .inputs import body, choice_param, query_param, require_admin
from .responses import handles_errors, json_response
from .schemas import Strict, plausible_day

bp = Blueprint(__name__)
MAX_DAYS = 366
DEFAULT_DAYS = 30
FORMATS = ("json", "csv")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting so is a formula to a spreadsheet: it is prefixed with '."""


class LabelIn(Strict):
    label: str = Field(min_length=1, max_length=200)
    """Checked again, trimmed, by the domain: 1-40 characters."""


def _day(name: str) -> date | None:
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
    end = _day("to") or beijing_date(container().now())
    start = _day("from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidInput("from", "a day on or before `to`")
    if (end - start).days + 1 > MAX_DAYS:
        raise InvalidInput("to", f"at most {MAX_DAYS} days after `from` (inclusive)")
    return start, end


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(
    name: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]], start: date, end: date
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    filename = f"{name}-{start.isoformat()}-{end.isoformat()}.csv"
    return Response(
        body="\ufeff" + out.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@bp.route("/admin/analytics/overview", methods=["GET"])
@handles_errors
def overview() -> Response:
    require_admin(bp)
    start, end = _range()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    answer = analytics_queries.overview(container().views, start, end)
    if csv_wanted:
        columns = analytics_queries.OVERVIEW_COLUMNS
        return csv_response("overview", columns, answer["days"], start, end)
    return json_response(answer)


@bp.route("/admin/analytics/sources", methods=["GET"])
@handles_errors
def sources() -> Response:
    require_admin(bp)
    start, end = _range()
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    answer = analytics_queries.sources(container().views, start, end)
    if csv_wanted:
        columns = analytics_queries.SOURCE_COLUMNS
        return csv_response("sources", columns, answer["days"], start, end)
    return json_response(answer)


@bp.route("/admin/analytics/retention", methods=["GET"])
@handles_errors
def retention() -> Response:
    require_admin(bp)
    start, end = _range()
    cohort = choice_param(bp, "cohort", COHORTS) or "day"
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    today = beijing_date(container().now())
    answer = analytics_queries.retention(container().views, start, end, cohort, today)
    if csv_wanted:
        columns = analytics_queries.retention_columns(cohort)
        return csv_response(f"retention-{cohort}", columns, answer["cohorts"], start, end)
    return json_response(answer)


@bp.route("/admin/analytics/sources/labels", methods=["GET"])
@handles_errors
def labels() -> Response:
    require_admin(bp)
    return json_response(analytics_queries.label_list(container().views))


@bp.route("/admin/analytics/sources/{source}", methods=["PUT"])
@handles_errors
def label_source(source: str) -> Response:
    require_admin(bp)
    request = body(bp, LabelIn)
    key, label = container().shop.source_labels.label_source(unquote(source), request.label)
    return json_response({"source": key, "label": label})
