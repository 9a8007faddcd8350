"""A/B tests: the operators define, start, pause, stop and reweigh them; a
member's arms are answered (and their first exposure recorded) when the
mini-program asks, or at registration when a running experiment sets the
新人券 (logins.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from uuid import UUID

from ..domain.coupons import CouponTemplate
from ..domain.errors import DomainError
from ..domain.experiment import (
    NEW_MEMBERS,
    Experiment,
    definition_problem,
    experiment_id_for,
)
from ..domain.experiment_assignment import Assignment, assign
from ..domain.exposure import (
    CLIENT,
    EXPERIMENT_INDEX_ID,
    WELCOME,
    ExperimentIndex,
    Exposure,
    exposure_id_for,
)
from ..domain.ids import coupon_template_id_for
from ..domain.values import Audience, ExperimentVariant
from .accounts import Accounts
from .coupons import FIRST_LOGIN
from .errors import InvalidInput, NotFound
from .store import EventStore, retry_on_conflict


class ExperimentUseCases:
    def __init__(self, store: EventStore, accounts: Accounts) -> None:
        self.store = store
        self.accounts = accounts

    def experiment(self, key: str) -> Experiment:
        return self.store.load(Experiment, experiment_id_for(key), "experiment")

    def experiments(self) -> list[Experiment]:
        """Every experiment, in the order they were defined."""
        index = self.store.find(ExperimentIndex, EXPERIMENT_INDEX_ID)
        return [self.experiment(key) for key in (index.keys if index else [])]

    @retry_on_conflict
    def define_experiment(
        self,
        *,
        key: str,
        hypothesis: str,
        variants: list[ExperimentVariant],
        audience: Audience,
        primary_metric: str,
        conversion_window_days: int,
        guardrails: list[str],
        minimum_detectable_effect: float,
    ) -> Experiment:
        """A draft experiment; InvalidInput names the field that is wrong."""
        problem = definition_problem(variants, audience, guardrails)
        if problem is not None:
            raise InvalidInput(*problem)
        for n, variant in enumerate(variants):
            self._check_welcome_templates(n, variant.welcome_coupon_templates or [])
        if self.store.exists(experiment_id_for(key)):
            raise DomainError("an experiment with this key exists", key=key)
        now = self.store.clock.now()
        index = self._index(now)
        index.add(key)
        experiment = Experiment(
            key=key,
            hypothesis=hypothesis,
            variants=variants,
            audience=audience,
            primary_metric=primary_metric,
            conversion_window_days=conversion_window_days,
            guardrails=guardrails,
            minimum_detectable_effect=minimum_detectable_effect,
            at=now,
        )
        self.store.save(experiment, index)
        return experiment

    def _check_welcome_templates(self, n: int, codes: Iterable[str]) -> None:
        for code in codes:
            template = self.store.find(CouponTemplate, coupon_template_id_for(code))
            if template is None or template.trigger != FIRST_LOGIN:
                raise InvalidInput(
                    f"variants[{n}].welcome_coupon_templates",
                    f"{code!r} is not a coupon template issued at first login",
                )

    def _index(self, now: datetime) -> ExperimentIndex:
        return self.store.find(ExperimentIndex, EXPERIMENT_INDEX_ID) or ExperimentIndex(at=now)

    @retry_on_conflict
    def start_experiment(self, key: str) -> Experiment:
        """Starts a draft or resumes a paused experiment (409 otherwise, and
        while another running experiment sets the 新人券)."""
        experiment = self.experiment(key)
        now = self.store.clock.now()
        experiment.start(now)
        index = self._index(now)
        if experiment.sets_welcome_coupons:
            index.claim_welcome(key)
        self.store.save(experiment, index)
        return experiment

    @retry_on_conflict
    def pause_experiment(self, key: str) -> Experiment:
        experiment = self.experiment(key)
        now = self.store.clock.now()
        experiment.pause(now)
        index = self._index(now)
        index.release_welcome(key)
        self.store.save(experiment, index)
        return experiment

    @retry_on_conflict
    def stop_experiment(self, key: str) -> Experiment:
        experiment = self.experiment(key)
        now = self.store.clock.now()
        experiment.stop(now)
        index = self._index(now)
        index.release_welcome(key)
        self.store.save(experiment, index)
        return experiment

    @retry_on_conflict
    def reweigh_experiment(self, key: str, weights: dict[str, int]) -> Experiment:
        experiment = self.experiment(key)
        try:
            experiment.reweigh(weights, self.store.clock.now())
        except ValueError as error:
            raise InvalidInput("weights", str(error)) from None
        self.store.save(experiment)
        return experiment

    @retry_on_conflict
    def variants_for(
        self, member_id: UUID, keys: list[str], *, source: Callable[[], str | None]
    ) -> tuple[list[Assignment], list[str]]:
        """The member's arm of each named experiment, and the keys that name
        none. A first exposure to a running experiment is recorded, exactly
        once however many calls race: the exposure's id is derived from the
        experiment and the member, so a second first save is refused, and the
        retry reads the arm the first recorded."""
        return self._variants_for(member_id, keys, source)

    def _variants_for(
        self, member_id: UUID, keys: list[str], source: Callable[[], str | None]
    ) -> tuple[list[Assignment], list[str]]:
        now = self.store.clock.now()
        answers, unknown, exposures = [], [], []
        registered_at: datetime | None = None
        for key in keys:
            experiment = self.store.find(Experiment, experiment_id_for(key))
            if experiment is None:
                unknown.append(key)
                continue
            recorded = self.store.find(Exposure, exposure_id_for(key, member_id))
            if experiment.audience.kind == NEW_MEMBERS and registered_at is None:
                registered_at = self.accounts.member(member_id).registered_at
            answer = assign(
                experiment,
                member_id,
                recorded=None if recorded is None else recorded.variant,
                registered_at=registered_at,
                source=source() if experiment.audience.kind == "source" else None,
            )
            if answer.first_exposure:
                exposures.append(Exposure(key, member_id, answer.variant.key, CLIENT, now))
            answers.append(answer)
        if exposures:
            self.store.save(*exposures)
        return answers, unknown

    def welcome_coupons_for(
        self, member_id: UUID, *, registered_at: datetime, source: str
    ) -> tuple[list[str] | None, Exposure | None]:
        """At registration: the 新人券 codes of the member's arm of the running
        experiment that sets them (None: the shop's own), and the exposure to
        save with the registration (None when the member is not in it)."""
        index = self.store.find(ExperimentIndex, EXPERIMENT_INDEX_ID)
        if index is None or index.welcome is None:
            return None, None
        try:
            experiment = self.experiment(index.welcome)
        except NotFound:
            return None, None
        answer = assign(
            experiment, member_id, recorded=None, registered_at=registered_at, source=source
        )
        if not answer.first_exposure:
            return None, None
        exposure = Exposure(experiment.key, member_id, answer.variant.key, WELCOME, registered_at)
        return answer.variant.welcome_coupon_templates, exposure
