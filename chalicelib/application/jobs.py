"""Time-driven jobs: cancel unpaid orders, confirm receipt, complete orders.

Timers come from a read model (which orders might be due); each aggregate
re-checks its own deadline, so a stale or repeated timer changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from .payments import PaymentUseCases
from .ports import DueTimers


class JobUseCases(PaymentUseCases):
    def run_due_jobs(self, timers: DueTimers) -> dict[str, int]:
        steps: dict[str, tuple[str, Callable[[UUID], bool]]] = {
            "cancelled_unpaid": ("unpaid", self.expire_order),
            "auto_received": ("auto_receive", self.auto_confirm_receipt),
            "completed": ("complete", self.complete_order),
        }
        done: dict[str, int] = {}
        for name, (kind, step) in steps.items():
            done[name] = sum(1 for order_id in timers.due(kind, self.clock.now()) if step(order_id))
        return done
