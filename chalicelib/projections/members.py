"""Member read model: the profile and level a member's own pages show, the
birthdays the birthday job looks up by day, and one level-review timer per paid
order, due when that order's spend leaves the 365-day window.

The phone, nickname, avatar URL and birthday stay sealed here (as the events
recorded them: in clear only from events of earlier versions); the API opens
them. A birthday is filed under its month-day ("MM-DD", recorded in clear with
the sealed day) for the birthday job. Closing the account removes every
item of the member; rejoining starts a fresh profile.

`by_openid` maps the mini-program openid to the member: a member registered by
unionid has an id no openid leads to, yet the mini-program message push names
the user by openid alone. Registered and Rejoined carry the openid, and the
member's document keeps it for Closed to purge the entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ..domain.member import FIRST_LEVEL, SPEND_WINDOW, Member
from ..domain.timers import TimerKind
from .base import Doc, Handler, ViewReader, ViewWriter, plain, rank_time

VIEW = "members"
BY_OPENID = "by_openid"
BIRTHDAYS = "birthdays"
LEVEL_REVIEWS = "level_reviews"  # the level-review timers, in group TimerKind.LEVEL_REVIEW
LEVEL_CHANGES_KEPT = 20


def review_key(member_id: str, order_id: str) -> str:
    return f"{member_id}:{order_id}"


def _fresh(member_id: str, at: datetime, openid: str | None = None) -> Doc:
    return {
        "member_id": member_id,
        "openid": openid,
        "nickname": "",
        "avatar_url": "",
        "birthday": None,
        "sealed_phone": None,
        "phone_bound": False,
        "level": FIRST_LEVEL,
        "spend": {},
        "registered_at": plain(at),
        "level_changes": [],
    }


def _change(views: ViewWriter, e: Any, **changes: Any) -> Doc | None:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return None
    doc.update(changes)
    views.put(VIEW, doc["member_id"], doc)
    return doc


def _registered(e: Member.Registered, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    views.put(VIEW, member_id, _fresh(member_id, e.registered_at, e.openid))
    views.put(BY_OPENID, e.openid, {"member_id": member_id})


def _profile_updated(e: Member.ProfileUpdated, views: ViewWriter) -> None:
    _change(views, e, nickname=e.nickname, avatar_url=e.avatar_url)


def _profile_sealed(e: Member.ProfileSealed, views: ViewWriter) -> None:
    _change(views, e, nickname=e.sealed_nickname, avatar_url=e.sealed_avatar_url)


def _birthday_set(e: Member.BirthdaySet, views: ViewWriter) -> None:
    _file_birthday(views, e, e.birthday, e.birthday[5:])


def _birthday_sealed(e: Member.BirthdaySealed, views: ViewWriter) -> None:
    _file_birthday(views, e, e.sealed_birthday, e.month_day)


def _file_birthday(views: ViewWriter, e: Any, birthday: str, day: str) -> None:
    if _change(views, e, birthday=birthday) is not None:
        member_id = str(e.originator_id)
        views.put(BIRTHDAYS, member_id, {"member_id": member_id, "day": day}, group=day)


def _birthday_celebrated(e: Member.BirthdayCelebrated, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    doc = views.get(BIRTHDAYS, member_id)
    if doc is not None:
        views.put(BIRTHDAYS, member_id, {**doc, "celebrated": e.year}, group=doc.get("day", ""))


def _phone_bound(e: Member.PhoneBound, views: ViewWriter) -> None:
    _change(views, e, sealed_phone=e.sealed_phone, phone_bound=True)


def _spend_recorded(e: Member.SpendRecorded, views: ViewWriter) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return
    doc["spend"][e.order_id] = {"amount_fen": e.amount_fen, "at": plain(e.at)}
    views.put(VIEW, doc["member_id"], doc)
    views.put(
        LEVEL_REVIEWS,
        review_key(doc["member_id"], e.order_id),
        {"member_id": doc["member_id"]},
        group=TimerKind.LEVEL_REVIEW,
        rank=rank_time(e.at + SPEND_WINDOW),
    )


def _drop_spend(views: ViewWriter, e: Any, order_ids: list[str]) -> None:
    member_id = str(e.originator_id)
    doc = views.get(VIEW, member_id)
    for order_id in order_ids:
        views.delete(LEVEL_REVIEWS, review_key(member_id, order_id))
        if doc is not None:
            doc["spend"].pop(order_id, None)
    if doc is not None:
        views.put(VIEW, member_id, doc)


def _spend_reversed(e: Member.SpendReversed, views: ViewWriter) -> None:
    _drop_spend(views, e, [e.order_id])


def _spend_aged_out(e: Member.SpendAgedOut, views: ViewWriter) -> None:
    _drop_spend(views, e, e.order_ids)


def _level_changed(e: Member.LevelChanged, views: ViewWriter) -> None:
    doc = views.get(VIEW, str(e.originator_id))
    if doc is None:
        return
    change = {"from": e.from_level, "to": e.to_level, "reason": e.reason, "at": plain(e.at)}
    doc["level"] = e.to_level
    doc["level_changes"] = [*doc["level_changes"], change][-LEVEL_CHANGES_KEPT:]
    views.put(VIEW, doc["member_id"], doc)


def _closed(e: Member.Closed, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    doc = views.get(VIEW, member_id)
    for order_id in doc["spend"] if doc else ():
        views.delete(LEVEL_REVIEWS, review_key(member_id, order_id))
    if doc is not None and doc.get("openid"):
        views.delete(BY_OPENID, doc["openid"])
    views.delete(BIRTHDAYS, member_id)
    views.delete(VIEW, member_id)


def _rejoined(e: Member.Rejoined, views: ViewWriter) -> None:
    member_id = str(e.originator_id)
    views.put(VIEW, member_id, _fresh(member_id, e.at, e.openid or None))
    if e.openid:
        views.put(BY_OPENID, e.openid, {"member_id": member_id})


HANDLERS: dict[type, Handler] = {
    Member.Registered: _registered,
    Member.ProfileUpdated: _profile_updated,
    Member.ProfileSealed: _profile_sealed,
    Member.BirthdaySet: _birthday_set,
    Member.BirthdaySealed: _birthday_sealed,
    Member.BirthdayCelebrated: _birthday_celebrated,
    Member.PhoneBound: _phone_bound,
    Member.SpendRecorded: _spend_recorded,
    Member.SpendReversed: _spend_reversed,
    Member.SpendAgedOut: _spend_aged_out,
    Member.LevelChanged: _level_changed,
    Member.Closed: _closed,
    Member.Rejoined: _rejoined,
}


class MembersProjection:
    name = "members"
    handles = frozenset(HANDLERS)

    def apply(self, event: Any, views: ViewWriter) -> None:
        """Events of other aggregates do not concern this view."""
        handler = HANDLERS.get(type(event))
        if handler is not None:
            handler(event, views)


def member_for_openid(views: ViewReader, openid: str) -> UUID | None:
    """The member of the mini-program user ``openid``; None when unknown (or closed)."""
    found = views.get(MembersProjection.name, BY_OPENID, openid) if openid else None
    return None if found is None else UUID(found["member_id"])
