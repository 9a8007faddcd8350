"""Operators' view of the read models (X-Admin-Token): where each projection
stands, resuming one parked at an event it failed on, and rebuilding one.

A parked projection stops alone: commands, payments and the other read models
carry on (chalicelib/projections/runner.py, "Failure isolation")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import require_admin
from .responses import ApiError, handles_errors, json_response

if TYPE_CHECKING:
    from ..projections.runner import ReadModelRunner
    from ..projections.runners import Runners

bp = Blueprint(__name__)


def _runner(runners: Runners, name: str) -> ReadModelRunner:
    """The runner of the log the projection reads (the order log or the behaviour log)."""
    runner = runners.owner(name)
    if runner is None:
        raise ApiError(404, "not_found", f"no projection {name!r}", known=sorted(runners.names()))
    return runner


def _status(runners: Runners, name: str) -> dict[str, object]:
    return {**_runner(runners, name).status(name), "log": runners.log_of(name)}


@bp.route("/admin/projections", methods=["GET"])
@handles_errors
def projections() -> Response:
    """Every projection of both logs: its log, that log's length
    (`log_position`), its generation, position and park (the error and the
    event). At the top, `log_position` is the order log's length and
    `behaviour_log_position` the behaviour log's."""
    from ..projections.runners import BEHAVIOUR_LOG, ORDER_LOG

    require_admin(bp)
    runners = container().runners
    ends = {log: runner.log_length() for log, runner in runners.by_log().items()}
    items = [_status(runners, name) for name in runners.names()]
    return json_response(
        {
            "log_position": ends[ORDER_LOG],
            "behaviour_log_position": ends[BEHAVIOUR_LOG],
            "items": [item | {"log_position": ends[str(item["log"])]} for item in items],
        }
    )


@bp.route("/admin/projections/{name}/resume", methods=["POST"])
@handles_errors
def resume(name: str) -> Response:
    """Retries from the event the projection is parked at (after a fix is
    deployed); if it fails again it parks again, and the answer shows it."""
    from ..projections.runner import NotParked

    require_admin(bp)
    runners = container().runners
    try:
        _runner(runners, name).resume(name)
    except NotParked as error:
        raise ApiError(409, "not_parked", str(error), projection=name) from error
    return json_response(_status(runners, name))


@bp.route("/admin/projections/{name}/rebuild", methods=["POST"])
@handles_errors
def rebuild(name: str) -> Response:
    """Replays the projection's log into a new generation, started over (an
    operator asks after a fix); readers switch to it only if it completed
    (`rebuilt`), else the new generation's park says where it failed."""
    require_admin(bp)
    runners = container().runners
    result = _runner(runners, name).rebuild([name], restart=True)
    rebuilt = name in result.switched
    status = _status(runners, name)
    return json_response(
        {"projection": name, "events": result.events, "rebuilt": rebuilt, **status}
    )
