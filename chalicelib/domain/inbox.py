"""A member's inbox: what the shop may send them, and what it sent lately.

- credits: each subscribe-message template the member accepted allows exactly
  one send of it (WeChat keeps no count we could read); a send consumes one, a
  send that surely did not go out gives it back, and a count never goes negative;
- opted out: categories the member silenced, on both channels; transactional
  messages (what they bought, what they are owed) cannot be silenced;
- last sent: per capped category, when and for which intent the last message
  went, so the frequency caps hold across both channels and the same intent
  sent again after a failed attempt is not capped by itself.

One aggregate per member, so two senders racing for the last credit or the one
marketing slot of the day conflict on it and only one wins.
"""

from __future__ import annotations

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .notify_triggers import CAPS, OPTIONAL_CATEGORIES, Category


class CannotOptOut(DomainError):
    """The category is not one a member can silence."""

    code = "cannot_opt_out"
    field = "category"


def inbox_id_for(member_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"miniloop:inbox:{member_id}")


class Inbox(Aggregate):
    @staticmethod
    def create_id(member_id: UUID) -> UUID:
        return inbox_id_for(member_id)

    class Opened(Aggregate.Created):
        member_id: UUID

    @event(Opened)
    def __init__(self, member_id: UUID) -> None:
        self.member_id = member_id
        self.credits: dict[str, int] = {}
        self.opted_out: list[str] = []
        self.last_sent: dict[str, dict[str, str]] = {}  # category -> {"at", "intent_id"}

    # -- subscribe-message credits -----------------------------------------------
    def credits_for(self, template_id: str) -> int:
        return self.credits.get(template_id, 0)

    def grant(self, template_ids: list[str], at: datetime) -> None:
        """One credit per accepted template id (an id twice: two acceptances)."""
        if template_ids:
            self._credits_granted(member_id=self.member_id, template_ids=template_ids, at=at)

    class CreditsGranted(Aggregate.Event):
        member_id: UUID
        template_ids: list[str]
        at: datetime

    @event(CreditsGranted)
    def _credits_granted(self, member_id: UUID, template_ids: list[str], at: datetime) -> None:
        for template_id in template_ids:
            self.credits[template_id] = self.credits_for(template_id) + 1

    def consume(self, template_id: str, at: datetime) -> bool:
        """False, recording nothing, when no credit of that template is left."""
        if self.credits_for(template_id) <= 0:
            return False
        self._credit_consumed(member_id=self.member_id, template_id=template_id, at=at)
        return True

    class CreditConsumed(Aggregate.Event):
        member_id: UUID
        template_id: str
        at: datetime

    @event(CreditConsumed)
    def _credit_consumed(self, member_id: UUID, template_id: str, at: datetime) -> None:
        self.credits[template_id] -= 1

    def refund_credit(self, template_id: str, at: datetime) -> None:
        """A consumed credit whose message surely never reached WeChat comes back."""
        self._credit_refunded(member_id=self.member_id, template_id=template_id, at=at)

    class CreditRefunded(Aggregate.Event):
        member_id: UUID
        template_id: str
        at: datetime

    @event(CreditRefunded)
    def _credit_refunded(self, member_id: UUID, template_id: str, at: datetime) -> None:
        self.credits[template_id] = self.credits_for(template_id) + 1

    # -- preferences -------------------------------------------------------------
    def opt_out(self, category: str, at: datetime) -> None:
        if category not in OPTIONAL_CATEGORIES:
            raise CannotOptOut(f"{category} messages cannot be opted out of", category=category)
        if category not in self.opted_out:
            self._opted_out(member_id=self.member_id, category=category, at=at)

    class OptedOut(Aggregate.Event):
        member_id: UUID
        category: str
        at: datetime

    @event(OptedOut)
    def _opted_out(self, member_id: UUID, category: str, at: datetime) -> None:
        self.opted_out.append(category)

    def opt_in(self, category: str, at: datetime) -> None:
        if category in self.opted_out:
            self._opted_in(member_id=self.member_id, category=category, at=at)

    class OptedIn(Aggregate.Event):
        member_id: UUID
        category: str
        at: datetime

    @event(OptedIn)
    def _opted_in(self, member_id: UUID, category: str, at: datetime) -> None:
        self.opted_out.remove(category)

    # -- frequency caps ----------------------------------------------------------
    def last_sent_except(self, intent_id: str) -> dict[str, datetime]:
        """When each capped category last went out, for intents other than this one."""
        return {
            category: datetime.fromisoformat(entry["at"])
            for category, entry in self.last_sent.items()
            if entry["intent_id"] != intent_id
        }

    def record_sent(self, category: str, intent_id: str, at: datetime) -> None:
        """Takes the capped category's slot for the intent; uncapped ones record nothing."""
        if Category(category) in CAPS:
            self._capped_sent(
                member_id=self.member_id, category=category, intent_id=intent_id, at=at
            )

    class CappedSent(Aggregate.Event):
        """A message of a capped category went out (or is going out) to the member."""

        member_id: UUID
        category: str
        intent_id: str
        at: datetime

    @event(CappedSent)
    def _capped_sent(self, member_id: UUID, category: str, intent_id: str, at: datetime) -> None:
        self.last_sent[category] = {"at": at.isoformat(), "intent_id": intent_id}
