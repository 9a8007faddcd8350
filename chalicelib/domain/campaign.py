"""The Campaign aggregate: a group-buy (拼团), flash sale (秒杀) or bargain (砍价)
an operator defines, starts, pauses, resumes and ends.

    draft --start--> live <--pause/resume--> paused
                       |                        |
                       +---------end------------+--> ended

Members take part only while it is live and inside its window
(starts_at <= now < ends_at). Its stock is set aside from the SKUs' regular
stock when it starts and the unsold rest goes back when it ends (see
campaign_stock.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from .errors import CampaignNotOpen, InvalidTransition
from .ids import campaign_id_for
from .values import CampaignItem, CampaignRules


class CampaignKind(StrEnum):
    GROUP_BUY = "group_buy"
    FLASH_SALE = "flash_sale"
    BARGAIN = "bargain"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    LIVE = "live"
    PAUSED = "paused"
    ENDED = "ended"


MAX_WRITES = 100  # one atomic save (DynamoDB TransactWriteItems) at start and at end


def definition_problem(
    kind: str,
    items: list[CampaignItem],
    rules: CampaignRules,
    starts_at: datetime,
    ends_at: datetime,
    shards: int,
) -> tuple[str, str] | None:
    """The first field that makes a campaign definition unusable, with why."""
    if ends_at <= starts_at:
        return "ends_at", "must be after starts_at"
    if kind != CampaignKind.FLASH_SALE and len(items) != 1:
        return "items", f"a {kind} campaign has exactly one SKU"
    if len({item.sku_id for item in items}) != len(items):
        return "items", "a SKU appears twice"
    if any(item.stock < shards for item in items):
        return "shards", "more stock shards than units of some SKU"
    if len(items) * (shards + 1) + 1 > MAX_WRITES:
        return "shards", f"items x (shards + 1) must stay under {MAX_WRITES}"
    if kind == CampaignKind.GROUP_BUY:
        if not 2 <= rules.team_size <= 10:
            return "rules.team_size", "a team has 2 to 10 members"
        if rules.team_hours < 1:
            return "rules.team_hours", "a team needs at least one hour to fill"
    if kind == CampaignKind.BARGAIN:
        if rules.helps_needed < 1:
            return "rules.helps_needed", "a bargain needs at least one help"
        if rules.bargain_hours < 1:
            return "rules.bargain_hours", "a bargain lasts at least one hour"
    return None


class Campaign(Aggregate):
    @staticmethod
    def create_id(code: str) -> UUID:
        return campaign_id_for(code)

    class Defined(Aggregate.Created):
        code: str
        kind: str
        title: str
        items: list[CampaignItem]
        starts_at: datetime
        ends_at: datetime
        per_member_limit: int
        rules: CampaignRules
        shards: int

    @event(Defined)
    def __init__(
        self,
        code: str,
        kind: str,
        title: str,
        items: list[CampaignItem],
        starts_at: datetime,
        ends_at: datetime,
        per_member_limit: int,
        rules: CampaignRules,
        shards: int,
    ) -> None:
        self.code = code
        self.kind = CampaignKind(kind)
        self.title = title
        self.items = list(items)
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.per_member_limit = per_member_limit
        self.rules = rules
        self.shards = shards
        self.status = CampaignStatus.DRAFT

    def item(self, sku_id: str) -> CampaignItem | None:
        return next((item for item in self.items if item.sku_id == sku_id), None)

    def is_open(self, now: datetime) -> bool:
        return self.status == CampaignStatus.LIVE and self.starts_at <= now < self.ends_at

    def require_open(self, now: datetime) -> None:
        if not self.is_open(now):
            raise CampaignNotOpen(
                f"campaign {self.code} is not open",
                status=str(self.status),
                starts_at=self.starts_at.isoformat(),
                ends_at=self.ends_at.isoformat(),
            )

    def _require(self, *allowed: CampaignStatus, action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                f"cannot {action} a campaign that is {self.status}", status=str(self.status)
            )

    def start(self, at: datetime) -> None:
        self._require(CampaignStatus.DRAFT, action="start")
        self._started(at=at)

    class Started(Aggregate.Event):
        at: datetime

    @event(Started)
    def _started(self, at: datetime) -> None:
        self.status = CampaignStatus.LIVE

    def pause(self, at: datetime) -> None:
        self._require(CampaignStatus.LIVE, action="pause")
        self._paused(at=at)

    class Paused(Aggregate.Event):
        at: datetime

    @event(Paused)
    def _paused(self, at: datetime) -> None:
        self.status = CampaignStatus.PAUSED

    def resume(self, at: datetime) -> None:
        self._require(CampaignStatus.PAUSED, action="resume")
        self._resumed(at=at)

    class Resumed(Aggregate.Event):
        at: datetime

    @event(Resumed)
    def _resumed(self, at: datetime) -> None:
        self.status = CampaignStatus.LIVE

    @property
    def has_stock(self) -> bool:
        """Stock is set aside from the first start until the end."""
        return self.status in (CampaignStatus.LIVE, CampaignStatus.PAUSED)

    def end(self, at: datetime, reason: str) -> None:
        self._require(
            CampaignStatus.DRAFT, CampaignStatus.LIVE, CampaignStatus.PAUSED, action="end"
        )
        self._ended(at=at, reason=reason)

    def is_due_to_end(self, now: datetime) -> bool:
        return self.status != CampaignStatus.ENDED and now >= self.ends_at

    class Ended(Aggregate.Event):
        at: datetime
        reason: str

    @event(Ended)
    def _ended(self, at: datetime, reason: str) -> None:
        self.status = CampaignStatus.ENDED
