"""Value objects carried by events. Money is always integer fen."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class SkuSpec:
    sku_id: str
    name: str
    price_fen: int


@dataclass(frozen=True)
class OrderLine:
    product_id: str
    sku_id: str
    title: str
    unit_price_fen: int
    quantity: int
    category: str = ""

    @property
    def total_fen(self) -> int:
        return self.unit_price_fen * self.quantity


@dataclass(frozen=True)
class Address:
    """Personal data: never stored as is; orders carry it sealed (see Delivery)."""

    receiver: str
    phone: str
    province: str
    city: str
    district: str
    detail: str


class DeliveryMethod(StrEnum):
    EXPRESS = "express"
    PICKUP = "pickup"


@dataclass(frozen=True)
class Delivery:
    """How an order reaches the member. The address is sealed: AES-GCM under the
    member's own key (adapters/pii), so deleting the key shreds it."""

    method: str
    sealed_address: str | None = None
    store_id: str | None = None

    @property
    def is_pickup(self) -> bool:
        return self.method == DeliveryMethod.PICKUP


@dataclass(frozen=True)
class PriceBreakdown:
    """Checkout pricing, step by step (see pricing.py for the order and rounding)."""

    items_fen: int
    discount_fen: int  # member + coupon + points, the total taken off the goods
    shipping_fen: int
    payable_fen: int
    member_discount_fen: int = 0
    coupon_discount_fen: int = 0
    points_used: int = 0
    points_discount_fen: int = 0
    level: str = ""
    coupon_id: str | None = None


@dataclass(frozen=True)
class CouponTerms:
    kind: str  # "threshold" 满减 | "discount" 折扣 | "no_threshold" 无门槛
    amount_fen: int = 0  # taken off, for threshold / no_threshold
    threshold_fen: int = 0  # 满 X: the eligible amount needed (threshold kind)
    rate_percent: int = 100  # discount kind: pay this percent (80 = 8折)
    cap_fen: int = 0  # discount kind: the most it takes off (0 = no cap)
    scope: str = "all"  # "all" | "category" | "products"
    scope_ids: list[str] = field(default_factory=list)  # categories or product ids


@dataclass(frozen=True)
class Coupon:
    """One issued coupon, as a member's wallet holds it."""

    coupon_id: str
    template_id: str
    title: str
    terms: CouponTerms
    valid_from: datetime
    expires_at: datetime  # exclusive: usable while valid_from <= now < expires_at


@dataclass(frozen=True)
class Level:
    code: str  # "regular" | "vip" | "supreme" by default
    name: str  # 普通 | VIP | 至尊
    threshold_fen: int  # paid spend over the last 12 months to reach it (first level: 0)
    discount_percent: int = 100  # member price: pay this percent (95 = 95折)
    points_multiplier_percent: int = 100  # 150 = 1.5x points
    birthday_coupon: str = ""  # coupon template code issued on the birthday ("" = none)
    free_shipping_from_fen: int = 0  # 0 = the shop's default threshold


@dataclass(frozen=True)
class CampaignItem:
    """One SKU of a campaign: its campaign price (bargain: the floor) and the
    units set aside for it."""

    sku_id: str
    price_fen: int
    stock: int


@dataclass(frozen=True)
class CampaignRules:
    team_size: int = 0  # group_buy: 2..10
    team_hours: int = 0  # group_buy: a team's time to fill, from the leader's payment
    virtual_success_percent: int = 0  # group_buy: 0 = off; a team this full at expiry succeeds
    pay_minutes: int = 5  # every campaign order: the unpaid deadline (a seat is held this long)
    helps_needed: int = 0  # bargain: friends' helps to reach the floor price
    bargain_hours: int = 0  # bargain: how long a started bargain lasts


@dataclass(frozen=True)
class CampaignRef:
    """What an order was placed under (None for an ordinary order)."""

    kind: str  # "group_buy" | "flash_sale" | "bargain"
    campaign_id: str
    sku_id: str
    shard: int  # the stock shard its units came from
    team_id: str = ""  # group_buy: the team joined; "" = this order opens a team
    bargain_id: str = ""


@dataclass(frozen=True)
class ExperimentVariant:
    """One arm of an A/B test (domain/experiment.py). The client's payload is
    kept as its JSON text, so nothing an operator writes in it can read as
    the event store's own encoding."""

    key: str
    weight: int
    control: bool
    payload_json: str
    welcome_coupon_templates: list[str] | None = None
    """Coupon template codes a new member in this arm receives instead of the
    shop's 新人券; None: the shop's own."""


@dataclass(frozen=True)
class Audience:
    """Who an experiment is for: everyone, new members (registered once it
    started), or members acquired from one source; and the share of them."""

    kind: str  # "everyone" | "new_members" | "source"
    traffic_percent: int
    source: str = ""


VALUE_TYPES: tuple[type, ...] = (
    SkuSpec,
    OrderLine,
    Address,
    Delivery,
    PriceBreakdown,
    CouponTerms,
    Coupon,
    Level,
    CampaignItem,
    CampaignRules,
    CampaignRef,
    ExperimentVariant,
    Audience,
)
