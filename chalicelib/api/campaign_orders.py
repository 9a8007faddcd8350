"""What every campaign order request shares (flash sale, group-buy, bargain):
the body, its translation into use-case arguments, and the 201 answer."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from chalice.app import Response
from pydantic import Field

from ..application.campaign_orders import OrderTerms
from ..bootstrap import container
from ..domain.values import Address, Delivery
from ..projections import fresh
from .personal import reveal_order
from .responses import json_response
from .schemas import DeliveryIn, Points, Strict


class OneUnitOrderIn(Strict):
    """A campaign order for one unit of the campaign's only SKU (bargain)."""

    delivery: DeliveryIn
    note: str = Field(default="", max_length=200)
    coupon_id: str | None = Field(default=None, min_length=1, max_length=64)
    points: Points = 0
    quote_id: str | None = Field(default=None, min_length=1, max_length=64)


class CampaignOrderIn(OneUnitOrderIn):
    sku_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(default=1, ge=1, le=99)


class JoinTeamIn(CampaignOrderIn):
    """A joiner buys the team's SKU: sku_id may be left out."""

    sku_id: str | None = Field(default=None, min_length=1, max_length=64)  # type: ignore[assignment]


def order_args(request: OneUnitOrderIn) -> dict[str, Any]:
    """Keyword arguments the campaign order use cases take."""
    address = request.delivery.address
    args: dict[str, Any] = {}
    if isinstance(request, CampaignOrderIn):
        args = {"sku_id": request.sku_id, "quantity": request.quantity}
    terms = OrderTerms(
        delivery=Delivery(method=request.delivery.method, store_id=request.delivery.store_id),
        address=Address(**address.model_dump()) if address else None,
        note=request.note,
        coupon_id=request.coupon_id,
        points=request.points,
        quote_id=request.quote_id,
    )
    return {**args, "terms": terms}


def placed(order_id: UUID, member_id: UUID) -> Response:
    """201 with the new order as the member sees it (pay it with /orders/{id}/pay)."""
    order = fresh.order(container().events_of, order_id, member_id)
    return json_response(reveal_order(order), status=201)
