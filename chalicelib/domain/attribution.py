"""Where a visit came from, and which visit an outcome is credited to.

A visit is an entry into the mini-program with its WeChat scene and page query
(today a login; later a launch too: the rules take the pair, whatever event
carried it). Its source is a stable key, `group` or `group:detail`:

1. an inviter in the query (`inviter=<code>`) makes it "invite" (the code names
   a member, so it never becomes part of the key);
2. an official-account or mini-program code key in the query (`qrscene=<key>`,
   or `scene=<key>` / `scene=qrscene_<key>`) makes it "qr:<key>";
3. otherwise the scene's group (SCENE_GROUPS); a missing or unlisted scene takes
   the group the query's `from` names (FROM_GROUPS), else "other";
4. an official-account or message group is refined by the query's `type` or
   `id` ("oa_menu:home", "oa_article:123") unless `from` names another group.

A key or detail that is too long or has characters outside [A-Za-z0-9_-] is
ignored (the rule falls through to the next one), so nothing a client sends
makes an unbounded or unsafe key.

Credit: a member's acquisition source is the source of the visit on which they
registered (first touch); an order is credited to the member's last visit
before it was placed when that visit is at most LAST_TOUCH_WINDOW older
("direct" otherwise); a new member converts when they pay an order within
CONVERSION_WINDOW of registering.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

LAST_TOUCH_WINDOW = timedelta(hours=24)
CONVERSION_WINDOW = timedelta(days=7)

OA_MENU = "oa_menu"
OA_ARTICLE = "oa_article"
OA_TEMPLATE = "oa_template"
SUBSCRIBE_MESSAGE = "subscribe_msg"
CHAT_CARD = "chat_card"
SCAN = "scan"
SEARCH = "search"
INVITE = "invite"
QR = "qr"
OTHER = "other"
DIRECT = "direct"

SCENE_GROUPS: Mapping[int, str] = {
    1035: OA_MENU,
    1058: OA_ARTICLE,
    1043: OA_TEMPLATE,
    1014: SUBSCRIBE_MESSAGE,
    1107: SUBSCRIBE_MESSAGE,  # WeChat documents it as the same as 1014
    1007: CHAT_CARD,
    1008: CHAT_CARD,
    1044: CHAT_CARD,  # a chat card with shareTicket
    1011: SCAN,
    1012: SCAN,
    1013: SCAN,
    1047: SCAN,
    1048: SCAN,
    1049: SCAN,
    1005: SEARCH,
    1006: SEARCH,
    1027: SEARCH,
    1042: SEARCH,
    1053: SEARCH,
}
"""WeChat entry scenes by source group (WECHAT.md; WeChat's scene list)."""

FROM_GROUPS: Mapping[str, str] = {
    "menu": OA_MENU,
    "article": OA_ARTICLE,
    "template": OA_TEMPLATE,
    "subscribe": SUBSCRIBE_MESSAGE,
}
"""The query's `from`, as the official account's links set it."""

REFINED = {OA_MENU: ("type", "id"), OA_ARTICLE: ("id", "type")}
REFINED |= {OA_TEMPLATE: ("type", "id"), SUBSCRIBE_MESSAGE: ("type", "id")}
"""The groups a query refines, and the query fields that do, first found first."""

GROUP_LABELS: Mapping[str, str] = {
    OA_MENU: "公众号菜单",
    OA_ARTICLE: "公众号文章",
    OA_TEMPLATE: "公众号模板消息",
    SUBSCRIBE_MESSAGE: "订阅消息",
    CHAT_CARD: "聊天卡片",
    SCAN: "扫码",
    SEARCH: "搜索",
    INVITE: "邀请",
    QR: "二维码",
    OTHER: "其他",
    DIRECT: "直接访问",
}
DETAIL_LABELS: Mapping[str, str] = {
    "home": "首页",
    "category": "分类",
    "cart": "购物车",
    "mine": "我的",
    "member": "会员中心",
    "coupon": "领券中心",
}

DETAIL = re.compile(r"[A-Za-z0-9_-]{1,32}")
MAX_INVITE_CODE = 64
QR_PREFIX = "qrscene_"
MAX_LABEL = 40


@dataclass(frozen=True)
class Source:
    group: str
    detail: str = ""

    @property
    def key(self) -> str:
        return f"{self.group}:{self.detail}" if self.detail else self.group

    @property
    def label(self) -> str:
        """The default label; operators may set their own (SourceLabels)."""
        group = GROUP_LABELS[self.group]
        return f"{group}·{DETAIL_LABELS.get(self.detail, self.detail)}" if self.detail else group


def _safe(value: object) -> str | None:
    return value if isinstance(value, str) and DETAIL.fullmatch(value) else None


def source_of(scene: int | None, query: Mapping[str, str]) -> Source:
    """The source of a visit with this entry scene and page query (module rules)."""
    inviter = query.get("inviter")
    if isinstance(inviter, str) and 0 < len(inviter) <= MAX_INVITE_CODE:
        return Source(INVITE)
    qr = _qr_key(query)
    if qr is not None:
        return Source(QR, qr)
    named = FROM_GROUPS.get(query["from"]) if isinstance(query.get("from"), str) else None
    known = SCENE_GROUPS.get(scene) if isinstance(scene, int) else None
    group = known or named or OTHER
    if group in REFINED and named in (None, group):
        for name in REFINED[group]:
            detail = _safe(query.get(name))
            if detail is not None:
                return Source(group, detail)
    return Source(group)


def _qr_key(query: Mapping[str, str]) -> str | None:
    key = _safe(query.get("qrscene"))
    if key is None:
        scene = query.get("scene")
        if isinstance(scene, str):
            key = _safe(scene.removeprefix(QR_PREFIX))
    return key


def parse_source_key(text: str) -> Source:
    """The source a key names (as `Source.key` writes it); ValueError if none."""
    group, _, detail = text.partition(":")
    if group not in GROUP_LABELS:
        raise ValueError(f"a source key: one of {', '.join(GROUP_LABELS)}, optionally :<detail>")
    if ":" in text and not DETAIL.fullmatch(detail):
        raise ValueError("a source detail: 1-32 letters, digits, '_' or '-'")
    return Source(group, detail)


def clean_label(text: str) -> str:
    """An operator's label, trimmed: 1-40 characters, none of them control or
    format characters; ValueError says what is wanted."""
    label = text.strip()
    if not 1 <= len(label) <= MAX_LABEL:
        raise ValueError(f"1-{MAX_LABEL} characters")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in label):
        raise ValueError("no control characters or line breaks")
    return label


def last_touch(
    visit_at: datetime | None,
    visit_source: str | None,
    placed_at: datetime,
    window: timedelta = LAST_TOUCH_WINDOW,
) -> str:
    """The source an order placed at `placed_at` is credited to: the member's
    last visit before it if at most `window` older, else "direct"."""
    if visit_at is None or visit_source is None:
        return DIRECT
    if visit_at <= placed_at and placed_at - visit_at <= window:
        return visit_source
    return DIRECT


def converts(
    registered_at: datetime, paid_at: datetime, window: timedelta = CONVERSION_WINDOW
) -> bool:
    """A new member's payment counts as their first-order conversion when it
    falls within `window` of registering."""
    return registered_at <= paid_at and paid_at - registered_at <= window
