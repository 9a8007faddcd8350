"""The operators' campaign definition body (strict: money is fen, times carry a zone)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from .loyalty_schemas import CODE
from .schemas import PriceFen, Strict, zoned_time


class CampaignItemIn(Strict):
    sku_id: str = Field(min_length=1, max_length=64)
    price_fen: PriceFen
    stock: int = Field(ge=1, le=1_000_000)


class CampaignRulesIn(Strict):
    team_size: int = Field(default=0, ge=0, le=10)
    team_hours: int = Field(default=0, ge=0, le=720)
    virtual_success_percent: int = Field(default=0, ge=0, le=100)
    pay_minutes: int = Field(default=5, ge=1, le=120)
    helps_needed: int = Field(default=0, ge=0, le=100)
    bargain_hours: int = Field(default=0, ge=0, le=720)


class CampaignIn(Strict):
    code: str = Field(pattern=CODE)
    kind: Literal["group_buy", "flash_sale", "bargain"]
    title: str = Field(min_length=1, max_length=60)
    items: list[CampaignItemIn] = Field(min_length=1, max_length=20)
    starts_at: datetime
    ends_at: datetime
    per_member_limit: int = Field(default=1, ge=0, le=999)
    rules: CampaignRulesIn = Field(default_factory=CampaignRulesIn)
    shards: int | None = Field(default=None, ge=1, le=32)

    _zoned = field_validator("starts_at", "ends_at", mode="before")(zoned_time)


class EndIn(Strict):
    reason: str = Field(default="ended by the shop", min_length=1, max_length=200)


class StartBargainIn(Strict):
    sku_id: str | None = Field(default=None, min_length=1, max_length=64)
    """Optional: a bargain campaign has one SKU."""
