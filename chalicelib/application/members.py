"""Member use cases: log in through code2Session (registering on first sight,
with the 新人券 and the inviter when an invite code came along), the profile,
the bound phone, and closing the account."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.ids import member_id_for
from ..domain.member import Member, MemberAlias
from .accounts import Accounts
from .coupons import CouponUseCases
from .errors import NotFound
from .invites import InviteOutcome, InviteUseCases
from .ports import Vault
from .store import EventStore, retry_on_conflict


@dataclass(frozen=True)
class Login:
    member_id: UUID
    registered: bool
    invite: InviteOutcome | None  # None when no invite code was given


class MemberUseCases:
    """Login and registration (with the 新人券 from `coupons` and the referral
    from `invites`), the profile, the bound phone, and closing the account.
    Reading a member is Accounts.member."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        coupons: CouponUseCases,
        invites: InviteUseCases,
        *,
        vault: Vault,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.coupons = coupons
        self.invites = invites
        self.vault = vault

    def log_in(
        self,
        *,
        openid: str,
        unionid: str | None,
        scene: int | None,
        query: dict[str, str],
        invite_code: str | None = None,
    ) -> tuple[UUID, bool]:
        """Finds or registers the member; returns (member id, newly registered).
        A member who closed their account starts afresh."""
        login = self.log_in_with_invite(
            openid=openid, unionid=unionid, scene=scene, query=query, invite_code=invite_code
        )
        return login.member_id, login.registered

    @retry_on_conflict
    def log_in_with_invite(
        self,
        *,
        openid: str,
        unionid: str | None,
        scene: int | None,
        query: dict[str, str],
        invite_code: str | None = None,
    ) -> Login:
        """log_in, also telling what became of the invite code: a registration
        records the inviter (see invites.py); any other login ignores the code."""
        now = self.store.clock.now()
        member = self._find_member(openid=openid, unionid=unionid)
        registered = member is None or member.closed
        alias = None
        if member is None:
            member = Member(openid=openid, unionid=unionid, registered_at=now)
        elif member.closed:
            member.rejoin(now)
        elif unionid and member.unionid != unionid:
            member.link_unionid(unionid)
            alias = MemberAlias(unionid=unionid, member_id=member.id)
        member.log_in(scene=scene, query=query, at=now)
        gifts: list[Aggregate] = []
        if registered:
            wallet = self.accounts.wallet_of(member.id)
            points = self.accounts.points_of(member.id)
            wallet.reopen(now)
            points.reopen(now)
            gifts = [*self.coupons.welcome_gifts(wallet), wallet, points]
        invite, referral = None, None
        if invite_code is not None:
            invite, referral = self.invites.invite_on_registration(member, registered, invite_code)
        self.store.save(member, alias, *gifts, referral)
        return Login(member.id, registered, invite)

    def _find_member(self, *, openid: str, unionid: str | None) -> Member | None:
        candidates = [member_id_for(unionid=unionid, openid=openid)] if unionid else []
        candidates.append(member_id_for(unionid=None, openid=openid))
        for member_id in candidates:
            try:
                found = self.store.load(Aggregate, member_id, "member")
            except NotFound:
                continue
            if isinstance(found, MemberAlias):
                return self.store.load(Member, found.member_id, "member")
            if isinstance(found, Member):
                return found
        return None

    @retry_on_conflict
    def update_profile(
        self,
        member_id: UUID,
        *,
        nickname: str | None = None,
        avatar_url: str | None = None,
        birthday: str | None = None,
    ) -> None:
        member = self.accounts.active_member(member_id)
        now = self.store.clock.now()
        if nickname is not None or avatar_url is not None:
            member.update_profile(
                nickname=member.nickname if nickname is None else nickname,
                avatar_url=member.avatar_url if avatar_url is None else avatar_url,
                at=now,
            )
        if birthday is not None:
            member.set_birthday(birthday, now)
        self.store.save(member)

    @retry_on_conflict
    def bind_phone(self, member_id: UUID, phone: str) -> None:
        """The number WeChat verified (getuserphonenumber), sealed before it is recorded."""
        member = self.accounts.active_member(member_id)
        member.bind_phone(self.vault.seal(member_id, phone), self.store.clock.now())
        self.store.save(member)

    @retry_on_conflict
    def close_account(self, member_id: UUID) -> None:
        """注销: the member's key is deleted first, so every sealed field of theirs
        in the event store (phone, receiver, address) can never be read again;
        then the member, wallet and points account close in one write. Closing
        twice is harmless."""
        member = self.accounts.member(member_id)
        self.vault.shred(member_id)
        if member.closed:
            return
        now = self.store.clock.now()
        member.close(now)
        wallet = self.accounts.wallet_of(member_id)
        wallet.close(now)
        points = self.accounts.points_of(member_id)
        points.close(now)
        self.store.save(member, wallet, points)
