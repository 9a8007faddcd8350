"""Request bodies, validated strictly: money is integer fen, never a float."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..domain.behaviour import INSTALL_ID_PATTERN

EARLIEST_YEAR, LATEST_YEAR = 2000, 2099
"""Every time and day a caller or an operator gives lies in these years, as
written (in the zone it carries). Far-off years are typing mistakes or attacks,
and ones near the ends of what datetime holds overflow once a zone is applied."""

MAX_PRICE_FEN = 100_000_000
"""¥1,000,000: the most a unit, a coupon's amount or threshold, or a free-shipping
line can be worth."""
MAX_SPEND_FEN = 10_000_000_000
"""¥100,000,000: the most a level's spending threshold can ask for."""
MAX_POINTS = 100_000_000

PriceFen = Annotated[int, Field(ge=1, le=MAX_PRICE_FEN)]
AmountFen = Annotated[int, Field(ge=0, le=MAX_PRICE_FEN)]
SpendFen = Annotated[int, Field(ge=0, le=MAX_SPEND_FEN)]
Points = Annotated[int, Field(ge=0, le=MAX_POINTS)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


def plausible_year(year: int, earliest: int = EARLIEST_YEAR) -> None:
    if not earliest <= year <= LATEST_YEAR:
        raise ValueError(f"a year from {earliest} to {LATEST_YEAR}")


def zoned_time(value: object) -> object:
    """Strict mode takes datetimes only as ISO-8601 strings with a zone, in the
    years above; use as a `mode="before"` field validator."""
    if isinstance(value, str):
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("an ISO-8601 time with a zone, e.g. 2026-12-01T10:00:00+08:00")
        plausible_year(parsed.year)
        return parsed
    return value


def plausible_day(text: str, earliest: int = EARLIEST_YEAR) -> date:
    """A YYYY-MM-DD day (a query parameter, a birthday) in the years above;
    ValueError says what is wanted (ISO's basic form, 20261201, is not it)."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError(text)
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("a day as YYYY-MM-DD") from None
    plausible_year(day.year, earliest)
    return day


class LoginIn(Strict):
    code: str = Field(min_length=1, max_length=128)
    scene: int | None = Field(default=None, ge=0, le=999999)
    query: dict[str, str] = Field(default_factory=dict)
    invite_code: str | None = Field(default=None, min_length=1, max_length=64)
    """An inviter's code (邀请有礼); also taken from query["inviter"], the share path's."""
    install_id: str | None = Field(default=None, pattern=INSTALL_ID_PATTERN)
    """The install's id the mini-program sent POST /track with before login: its
    events are linked to the member (README, "Behaviour events")."""

    @field_validator("query", mode="before")
    @classmethod
    def _as_dict(cls, value: object) -> object:
        """The page query may come as "from=menu&type=home" or as an object."""
        if value is None:
            return {}
        if isinstance(value, str):
            return dict(parse_qsl(value.lstrip("?"), keep_blank_values=True))
        return value


class LineIn(Strict):
    sku_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1, le=999)


class AddressIn(Strict):
    receiver: str = Field(min_length=1, max_length=50)
    phone: str = Field(pattern=r"^\+?[0-9][0-9 -]{4,19}$")
    province: str = Field(min_length=1, max_length=30)
    city: str = Field(min_length=1, max_length=30)
    district: str = Field(default="", max_length=30)
    detail: str = Field(min_length=1, max_length=200)


class DeliveryIn(Strict):
    method: Literal["express", "pickup"]
    address: AddressIn | None = None
    store_id: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _complete(self) -> DeliveryIn:
        if self.method == "express" and self.address is None:
            raise ValueError("express delivery needs an address")
        if self.method == "pickup" and not self.store_id:
            raise ValueError("store pickup needs a store_id")
        return self


class QuoteIn(Strict):
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    delivery_method: Literal["express", "pickup"] = "express"
    coupon_id: str | None = Field(default=None, min_length=1, max_length=64)
    points: Points = 0


class PlaceOrderIn(Strict):
    lines: list[LineIn] = Field(min_length=1, max_length=50)
    delivery: DeliveryIn
    note: str = Field(default="", max_length=200)
    coupon_id: str | None = Field(default=None, min_length=1, max_length=64)
    points: Points = 0
    quote_id: str | None = Field(default=None, min_length=1, max_length=64)


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=200)


class ShipIn(Strict):
    carrier: str = Field(min_length=1, max_length=50)
    tracking_no: str = Field(min_length=1, max_length=64)


class SkuIn(Strict):
    sku_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(default="", max_length=50)
    price_fen: PriceFen
    stock: int = Field(ge=0, le=10_000_000)


MAX_SKUS = 99
"""A product is listed in one atomic save of the product and one stock per SKU,
and one save holds at most 100 writes (DynamoDB's TransactWriteItems)."""


class ProductIn(Strict):
    slug: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")
    title: str = Field(min_length=1, max_length=100)
    category: str = Field(min_length=1, max_length=50)
    description: str = Field(default="", max_length=2000)
    image_url: str = Field(default="", max_length=500)
    skus: list[SkuIn] = Field(min_length=1, max_length=MAX_SKUS)


class RestockIn(Strict):
    quantity: int = Field(ge=1, le=10_000_000)
