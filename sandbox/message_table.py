"""The sandbox's sent messages as a plain-text table for ``manage.py sandbox-messages``."""

from __future__ import annotations

from typing import Any

COLUMNS = ("at", "channel", "user", "template_id", "page", "msgid", "data")
MAX_CELL = 60


def _page(message: dict[str, Any]) -> str:
    """The mini-program page the message opens (template messages carry it in miniprogram)."""
    miniprogram = message.get("miniprogram")
    if isinstance(miniprogram, dict):
        return str(miniprogram.get("pagepath", ""))
    return str(message.get("page") or message.get("url") or "")


def _data(message: dict[str, Any]) -> str:
    data = message.get("data")
    if not isinstance(data, dict):
        return ""
    return " ".join(
        f"{key}={item.get('value', '') if isinstance(item, dict) else item}"
        for key, item in data.items()
    )


def _cells(message: dict[str, Any]) -> list[str]:
    values = {name: str(message.get(name, "")) for name in COLUMNS}
    values.update(page=_page(message), data=_data(message))
    return [_clip(values[name]) for name in COLUMNS]


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def message_table(messages: list[dict[str, Any]]) -> str:
    if not messages:
        return "no messages sent"
    rows = [list(COLUMNS), *(_cells(message) for message in messages)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)
