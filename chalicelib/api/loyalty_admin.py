"""The operators' levels and coupon templates (X-Admin-Token)."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .inputs import body, require_admin
from .responses import handles_errors, json_response

bp = Blueprint(__name__)


@bp.route("/admin/levels", methods=["GET"])
@handles_errors
def levels() -> Response:
    from ..projections.base import plain

    require_admin(bp)
    return json_response({"levels": plain(container().shop.accounts.levels())})


@bp.route("/admin/levels", methods=["PUT"])
@handles_errors
def define_levels() -> Response:
    from ..domain.values import Level
    from ..projections.base import plain
    from .loyalty_schemas import LevelsIn

    require_admin(bp)
    request = body(bp, LevelsIn)
    shop = container().shop
    shop.loyalty.define_levels([Level(**level.model_dump()) for level in request.levels])
    return json_response({"levels": plain(shop.accounts.levels())})


@bp.route("/admin/coupon-templates", methods=["POST"])
@handles_errors
def define_coupon_template() -> Response:
    from ..domain.values import CouponTerms
    from ..projections import loyalty_queries as q
    from .loyalty_schemas import CouponTemplateIn

    require_admin(bp)
    t = body(bp, CouponTemplateIn)
    shop = container().shop
    shop.coupons.define_coupon_template(
        code=t.code,
        title=t.title,
        terms=CouponTerms(**t.terms.model_dump()),
        trigger=t.trigger,
        starts_at=t.starts_at,
        ends_at=t.ends_at,
        valid_days=t.valid_days,
        total_quantity=t.total_quantity,
        per_member_limit=t.per_member_limit,
    )
    return json_response(q.template_doc(shop.coupons.coupon_template(t.code)), status=201)


@bp.route("/admin/coupon-templates", methods=["GET"])
@handles_errors
def coupon_templates() -> Response:
    from ..projections import loyalty_queries as q

    require_admin(bp)
    c = container()
    return json_response({"items": q.coupon_templates(c.views, c.now(), claimable_only=False)})


@bp.route("/admin/coupon-templates/{code}/stop", methods=["POST"])
@handles_errors
def stop_coupon_template(code: str) -> Response:
    from ..projections import loyalty_queries as q

    require_admin(bp)
    shop = container().shop
    shop.coupons.stop_coupon_template(code)
    return json_response(q.template_doc(shop.coupons.coupon_template(code)))
