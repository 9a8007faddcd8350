"""Payment use cases: start a WeChat Pay JSAPI payment, record the verified
payment and refund notifications exactly once."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..domain.errors import DeadlinePassed, InvalidTransition
from ..domain.ids import payment_id_for
from ..domain.order import OrderStatus
from ..domain.payment import Payment
from .errors import NotFound
from .order_reactions import OrderReactions
from .orders import OrderUseCases
from .ports import PaymentGateway
from .store import EventStore, retry_on_conflict


def order_id_from_trade_no(out_trade_no: str) -> UUID:
    try:
        return UUID(hex=out_trade_no)
    except ValueError:
        raise NotFound("order") from None


class PaymentUseCases:
    def __init__(
        self,
        store: EventStore,
        orders: OrderUseCases,
        reactions: OrderReactions,
        *,
        gateway: PaymentGateway,
    ) -> None:
        self.store = store
        self.orders = orders
        self.reactions = reactions
        self.gateway = gateway

    def start_payment(self, order_id: UUID, *, member_id: UUID) -> dict[str, str]:
        """Asks WeChat Pay for a prepay id and returns the wx.requestPayment params."""
        order = self.orders.order(order_id, member_id)
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise InvalidTransition(f"cannot pay an order that is {order.status}")
        if self.store.clock.now() >= order.pay_deadline:
            raise DeadlinePassed("the payment deadline of this order has passed")
        prepay_id = self.gateway.jsapi_prepay(
            out_trade_no=order.out_trade_no,
            description=order.lines[0].title[:120],
            total_fen=order.price.payable_fen,
            payer_openid=order.payer_openid,
            time_expire=order.pay_deadline,
        )
        return self.gateway.payment_params(prepay_id)

    @retry_on_conflict
    def record_payment(
        self, *, out_trade_no: str, transaction_id: str, amount_fen: int, paid_at: datetime
    ) -> bool:
        """Records a verified payment; False when it was already recorded. The
        payment's reactions are saved with it: for the order of a member who
        closed the account meanwhile, the refund (order_reactions.py)."""
        order = self.orders.order(order_id_from_trade_no(out_trade_no))
        if not order.record_payment(transaction_id, amount_fen, paid_at):
            return False
        payment = Payment(
            transaction_id=transaction_id, order_id=order.id, amount_fen=amount_fen, paid_at=paid_at
        )
        changed = self.reactions.on_payment(order) if order.status == OrderStatus.PAID else []
        self.store.save(order, payment, *changed)
        return True

    def payment_recorded(self, transaction_id: str) -> bool:
        return self.store.exists(payment_id_for(transaction_id))

    @retry_on_conflict
    def record_refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_id: str,
        amount_fen: int,
        refunded_at: datetime,
    ) -> bool:
        order = self.orders.order(order_id_from_trade_no(out_trade_no))
        restock = order.returns_stock_on_refund
        if not order.record_refund(out_refund_no, refund_id, amount_fen, refunded_at):
            return False
        self.store.save(order, *self.reactions.on_refund(order, restock=restock))
        return True

    @retry_on_conflict
    def record_refund_failure(self, *, out_trade_no: str, out_refund_no: str, outcome: str) -> bool:
        order = self.orders.order(order_id_from_trade_no(out_trade_no))
        if not order.record_refund_failure(out_refund_no, outcome, self.store.clock.now()):
            return False
        self.store.save(order)
        return True
