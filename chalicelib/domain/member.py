"""A Member is a person known by their WeChat identity (unionid, else openid)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .ids import member_id_for


class Member(Aggregate):
    @staticmethod
    def create_id(openid: str, unionid: str | None) -> UUID:
        return member_id_for(unionid=unionid, openid=openid)

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

    class LoggedIn(Aggregate.Event):
        scene: int | None
        query: dict[str, str]
        at: datetime

    @event(LoggedIn)
    def log_in(self, scene: int | None, query: dict[str, str], at: datetime) -> None:
        self.logins += 1
        self.last_login_at = at

    def link_unionid(self, unionid: str) -> None:
        if self.unionid != unionid:
            self._unionid_linked(unionid=unionid)

    class UnionIdLinked(Aggregate.Event):
        unionid: str

    @event(UnionIdLinked)
    def _unionid_linked(self, unionid: str) -> None:
        self.unionid = unionid


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
