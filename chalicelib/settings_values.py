"""What each setting may hold: its choices, bounds, paths and format checks,
and the parsing of environment text (or a Python value) into its typed value.
The settings themselves, their defaults and the policies built from them are
in settings.py."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def _json_object(value: str) -> None:
    parsed = json.loads(value or "{}")
    if not isinstance(parsed, dict):
        raise ValueError("must be a JSON object of serial -> PEM file")


def _keyword_replies(value: str) -> None:
    replies = json.loads(value) if value.strip() else {}
    if not isinstance(replies, dict) or not all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v for k, v in replies.items()
    ):
        raise ValueError('must be a JSON object of keyword -> reply text, e.g. {"订单": "…"}')


def _template_book(value: str) -> None:
    """A mistake names its trigger and key at start-up, not at the first send."""
    if value.strip():
        from .domain.template_book import TemplateBook

        TemplateBook.from_json(json.loads(value))


def _aes_key(value: str) -> None:
    if value and len(value) != 43:
        raise ValueError("an EncodingAESKey has 43 characters")


CHOICES: Mapping[str, tuple[str, ...]] = {
    "runtime": ("embedded", "aws"),
    "miniprogram_state": ("developer", "trial", "formal"),
    "subscribe_credits_from": ("client", "push"),
}
BOUNDS: Mapping[str, tuple[int, int | None]] = {
    "unpaid_timeout_min": (1, None),
    "auto_receive_days": (1, None),
    "after_sales_days": (0, None),
    "shipping_fee_fen": (0, None),
    "free_shipping_from_fen": (0, None),
    "points_per_yuan_spent": (0, None),
    "checkin_points": (0, None),
    "streak_bonus_every": (1, None),
    "streak_bonus_points": (0, None),
    "points_per_yuan": (1, None),
    "max_redeem_percent": (0, 100),
    "points_lifetime_months": (1, None),
    "invite_reward_points": (0, None),
    "review_reward_points": (0, 100_000),
    "projection_batch_size": (1, 1000),
    "projection_rebuild_batch_size": (1, 10_000),
    "rebuild_stop_margin_s": (1, 600),
    "rebuild_budget_batches": (0, None),
    "rebuild_max_continuations": (1, None),
    "track_limit_events": (1, None),
    "track_limit_window_s": (1, 86400),
}
PATHS = frozenset({"data_dir"})
OPTIONAL_PATHS = frozenset({"wechatpay_private_key_file"})
CHECKS: Mapping[str, Callable[[str], None]] = {
    "wechatpay_platform_keys": _json_object,
    "oa_keyword_replies": _keyword_replies,
    "notification_templates": _template_book,
    "oa_aes_key": _aes_key,
    "mp_push_aes_key": _aes_key,
}


def parse(name: str, value: Any, default: Any) -> Any:
    """The setting's typed value (environment text or a Python value); raises
    ValueError with what is wrong. `default` is the setting's default, whose
    type says how to read an integer."""
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise ValueError("Input should be " + " or ".join(repr(c) for c in CHOICES[name]))
        return value
    if name in PATHS or (name in OPTIONAL_PATHS and value not in (None, "")):
        if not isinstance(value, str | Path):
            raise ValueError("Input is not a valid path")
        return Path(value)
    if name in OPTIONAL_PATHS:
        return None
    if isinstance(default, int):
        return _integer(name, value)
    if not isinstance(value, str):
        raise ValueError("Input should be a valid string")
    if name in CHECKS:
        CHECKS[name](value)
    return value


def _integer(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("Input should be a valid integer")
    try:
        number = int(value)
    except ValueError:
        raise ValueError(
            "Input should be a valid integer, unable to parse string as an integer"
        ) from None
    low, high = BOUNDS.get(name, (None, None))
    if low is not None and number < low:
        raise ValueError(f"Input should be greater than or equal to {low}")
    if high is not None and number > high:
        raise ValueError(f"Input should be less than or equal to {high}")
    return number
