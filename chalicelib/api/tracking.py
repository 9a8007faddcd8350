"""POST /track: batches of behaviour events from the mini-program (README,
"Behaviour events").

The caller is the member of the session token when an Authorization header
comes along (an invalid or expired token is a 401, never silently anonymous);
without one, the body's `install_id` names the install. Either is the subject
the events are recorded and rate-limited under."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, current_member
from .responses import ApiError, error_response, handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/track", methods=["POST"])
@handles_errors
def track() -> Response:
    from ..application.tracking import RateLimited
    from ..domain.behaviour import install_subject, member_subject
    from .analytics_schemas import TrackIn

    has_session = bool(bp.current_request.headers.get("authorization", "").strip())
    subject = member_subject(current_member(bp)) if has_session else None
    request = body(bp, TrackIn)
    if subject is None:
        if request.install_id is None:
            raise ApiError(
                401,
                "unauthenticated",
                "log in first (Authorization: Bearer <token>) or send install_id",
            )
        subject = install_subject(request.install_id)
    try:
        answer = container().tracking.track(subject, request.events)
    except RateLimited as limited:
        response = error_response(
            429,
            "rate_limited",
            f"{limited}; try again in {limited.retry_after_s} seconds",
            {
                "retry_after_s": limited.retry_after_s,
                "limit": limited.limit,
                "window_s": limited.window_s,
            },
        )
        response.headers["Retry-After"] = str(limited.retry_after_s)
        return response
    return json_response(answer.as_dict())
