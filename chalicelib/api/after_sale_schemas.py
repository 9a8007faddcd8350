"""Request bodies of partial after-sales (api/after_sales.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .schemas import LineIn, ShipIn, Strict


class AfterSaleIn(Strict):
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    kind: Literal["refund_only", "return_and_refund"]
    reason: str = Field(min_length=1, max_length=200)


class ReturnIn(ShipIn):
    """The parcel the member sends the goods back in."""
