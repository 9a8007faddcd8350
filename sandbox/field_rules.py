"""WeChat's rules for the values of subscribe / template message fields (47003 when broken).

A field's type is its key without the trailing digits (``thing3`` → ``thing``).  Keys of
classic official-account templates (``first``, ``keyword1``, ``remark``) have no type:
WeChat only bounds their length.  Written from WeChat's published rules, independently
of the application's own fitting code, so the sandbox catches values the app gets wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_CHINESE = re.compile(r"[\u3400-\u9fff]")
_PURE_CHINESE = re.compile(r"[\u3400-\u9fff]+")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_AMOUNT = re.compile(r"[¥￥]?\d+(\.\d{1,2})?元?")
_DAY = r"(\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2})"
_CLOCK = r"\d{1,2}:\d{2}(:\d{2})?"
_TIME = re.compile(rf"({_DAY}( {_CLOCK})?|{_CLOCK})")
_DATE = re.compile(rf"{_DAY}( {_CLOCK})?")
_UNTYPED_MAX = 200


def _short(limit: int) -> Callable[[str], bool]:
    return lambda value: len(value) <= limit


RULES: dict[str, Callable[[str], bool]] = {
    "thing": _short(20),
    "number": lambda v: len(v) <= 32 and _NUMBER.fullmatch(v) is not None,
    "letter": lambda v: len(v) <= 32 and v.isascii() and v.isalpha(),
    "symbol": _short(32),
    "character_string": lambda v: len(v) <= 32 and _CHINESE.search(v) is None,
    "phrase": lambda v: len(v) <= 5 and _PURE_CHINESE.fullmatch(v) is not None,
    "name": lambda v: len(v) <= (20 if v.isascii() else 10),
    "amount": lambda v: _AMOUNT.fullmatch(v) is not None,
    "time": lambda v: _TIME.fullmatch(v) is not None,
    "date": lambda v: _DATE.fullmatch(v) is not None,
    "phone_number": lambda v: len(v) <= 17 and re.fullmatch(r"[\d+\-() ]+", v) is not None,
    "car_number": _short(8),
}


def field_type(key: str) -> str:
    return key.rstrip("0123456789")


def data_problem(data: Any) -> str | None:
    """None when ``data`` is ``{key: {"value": str}}`` and every value keeps its rule,
    else WeChat's 47003 message naming the key."""
    if not isinstance(data, dict) or not data:
        return "argument invalid! data is empty or not an object"
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value.strip():
            return f"argument invalid! data.{key}.value is empty"
        rule = RULES.get(field_type(key))
        fits = rule(value) if rule is not None else len(value) <= _UNTYPED_MAX
        if not fits:
            return f"argument invalid! data.{key}.value invalid"
    return None
