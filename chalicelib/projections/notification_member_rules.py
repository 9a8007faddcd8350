"""A member's own moments worth a message: a coupon expiring tomorrow (moot
once it is used, lapses or the account closes; relevant again when a cancelled
order gives it back) and reaching a higher level.

Which coupons of a wallet still wait for their reminder lives in the
projection's `wallets` view; the levels' order in its `levels` view (the
default levels until the shop defines its own, with every level ever defined
kept, so a change from a level since removed is still ranked).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..domain.coupons import CouponWallet
from ..domain.levels import DEFAULT_LEVELS, LevelScheme
from ..domain.member import Member
from ..domain.notify_triggers import page_of
from ..domain.values import Level
from .base import Doc, plain
from .notification_intents import Intent, Intents, beijing_time, intent_id

WALLETS = "wallets"
LEVELS, SCHEME = "levels", "scheme"
COUPON_EXPIRING = "coupon_expiring"
AHEAD = timedelta(days=1)
LAST_MINUTE = timedelta(minutes=1)  # expires_at is exclusive: show the last usable minute


def _wallet(intents: Intents, e: Any) -> Doc | None:
    return intents.views.get(WALLETS, str(e.originator_id))


def _opened(e: CouponWallet.Opened, intents: Intents) -> None:
    intents.views.put(WALLETS, str(e.originator_id), {"member_id": str(e.member_id), "coupons": {}})


def _received(e: CouponWallet.Received, intents: Intents) -> None:
    wallet = _wallet(intents, e)
    coupon = e.coupon
    if wallet is None or coupon.expires_at <= e.at:
        return
    wallet["coupons"] = {
        cid: expires
        for cid, expires in wallet["coupons"].items()
        if datetime.fromisoformat(expires) > e.at
    }
    wallet["coupons"][coupon.coupon_id] = plain(coupon.expires_at)
    intents.views.put(WALLETS, str(e.originator_id), wallet)
    last_minute = beijing_time(coupon.expires_at - LAST_MINUTE)
    fields = {"coupon": coupon.title, "title": coupon.title, "time": last_minute}
    intent = Intent(
        COUPON_EXPIRING,
        (coupon.coupon_id,),
        wallet["member_id"],
        page_of(COUPON_EXPIRING),
        fields,
        due_at=coupon.expires_at - AHEAD,
        expires_at=coupon.expires_at,
    )
    intents.queue(intent)


def _gone(e: CouponWallet.Used | CouponWallet.Lapsed, intents: Intents) -> None:
    intents.cancel(intent_id(COUPON_EXPIRING, e.coupon_id))


def _returned(e: CouponWallet.Returned, intents: Intents) -> None:
    intents.reopen(intent_id(COUPON_EXPIRING, e.coupon_id))


def _closed(e: CouponWallet.Closed, intents: Intents) -> None:
    wallet = _wallet(intents, e)
    if wallet is None:
        return
    for coupon_id in sorted(wallet["coupons"]):
        intents.cancel(intent_id(COUPON_EXPIRING, coupon_id))
    intents.views.put(WALLETS, str(e.originator_id), dict(wallet, coupons={}))


# -- levels ----------------------------------------------------------------------------
def _known_levels(intents: Intents) -> Doc:
    doc = intents.views.get(LEVELS, SCHEME)
    if doc is None:
        return {level.code: _level(level) for level in DEFAULT_LEVELS}
    return dict(doc["levels"])


def _level(level: Level) -> Doc:
    return {"name": level.name, "threshold_fen": level.threshold_fen}


def _scheme(e: LevelScheme.Defined | LevelScheme.Redefined, intents: Intents) -> None:
    levels = _known_levels(intents)
    levels.update({level.code: _level(level) for level in e.levels})
    intents.views.put(LEVELS, SCHEME, {"levels": levels})


def _level_changed(e: Member.LevelChanged, intents: Intents) -> None:
    levels = _known_levels(intents)
    before, after = levels.get(e.from_level), levels.get(e.to_level)
    if after is None or (before is not None and after["threshold_fen"] <= before["threshold_fen"]):
        return
    member_id = str(e.originator_id)
    fields = {"level": after["name"], "time": beijing_time(e.at)}
    subject = (member_id, e.originator_version)
    intents.queue(Intent("level_up", subject, member_id, page_of("level_up"), fields))


HANDLERS: dict[type, Callable[[Any, Intents], None]] = {
    CouponWallet.Opened: _opened,
    CouponWallet.Received: _received,
    CouponWallet.Used: _gone,
    CouponWallet.Lapsed: _gone,
    CouponWallet.Returned: _returned,
    CouponWallet.Closed: _closed,
    LevelScheme.Defined: _scheme,
    LevelScheme.Redefined: _scheme,
    Member.LevelChanged: _level_changed,
}
