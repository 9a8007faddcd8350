"""Domain errors: a broken business rule. The API maps them to 409 Conflict."""


class DomainError(Exception):
    """A command conflicts with the current state of the business."""

    code = "conflict"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidTransition(DomainError):
    code = "invalid_transition"


class OutOfStock(DomainError):
    code = "out_of_stock"


class PaymentMismatch(DomainError):
    code = "payment_mismatch"


class DeadlinePassed(DomainError):
    code = "deadline_passed"


# -- coupons ---------------------------------------------------------------------
class CouponUnavailable(DomainError):
    code = "coupon_unavailable"


class CouponsExhausted(DomainError):
    code = "coupons_exhausted"


class CouponLimitReached(DomainError):
    code = "coupon_limit_reached"


class AccountClosed(DomainError):
    code = "account_closed"


# -- members ---------------------------------------------------------------------
class BirthdayAlreadySet(DomainError):
    code = "birthday_already_set"


# -- points ----------------------------------------------------------------------
class InsufficientPoints(DomainError):
    code = "insufficient_points"


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"


# -- campaigns -------------------------------------------------------------------
class CampaignNotOpen(DomainError):
    code = "campaign_not_open"


class CampaignLimitReached(DomainError):
    code = "campaign_limit_reached"
