"""A Member is a person known by their WeChat identity (unionid, else openid).

Rules:
- the level is the one the member's paid spend over the rolling last 365 days
  (entries paid at > now - 365 days) reaches; paying raises it, a refund or spend
  aging out lowers it, and a redefined scheme moves it either way;
- the birthday is set once (setting the same day again records nothing);
- the phone arrives already sealed by the application: the domain never sees it plain;
- a closed account (注销) refuses every command: Closed is a member's last event
  (a login after closure registers a fresh member under a new id, see
  domain/identity.py; `rejoin` remains for the events of earlier versions, which
  reopened the same member).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .calendar import beijing_date
from .errors import AccountClosed, BirthdayAlreadySet, DomainError, InvalidTransition
from .ids import member_id_for
from .levels import DEFAULT_LEVELS, level_for
from .values import Level

SPEND_WINDOW = timedelta(days=365)
FIRST_LEVEL = DEFAULT_LEVELS[0].code
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Member(Aggregate):
    @staticmethod
    def create_id(openid: str, unionid: str | None) -> UUID:
        return member_id_for(unionid=unionid, openid=openid)

    @classmethod
    def register(
        cls, member_id: UUID, openid: str, unionid: str | None, registered_at: datetime
    ) -> Member:
        """A member under a given id: a WeChat identity's first member has the id
        `create_id` gives, a member after a closed one a fresh id."""
        return cls._create(
            cls.Registered,
            id=member_id,
            openid=openid,
            unionid=unionid,
            registered_at=registered_at,
        )

    class Registered(Aggregate.Created):
        openid: str
        unionid: str | None
        registered_at: datetime

    @event(Registered)
    def __init__(self, openid: str, unionid: str | None, registered_at: datetime) -> None:
        self.openid = openid
        self.unionid = unionid
        self.registered_at = registered_at
        self.logins = 0
        self.closed = False
        self._start_afresh()

    def _start_afresh(self) -> None:
        self.nickname = ""
        self.avatar_url = ""
        self.birthday: str | None = None
        self.celebrated_year: int | None = None
        self.sealed_phone: str | None = None
        self.spend: dict[str, tuple[int, datetime]] = {}
        self.reversed_spend: dict[str, bool] = {}  # a dict, not a set: snapshots are JSON
        self.level = FIRST_LEVEL

    def require_open(self) -> None:
        """Raises AccountClosed once the member has closed their account."""
        if self.closed:
            raise AccountClosed("this account is closed", member_id=str(self.id))

    # -- identity and log-in ---------------------------------------------------
    def log_in(self, scene: int | None, query: dict[str, str], at: datetime) -> None:
        self.require_open()
        self._logged_in(scene=scene, query=query, at=at)

    class LoggedIn(Aggregate.Event):
        scene: int | None
        query: dict[str, str]
        at: datetime

    @event(LoggedIn)
    def _logged_in(self, scene: int | None, query: dict[str, str], at: datetime) -> None:
        self.logins += 1
        self.last_login_at = at

    def link_unionid(self, unionid: str) -> None:
        self.require_open()
        if self.unionid != unionid:
            self._unionid_linked(unionid=unionid)

    class UnionIdLinked(Aggregate.Event):
        unionid: str

    @event(UnionIdLinked)
    def _unionid_linked(self, unionid: str) -> None:
        self.unionid = unionid

    # -- profile ---------------------------------------------------------------
    def update_profile(self, nickname: str, avatar_url: str, at: datetime) -> None:
        """Records nothing when both are unchanged."""
        self.require_open()
        if (nickname, avatar_url) != (self.nickname, self.avatar_url):
            self._profile_updated(nickname=nickname, avatar_url=avatar_url, at=at)

    class ProfileUpdated(Aggregate.Event):
        nickname: str
        avatar_url: str
        at: datetime

    @event(ProfileUpdated)
    def _profile_updated(self, nickname: str, avatar_url: str, at: datetime) -> None:
        self.nickname = nickname
        self.avatar_url = avatar_url

    def set_birthday(self, birthday: str, at: datetime) -> None:
        """A past or today's Beijing day "YYYY-MM-DD", set once; the same day again is a no-op."""
        self.require_open()
        if not ISO_DAY.fullmatch(birthday):
            raise DomainError("a birthday is a day written YYYY-MM-DD", birthday=birthday)
        try:
            day = date.fromisoformat(birthday)
        except ValueError:
            raise DomainError("no such day", birthday=birthday) from None
        if day > beijing_date(at):
            raise DomainError("a birthday cannot be in the future", birthday=birthday)
        if self.birthday == birthday:
            return
        if self.birthday is not None:
            raise BirthdayAlreadySet(
                "the birthday is already set and cannot be changed", birthday=self.birthday
            )
        self._birthday_set(birthday=birthday, at=at)

    class BirthdaySet(Aggregate.Event):
        birthday: str
        at: datetime

    @event(BirthdaySet)
    def _birthday_set(self, birthday: str, at: datetime) -> None:
        self.birthday = birthday

    def celebrate_birthday(self, year: int, coupon_id: str | None, at: datetime) -> bool:
        """The birthday job's mark, once a year, with or without a coupon to give."""
        self.require_open()
        if self.celebrated_year == year:
            return False
        self._birthday_celebrated(year=year, coupon_id=coupon_id, at=at)
        return True

    class BirthdayCelebrated(Aggregate.Event):
        year: int
        coupon_id: str | None
        at: datetime

    @event(BirthdayCelebrated)
    def _birthday_celebrated(self, year: int, coupon_id: str | None, at: datetime) -> None:
        self.celebrated_year = year

    def bind_phone(self, sealed_phone: str, at: datetime) -> None:
        self.require_open()
        if not sealed_phone:
            raise DomainError("no phone to bind")
        self._phone_bound(sealed_phone=sealed_phone, at=at)

    class PhoneBound(Aggregate.Event):
        sealed_phone: str
        at: datetime

    @event(PhoneBound)
    def _phone_bound(self, sealed_phone: str, at: datetime) -> None:
        self.sealed_phone = sealed_phone

    # -- spend and level -------------------------------------------------------
    def spend_within_year(self, now: datetime) -> int:
        """Paid spend with entries at > now - 365 days (refunded orders excluded)."""
        since = now - SPEND_WINDOW
        return sum(amount for amount, at in self.spend.values() if at > since)

    def record_spend(
        self, order_id: UUID, amount_fen: int, at: datetime, levels: list[Level]
    ) -> None:
        """Records an order's paid amount once, then moves the level if it changed."""
        self.require_open()
        if amount_fen < 0:
            raise DomainError("spend cannot be negative", amount_fen=amount_fen)
        key = str(order_id)
        if key in self.spend or key in self.reversed_spend:
            return
        self._spend_recorded(order_id=key, amount_fen=amount_fen, at=at)
        self._move_level(levels, at, reason="spend recorded")

    class SpendRecorded(Aggregate.Event):
        order_id: str
        amount_fen: int
        at: datetime

    @event(SpendRecorded)
    def _spend_recorded(self, order_id: str, amount_fen: int, at: datetime) -> None:
        self.spend[order_id] = (amount_fen, at)

    def reverse_spend(self, order_id: UUID, at: datetime, levels: list[Level]) -> None:
        """Takes a refunded order's spend back once, then lowers the level if needed."""
        self.require_open()
        key = str(order_id)
        if key not in self.spend:
            return
        amount_fen, _ = self.spend[key]
        self._spend_reversed(order_id=key, amount_fen=amount_fen, at=at)
        self._move_level(levels, at, reason="spend reversed")

    class SpendReversed(Aggregate.Event):
        order_id: str
        amount_fen: int
        at: datetime

    @event(SpendReversed)
    def _spend_reversed(self, order_id: str, amount_fen: int, at: datetime) -> None:
        del self.spend[order_id]
        self.reversed_spend[order_id] = True

    def reevaluate_level(self, now: datetime, levels: list[Level]) -> bool:
        """Ages spend older than the window out, then moves the level if it no longer
        matches: "spend aged out" when something aged, else "levels redefined"."""
        self.require_open()
        since = now - SPEND_WINDOW
        aged = sorted(order_id for order_id, (_, at) in self.spend.items() if at <= since)
        if aged:
            self._spend_aged_out(order_ids=aged, at=now)
        reason = "spend aged out" if aged else "levels redefined"
        return self._move_level(levels, now, reason=reason)

    class SpendAgedOut(Aggregate.Event):
        """Spend older than the window leaves the aggregate (and the review timers)."""

        order_ids: list[str]
        at: datetime

    @event(SpendAgedOut)
    def _spend_aged_out(self, order_ids: list[str], at: datetime) -> None:
        for order_id in order_ids:
            self.spend.pop(order_id, None)
            self.reversed_spend[order_id] = True  # settled: never recorded again

    def _move_level(self, levels: list[Level], now: datetime, reason: str) -> bool:
        spend_fen = self.spend_within_year(now)
        to_level = level_for(levels, spend_fen).code
        if to_level == self.level:
            return False
        self._level_changed(
            from_level=self.level, to_level=to_level, spend_fen=spend_fen, reason=reason, at=now
        )
        return True

    class LevelChanged(Aggregate.Event):
        from_level: str
        to_level: str
        spend_fen: int
        reason: str
        at: datetime

    @event(LevelChanged)
    def _level_changed(
        self, from_level: str, to_level: str, spend_fen: int, reason: str, at: datetime
    ) -> None:
        self.level = to_level

    # -- closing and rejoining -------------------------------------------------
    def close(self, at: datetime) -> None:
        """注销: forgets profile, phone, birthday, spend and level; refuses all but rejoin."""
        self.require_open()
        self._closed(at=at)

    class Closed(Aggregate.Event):
        at: datetime

    @event(Closed)
    def _closed(self, at: datetime) -> None:
        self.closed = True
        self._start_afresh()

    def rejoin(self, at: datetime) -> None:
        """A closed member comes back as new (the application calls it before log_in)."""
        if not self.closed:
            raise InvalidTransition("only a closed account can rejoin")
        self._rejoined(at=at, openid=self.openid)

    class Rejoined(Aggregate.Event):
        at: datetime
        openid: str = ""  # events before the mini-program push needed it carry none

    @event(Rejoined)
    def _rejoined(self, at: datetime, openid: str = "") -> None:
        self.closed = False
        self._start_afresh()


class MemberAlias(Aggregate):
    """Points a unionid learnt after registration at the member registered by
    openid, so every app under the same WeChat Open Platform finds one person."""

    @staticmethod
    def create_id(unionid: str, member_id: UUID) -> UUID:
        return member_id_for(unionid=unionid, openid="")

    class Linked(Aggregate.Created):
        unionid: str
        member_id: UUID

    @event(Linked)
    def __init__(self, unionid: str, member_id: UUID) -> None:
        self.unionid = unionid
        self.member_id = member_id
