"""What a review, its follow-up, the shop's reply and a moderation reason may
say: text of limited length without control characters (a line feed is the
one allowed, so a review can have paragraphs), at most MAX_IMAGES https image
URLs, and 1 to 5 stars. The request schemas check with these functions (a 400
naming the field); the Review aggregate checks again (a ValueError)."""

from __future__ import annotations

import re
import unicodedata

MAX_TEXT = 500
MAX_REASON = 200
MAX_IMAGES = 9
MAX_URL = 500
STARS = range(1, 6)

_HTTPS_URL = re.compile(r"https://[^\s/?#]+\S*")


def text_problem(text: str, limit: int = MAX_TEXT, *, needed: bool = False) -> str | None:
    """Why `text` cannot be shown (None when it can)."""
    if needed and not text.strip():
        return "must not be empty"
    if len(text) > limit:
        return f"at most {limit} characters"
    for ch in text:
        if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
            return "no control characters (a line feed is allowed)"
    return None


def images_problem(images: list[str]) -> str | None:
    """Why these image URLs cannot be shown (None when they can)."""
    if len(images) > MAX_IMAGES:
        return f"at most {MAX_IMAGES} images"
    for url in images:
        if len(url) > MAX_URL or not _HTTPS_URL.fullmatch(url) or not url.isprintable():
            return f"each an https:// URL of at most {MAX_URL} characters"
    return None


def stars_problem(stars: int) -> str | None:
    return None if stars in STARS else "a whole number from 1 to 5"


def check(problem: str | None, field: str) -> None:
    if problem is not None:
        raise ValueError(f"{field}: {problem}")
