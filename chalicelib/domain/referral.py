"""Invites (邀请有礼): who invited whom, and the reward both receive once.

Every member has an invite code: their member id's 16 bytes in lowercase base32
without padding (26 URL-safe characters), so the code needs no lookup table and
decodes back to the inviter. A Referral is recorded at the invitee's first login
(their registration), one per invitee (its id comes from the invitee's id), and
is refused for a self-invite or a loop: an invitee found among the inviter's own
inviters, up to MAX_CHAIN levels up. When the invitee's first order completes,
both members get the InvitePolicy's reward; `Rewarded` records it once, so a
later order, a repeated completion job or a refund never gives or takes it again.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE

MAX_CHAIN = 20
INVITE_PAGE = "pages/index/index"
CODE_LENGTH = 26


@dataclass(frozen=True)
class InvitePolicy:
    reward_points: int = 100  # to each of the inviter and the invitee
    reward_coupon: str = ""  # a coupon template code given to each; "" = none


class InviteRefused(DomainError):
    """Why an invite was not recorded: `reason` is one of REASONS."""

    code = "invite_refused"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


def invite_code_for(member_id: UUID) -> str:
    return base64.b32encode(member_id.bytes).decode().rstrip("=").lower()


def invite_path_for(member_id: UUID) -> str:
    """The mini-program page a shared invite opens (wx.shareAppMessage path)."""
    return f"{INVITE_PAGE}?inviter={invite_code_for(member_id)}"


def inviter_of_code(code: str) -> UUID:
    """The member id an invite code stands for; InviteRefused("invalid_code") if none."""
    normal = code.strip().lower()
    if len(normal) == CODE_LENGTH:
        try:
            member_id = UUID(bytes=base64.b32decode(normal.upper() + "======"))
        except (binascii.Error, ValueError):
            member_id = None
        if member_id is not None and invite_code_for(member_id) == normal:
            return member_id
    raise InviteRefused("invalid_code", "this invite code is not valid")


def referral_id_for(invitee_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"referral:{invitee_id}")


class Referral(Aggregate):
    @staticmethod
    def create_id(invitee_id: UUID) -> UUID:
        return referral_id_for(invitee_id)

    @classmethod
    def record(
        cls, *, invitee_id: UUID, inviter_id: UUID, inviters_above: list[UUID], at: datetime
    ) -> Referral:
        """inviters_above: the inviter's own inviter, theirs, ... (at most MAX_CHAIN)."""
        if invitee_id == inviter_id:
            raise InviteRefused("self_invite", "a member cannot invite themselves")
        if invitee_id in inviters_above[:MAX_CHAIN]:
            raise InviteRefused("loop", "this member is already among the inviter's inviters")
        return cls(invitee_id=invitee_id, inviter_id=inviter_id, at=at)

    class Recorded(Aggregate.Created):
        invitee_id: UUID
        inviter_id: UUID
        at: datetime

    @event(Recorded)
    def __init__(self, invitee_id: UUID, inviter_id: UUID, at: datetime) -> None:
        self.invitee_id = invitee_id
        self.inviter_id = inviter_id
        self.invited_at = at
        self.rewarded_for: str | None = None  # the order that earned the reward

    @property
    def rewarded(self) -> bool:
        return self.rewarded_for is not None

    def reward(
        self,
        order_id: UUID,
        *,
        inviter_points: int,
        invitee_points: int,
        inviter_coupon_id: str,
        invitee_coupon_id: str,
        at: datetime,
    ) -> bool:
        """Records what each side received (0 / "" when nothing, e.g. a closed account).
        Returns False when the referral was rewarded already."""
        if self.rewarded:
            return False
        self._rewarded(
            order_id=str(order_id),
            inviter_points=inviter_points,
            invitee_points=invitee_points,
            inviter_coupon_id=inviter_coupon_id,
            invitee_coupon_id=invitee_coupon_id,
            at=at,
        )
        return True

    class Rewarded(Aggregate.Event):
        order_id: str
        inviter_points: int
        invitee_points: int
        inviter_coupon_id: str
        invitee_coupon_id: str
        at: datetime

    @event(Rewarded)
    def _rewarded(
        self,
        order_id: str,
        inviter_points: int,
        invitee_points: int,
        inviter_coupon_id: str,
        invitee_coupon_id: str,
        at: datetime,
    ) -> None:
        self.rewarded_for = order_id
