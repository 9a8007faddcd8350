"""The official account's figures for operators (X-Admin-Token): entries from
its menu and articles and their conversion, its followers per day (gained,
lost, linked to a member, paid, repurchased, retained 30 days) and the follow
conversion per day of the prompt (over the behaviour log: on the embedded
runtime its projections first catch up, as for the overview). The answer
states the definitions it used; `?format=csv` answers the rows as CSV (UTF-8
with a BOM, so Excel opens Chinese), as the other analytics answers do."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .analytics_admin import FORMATS, csv_response
from .inputs import choice_param, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/admin/analytics/official-account", methods=["GET"])
@handles_errors
def official_account() -> Response:
    from ..domain.calendar import beijing_date
    from ..projections import oa_metrics_queries
    from .day_range import day_range

    require_admin(bp)
    start, end = day_range(bp)
    csv_wanted = choice_param(bp, "format", FORMATS) == "csv"
    today = beijing_date(container().now())
    container().follow_on.before_read("oa_metrics")
    container().behaviour_follow_on.before_read()
    answer = oa_metrics_queries.official_account(container().views, start, end, today)
    if csv_wanted:
        rows = oa_metrics_queries.csv_rows(answer)
        columns = oa_metrics_queries.CSV_COLUMNS
        return csv_response("official-account", columns, rows, start, end)
    return json_response(answer)
