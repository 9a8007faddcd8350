"""One Payment per WeChat Pay transaction: its id is derived from the
transaction_id, so a notification delivered twice collides instead of counting
twice."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .ids import payment_id_for


class Payment(Aggregate):
    @staticmethod
    def create_id(transaction_id: str) -> UUID:
        return payment_id_for(transaction_id)

    class Received(Aggregate.Created):
        transaction_id: str
        order_id: UUID
        amount_fen: int
        paid_at: datetime

    @event(Received)
    def __init__(
        self, transaction_id: str, order_id: UUID, amount_fen: int, paid_at: datetime
    ) -> None:
        self.transaction_id = transaction_id
        self.order_id = order_id
        self.amount_fen = amount_fen
        self.paid_at = paid_at
