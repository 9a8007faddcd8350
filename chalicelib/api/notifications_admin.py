"""The operators' view of notifications (X-Admin-Token): what was sent,
suppressed (and why) and failed, per template and per Beijing day."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import choice_param, query_param, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)
STATUSES = ("sent", "failed", "suppressed", "dispatched")


def _day() -> str:
    """`?day=YYYY-MM-DD`, today in Beijing when absent."""
    from ..application.errors import InvalidInput
    from ..domain.calendar import beijing_day
    from .schemas import plausible_day

    given = query_param(bp, "day")
    if given is None:
        return beijing_day(container().now())
    try:
        return plausible_day(given).isoformat()
    except ValueError as error:
        raise InvalidInput("day", str(error)) from None


@bp.route("/admin/notifications", methods=["GET"])
@handles_errors
def notifications() -> Response:
    """The day's notifications, newest first; `?status=` one of sent, failed,
    suppressed, dispatched (sent but not yet confirmed)."""
    from ..projections import notification_queries as q

    require_admin(bp)
    status = choice_param(bp, "status", STATUSES)
    day = _day()
    container().follow_on.before_read("notification_log")
    items = q.notifications(container().views, day, status=status)
    return json_response({"day": day, "notifications": items})


@bp.route("/admin/notifications/stats", methods=["GET"])
@handles_errors
def stats() -> Response:
    """Per template: sent, failed, suppressed by reason, delivery reports."""
    from ..projections import notification_queries as q

    require_admin(bp)
    day = _day()
    container().follow_on.before_read("notification_log")
    return json_response({"day": day, "templates": q.daily_stats(container().views, day)})
