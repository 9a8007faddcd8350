"""What the application needs from the outside world, as protocols."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID


class PaymentGateway(Protocol):
    def jsapi_prepay(
        self,
        *,
        out_trade_no: str,
        description: str,
        total_fen: int,
        payer_openid: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str: ...

    def payment_params(self, prepay_id: str) -> dict[str, str]: ...


class IdentityProvider(Protocol):
    def code2session(self, code: str) -> Any:
        """Returns an object with openid and unionid (session_key is never kept)."""


class DueTimers(Protocol):
    def due(self, kind: str, now: datetime, limit: int = 200) -> list[UUID]:
        """Ids of the aggregates whose `kind` timer is due: orders (unpaid,
        auto_receive, complete), points accounts (points_expiry), members
        (level_review, birthday)."""


class Vault(Protocol):
    """Seals personal data under the member's own key (adapters/pii)."""

    def seal(self, member_id: UUID, text: str) -> str: ...

    def seal_json(self, member_id: UUID, obj: dict[str, Any]) -> str: ...

    def shred(self, member_id: UUID) -> None:
        """Deletes the member's key: everything sealed under it reads as redacted."""
