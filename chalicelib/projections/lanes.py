"""Which of the order log's projections a command's request catches up, and
which catch up in the background (embedded runtime; README, Architecture,
"Read-your-writes and the background projections").

A projection is read-your-writes when a caller reads it right after its own
command (the member's order after placing it, the operator's product after
editing it), or when a command itself reads it through a port. Every other
projection is caught up off the request, by the follow-on sender thread before
it sends (follow_on.py), by the scheduler's round, and by the reads that need
it, which catch it up first (`FollowOnWork.before_read`). Each entry says why.

A projection named in neither map runs in the request: the safe side (it is
only slower); tests/unit/test_projection_lanes.py fails until it is declared.
On AWS the split does not apply: the projector function catches every
projection up from the stream."""

from __future__ import annotations

from collections.abc import Iterable

READ_YOUR_WRITES: dict[str, str] = {
    "catalogue": "GET /products/{id} and the operators' product pages show the stock, prices "
    "and sale state an order or an edit just changed",
    "order_status": "the order a command just placed, paid, shipped or refunded is read back at "
    "once: GET /orders/{id}, /orders, /admin/orders, the admin search and export",
    "members": "GET /me shows the profile, level and balance a command just changed; the "
    "mini-program push finds a member by openid right after the login",
    "points": "GET /me/points shows the points an order or a redemption just moved",
    "coupons": "GET /me/coupons shows a coupon just claimed or used; the templates an operator "
    "just defined are listed at once",
    "invites": "GET /me/invite shows the registration an invitation just brought",
    "reservations": "GET /me/reservations shows the reservation just made",
    "campaigns": "the campaign, team and progress pages show the group-buy or bargain just "
    "joined or helped, and the operators' campaign just created",
    "followers": "a command reads it: the official account's use cases find a follower by "
    "unionid (FollowersByUnionKey, a port of the write side)",
    "reviews": "the product's reviews and the moderation page show the review just posted or "
    "moderated",
    "after_sales": "the after-sales request a member or an operator just moved is read back at "
    "once: POST /orders/{id}/after-sales, /admin/after-sales",
}

IN_BACKGROUND: dict[str, str] = {
    "product_search": "GET /products/search is browsing, not a read of the caller's own "
    "command: it follows an edit or a sale within one background round, while GET "
    "/products/{id} (the catalogue) shows it at once",
    "co_purchases": "the recommendations (bought together) are browsing, not a read of the "
    "caller's own command: an order shows in them within one background round",
    "order_timers": "read only by the scheduler's due jobs, whose round catches every "
    "projection up first",
    "refund_requests": "its only output is the WeChat Pay refund message: a side effect, which "
    "the sender thread sends right after catching it up",
    "low_stock": "its only output is the operators' low-stock alert message (a side effect)",
    "notification_triggers": "intents and their outbox messages: the sender reads them in the "
    "same thread, after catching up; /admin/outbox catches every background projection up first",
    "notification_log": "read by /admin/notifications only, which catches up first",
    "analytics": "read by /admin/analytics/*, which catch up first; GET /experiments catches "
    "it up first when a source-targeted experiment asks for the member's acquisition source",
    "promotion_analytics": "read by /admin/analytics/campaigns and /coupons, which catch up first",
    "oa_metrics": "read by /admin/analytics/official-account, which catches up first",
    "experiments": "read by the experiment results (/admin/experiments/{key}/results), which "
    "catch up first",
    "behaviour_mirror": "its only output is outbox messages that copy facts into the behaviour "
    "log, which has its own background projector anyway",
}


def in_request(names: Iterable[str]) -> list[str]:
    """The projections a command's request catches up: the read-your-writes
    ones and any not declared."""
    return [name for name in names if name not in IN_BACKGROUND]


def in_background(names: Iterable[str]) -> list[str]:
    return [name for name in names if name in IN_BACKGROUND]
