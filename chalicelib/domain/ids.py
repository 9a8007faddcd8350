"""Deterministic aggregate ids from business keys, so duplicates collide."""

from __future__ import annotations

from uuid import UUID, uuid5

NAMESPACE = UUID("6f1d2f3e-58a4-4c1e-9a57-4d0c4f1f7a11")


def member_id_for(*, unionid: str | None, openid: str) -> UUID:
    return uuid5(NAMESPACE, f"member:unionid:{unionid}" if unionid else f"member:openid:{openid}")


def product_id_for(slug: str) -> UUID:
    return uuid5(NAMESPACE, f"product:{slug}")


def stock_id_for(sku_id: str) -> UUID:
    return uuid5(NAMESPACE, f"stock:{sku_id}")


def payment_id_for(transaction_id: str) -> UUID:
    return uuid5(NAMESPACE, f"wechatpay:transaction:{transaction_id}")


def points_account_id_for(member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"points:{member_id}")


def wallet_id_for(member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"wallet:{member_id}")


def coupon_template_id_for(code: str) -> UUID:
    return uuid5(NAMESPACE, f"coupon-template:{code}")


LEVEL_SCHEME_ID = uuid5(NAMESPACE, "level-scheme")


def campaign_id_for(code: str) -> UUID:
    return uuid5(NAMESPACE, f"campaign:{code}")


def campaign_stock_id_for(campaign_id: UUID, sku_id: str, shard: int) -> UUID:
    return uuid5(NAMESPACE, f"campaign-stock:{campaign_id}:{sku_id}:{shard}")


def campaign_entry_id_for(campaign_id: UUID, member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"campaign-entry:{campaign_id}:{member_id}")


def identity_id_for(pseudonym: str) -> UUID:
    """A WeChat identity's aggregate, by the keyed hash of its openid or unionid."""
    return uuid5(NAMESPACE, f"wechat-identity:{pseudonym}")
