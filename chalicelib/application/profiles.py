"""A member's profile (nickname, avatar URL, birthday) as the use cases need it:
sealed under the member's key before it is recorded, opened through the vault
when a rule or a page needs it in clear. Events of earlier versions recorded it
in clear, and read as recorded; once the key is shredded it opens to nothing."""

from __future__ import annotations

from uuid import UUID

from ..domain.member import Member
from .ports import Vault


class Profiles:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def seal(self, member_id: UUID, text: str) -> str:
        """The text sealed under the member's key; "" stays "" (nothing to hide)."""
        return self.vault.seal(member_id, text) if text else ""

    def nickname(self, member: Member) -> str:
        """ "" when none was given, or once the key is shredded."""
        if member.sealed_nickname:
            return self.vault.open(member.id, member.sealed_nickname) or ""
        return member.nickname

    def avatar_url(self, member: Member) -> str:
        """ "" when none was given, or once the key is shredded."""
        if member.sealed_avatar_url:
            return self.vault.open(member.id, member.sealed_avatar_url) or ""
        return member.avatar_url

    def birthday(self, member: Member) -> str | None:
        """ "YYYY-MM-DD"; None when none was set, or once the key is shredded."""
        if member.sealed_birthday is not None:
            return self.vault.open(member.id, member.sealed_birthday)
        return member.birthday
