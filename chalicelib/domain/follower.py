"""A follower of the official account (公众号), known by their OA openid.

The same person has another openid in the mini-program; their unionid (learnt
from the push or from cgi-bin/user/info) links the two, whichever came first,
so a follower with no member yet is kept as is. Where they came from (a
parametric QR code, a menu click or link) is kept as entry sources, the last
20, for attribution.

The openid and the unionid are personal data: the application seals them under
the follower's own key (the vault keyed by the follower id) before they are
recorded, and files the follower under `unionid_key`, a keyed pseudonym of the
unionid, so it can be found by unionid without the unionid in clear. Every
event carries the sealed openid (and the events that change identity the
sealed unionid and its key), so read models need no state of their own.

When the member of the same unionid closes their account (注销) the follower is
forgotten: its unionid, follow time and entry sources are dropped (the read
models remove its documents) and the application shreds its key, so the openid
and unionid in its events can never be opened again; a later push from the same
openid is seen again, sealed under a new key.

Events of version 1 recorded the openid and unionid in clear: they are upcast
into the sealed fields as recorded (the application reads a value that is not
sealed as is), and `unionid_key` is then the unionid itself, the key the read
model of that version filed them under. Those bytes stay in the event store
until it is compacted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

ENTRY_KINDS = ("qrscene", "click", "view", "subscribe")
MAX_SOURCES = 20


def follower_id_for(oa_openid: str) -> UUID:
    return uuid5(NAMESPACE_URL, "miniloop:oa-follower:" + oa_openid)


def _upcast_identity(state: dict[str, Any]) -> None:
    """A v1 event's clear openid and unionid, as recorded (see the module doc)."""
    state["sealed_openid"] = state.pop("openid")
    if "unionid" in state:
        unionid = state.pop("unionid")
        state["sealed_unionid"] = unionid
        state["unionid_key"] = unionid


class Follower(Aggregate):
    @classmethod
    def first_seen(cls, follower_id: UUID, sealed_openid: str, at: datetime) -> Follower:
        """`follower_id` is `follower_id_for` the openid the application sealed."""
        return cls._create(cls.Seen, id=follower_id, sealed_openid=sealed_openid, at=at)

    class Seen(Aggregate.Created):
        """The account first heard of this openid (any push from them)."""

        class_version = 2
        sealed_openid: str
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _upcast_identity(state)

    @event(Seen)
    def __init__(self, sealed_openid: str, at: datetime) -> None:
        self._start(sealed_openid)

    def _start(self, sealed_openid: str) -> None:
        self.sealed_openid = sealed_openid
        self.sealed_unionid: str | None = None
        self.unionid_key: str | None = None
        self.following = False
        self.followed_at: datetime | None = None
        self.sources: list[dict[str, str]] = []
        self.forgotten = False

    def seen_again(self, sealed_openid: str, at: datetime) -> None:
        """A push from a forgotten follower: known again, under a freshly sealed openid."""
        if not self.forgotten:
            raise ValueError("only a forgotten follower is seen again")
        self._seen_again(sealed_openid=sealed_openid, at=at)

    class SeenAgain(Aggregate.Event):
        sealed_openid: str
        at: datetime

    @event(SeenAgain)
    def _seen_again(self, sealed_openid: str, at: datetime) -> None:
        self._start(sealed_openid)

    def follow(self, scene_key: str | None, at: datetime) -> None:
        """Following again while following (a repeated push) records nothing."""
        if not self.following:
            self._followed(
                sealed_openid=self.sealed_openid,
                sealed_unionid=self.sealed_unionid,
                unionid_key=self.unionid_key,
                scene_key=scene_key,
                at=at,
            )

    class Followed(Aggregate.Event):
        class_version = 2
        sealed_openid: str
        sealed_unionid: str | None
        unionid_key: str | None
        scene_key: str | None
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _upcast_identity(state)

    @event(Followed)
    def _followed(
        self,
        sealed_openid: str,
        sealed_unionid: str | None,
        unionid_key: str | None,
        scene_key: str | None,
        at: datetime,
    ) -> None:
        self.following = True
        self.followed_at = at

    def unfollow(self, at: datetime) -> None:
        if self.following:
            self._unfollowed(sealed_openid=self.sealed_openid, unionid_key=self.unionid_key, at=at)

    class Unfollowed(Aggregate.Event):
        class_version = 2
        sealed_openid: str
        unionid_key: str | None
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _upcast_identity(state)
            state.pop("sealed_unionid", None)

    @event(Unfollowed)
    def _unfollowed(self, sealed_openid: str, unionid_key: str | None, at: datetime) -> None:
        self.following = False

    def identify(self, sealed_unionid: str, unionid_key: str) -> None:
        """The unionid sealed by the application, and its key; learning the same
        unionid again (the same key) records nothing."""
        if not sealed_unionid or not unionid_key:
            raise ValueError("a unionid is not empty")
        if unionid_key != self.unionid_key:
            self._identified(
                sealed_openid=self.sealed_openid,
                sealed_unionid=sealed_unionid,
                unionid_key=unionid_key,
                following=self.following,
            )

    class Identified(Aggregate.Event):
        class_version = 2
        sealed_openid: str
        sealed_unionid: str
        unionid_key: str
        following: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _upcast_identity(state)

    @event(Identified)
    def _identified(
        self, sealed_openid: str, sealed_unionid: str, unionid_key: str, following: bool
    ) -> None:
        self.sealed_unionid = sealed_unionid
        self.unionid_key = unionid_key

    @property
    def identified(self) -> bool:
        return self.unionid_key is not None

    def record_entry(self, kind: str, key: str, at: datetime) -> None:
        if kind not in ENTRY_KINDS:
            raise ValueError(f"an entry is one of {', '.join(ENTRY_KINDS)}, not {kind}")
        self._entry_recorded(sealed_openid=self.sealed_openid, kind=kind, key=key, at=at)

    class EntryRecorded(Aggregate.Event):
        class_version = 2
        sealed_openid: str
        kind: str
        key: str
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            _upcast_identity(state)

    @event(EntryRecorded)
    def _entry_recorded(self, sealed_openid: str, kind: str, key: str, at: datetime) -> None:
        self.sources = [*self.sources, {"kind": kind, "key": key, "at": at.isoformat()}][
            -MAX_SOURCES:
        ]

    def forget(self, at: datetime) -> None:
        """注销 of the member with the same unionid (the application shreds the key)."""
        self._forgotten(unionid_key=self.unionid_key, at=at)

    class Forgotten(Aggregate.Event):
        class_version = 2
        unionid_key: str | None
        at: datetime

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state.pop("openid")
            state["unionid_key"] = state.pop("unionid")

    @event(Forgotten)
    def _forgotten(self, unionid_key: str | None, at: datetime) -> None:
        self.sealed_unionid = None
        self.unionid_key = None
        self.following = False
        self.followed_at = None
        self.sources = []
        self.forgotten = True
