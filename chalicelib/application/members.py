"""Member use cases: the profile, the bound phone, and closing the account
(logging in and registering are logins.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from uuid import UUID

from eventsourcing.domain import Aggregate

from ..domain.errors import DomainError
from ..domain.member import Member
from ..domain.order import Order
from ..domain.refund_ledger import RefundLedger, ledger_id_for
from .accounts import Accounts
from .official_account import OfficialAccountUseCases
from .ports import Vault
from .profiles import Profiles
from .shop_refunds import awaits_shipping, refund_stranded
from .store import EventStore, retry_on_conflict
from .teams import TeamReactions


class AddressStillNeeded(DomainError):
    code = "address_still_needed"


@dataclass(frozen=True)
class Profile:
    nickname: str
    avatar_url: str
    birthday: str | None


class MemberUseCases:
    """The profile, the bound phone, and closing the account. Reading a member
    is Accounts.member."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        official_account: OfficialAccountUseCases,
        teams: TeamReactions,
        *,
        vault: Vault,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.official_account = official_account
        self.teams = teams
        self.vault = vault
        self.profiles = Profiles(vault)

    @retry_on_conflict
    def update_profile(
        self,
        member_id: UUID,
        *,
        nickname: str | None = None,
        avatar_url: str | None = None,
        birthday: str | None = None,
    ) -> Profile:
        """Nickname, avatar URL and birthday are sealed under the member's key
        before they are recorded (the birthday's month-day stays in clear for
        the birthday job); returns the profile as now recorded, opened."""
        member = self.accounts.active_member(member_id)
        now = self.store.clock.now()
        before = self.profile(member)
        after = Profile(
            nickname=before.nickname if nickname is None else nickname,
            avatar_url=before.avatar_url if avatar_url is None else avatar_url,
            birthday=before.birthday,
        )
        if (after.nickname, after.avatar_url) != (before.nickname, before.avatar_url):
            member.update_profile(
                sealed_nickname=self.profiles.seal(member_id, after.nickname),
                sealed_avatar_url=self.profiles.seal(member_id, after.avatar_url),
                at=now,
            )
        if birthday is not None:
            sealed = self.profiles.seal(member_id, birthday)
            member.set_birthday(birthday, sealed, now, recorded=before.birthday)
            after = replace(after, birthday=birthday)
        self.store.save(member)
        return after

    def profile(self, member: Member) -> Profile:
        """The member's nickname, avatar URL and birthday, opened."""
        return Profile(
            nickname=self.profiles.nickname(member),
            avatar_url=self.profiles.avatar_url(member),
            birthday=self.profiles.birthday(member),
        )

    @retry_on_conflict
    def bind_phone(self, member_id: UUID, phone: str) -> None:
        """The number WeChat verified (getuserphonenumber), sealed before it is recorded."""
        member = self.accounts.active_member(member_id)
        member.bind_phone(self.vault.seal(member_id, phone), self.store.clock.now())
        self.store.save(member)

    @retry_on_conflict
    def close_account(self, member_id: UUID) -> None:
        """注销: refused (AddressStillNeeded, 409) while a paid express order still
        awaits shipping. Otherwise the member's key is deleted first, so every
        sealed field of theirs in the event store (phone, receiver, address, order
        notes, nickname, avatar, birthday) can never be read again; then the
        member, wallet and points account close and the official-account follower
        known by the member's unionid is forgotten, in one write. Closing twice is
        harmless.

        A payment recorded after the key's deletion but before that write (the
        write then conflicts and this runs again), or a closing interrupted after
        the deletion, leaves paid orders whose address can no longer be opened:
        they cannot ship, so closing goes on and refunds them in its write,
        through each order's refund ledger (shop_refunds.py): whole
        when no after-sales request claims a unit, else only the unclaimed units
        (a request the shop makes for them and approves at once), while the
        member's own requests go on as usual; a request racing the closing
        writes the same ledger, so no unit is refunded twice."""
        member = self.accounts.member(member_id)
        if member.closed:
            self.vault.shred(member_id)
            return
        waiting = self.orders_awaiting_shipping(member)
        readable = [order.id for order in waiting if self._address_opens(order)]
        if readable:
            raise AddressStillNeeded(
                "these paid orders still need the delivery address: close the account"
                " once they have shipped or been refunded",
                order_ids=[str(order_id) for order_id in readable],
            )
        self.vault.shred(member_id)
        now = self.store.clock.now()
        refunded: list[Aggregate] = []
        for order in waiting:
            ledger = self.store.find(RefundLedger, ledger_id_for(order.id))
            refunded += refund_stranded(order, ledger, self.teams, now)
        member.close(now)
        wallet = self.accounts.wallet_of(member_id)
        wallet.close(now)
        points = self.accounts.points_of(member_id)
        points.close(now)
        forgotten = self.official_account.forget_follower(member.unionid, now)
        self.store.save(member, wallet, points, *forgotten, *refunded)

    def _address_opens(self, order: Order) -> bool:
        sealed = order.delivery.sealed_address
        return sealed is not None and self.vault.open(order.member_id, sealed) is not None

    def orders_awaiting_shipping(self, member: Member) -> list[Order]:
        """The member's paid express orders not shipped yet, found from the paid
        orders the member's spend records (write side: never stale)."""
        orders = (self.store.find(Order, UUID(order_id)) for order_id in sorted(member.spend))
        return [order for order in orders if order is not None and awaits_shipping(order)]
