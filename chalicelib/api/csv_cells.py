"""CSV cells for spreadsheets: a text cell that starts like a formula is
prefixed with ' so Excel and WPS show it as text instead of evaluating it."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as a CSV cell: None is empty; a text starting with one of
    FORMULA_STARTS is prefixed with '."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
