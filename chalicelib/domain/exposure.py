"""A member's first exposure to an experiment, and the shop's index of its
experiments.

An `Exposure` is created once per (experiment, member): its id is derived
from both, so two racing first exposures collide and the event store refuses
the second (it then reads the first). It records the arm the member saw,
which from then on wins over the hash (domain/experiment_assignment.py).

`ExperimentIndex` lists the experiments by key, and which running one (at
most one) sets the 新人券, so a registration finds it in one read.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from .errors import DomainError
from .ids import NAMESPACE

CLIENT, WELCOME = "client", "welcome"
"""Where an exposure happened: the mini-program asked, or a registration's 新人券."""
EXPERIMENT_INDEX_ID = uuid5(NAMESPACE, "experiment-index")
MAX_EXPERIMENTS = 500


def exposure_id_for(experiment_key: str, member_id: UUID) -> UUID:
    return uuid5(NAMESPACE, f"experiment-exposure:{experiment_key}:{member_id}")


class Exposure(Aggregate):
    @staticmethod
    def create_id(experiment: str, member_id: UUID) -> UUID:
        return exposure_id_for(experiment, member_id)

    class Recorded(Aggregate.Created):
        experiment: str
        member_id: UUID
        variant: str
        channel: str
        at: datetime

    @event(Recorded)
    def __init__(
        self, experiment: str, member_id: UUID, variant: str, channel: str, at: datetime
    ) -> None:
        self.experiment = experiment
        self.member_id = member_id
        self.variant = variant
        self.channel = channel
        self.at = at


class TooManyExperiments(DomainError):
    code = "too_many_experiments"


class WelcomeTaken(DomainError):
    code = "welcome_coupons_taken"


class ExperimentIndex(Aggregate):
    @staticmethod
    def create_id() -> UUID:
        return EXPERIMENT_INDEX_ID

    class Started(Aggregate.Created):
        at: datetime

    @event(Started)
    def __init__(self, at: datetime) -> None:
        self.keys: list[str] = []
        self.welcome: str | None = None

    def add(self, key: str) -> None:
        if len(self.keys) >= MAX_EXPERIMENTS:
            raise TooManyExperiments(
                f"at most {MAX_EXPERIMENTS} experiments", limit=MAX_EXPERIMENTS
            )
        self._listed(key=key)

    class Listed(Aggregate.Event):
        key: str

    @event(Listed)
    def _listed(self, key: str) -> None:
        self.keys.append(key)

    def claim_welcome(self, key: str) -> None:
        """One running experiment at a time sets the 新人券 (a member could be
        in two, and would get two welcome gifts)."""
        if self.welcome not in (None, key):
            raise WelcomeTaken(
                f"experiment {self.welcome} already sets the welcome coupons", running=self.welcome
            )
        if self.welcome is None:
            self._welcome_set(key=key)

    def release_welcome(self, key: str) -> None:
        if self.welcome == key:
            self._welcome_set(key=None)

    class WelcomeSet(Aggregate.Event):
        key: str | None

    @event(WelcomeSet)
    def _welcome_set(self, key: str | None) -> None:
        self.welcome = key
