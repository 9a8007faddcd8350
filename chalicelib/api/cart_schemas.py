"""Request bodies of the cart routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ..domain.cart import MAX_LINE_QUANTITY, MAX_LINES
from .schemas import DeliveryIn, Points, Strict

SkuId = Annotated[str, Field(min_length=1, max_length=64)]


class CartLineIn(Strict):
    sku_id: SkuId
    quantity: int = Field(default=1, ge=1, le=MAX_LINE_QUANTITY)


class CartLinePatchIn(Strict):
    quantity: int | None = Field(default=None, ge=1, le=MAX_LINE_QUANTITY)
    selected: bool | None = None

    @field_validator("quantity", "selected")
    @classmethod
    def _not_null(cls, value: int | bool | None) -> int | bool | None:
        """Runs only on a value given: a null names its field (leave it out instead)."""
        if value is None:
            raise ValueError("not null: leave the field out to keep it as it is")
        return value

    @model_validator(mode="after")
    def _something(self) -> CartLinePatchIn:
        if self.quantity is None and self.selected is None:
            raise ValueError("give quantity, selected or both")
        return self


class CartSelectIn(Strict):
    sku_ids: list[SkuId] | None = Field(default=None, min_length=1, max_length=MAX_LINES)
    selected: bool = True


class CartQuoteIn(Strict):
    delivery_method: Literal["express", "pickup"] = "express"
    coupon_id: str | None = Field(default=None, min_length=1, max_length=64)
    points: Points = 0


class CartOrderIn(Strict):
    delivery: DeliveryIn
    note: str = Field(default="", max_length=200)
    coupon_id: str | None = Field(default=None, min_length=1, max_length=64)
    points: Points = 0
    quote_id: str = Field(min_length=1, max_length=64)
