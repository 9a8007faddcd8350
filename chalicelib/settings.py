"""Typed settings, read from MINILOOP_* environment variables (and the stage's
environment_variables in .chalice/config.json on AWS)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .domain.points_policy import PointsPolicy
from .domain.policy import OrderPolicy
from .domain.pricing import ShippingPolicy
from .domain.referral import InvitePolicy
from .domain.template_book import TemplateBook
from .strong_secrets import HOW, weakness


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MINILOOP_", extra="ignore")

    runtime: Literal["embedded", "aws"] = "embedded"
    """embedded: SQLite files under data_dir; aws: DynamoDB tables and an SQS queue."""

    data_dir: Path = Path("data")
    public_url: str = "http://127.0.0.1:8000"

    session_secret: str = ""
    identity_secret: str = ""
    """Keys the WeChat identities' pseudonyms (新人券 once per identity, the member
    after 注销); kept in data_dir when empty on the embedded runtime, required on AWS."""
    session_ttl_s: int = 7 * 24 * 3600
    admin_token: str = "dev-admin-token"
    """The default serves `make run` only: the AWS runtime refuses to start without a
    strong one (strong_secrets.py)."""

    unpaid_timeout_min: int = Field(default=30, ge=1)
    auto_receive_days: int = Field(default=7, ge=1)
    after_sales_days: int = Field(default=7, ge=0)
    shipping_fee_fen: int = Field(default=1000, ge=0)
    free_shipping_from_fen: int = Field(default=9900, ge=0)

    points_per_yuan_spent: int = Field(default=1, ge=0)
    checkin_points: int = Field(default=5, ge=0)
    streak_bonus_every: int = Field(default=7, ge=1)
    streak_bonus_points: int = Field(default=20, ge=0)
    points_per_yuan: int = Field(default=100, ge=1)
    """Redemption: this many points pay ¥1."""
    max_redeem_percent: int = Field(default=50, ge=0, le=100)
    points_lifetime_months: int = Field(default=12, ge=1)
    welcome_coupons: str = "welcome"
    """Comma-separated codes of the first_login coupon templates (新人券)."""
    invite_reward_points: int = Field(default=100, ge=0)
    """Points each side of an invite gets when the invitee's first order completes."""
    invite_reward_coupon: str = ""
    """A coupon template code each side gets as well ("" = none)."""

    wechat_api_base: str = "http://127.0.0.1:8001"
    wechatpay_api_base: str = "http://127.0.0.1:8001"
    wechat_appid: str = "wx0000000000sandbox"
    wechat_secret: str = ""
    wechatpay_mchid: str = "1900000001"
    wechatpay_serial_no: str = ""
    wechatpay_private_key_file: Path | None = None
    wechatpay_private_key: str = ""
    """The merchant key's PEM text; on Lambda, instead of a file (takes precedence)."""
    wechatpay_platform_keys: str = "{}"
    """JSON object: platform certificate serial (or PUB_KEY_ID_...) -> public key PEM file,
    or the PEM text itself."""
    wechatpay_apiv3_key: str = ""

    oa_api_base: str = "http://127.0.0.1:8001"
    oa_appid: str = ""
    """The official account (公众号) bound to the same Open Platform account as the
    mini-program; empty: no official account, template messages are never chosen."""
    oa_secret: str = ""
    oa_token: str = ""
    """The message-push Token configured in the official account's console."""
    oa_aes_key: str = ""
    """The push EncodingAESKey (43 characters); empty: plain mode only."""
    oa_keyword_replies: str = ""
    """JSON object: exact keyword -> reply text; empty: the built-in "订单" reply."""
    miniprogram_state: Literal["developer", "trial", "formal"] = "formal"
    """Which mini-program version subscribe messages open."""
    notification_templates: str = ""
    """JSON object: trigger -> template ids and field mapping (README); empty: the
    sandbox's templates."""
    mp_push_token: str = ""
    """The mini-program's message-push Token (消息推送); empty: no push endpoint."""
    mp_push_aes_key: str = ""
    """The mini-program push's EncodingAESKey (43 characters) for safe mode."""
    subscribe_credits_from: Literal["client", "push"] = "client"
    """Who reports accepted subscribe messages: the mini-program (POST
    /me/subscribe-messages) or the mini-program message push; one source, so an
    acceptance is never counted twice."""

    table_prefix: str = "miniloop-dev"
    """aws: the stage's DynamoDB tables are <prefix>-events, -snapshots, -log, -views, -outbox,
    -keys."""
    outbox_queue_url: str = ""
    aws_region: str = ""
    dynamodb_endpoint: str = ""
    """aws: a local DynamoDB (tests, benchmarks); empty on AWS itself."""
    sqs_endpoint: str = ""

    @field_validator("wechatpay_platform_keys")
    @classmethod
    def _json_object(cls, value: str) -> str:
        parsed = json.loads(value or "{}")
        if not isinstance(parsed, dict):
            raise ValueError("must be a JSON object of serial -> PEM file")
        return value

    @field_validator("oa_keyword_replies")
    @classmethod
    def _keyword_replies(cls, value: str) -> str:
        replies = json.loads(value) if value.strip() else {}
        if not isinstance(replies, dict) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) and v
            for k, v in replies.items()
        ):
            raise ValueError('must be a JSON object of keyword -> reply text, e.g. {"订单": "…"}')
        return value

    @field_validator("notification_templates")
    @classmethod
    def _template_book(cls, value: str) -> str:
        """A mistake names its trigger and key at start-up, not at the first send."""
        if value.strip():
            TemplateBook.from_json(json.loads(value))
        return value

    @field_validator("oa_aes_key", "mp_push_aes_key")
    @classmethod
    def _aes_key(cls, value: str) -> str:
        if value and len(value) != 43:
            raise ValueError("an EncodingAESKey has 43 characters")
        return value

    @model_validator(mode="after")
    def _strong_admin_token_on_aws(self) -> Settings:
        problem = weakness(self.admin_token) if self.runtime == "aws" else None
        if problem:
            raise ValueError(
                f"MINILOOP_ADMIN_TOKEN {problem}: the AWS runtime needs a strong admin "
                f"token ({HOW})"
            )
        return self

    @property
    def events_db(self) -> Path:
        return self.data_dir / "events.sqlite"

    @property
    def views_db(self) -> Path:
        return self.data_dir / "views.sqlite"

    @property
    def keys_db(self) -> Path:
        """Members' personal-data keys: deleting one shreds that member's data."""
        return self.data_dir / "keys.sqlite"

    @property
    def idempotency_db(self) -> Path:
        """Idempotency keys: the first answers to keyed commands, kept 24 hours."""
        return self.data_dir / "idempotency.sqlite"

    @property
    def notify_url(self) -> str:
        return self.public_url.rstrip("/") + "/webhooks/wechatpay/notify"

    @property
    def platform_key_pems(self) -> dict[str, bytes]:
        """Serial -> PEM bytes, read from the file when the value is a path."""
        pems = {}
        for serial, value in json.loads(self.wechatpay_platform_keys).items():
            text = str(value)
            pems[serial] = text.encode() if "-----BEGIN" in text else Path(text).read_bytes()
        return pems

    @property
    def points_policy(self) -> PointsPolicy:
        return PointsPolicy(
            points_per_yuan_spent=self.points_per_yuan_spent,
            checkin_points=self.checkin_points,
            streak_bonus_every=self.streak_bonus_every,
            streak_bonus_points=self.streak_bonus_points,
            points_per_yuan=self.points_per_yuan,
            max_redeem_percent=self.max_redeem_percent,
            lifetime_months=self.points_lifetime_months,
        )

    @property
    def invite_policy(self) -> InvitePolicy:
        return InvitePolicy(
            reward_points=self.invite_reward_points,
            reward_coupon=self.invite_reward_coupon.strip(),
        )

    @property
    def welcome_coupon_codes(self) -> tuple[str, ...]:
        return tuple(code.strip() for code in self.welcome_coupons.split(",") if code.strip())

    @property
    def order_policy(self) -> OrderPolicy:
        return OrderPolicy(
            unpaid_timeout=timedelta(minutes=self.unpaid_timeout_min),
            auto_receive_after=timedelta(days=self.auto_receive_days),
            after_sales_window=timedelta(days=self.after_sales_days),
            shipping=ShippingPolicy(
                fee_fen=self.shipping_fee_fen, free_from_fen=self.free_shipping_from_fen
            ),
        )
