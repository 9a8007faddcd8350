"""Fitting a value to a template field's rules, before WeChat refuses it (47003).

A field's type is its key without the trailing digits (`thing3` → `thing`). The
rules are WeChat's published ones for subscribe messages (订阅消息参数值内容限制):

- thing: ≤ 20 characters of any kind;
- number: ≤ 32 digits, a decimal part allowed (no sign);
- letter: ≤ 32 letters; symbol: ≤ 5 symbols;
- character_string: ≤ 32 digits, letters or symbols (no Chinese, no spaces);
- amount: an optional currency sign, ≤ 10 digits, up to 2 decimals, an optional 元;
- time: a 24-hour time, a date before it allowed; date: a date, a time after it
  allowed (both may be ranges joined by "~"); times and dates the shop writes
  are Beijing times;
- phone_number: ≤ 17 digits or symbols; car_number: ≤ 8 letters or digits, the
  first and the last may be Chinese;
- name: ≤ 10 characters with Chinese in it, else ≤ 20 letters or symbols;
- phrase: ≤ 5 Chinese characters and nothing else.

A symbol is punctuation or a sign (Unicode categories P and S): not a letter,
a digit, Chinese, a space or a control character. Free text (thing, name) is
shortened to fit, ending in "…" so a reader sees it was cut; values whose
meaning a cut would change are refused with a ValueError naming the key, and so
is anything empty after fitting.
Official-account keys (`first`, `keyword1`, `remark`) have no type: ≤ 200.
The sandbox checks the same rules, written separately (sandbox/field_rules.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime

from .calendar import BEIJING

ELLIPSIS = "…"
UNTYPED_LIMIT = 200
CHINESE_CLASS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CHINESE = re.compile(f"[{CHINESE_CLASS}]")
LETTERS = re.compile(r"[A-Za-z]+")
NUMBER = re.compile(r"\d+(\.\d+)?")
AMOUNT = re.compile(r"[¥￥]?\d{1,10}(\.\d{1,2})?元?")
PHRASE = re.compile(f"[{CHINESE_CLASS}]+")
CAR_NUMBER = re.compile(f"[{CHINESE_CLASS}A-Za-z0-9]([A-Za-z0-9]*[{CHINESE_CLASS}A-Za-z0-9])?")
CHINESE_DATE = re.compile(r"(\d{4})年(\d{2})月(\d{2})日")
TRAILING_DIGITS = re.compile(r"\d+$")


def field_type(key: str) -> str:
    return TRAILING_DIGITS.sub("", key)


def shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def is_symbol(char: str) -> bool:
    """Punctuation or a sign (Unicode categories P and S)."""
    return unicodedata.category(char)[0] in "PS"


def _code_char(char: str) -> bool:
    return (char.isascii() and char.isalnum()) or is_symbol(char)


CHECKS: dict[str, tuple[int, Callable[[str], bool]]] = {
    "number": (32, lambda v: NUMBER.fullmatch(v) is not None),
    "letter": (32, lambda v: LETTERS.fullmatch(v) is not None),
    "symbol": (5, lambda v: all(is_symbol(c) for c in v)),
    "character_string": (32, lambda v: all(_code_char(c) for c in v)),
    "phrase": (5, lambda v: PHRASE.fullmatch(v) is not None),
    "amount": (UNTYPED_LIMIT, lambda v: AMOUNT.fullmatch(v) is not None),
    "phone_number": (17, lambda v: all((c.isdigit() and c.isascii()) or is_symbol(c) for c in v)),
    "car_number": (8, lambda v: CAR_NUMBER.fullmatch(v) is not None),
}
"""Types whose values are checked, never cut: (longest length, rule)."""


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


def _name(key: str, text: str) -> str:
    """Chinese in it: a Chinese name, ≤ 10; else ≤ 20 letters, spaces or symbols."""
    chinese = CHINESE.search(text) is not None
    if any(c.isdigit() or not c.isprintable() for c in text) or not (
        chinese or all(c.isalpha() or c == " " or is_symbol(c) for c in text)
    ):
        raise ValueError(f"{key}: {text!r} is not a valid name (letters or Chinese only)")
    return shorten(text, 10 if chinese else 20)


def fit(key: str, value: str) -> str:
    """The value as the field `key` accepts it; ValueError names the key when it cannot."""
    kind = field_type(key)
    text = value.strip()
    if not text:
        raise ValueError(f"{key}: empty")
    if kind == "thing":
        return shorten(text, 20)
    if kind == "name":
        return _name(key, text)
    if kind == "time":
        return _moment(key, text).strftime("%Y-%m-%d %H:%M")
    if kind == "date":
        moment = _moment(key, text)
        return f"{moment.year:04d}年{moment.month:02d}月{moment.day:02d}日"
    check = CHECKS.get(kind)
    if check is None:
        return shorten(text, UNTYPED_LIMIT)
    limit, rule = check
    if len(text) > limit:
        raise ValueError(f"{key}: {text!r} is longer than {limit} characters")
    if kind == "character_string" and CHINESE.search(text):
        raise ValueError(f"{key}: {text!r} has Chinese characters")
    if not rule(text):
        raise ValueError(f"{key}: {text!r} is not a valid {kind}")
    return text
