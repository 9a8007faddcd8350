"""The rules the use cases follow, read from the settings: apart from
`build_shop`, so a function that builds only some use cases (the outbox
sender, bootstrap/sender_parts.py) does not import every one."""

from __future__ import annotations

import json

from ..application import ShopRules
from ..application.official_account import DEFAULT_KEYWORD_REPLIES
from ..domain.template_book import TemplateBook
from ..settings import Settings


def rules_from(settings: Settings) -> ShopRules:
    """The rules the use cases follow, as the settings give them."""
    book = settings.notification_templates.strip()
    replies = settings.oa_keyword_replies.strip()
    return ShopRules(
        order_policy=settings.order_policy,
        points_policy=settings.points_policy,
        invite_policy=settings.invite_policy,
        welcome_coupons=settings.welcome_coupon_codes,
        template_book=(
            TemplateBook.from_json(json.loads(book)) if book else ShopRules().template_book
        ),
        credits_from=settings.subscribe_credits_from,
        keyword_replies=json.loads(replies) if replies else DEFAULT_KEYWORD_REPLIES,
        mp_appid=settings.wechat_appid,
        review_points=settings.review_reward_points,
    )
