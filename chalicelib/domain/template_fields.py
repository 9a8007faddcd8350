"""Fitting a value to a template field's rules, before WeChat refuses it (47003).

A field's type is its key without the trailing digits (`thing3` → `thing`).
Free text is shortened to fit, ending in "…" so a reader sees it was cut;
values whose meaning a cut would change (numbers, codes, amounts, phrases)
are refused with a ValueError instead, and so is anything empty after fitting.
Official-account keys (`first`, `keyword1`, `remark`) have no type: ≤ 200.
"""

from __future__ import annotations

import re
from datetime import datetime

from .calendar import BEIJING

ELLIPSIS = "…"
SHORTENED = {"thing": 20, "name": 10}
BOUNDED = {"number": 32, "character_string": 32, "letter": 32, "symbol": 32, "phrase": 5}
UNTYPED_LIMIT = 200
CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PATTERNS = {
    "number": re.compile(r"-?\d+(\.\d+)?"),
    "letter": re.compile(r"[A-Za-z]+"),
    "amount": re.compile(r"[¥￥]?\d+(\.\d{1,2})?元?"),
}
CHINESE_DATE = re.compile(r"(\d{4})年(\d{2})月(\d{2})日")
TRAILING_DIGITS = re.compile(r"\d+$")


def field_type(key: str) -> str:
    return TRAILING_DIGITS.sub("", key)


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def _moment(key: str, value: str) -> datetime:
    """An ISO date or time; an aware one is read in Beijing time."""
    match = CHINESE_DATE.fullmatch(value)
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            moment = datetime(year, month, day)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{key}: {value!r} is not a date or time") from None
    return moment.astimezone(BEIJING) if moment.tzinfo else moment


def fit(key: str, value: str) -> str:
    """The value as the field `key` accepts it; ValueError names the key when it cannot."""
    kind = field_type(key)
    text = value.strip()
    if kind in SHORTENED:
        text = shorten(text, SHORTENED[kind])
    elif kind in BOUNDED:
        if len(text) > BOUNDED[kind]:
            raise ValueError(f"{key}: {text!r} is longer than {BOUNDED[kind]} characters")
        if kind == "character_string" and CHINESE.search(text):
            raise ValueError(f"{key}: {text!r} has Chinese characters")
    elif kind == "time":
        text = _moment(key, text).strftime("%Y-%m-%d %H:%M") if text else text
    elif kind == "date":
        moment = _moment(key, text) if text else None
        text = f"{moment.year:04d}年{moment.month:02d}月{moment.day:02d}日" if moment else text
    elif kind not in PATTERNS:
        text = shorten(text, UNTYPED_LIMIT)
    pattern = PATTERNS.get(kind)
    if text and pattern is not None and not pattern.fullmatch(text):
        raise ValueError(f"{key}: {text!r} is not a valid {kind}")
    if not text:
        raise ValueError(f"{key}: empty")
    return text
