"""The use cases the outbox handlers call, each built when a message first needs
it: the outbox sender function's first message builds what its kind uses (a
low-stock alert nothing, a notification the notification use cases and the
accounts), not the whole shop. Where the shop is already built (the embedded
runtime's sender thread, next to the API), its own use cases are used.

`notification_use_cases` and `official_account_use_cases` are also how
`build_shop` builds those two, so each is wired in one place."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from .once import BuiltOnce

if TYPE_CHECKING:
    from ..application import Shop, ShopPorts, ShopRules
    from ..application.accounts import Accounts
    from ..application.notify_sender import NotificationUseCases
    from ..application.official_account import OfficialAccountUseCases
    from ..application.store import EventStore

T = TypeVar("T")


def notification_use_cases(
    store: EventStore, accounts: Accounts, rules: ShopRules, ports: ShopPorts
) -> NotificationUseCases:
    from ..application.notify_sender import NotificationUseCases

    return NotificationUseCases(
        store, accounts, template_book=rules.template_book, messenger=ports.messenger
    )


def official_account_use_cases(
    store: EventStore, rules: ShopRules, ports: ShopPorts
) -> OfficialAccountUseCases:
    from ..application.follower_identities import FollowerIdentities
    from ..application.official_account import OfficialAccountUseCases

    return OfficialAccountUseCases(
        store,
        follower_directory=ports.follower_directory,
        followers=ports.followers,
        identities=FollowerIdentities(ports.vault, ports.pseudonyms),
        keyword_replies=rules.keyword_replies,
        mp_appid=rules.mp_appid,
    )


class SenderParts:
    """Each part from the shop if `built_shop()` has one, else built alone, once."""

    def __init__(
        self,
        *,
        built_shop: Callable[[], Shop | None],
        store: Callable[[], EventStore],
        rules: Callable[[], ShopRules],
        ports: Callable[[], ShopPorts],
    ) -> None:
        self._built_shop = built_shop
        self._store = store
        self._rules = rules
        self._ports = ports
        self._once = BuiltOnce()

    def accounts(self) -> Accounts:
        from ..application.accounts import Accounts

        return self._part("accounts", lambda: Accounts(self._store()))

    def notifications(self) -> NotificationUseCases:
        return self._part(
            "notifications",
            lambda: notification_use_cases(
                self._store(), self.accounts(), self._rules(), self._ports()
            ),
        )

    def official_account(self) -> OfficialAccountUseCases:
        return self._part(
            "official_account",
            lambda: official_account_use_cases(self._store(), self._rules(), self._ports()),
        )

    def _part(self, name: str, build: Callable[[], T]) -> T:
        """The shop's use case of that name when the shop is built, else `build()` once."""
        shop = self._built_shop()
        if shop is not None:
            part: T = getattr(shop, name)
            return part
        return self._once(name, build)
