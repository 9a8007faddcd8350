"""Subscription use cases: the subscribe-message credits a member earns by
accepting templates, and the message categories they opt out of.

WeChat tells the shop about an acceptance twice: the mini-program reports the
result of wx.requestSubscribeMessage, and the mini-program message push sends
`subscribe_msg_popup_event`. Counting both would grant two credits for one
acceptance, so `credits_from` (settings) names the one source that counts; the
other is acknowledged and changes nothing. Only templates in the shop's
template book earn credits: any other id is ignored and reported.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ..domain.inbox import Inbox
from ..domain.notify_triggers import OPTIONAL_CATEGORIES, Category
from ..domain.push_receipt import PushReceipt
from ..domain.template_book import TemplateBook
from .accounts import Accounts
from .errors import InvalidInput
from .store import EventStore, retry_on_conflict

CLIENT, PUSH = "client", "push"
ACCEPT = "accept"


class SubscriptionUseCases:
    """`template_book`: the templates that earn credits; `credits_from`: CLIENT or
    PUSH, the one report of an acceptance that counts."""

    def __init__(
        self,
        store: EventStore,
        accounts: Accounts,
        *,
        template_book: TemplateBook,
        credits_from: str,
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.template_book = template_book
        self.credits_from = credits_from

    def _accepted(self, results: dict[str, str]) -> tuple[list[str], list[str]]:
        """(accepted templates of the book, template ids the book does not know)."""
        known = self.template_book.subscribe_ids()
        ids = [template_id for template_id in results if template_id != "errMsg"]
        accepted = [t for t in ids if t in known and results[t] == ACCEPT]
        return accepted, sorted(t for t in ids if t not in known)

    def _granted(self, inbox: Inbox, source: str, results: dict[str, str]) -> dict[str, Any]:
        accepted, unknown = self._accepted(results)
        counted = source == self.credits_from
        if counted:
            inbox.grant(accepted, self.store.clock.now())
        return {
            "granted": accepted if counted else [],
            "unknown": unknown,
            "counted_by": self.credits_from,
            "credits": {t: n for t, n in sorted(inbox.credits.items()) if n > 0},
        }

    @retry_on_conflict
    def grant_subscriptions(self, member_id: UUID, results: dict[str, str]) -> dict[str, Any]:
        """The mini-program's report: template id -> accept | reject | ban | filter.
        Returns {"granted": [ids], "unknown": [ids], "counted_by", "credits": {id: n}}."""
        self.accounts.active_member(member_id)
        inbox = self.accounts.inbox_of(member_id)
        outcome = self._granted(inbox, CLIENT, results)
        self.store.save(inbox)
        return outcome

    @retry_on_conflict
    def subscribe_events(
        self, member_id: UUID, events: list[dict[str, str]], *, dedupe_key: str
    ) -> dict[str, Any]:
        """The mini-program push's `subscribe_msg_popup_event` list of {TemplateId,
        SubscribeStatusString}; `dedupe_key` (FromUserName + CreateTime) makes a
        push WeChat delivers again grant nothing more. Same answer as above."""
        inbox = self.accounts.inbox_of(member_id)
        receipt_id = PushReceipt.create_id("mp", dedupe_key, "", None, self.store.clock.now())
        if self.store.exists(receipt_id):
            return self._granted(inbox, "", {})
        results: dict[str, str] = {}
        for entry in events:
            template_id = entry.get("TemplateId", "")
            status = entry.get("SubscribeStatusString", "")
            if template_id and results.get(template_id) != ACCEPT:
                results[template_id] = status
        outcome = self._granted(inbox, PUSH, results)
        receipt = PushReceipt.record(
            "mp", dedupe_key, "subscribe_msg_popup_event", None, self.store.clock.now()
        )
        self.store.save(receipt, inbox)
        return outcome

    def notification_preferences(self, member_id: UUID) -> dict[str, Any]:
        """{"opted_out": [categories], "categories": [{"category", "optional",
        "opted_out"}], "credits": {template id: n}}."""
        self.accounts.active_member(member_id)
        inbox = self.accounts.inbox_of(member_id)
        return {
            "opted_out": sorted(inbox.opted_out),
            "categories": [
                {
                    "category": category.value,
                    "optional": category in OPTIONAL_CATEGORIES,
                    "opted_out": category in inbox.opted_out,
                }
                for category in Category
            ],
            "credits": {t: n for t, n in sorted(inbox.credits.items()) if n > 0},
        }

    @retry_on_conflict
    def set_notification_preferences(self, member_id: UUID, opted_out: list[str]) -> None:
        """Exactly these categories are silenced from now on (on both channels).
        An unknown category is InvalidInput; `transactional` is CannotOptOut."""
        self.accounts.active_member(member_id)
        known = {category.value for category in Category}
        for category in opted_out:
            if category not in known:
                raise InvalidInput("opted_out", f"no message category {category!r}")
        inbox = self.accounts.inbox_of(member_id)
        now = self.store.clock.now()
        for category in sorted(set(opted_out)):
            inbox.opt_out(category, now)
        for category in list(inbox.opted_out):
            if category not in opted_out:
                inbox.opt_in(category, now)
        self.store.save(inbox)
