"""How a member appears on other members' pages (a group-buy team, a bargain's
helps): the masked nickname ("张**") and the avatar URL their sealed profile
holds when the page is built, opened from the members read model. A member with
none shows "微信用户" and no avatar, and so does a member who closed the account
(their document is gone, their key shredded): never what they once showed."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from ..application.ports import Vault
from ..domain.team import mask_nickname
from ..projections import members
from ..projections.base import Doc, ViewReader

PLACEHOLDER_AVATAR = ""


class MemberFaces:
    """Opens what it shows through the vault; reads one document per member."""

    def __init__(self, views: ViewReader, vault: Vault) -> None:
        self.views = views
        self.vault = vault

    def __call__(self, member_ids: Sequence[str | None]) -> list[Doc]:
        known: dict[str, Doc] = {}
        for member_id in member_ids:
            if member_id and member_id not in known:
                known[member_id] = self.face(member_id)
        return [known[m] if m else self.placeholder() for m in member_ids]

    def face(self, member_id: str) -> Doc:
        doc = self.views.get(members.MembersProjection.name, members.VIEW, member_id)
        if doc is None:
            return self.placeholder()
        owner = UUID(member_id)
        nickname = self._opened(owner, doc.get("nickname"))
        avatar_url = self._opened(owner, doc.get("avatar_url"))
        return {"nickname": mask_nickname(nickname), "avatar_url": avatar_url}

    @staticmethod
    def placeholder() -> Doc:
        return {"nickname": mask_nickname(""), "avatar_url": PLACEHOLDER_AVATAR}

    def _opened(self, owner: UUID, recorded: object) -> str:
        """Opened when sealed ("" once shredded); recorded before profiles were
        sealed: as written."""
        if not isinstance(recorded, str) or not recorded:
            return ""
        if self.vault.is_sealed(recorded):
            return self.vault.open(owner, recorded) or ""
        return recorded
