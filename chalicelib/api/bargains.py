"""Bargain (砍价) over HTTP: start one, show it, help a friend's, buy yours.
Session token required; the bargain is read straight from its events, so the
page is current on both runtimes (its helpers' faces from the members read
model, api/member_faces.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from chalice.app import Blueprint, Response

from ..bootstrap import container
from .idempotency import idempotent
from .inputs import body, current_member, path_id
from .responses import handles_errors, json_response

if TYPE_CHECKING:
    from ..application.bargains import BargainUseCases
    from ..domain.bargain import Bargain
    from .member_faces import MemberFaces

bp = Blueprint(__name__)


def bargain_page(
    bargains: BargainUseCases, bargain: Bargain, viewer: UUID, now: datetime, faces: MemberFaces
) -> Any:
    """What the bargain page shows the starter or a friend; each helper as their
    sealed profile says now (a placeholder once they closed their account)."""
    from ..projections.base import plain

    campaign = bargains.campaign_of(bargain)
    open_now = campaign.is_open(now)
    mine = bargain.member_id == viewer
    shown = faces([h.helper_id for h in bargain.helps])
    helps = [
        {**face, "cut_fen": h.cut_fen, "at": h.at}
        for h, face in zip(bargain.helps, shown, strict=True)
    ]
    return plain(
        {
            "id": bargain.id,
            "campaign": {"code": campaign.code, "title": campaign.title, "open": open_now},
            "sku_id": bargain.sku_id,
            "original_fen": bargain.original_fen,
            "floor_fen": bargain.floor_fen,
            "price_fen": bargain.current_price_fen,
            "cut_fen": bargain.original_fen - bargain.current_price_fen,
            "helps_needed": bargain.helps_needed,
            "helps_left": bargain.helps_left,
            "helps": helps,
            "floor_reached": bargain.floor_reached,
            "started_at": bargain.started_at,
            "expires_at": bargain.expires_at,
            "expired": now >= bargain.expires_at,
            "mine": mine,
            "helped": bargain.has_helped(viewer),
            "can_help": open_now and bargain.can_help(viewer, now),
            "can_buy": mine and open_now and bargain.can_buy(now),
            "order_id": bargain.order_id if mine else None,
        }
    )


def _page(bargain: Bargain, viewer: UUID, status: int = 200, **extra: Any) -> Response:
    from .member_faces import MemberFaces

    c = container()
    page = bargain_page(c.shop.bargains, bargain, viewer, c.now(), MemberFaces(c.views, c.vault))
    return json_response(page | extra, status)


@bp.route("/campaigns/{code}/bargains", methods=["POST"])
@handles_errors
def start_bargain(code: str) -> Response:
    from .campaign_schemas import StartBargainIn

    member_id = current_member(bp)
    request = body(bp, StartBargainIn)
    bargain, started = container().shop.bargains.start_bargain(
        code, member_id=member_id, sku_id=request.sku_id
    )
    return _page(bargain, member_id, 201 if started else 200)


@bp.route("/bargains/{bargain_id}", methods=["GET"])
@handles_errors
def show_bargain(bargain_id: str) -> Response:
    member_id = current_member(bp)
    return _page(container().shop.bargains.bargain(path_id(bargain_id, "bargain")), member_id)


@bp.route("/bargains/{bargain_id}/help", methods=["POST"])
@handles_errors
def help_bargain(bargain_id: str) -> Response:
    member_id = current_member(bp)
    shop = container().shop
    bid = path_id(bargain_id, "bargain")
    cut = shop.bargains.help_bargain(bid, helper_id=member_id)
    return _page(shop.bargains.bargain(bid), member_id, your_cut_fen=cut)


@bp.route("/bargains/{bargain_id}/orders", methods=["POST"])
@handles_errors
@idempotent(bp)
def buy_bargain(bargain_id: str) -> Response:
    from .campaign_orders import OneUnitOrderIn, order_args, placed

    member_id = current_member(bp)
    request = body(bp, OneUnitOrderIn)
    order_id = container().shop.bargains.buy_bargain(
        path_id(bargain_id, "bargain"), member_id=member_id, **order_args(request)
    )
    return placed(order_id, member_id)
