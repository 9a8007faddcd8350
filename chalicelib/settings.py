"""Typed settings, read from MINILOOP_* environment variables (and the stage's
environment_variables in .chalice/config.json on AWS).

Plain environment parsing, no settings framework: every Lambda function reads
its settings, and the stream functions import nothing else of the kind (README,
"Cold start"). `Settings(**values)` takes values first, then the environment
(names case-insensitive, unknown ones ignored), then the defaults below; every
value is checked, and all the problems are raised together as one
`SettingsError` naming each variable."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .settings_values import parse
from .strong_secrets import HOW, weakness

if TYPE_CHECKING:
    from .domain.points_policy import PointsPolicy
    from .domain.policy import OrderPolicy
    from .domain.referral import InvitePolicy

PREFIX = "MINILOOP_"


class SettingsError(ValueError):
    """Settings that the shop cannot start with; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = f"{len(problems)} invalid setting{'s' if len(problems) != 1 else ''}"
        super().__init__(count + "".join(f"\n  {problem}" for problem in problems))


class Settings:
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

    unpaid_timeout_min: int = 30
    auto_receive_days: int = 7
    after_sales_days: int = 7
    shipping_fee_fen: int = 1000
    free_shipping_from_fen: int = 9900
    pickup_stores: str = ""
    """Comma-separated ids of the stores orders may be picked up at; empty: any id."""

    points_per_yuan_spent: int = 1
    checkin_points: int = 5
    streak_bonus_every: int = 7
    streak_bonus_points: int = 20
    points_per_yuan: int = 100
    """Redemption: this many points pay ¥1."""
    max_redeem_percent: int = 50
    points_lifetime_months: int = 12
    welcome_coupons: str = "welcome"
    """Comma-separated codes of the first_login coupon templates (新人券)."""
    invite_reward_points: int = 100
    """Points each side of an invite gets when the invitee's first order completes."""
    invite_reward_coupon: str = ""
    """A coupon template code each side gets as well ("" = none)."""
    review_reward_points: int = 0
    """Points a review of a completed order's line earns its author, once (0 = off)."""

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
    -keys, -idempotency, -behaviour-events, -behaviour-log."""
    outbox_queue_url: str = ""
    projection_batch_size: int = 200
    """Log events the projections' runner reads and commits at a time (catch-up, and
    rebuild on aws: a DynamoDB transaction holds 100 items)."""
    projection_rebuild_batch_size: int = 1000
    """embedded: log events a rebuild reads and commits at a time (runtimes.py)."""
    rebuild_queue_url: str = ""
    """aws: the SQS queue through which a rebuild continues in the next invocation
    (chalicelib/rebuild_relay.py)."""
    rebuild_stop_margin_s: int = 60
    """A rebuild invocation stops between batches once less Lambda time than this is left."""
    rebuild_budget_batches: int = 0
    """Batches one rebuild invocation applies before handing over to the next (0: as many
    as the time left allows); tests set it tiny to force continuations."""
    rebuild_max_continuations: int = 1000
    """A rebuild still unfinished after this many continuations stops, logging "rebuild
    stalled" (alarmed)."""
    track_limit_events: int = 600
    """Behaviour events (POST /track) one member or install may send per window."""
    track_limit_window_s: int = 600
    aws_region: str = ""
    dynamodb_endpoint: str = ""
    """aws: a local DynamoDB (tests, benchmarks); empty on AWS itself."""
    sqs_endpoint: str = ""

    def __init__(self, **values: Any) -> None:
        environment = {
            key.lower(): text for key, text in os.environ.items() if key.upper().startswith(PREFIX)
        }
        problems = []
        for name in FIELDS:
            if name in values:
                given = values[name]
            elif PREFIX.lower() + name in environment:
                given = environment[PREFIX.lower() + name]
            else:
                continue
            try:
                setattr(self, name, parse(name, given, getattr(Settings, name)))
            except ValueError as error:
                problems.append(f"{PREFIX}{name.upper()}: {error}")
        if not problems and self.runtime == "aws":
            problem = weakness(self.admin_token)
            if problem:
                problems.append(
                    f"MINILOOP_ADMIN_TOKEN {problem}: the AWS runtime needs a strong admin "
                    f"token ({HOW})"
                )
        if problems:
            raise SettingsError(problems)

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
    def behaviour_db(self) -> Path:
        """The behaviour log (POST /track), off the order log: its own total order."""
        return self.data_dir / "behaviour.sqlite"

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
        from .domain.points_policy import PointsPolicy

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
        from .domain.referral import InvitePolicy

        return InvitePolicy(
            reward_points=self.invite_reward_points,
            reward_coupon=self.invite_reward_coupon.strip(),
        )

    @property
    def welcome_coupon_codes(self) -> tuple[str, ...]:
        return tuple(code.strip() for code in self.welcome_coupons.split(",") if code.strip())

    @property
    def order_policy(self) -> OrderPolicy:
        from .domain.policy import OrderPolicy
        from .domain.pricing import ShippingPolicy

        return OrderPolicy(
            unpaid_timeout=timedelta(minutes=self.unpaid_timeout_min),
            auto_receive_after=timedelta(days=self.auto_receive_days),
            after_sales_window=timedelta(days=self.after_sales_days),
            shipping=ShippingPolicy(
                fee_fen=self.shipping_fee_fen, free_from_fen=self.free_shipping_from_fen
            ),
            pickup_stores=frozenset(s.strip() for s in self.pickup_stores.split(",") if s.strip()),
        )


FIELDS: tuple[str, ...] = tuple(Settings.__annotations__)
"""Every setting's name; its environment variable is MINILOOP_<NAME>."""
