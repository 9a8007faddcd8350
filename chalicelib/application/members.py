"""Member use cases: log in through code2Session, registering on first sight."""

from __future__ import annotations

from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.ids import member_id_for
from ..domain.member import Member, MemberAlias
from .errors import NotFound
from .shop import ShopBase, retry_on_conflict


class MemberUseCases(ShopBase):
    @retry_on_conflict
    def log_in(
        self, *, openid: str, unionid: str | None, scene: int | None, query: dict[str, str]
    ) -> tuple[UUID, bool]:
        """Finds or registers the member; returns (member id, newly registered)."""
        now = self.clock.now()
        member = self._find_member(openid=openid, unionid=unionid)
        registered = member is None
        alias = None
        if member is None:
            member = Member(openid=openid, unionid=unionid, registered_at=now)
        elif unionid and member.unionid != unionid:
            member.link_unionid(unionid)
            alias = MemberAlias(unionid=unionid, member_id=member.id)
        member.log_in(scene=scene, query=query, at=now)
        self.save(member, alias)
        return member.id, registered

    def _find_member(self, *, openid: str, unionid: str | None) -> Member | None:
        candidates = [member_id_for(unionid=unionid, openid=openid)] if unionid else []
        candidates.append(member_id_for(unionid=None, openid=openid))
        for member_id in candidates:
            try:
                found = self.load(Aggregate, member_id, "member")
            except NotFound:
                continue
            if isinstance(found, MemberAlias):
                return self.load(Member, found.member_id, "member")
            if isinstance(found, Member):
                return found
        return None

    def member(self, member_id: UUID) -> Member:
        return self.load(Member, member_id, "member")
