"""The member's own pages (我的): profile, phone, level, points, coupons, their
data export and closing the account (注销). Session token required."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, choice_param, current_member
from .responses import ApiError, handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/me", methods=["GET"])
@handles_errors
def me() -> Response:
    from ..projections import loyalty_queries as q
    from .personal import reveal_phone, reveal_profile

    member_id = current_member(bp)
    c = container()
    doc = reveal_profile(q.me(c.views, member_id, c.now(), c.shop.accounts.levels()))
    doc["phone"] = _masked(reveal_phone(member_id, doc.pop("sealed_phone", None)))
    return json_response(doc)


def _masked(phone: str | None) -> str | None:
    return phone[:3] + "****" + phone[-4:] if phone and len(phone) >= 7 else phone


@bp.route("/me/profile", methods=["POST"])
@handles_errors
def update_profile() -> Response:
    from .loyalty_schemas import ProfileIn

    member_id = current_member(bp)
    request = body(bp, ProfileIn)
    profile = container().shop.members.update_profile(
        member_id,
        nickname=request.nickname,
        avatar_url=request.avatar_url,
        birthday=request.birthday,
    )
    return json_response(
        {
            "nickname": profile.nickname,
            "avatar_url": profile.avatar_url,
            "birthday": profile.birthday,
        }
    )


@bp.route("/me/phone", methods=["POST"])
@handles_errors
def bind_phone() -> Response:
    """getuserphonenumber: the code from the button; the number is sealed at once."""
    from ..adapters.wechat import WeChatError
    from .loyalty_schemas import PhoneIn

    member_id = current_member(bp)
    code = body(bp, PhoneIn).code
    c = container()
    try:
        phone = c.clients.wechat.user_phone(code).pure_phone_number
    except WeChatError as error:
        if error.errcode == 40029:
            raise ApiError(
                400,
                "invalid_request",
                "code: invalid or already used phone code",
                errors=[{"field": "code", "message": "invalid or used"}],
            ) from None
        raise
    c.shop.members.bind_phone(member_id, phone)
    return json_response({"phone_bound": True, "phone": _masked(phone)})


@bp.route("/me/check-in", methods=["POST"])
@handles_errors
@idempotent(bp)
def check_in() -> Response:
    member_id = current_member(bp)
    shop = container().shop
    earned = shop.loyalty.check_in(member_id)
    account = shop.accounts.points_account(member_id)
    return json_response({"points": earned, "balance": account.balance, "streak": account.streak})


@bp.route("/me/points", methods=["GET"])
@handles_errors
def points_ledger() -> Response:
    from ..projections import loyalty_queries as q

    member_id = current_member(bp)
    c = container()
    return json_response(q.points_ledger(c.views, member_id, c.now()))


@bp.route("/me/coupons", methods=["GET"])
@handles_errors
def my_coupons() -> Response:
    from ..projections import loyalty_queries as q

    member_id = current_member(bp)
    c = container()
    status = choice_param(bp, "status", q.COUPON_STATUSES)
    items = q.member_coupons(c.views, member_id, c.now(), status)
    return json_response({"items": items})


@bp.route("/coupons", methods=["GET"])
@handles_errors
def claimable_coupons() -> Response:
    from ..projections import loyalty_queries as q

    c = container()
    return json_response({"items": q.coupon_templates(c.views, c.now(), claimable_only=True)})


@bp.route("/coupons/{code}/claim", methods=["POST"])
@handles_errors
@idempotent(bp)
def claim_coupon(code: str) -> Response:
    from ..projections.base import plain

    member_id = current_member(bp)
    coupon = container().shop.coupons.claim_coupon(member_id, code)
    return json_response(plain(coupon), status=201)


@bp.route("/me/export", methods=["GET"])
@handles_errors
def export() -> Response:
    """Everything the shop holds on the member, personal data opened."""
    from ..projections import loyalty_queries as q
    from .personal import reveal_orders, reveal_phone, reveal_profile

    member_id = current_member(bp)
    c = container()
    profile = reveal_profile(q.me(c.views, member_id, c.now(), c.shop.accounts.levels()))
    profile["phone"] = reveal_phone(member_id, profile.pop("sealed_phone", None))
    orders = q.all_member_orders(c.views, member_id)
    return json_response(
        {
            "member": profile,
            "orders": reveal_orders(orders),
            "points": q.points_ledger(c.views, member_id, c.now()),
            "coupons": q.member_coupons(c.views, member_id, c.now(), None),
        }
    )


@bp.route("/me", methods=["DELETE"])
@handles_errors
def close_account() -> Response:
    """注销: the member's key is destroyed; their orders stay, unreadable as to who."""
    member_id = current_member(bp)
    container().shop.members.close_account(member_id)
    return json_response({"closed": True})
