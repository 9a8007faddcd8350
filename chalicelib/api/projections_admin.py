"""Operators' view of the read models (X-Admin-Token): where each projection
stands, resuming one parked at an event it failed on, and rebuilding one.

A parked projection stops alone: commands, payments and the other read models
carry on (chalicelib/projections/runner.py, "Failure isolation")."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from ..projections.runner import NotParked, ReadModelRunner
from .inputs import require_admin
from .responses import ApiError, handles_errors, json_response

bp = Blueprint(__name__)


def _known(runner: ReadModelRunner, name: str) -> str:
    if name not in runner.projections:
        raise ApiError(
            404, "not_found", f"no projection {name!r}", known=sorted(runner.projections)
        )
    return name


@bp.route("/admin/projections", methods=["GET"])
@handles_errors
def projections() -> Response:
    """Every projection: generation, position, park (the error and the event)."""
    require_admin(bp)
    runner = container().runner
    return json_response(
        {
            "log_position": runner.log_length(),
            "items": [runner.status(name) for name in runner.projections],
        }
    )


@bp.route("/admin/projections/{name}/resume", methods=["POST"])
@handles_errors
def resume(name: str) -> Response:
    """Retries from the event the projection is parked at (after a fix is
    deployed); if it fails again it parks again, and the answer shows it."""
    require_admin(bp)
    runner = container().runner
    try:
        runner.resume(_known(runner, name))
    except NotParked as error:
        raise ApiError(409, "not_parked", str(error), projection=name) from error
    return json_response(runner.status(name))


@bp.route("/admin/projections/{name}/rebuild", methods=["POST"])
@handles_errors
def rebuild(name: str) -> Response:
    """Replays the log into a new generation, started over (an operator asks
    after a fix); readers switch to it only if it completed (`rebuilt`), else
    the new generation's park says where it failed."""
    require_admin(bp)
    runner = container().runner
    result = runner.rebuild([_known(runner, name)], restart=True)
    events = result.events
    status = runner.status(name)
    rebuilt = name in result.switched
    return json_response({"projection": name, "events": events, "rebuilt": rebuilt, **status})
