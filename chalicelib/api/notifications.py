"""The member's notification settings: subscribe-message credits reported by
the mini-program, and the categories they opt out of. Session token required."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, current_member
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/me/subscribe-messages", methods=["POST"])
@handles_errors
def report_subscriptions() -> Response:
    """Each accepted template is one credit for one message of it; rejections
    and templates the shop does not use grant nothing."""
    from .notification_schemas import SubscribeResultsIn

    member_id = current_member(bp)
    results = body(bp, SubscribeResultsIn).results
    return json_response(
        container().shop.subscriptions.grant_subscriptions(member_id, dict(results))
    )


@bp.route("/me/notification-preferences", methods=["GET"])
@handles_errors
def preferences() -> Response:
    member_id = current_member(bp)
    return json_response(container().shop.subscriptions.notification_preferences(member_id))


@bp.route("/me/notification-preferences", methods=["PUT"])
@handles_errors
def set_preferences() -> Response:
    from .notification_schemas import PreferencesIn

    member_id = current_member(bp)
    opted_out = body(bp, PreferencesIn).opted_out
    shop = container().shop
    shop.subscriptions.set_notification_preferences(member_id, list(opted_out))
    return json_response(shop.subscriptions.notification_preferences(member_id))
