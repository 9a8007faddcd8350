"""Coupon use cases: define templates, claim, and the coupons the shop issues
on its own (新人券 at first login, the birthday coupon by schedule).

Claiming saves the template (its issued count) and the member's wallet (the
per-member limit) in one atomic write, so neither limit can be overrun by
concurrent claims."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from ..domain.calendar import beijing_date
from ..domain.coupons import CouponTemplate, CouponWallet
from ..domain.errors import (
    CouponLimitReached,
    CouponsExhausted,
    CouponUnavailable,
    DomainError,
)
from ..domain.ids import coupon_template_id_for
from ..domain.member import Member
from ..domain.values import Coupon, CouponTerms
from .accounts import Accounts
from .errors import NotFound
from .store import EventStore, retry_on_conflict

CLAIM, FIRST_LOGIN, BIRTHDAY = "claim", "first_login", "birthday"


class CouponUseCases:
    """Coupon templates, claims, and the coupons the shop gives on its own;
    `welcome_coupons` are the template codes of the 新人券."""

    def __init__(
        self, store: EventStore, accounts: Accounts, *, welcome_coupons: tuple[str, ...]
    ) -> None:
        self.store = store
        self.accounts = accounts
        self.welcome_coupons = welcome_coupons

    def coupon_template(self, code: str) -> CouponTemplate:
        return self.store.load(CouponTemplate, coupon_template_id_for(code), "coupon template")

    def define_coupon_template(
        self,
        *,
        code: str,
        title: str,
        terms: CouponTerms,
        trigger: str,
        starts_at: datetime | None,
        ends_at: datetime | None,
        valid_days: int,
        total_quantity: int,
        per_member_limit: int,
    ) -> UUID:
        if self.store.exists(coupon_template_id_for(code)):
            raise DomainError("a coupon template with this code exists", code=code)
        template = CouponTemplate(
            code=code,
            title=title,
            terms=terms,
            trigger=trigger,
            starts_at=starts_at,
            ends_at=ends_at,
            valid_days=valid_days,
            total_quantity=total_quantity,
            per_member_limit=per_member_limit,
            defined_at=self.store.clock.now(),
        )
        self.store.save(template)
        return template.id

    @retry_on_conflict
    def stop_coupon_template(self, code: str) -> None:
        template = self.coupon_template(code)
        template.stop(self.store.clock.now())
        self.store.save(template)

    @retry_on_conflict
    def claim_coupon(self, member_id: UUID, code: str) -> Coupon:
        self.accounts.active_member(member_id)
        template = self.coupon_template(code)
        if template.trigger != CLAIM:
            raise CouponUnavailable("this coupon is issued by the shop, not claimed", code=code)
        wallet = self.accounts.wallet_of(member_id)
        coupon = self._issue(template, wallet)
        self.store.save(template, wallet)
        return coupon

    def _issue(self, template: CouponTemplate, wallet: CouponWallet) -> Coupon:
        coupon = template.issue(wallet.member_id, self.store.clock.now())
        wallet.receive(coupon, template.per_member_limit, self.store.clock.now())
        return coupon

    def welcome_gifts(
        self, wallet: CouponWallet, codes: list[str] | None = None
    ) -> list[CouponTemplate]:
        """新人券 (the shop's, or `codes` when an experiment's arm sets them):
        issued with the registration itself; a missing, stopped or exhausted
        template simply gives nothing."""
        given = []
        for code in self.welcome_coupons if codes is None else codes:
            try:
                template = self.coupon_template(code)
                if template.trigger == FIRST_LOGIN:
                    self._issue(template, wallet)
                    given.append(template)
            except (NotFound, CouponUnavailable, CouponsExhausted, CouponLimitReached):
                continue
        return given

    @retry_on_conflict
    def give_birthday_coupon(self, member_id: UUID) -> bool:
        """Once a year, on the member's birthday (Beijing), the level's coupon if it
        has one; the member records the celebration either way, so the job looks
        at each member once a year."""
        member = self.accounts.active_member(member_id)
        now = self.store.clock.now()
        today = beijing_date(now)
        month_day = member.birthday_month_day
        if month_day is None or not _is_birthday(month_day, today.isoformat()):
            return False
        if member.celebrated_year == today.year:
            return False
        gift = self._birthday_gift(member)
        coupon_id = None
        if gift is not None:
            template, wallet = gift
            try:
                coupon_id = self._issue(template, wallet).coupon_id
            except (CouponUnavailable, CouponsExhausted, CouponLimitReached):
                gift = None
        member.celebrate_birthday(today.year, coupon_id, now)
        self.store.save(member, *(gift or ()))
        return coupon_id is not None

    def _birthday_gift(self, member: Member) -> tuple[CouponTemplate, CouponWallet] | None:
        code = self.accounts.level_of(member).birthday_coupon
        if not code:
            return None
        template = self.store.find(CouponTemplate, coupon_template_id_for(code))
        return None if template is None else (template, self.accounts.wallet_of(member.id))


def _is_birthday(month_day: str, today: str) -> bool:
    """The birthday's MM-DD (recorded in clear beside the sealed day) against
    today's; a 29 February birthday is kept on 28 February in other years."""
    this_year = int(today[:4])
    leap = this_year % 4 == 0 and (this_year % 100 != 0 or this_year % 400 == 0)
    if month_day == "02-29" and not leap:
        month_day = "02-28"
    return today[5:] == month_day
