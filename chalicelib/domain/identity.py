"""A WeChat identity (an openid or a unionid) as the shop remembers it across
account deletions: which member it is now, how many members it has had, and
whether its 新人券 were given.

Its id is a uuid5 of a keyed hash of the openid or unionid (the pseudonym, see
adapters/pseudonyms.py), and its events name no openid, unionid or person: only
member ids. So it survives 注销 and reveals nothing without the server's secret.

Rules:
- it points at one member; a login after that member closed their account
  registers a fresh member (a new id) and moves the pointer, so the new account
  has no access to the old one's orders;
- the welcome gifts go once per identity, whatever members it had;
- only an identity's first member counts as newly invited (`returning`).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import InvalidTransition
from .ids import identity_id_for


class WeChatIdentity(Aggregate):
    @classmethod
    def record(
        cls, pseudonym: str, member_id: UUID, *, members: int, welcomed: bool, at: datetime
    ) -> WeChatIdentity:
        """The identity of `pseudonym`, at its id; the pseudonym itself is not recorded."""
        return cls._create(
            cls.Recorded,
            id=identity_id_for(pseudonym),
            member_id=member_id,
            members=members,
            welcomed=welcomed,
            at=at,
        )

    class Recorded(Aggregate.Created):
        """First seen by this version of the shop. `members`: how many members it
        has had, this one included (an identity adopted from a member registered
        before identities were recorded counts that member); `welcomed`: whether
        its 新人券 were given already."""

        member_id: UUID
        members: int
        welcomed: bool
        at: datetime

    @event(Recorded)
    def __init__(self, member_id: UUID, members: int, welcomed: bool, at: datetime) -> None:
        self.member_id = member_id
        self.members = members
        self.welcomed = welcomed

    @property
    def returning(self) -> bool:
        """It had a member before the one it points at."""
        return self.members > 1

    def move_to(self, member_id: UUID, at: datetime) -> None:
        """A fresh member for this identity (its previous one closed the account)."""
        if member_id == self.member_id:
            raise InvalidTransition("the identity already points at this member")
        self._moved(member_id=member_id, at=at)

    class Moved(Aggregate.Event):
        member_id: UUID
        at: datetime

    @event(Moved)
    def _moved(self, member_id: UUID, at: datetime) -> None:
        self.member_id = member_id
        self.members += 1

    def welcome(self, at: datetime) -> bool:
        """Marks the 新人券 given; False (and nothing recorded) when they were."""
        if self.welcomed:
            return False
        self._welcomed(at=at)
        return True

    class Welcomed(Aggregate.Event):
        at: datetime

    @event(Welcomed)
    def _welcomed(self, at: datetime) -> None:
        self.welcomed = True
