"""An official-account follower's openid and unionid as the use cases need them:
sealed under the follower's own key (the vault keyed by the follower id) before
they are recorded, filed under a keyed pseudonym of the unionid for lookups, and
opened when a message is to be sent. Shredding the key when the follower is
forgotten makes every openid and unionid in its events unreadable.

Events of version 1 recorded them in clear (domain/follower.py upcasts them into
the sealed fields as recorded): a value that is not sealed reads as is, and such
a follower is filed under its unionid itself."""

from __future__ import annotations

from uuid import UUID

from ..domain.follower import Follower
from .ports import Pseudonyms, Vault


class FollowerIdentities:
    def __init__(self, vault: Vault, pseudonyms: Pseudonyms) -> None:
        self.vault = vault
        self.pseudonyms = pseudonyms

    def seal(self, follower_id: UUID, text: str) -> str:
        return self.vault.seal(follower_id, text)

    def unionid_key(self, unionid: str) -> str:
        return self.pseudonyms.of("unionid", unionid)

    def lookup_keys(self, unionid: str) -> tuple[str, str]:
        """The keys a follower of this unionid may be filed under: its pseudonym,
        then (followers recorded by version 1) the unionid itself."""
        return self.unionid_key(unionid), unionid

    def open(self, follower_id: UUID, recorded: str | None) -> str | None:
        """The openid or unionid as recorded: opened when sealed (None once the key
        is shredded), as is when recorded in clear by version 1."""
        if not recorded:
            return None
        if self.vault.is_sealed(recorded):
            return self.vault.open(follower_id, recorded)
        return recorded

    def openid(self, follower: Follower) -> str | None:
        return None if follower.forgotten else self.open(follower.id, follower.sealed_openid)

    def shred(self, follower_id: UUID) -> None:
        self.vault.shred(follower_id)
