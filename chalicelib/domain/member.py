"""A Member is a person known by their WeChat identity (unionid, else openid).

Rules:
- the level is the one the member's paid spend over the rolling last 365 days
  (entries paid at > now - 365 days) reaches; paying raises it, a refund or spend
  aging out lowers it, and a redefined scheme moves it either way;
- the birthday is set once (setting the same day again records nothing);
- personal data is recorded sealed under the member's key (adapters/pii), so
  deleting the key at 注销 makes it unreadable in every event: the phone, the
  nickname and avatar arrive sealed by the application (the domain never sees
  them plain; the application, which can open them, records nothing when they are
  unchanged); the birthday is checked here in clear, recorded sealed with its
  month-day ("MM-DD", the birthday job's bucket, which alone identifies nobody)
  in clear. Events of earlier versions (ProfileUpdated, BirthdaySet) hold these
  in clear and still replay as before;
- a closed account (注销) refuses every command: Closed is a member's last event
  (a login after closure registers a fresh member under a new id, see
  domain/identity.py; `rejoin` remains for the events of earlier versions, which
  reopened the same member).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .calendar import beijing_date
from .errors import AccountClosed, DomainError, InvalidTransition
from .ids import member_id_for
from .levels import DEFAULT_LEVELS, level_for
from .member_birthday import birthday_is_new, check_birthday
from .member_spend import SPEND_WINDOW, aged_out, spend_within_year
from .values import Level

__all__ = ["FIRST_LEVEL", "SPEND_WINDOW", "Member", "MemberAlias"]
FIRST_LEVEL = DEFAULT_LEVELS[0].code


class Member(Aggregate):
    # Attributes added after members' snapshots were first taken: an older
    # snapshot restores without them, and reads these defaults.
    sealed_nickname = ""
    sealed_avatar_url = ""
    sealed_birthday: str | None = None
    sealed_birthday_month_day: str | None = None

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
        self._forget_clear_profile()
        self.sealed_nickname = ""
        self.sealed_avatar_url = ""
        self.sealed_birthday = None
        self.sealed_birthday_month_day = None
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
    def _forget_clear_profile(self) -> None:
        """The clear profile only events of earlier versions record."""
        self.nickname = ""
        self.avatar_url = ""
        self.birthday: str | None = None

    def update_profile(self, sealed_nickname: str, sealed_avatar_url: str, at: datetime) -> None:
        """Nickname and avatar URL sealed by the application ("" for none); it
        calls this only when either changed."""
        self.require_open()
        self._profile_sealed(
            sealed_nickname=sealed_nickname, sealed_avatar_url=sealed_avatar_url, at=at
        )

    class ProfileSealed(Aggregate.Event):
        sealed_nickname: str  # "" when none
        sealed_avatar_url: str  # "" when none
        at: datetime

    @event(ProfileSealed)
    def _profile_sealed(self, sealed_nickname: str, sealed_avatar_url: str, at: datetime) -> None:
        self.sealed_nickname = sealed_nickname
        self.sealed_avatar_url = sealed_avatar_url
        self.nickname = ""
        self.avatar_url = ""

    class ProfileUpdated(Aggregate.Event):
        """Earlier versions' profile, in clear (now ProfileSealed)."""

        nickname: str
        avatar_url: str
        at: datetime

    @event(ProfileUpdated)
    def _profile_updated(self, nickname: str, avatar_url: str, at: datetime) -> None:
        self.nickname = nickname
        self.avatar_url = avatar_url
        self.sealed_nickname = ""
        self.sealed_avatar_url = ""

    @property
    def has_birthday(self) -> bool:
        return self.birthday is not None or self.sealed_birthday is not None

    @property
    def birthday_month_day(self) -> str | None:
        """The birthday's "MM-DD", None when none is set."""
        if self.birthday is not None:
            return self.birthday[5:]
        return self.sealed_birthday_month_day

    def set_birthday(
        self, birthday: str, sealed_birthday: str, at: datetime, recorded: str | None = None
    ) -> None:
        """A past or today's Beijing day "YYYY-MM-DD", set once; the same day
        again is a no-op. `birthday` is only checked here: the event records
        `sealed_birthday` (the same day, sealed by the application) and the
        month-day. `recorded` is the birthday set earlier as the application
        opened it (the aggregate keeps it sealed)."""
        self.require_open()
        check_birthday(birthday, beijing_date(at))
        if not sealed_birthday:
            raise DomainError("no sealed birthday to record")
        recorded = self.birthday if self.birthday is not None else recorded
        if not birthday_is_new(birthday, recorded, self.has_birthday):
            return
        self._birthday_sealed(sealed_birthday=sealed_birthday, month_day=birthday[5:], at=at)

    class BirthdaySealed(Aggregate.Event):
        sealed_birthday: str
        month_day: str  # "MM-DD" in clear: the birthday job's bucket
        at: datetime

    @event(BirthdaySealed)
    def _birthday_sealed(self, sealed_birthday: str, month_day: str, at: datetime) -> None:
        self.sealed_birthday = sealed_birthday
        self.sealed_birthday_month_day = month_day

    class BirthdaySet(Aggregate.Event):
        """Earlier versions' birthday, in clear (now BirthdaySealed)."""

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
        return spend_within_year(self.spend, now)

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
        aged = aged_out(self.spend, now)
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
