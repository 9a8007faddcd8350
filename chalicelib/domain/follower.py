"""A follower of the official account (公众号), known by their OA openid.

The same person has another openid in the mini-program; their unionid (learnt
from the push or from cgi-bin/user/info) links the two, whichever came first,
so a follower with no member yet is kept as is. Where they came from (a
parametric QR code, a menu click or link) is kept as entry sources, the last
20, for attribution. Every event carries the openid (and the events that
change identity the unionid) so read models need no state of their own.

When the member of the same unionid closes their account (注销) the follower is
forgotten: its unionid, follow time and entry sources are dropped (the read
models remove its documents); a later push from the same openid starts afresh.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

ENTRY_KINDS = ("qrscene", "click", "view", "subscribe")
MAX_SOURCES = 20


def follower_id_for(oa_openid: str) -> UUID:
    return uuid5(NAMESPACE_URL, "miniloop:oa-follower:" + oa_openid)


class Follower(Aggregate):
    @staticmethod
    def create_id(openid: str, at: datetime) -> UUID:
        return follower_id_for(openid)

    class Seen(Aggregate.Created):
        """The account first heard of this openid (any push from them)."""

        openid: str
        at: datetime

    @event(Seen)
    def __init__(self, openid: str, at: datetime) -> None:
        self.openid = openid
        self.unionid: str | None = None
        self.following = False
        self.followed_at: datetime | None = None
        self.sources: list[dict[str, str]] = []

    def follow(self, scene_key: str | None, at: datetime) -> None:
        """Following again while following (a repeated push) records nothing."""
        if not self.following:
            self._followed(openid=self.openid, unionid=self.unionid, scene_key=scene_key, at=at)

    class Followed(Aggregate.Event):
        openid: str
        unionid: str | None
        scene_key: str | None
        at: datetime

    @event(Followed)
    def _followed(
        self, openid: str, unionid: str | None, scene_key: str | None, at: datetime
    ) -> None:
        self.following = True
        self.followed_at = at

    def unfollow(self, at: datetime) -> None:
        if self.following:
            self._unfollowed(openid=self.openid, unionid=self.unionid, at=at)

    class Unfollowed(Aggregate.Event):
        openid: str
        unionid: str | None
        at: datetime

    @event(Unfollowed)
    def _unfollowed(self, openid: str, unionid: str | None, at: datetime) -> None:
        self.following = False

    def identify(self, unionid: str) -> None:
        """Learning the same unionid again records nothing."""
        if not unionid:
            raise ValueError("a unionid is not empty")
        if unionid != self.unionid:
            self._identified(openid=self.openid, unionid=unionid, following=self.following)

    class Identified(Aggregate.Event):
        openid: str
        unionid: str
        following: bool

    @event(Identified)
    def _identified(self, openid: str, unionid: str, following: bool) -> None:
        self.unionid = unionid

    def record_entry(self, kind: str, key: str, at: datetime) -> None:
        if kind not in ENTRY_KINDS:
            raise ValueError(f"an entry is one of {', '.join(ENTRY_KINDS)}, not {kind}")
        self._entry_recorded(openid=self.openid, kind=kind, key=key, at=at)

    class EntryRecorded(Aggregate.Event):
        openid: str
        kind: str
        key: str
        at: datetime

    @event(EntryRecorded)
    def _entry_recorded(self, openid: str, kind: str, key: str, at: datetime) -> None:
        self.sources = [*self.sources, {"kind": kind, "key": key, "at": at.isoformat()}][
            -MAX_SOURCES:
        ]

    def forget(self, at: datetime) -> None:
        """注销 of the member with the same unionid."""
        self._forgotten(openid=self.openid, unionid=self.unionid, at=at)

    class Forgotten(Aggregate.Event):
        openid: str
        unionid: str | None
        at: datetime

    @event(Forgotten)
    def _forgotten(self, openid: str, unionid: str | None, at: datetime) -> None:
        self.unionid = None
        self.following = False
        self.followed_at = None
        self.sources = []
