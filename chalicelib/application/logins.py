"""Logging in through code2Session: the member a WeChat identity points at, or
a registration on first sight (or after the account was closed), with the
新人券 once per identity and the inviter when an invite code came along."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from ..domain.attribution import INVITE, source_of
from ..domain.identity import WeChatIdentity
from ..domain.ids import identity_id_for, member_id_for
from ..domain.member import Member, MemberAlias
from .accounts import Accounts
from .coupons import CouponUseCases
from .errors import NotFound
from .experiments import ExperimentUseCases
from .invites import REFUSED, InviteOutcome, InviteUseCases
from .ports import Pseudonyms
from .store import EventStore, retry_on_conflict


@dataclass(frozen=True)
class Login:
    member_id: UUID
    registered: bool
    invite: InviteOutcome | None  # None when no invite code was given


class LoginUseCases:
    """Login and registration (with the 新人券 from `coupons` and the referral
    from `invites`)."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        coupons: CouponUseCases,
        invites: InviteUseCases,
        experiments: ExperimentUseCases,
        *,
        pseudonyms: Pseudonyms,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.coupons = coupons
        self.invites = invites
        self.experiments = experiments
        self.pseudonyms = pseudonyms

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
        records the inviter (see invites.py); any other login ignores the code.

        The member is the one the WeChat identity (domain/identity.py) points at;
        a member registered before identities were recorded is found by its
        deterministic id and adopted. When that member closed their account, a
        fresh member with a new id registers and the identity moves to it, in
        one atomic write (two such logins at once: one wins, the other retries
        and logs in to it). The 新人券 go once per identity: the shop's, or
        those of the member's arm when a running experiment sets them (the
        member's exposure is then recorded in the same write)."""
        now = self.store.clock.now()
        pseudonyms = self._pseudonyms(openid=openid, unionid=unionid)
        identities = {p: self.store.find(WeChatIdentity, identity_id_for(p)) for p in pseudonyms}
        known = [identity for identity in identities.values() if identity is not None]
        if known:
            member: Member | None = self.accounts.member(known[0].member_id)
        else:
            member = self._find_member(openid=openid, unionid=unionid)
        had_member = member is not None
        welcomed = any(identity.welcomed for identity in known) or (had_member and not known)
        registered = member is None or member.closed
        if member is None:
            member_id = member_id_for(unionid=unionid, openid=openid)
            member = Member.register(member_id, openid, unionid, now)
        elif member.closed:
            member = Member.register(uuid4(), openid, unionid, now)
        elif unionid and member.unionid != unionid:
            member.link_unionid(unionid)
        member.log_in(scene=scene, query=query, at=now)
        before = max((identity.members for identity in known), default=int(had_member))
        members = before + 1 if registered else before
        pointers = self._point_at(member.id, identities, members=members, welcomed=welcomed)
        invite, referral = None, None
        if invite_code is not None and registered and had_member:
            invite = InviteOutcome(REFUSED, reason="returning_member")
        elif invite_code is not None:
            invite, referral = self.invites.invite_on_registration(member, registered, invite_code)
        gifts: list[Aggregate | None] = []
        if registered:
            wallet = self.accounts.wallet_of(member.id)
            points = self.accounts.points_of(member.id)
            wallet.reopen(now)
            points.reopen(now)
            if not welcomed:
                source = INVITE if referral is not None else source_of(scene, query).key
                codes, exposure = self.experiments.welcome_coupons_for(
                    member.id, registered_at=now, source=source
                )
                gifts = [*self.coupons.welcome_gifts(wallet, codes), exposure]
                for pointer in pointers:
                    pointer.welcome(now)
            gifts += [wallet, points]
        self.store.save(member, *pointers, *gifts, referral)
        return Login(member.id, registered, invite)

    def _pseudonyms(self, *, openid: str, unionid: str | None) -> list[str]:
        """The identity's pseudonyms, the unionid's first (it spans the shop's apps)."""
        found = [self.pseudonyms.of("unionid", unionid)] if unionid else []
        return [*found, self.pseudonyms.of("openid", openid)]

    def _point_at(
        self,
        member_id: UUID,
        identities: dict[str, WeChatIdentity | None],
        *,
        members: int,
        welcomed: bool,
    ) -> list[WeChatIdentity]:
        """Every pseudonym's identity pointing at the member: recorded when new
        (`members`: how many it has had with this one), moved when it pointed at
        another (closed) member."""
        now = self.store.clock.now()
        pointers = []
        for pseudonym, identity in identities.items():
            if identity is None:
                identity = WeChatIdentity.record(
                    pseudonym, member_id, members=members, welcomed=welcomed, at=now
                )
            elif identity.member_id != member_id:
                identity.move_to(member_id, now)
            pointers.append(identity)
        return pointers

    def _find_member(self, *, openid: str, unionid: str | None) -> Member | None:
        """A member registered before WeChat identities were recorded."""
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
