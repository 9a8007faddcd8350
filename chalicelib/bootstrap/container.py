"""The adapters of one process, built from settings, lazily, once: storage (by
runtime), the event store, the use cases (`build_shop`), the projections'
runner, the outbox dispatcher, the follow-on loop, the scheduler, tokens and
the WeChat clients.

Each part's modules are imported when the part is first built, so a Lambda
function imports only what it uses (README, "Cold start")."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from ..clock import Clock, SystemClock
from ..runtimes import Aws, ReadModels, Runtime, runtime_for
from ..settings import Settings
from .once import BuiltOnce
from .wechat import LazyPayments, WeChatClients

if TYPE_CHECKING:
    from ..adapters.idempotency import IdempotencyKeys
    from ..adapters.outbox_dispatch import Outbox, OutboxDispatcher
    from ..adapters.pii import PersonalData
    from ..adapters.pseudonyms import KeyedPseudonyms
    from ..adapters.tokens import SessionTokens
    from ..application import Shop, ShopPorts, ShopRules
    from ..application.behaviour_log import BehaviourLog
    from ..application.store import EventStore
    from ..application.tracking import TrackingUseCases
    from ..follow_on import FollowOnWork
    from ..projections.behaviour_follow_on import BehaviourFollowOn
    from ..projections.due import DueTimers
    from ..projections.runner import ReadModelRunner
    from ..projections.runners import Runners
    from ..scheduler import Scheduler

T = TypeVar("T")


class Container:
    def __init__(self, settings: Settings | None = None, *, clock: Clock | None = None) -> None:
        self.settings = settings or Settings()
        self.clock: Clock = clock or SystemClock()
        self.runtime: Runtime = runtime_for(self.settings, self.clock)
        self.clients = WeChatClients(self.settings, self.clock)
        self._once = BuiltOnce()

    @property
    def store(self) -> EventStore:
        from ..application.store import EventStore

        return self._once(
            "store",
            lambda: EventStore(
                env=self.runtime.persistence_env(),
                clock=self.clock,
                on_commit=lambda: self.follow_on.after_commit(),
            ),
        )

    @property
    def behaviour(self) -> BehaviourLog:
        """The behaviour log (POST /track): its own event store, off the order log."""
        from ..application.behaviour_log import BehaviourLog

        return self._once(
            "behaviour",
            lambda: BehaviourLog(
                self.runtime.behaviour_env(),
                clock=self.clock,
                on_recorded=lambda: self.behaviour_follow_on.after_record(),
            ),
        )

    @property
    def behaviour_runner(self) -> ReadModelRunner:
        """The projections of the behaviour log (behaviour_projections()): their
        own runner over their own log, keeping their views in the same view store."""
        from ..projections.behaviour_projections import behaviour_projections
        from ..projections.runner import ReadModelRunner

        return self._once(
            "behaviour_runner",
            lambda: ReadModelRunner(
                self.behaviour,
                self.views,
                behaviour_projections(),
                batch_size=self.settings.projection_batch_size,
                rebuild_batch_size=self.runtime.rebuild_batch_size,
            ),
        )

    @property
    def runners(self) -> Runners:
        """Both logs' runners, for the operators' surfaces (status, resume, rebuild)."""
        from ..projections.runners import Runners

        return Runners(self.runner, lambda: self.behaviour_runner)

    @property
    def behaviour_follow_on(self) -> BehaviourFollowOn:
        """Keeps the behaviour projections caught up off the request path."""
        from ..projections.behaviour_follow_on import BehaviourFollowOn

        return self._once(
            "behaviour_follow_on",
            lambda: BehaviourFollowOn(
                lambda: self.behaviour_runner.catch_up(),
                in_process=self.runtime.follows_up_in_process,
            ),
        )

    @property
    def tracking(self) -> TrackingUseCases:
        from ..application.tracking import TrackingUseCases

        s = self.settings
        return self._once(
            "tracking",
            lambda: TrackingUseCases(
                self.behaviour,
                self.runtime.rate_limits,
                self.clock,
                limit=s.track_limit_events,
                window_s=s.track_limit_window_s,
            ),
        )

    @property
    def shop(self) -> Shop:
        from .shop import build_shop

        return self._once("shop", lambda: build_shop(self.store, self.rules, self.ports))

    @property
    def rules(self) -> ShopRules:
        from .rules import rules_from

        return self._once("rules", lambda: rules_from(self.settings))

    def reread_rules(self) -> None:
        """The use cases follow the settings as they are now (the event store,
        views and clients stay): what is built from the rules is built again."""
        self._once.forget("rules", "shop", "dispatcher", "scheduler")
        for follow_on in self._once.forget("follow_on"):
            follow_on.stop()  # its sender thread ends; the next commit builds a new loop

    @property
    def ports(self) -> ShopPorts:
        """The adapters the use cases talk to (each builds its client on first use)."""
        from ..adapters.wechat_messenger import WeChatFollowerDirectory, WeChatMessenger
        from ..application import ShopPorts
        from ..projections.followers import FollowersByUnionKey

        s = self.settings
        return ShopPorts(
            vault=self.vault,
            payments=LazyPayments(lambda: self.clients.pay_client),
            messenger=WeChatMessenger(
                lambda: self.clients.wechat,
                lambda: self.clients.oa_client,
                mp_appid=s.wechat_appid,
                miniprogram_state=s.miniprogram_state,
            ),
            follower_directory=WeChatFollowerDirectory(lambda: self.clients.oa_client),
            pseudonyms=self.pseudonyms,
            followers=FollowersByUnionKey(self.views),
        )

    @property
    def pseudonyms(self) -> KeyedPseudonyms:
        """WeChat identities' keyed hashes; the secret is read on first use."""
        from ..adapters.pseudonyms import KeyedPseudonyms
        from ..adapters.secret_files import identity_secret

        s = self.settings
        return self._once(
            "pseudonyms",
            lambda: KeyedPseudonyms(
                lambda: identity_secret(
                    s.identity_secret, s.data_dir, keeps_files=self.runtime.keeps_files
                )
            ),
        )

    @property
    def follow_on(self) -> FollowOnWork:
        """The request catches up the read-your-writes projections; the sender
        thread, the rest (projections/lanes.py)."""
        from ..follow_on import FollowOnWork
        from ..projections.lanes import in_background, in_request

        def build() -> FollowOnWork:
            runner = self.runner
            request, background = in_request(runner.projections), in_background(runner.projections)
            return FollowOnWork(
                lambda: runner.catch_up(request),
                self.dispatcher.dispatch_due,
                in_process=self.runtime.follows_up_in_process,
                catch_up_background=lambda names: runner.catch_up(names or background),
            )

        return self._once("follow_on", build)

    @property
    def scheduler(self) -> Scheduler:
        from ..scheduler import Scheduler

        return self._once(
            "scheduler",
            lambda: Scheduler(
                self.catch_up_both,
                self.shop.jobs,
                self.timers,
                lambda: self.runtime.send_due(self.dispatcher),
            ),
        )

    def catch_up_both(self) -> int:
        """The order log's projections, then the behaviour log's (the scheduler's round)."""
        return self.runner.catch_up() + self.behaviour_runner.catch_up()

    @property
    def vault(self) -> PersonalData:
        from ..adapters.pii import PersonalData

        return self._once("vault", lambda: PersonalData(self.runtime.keys))

    @property
    def views(self) -> ReadModels:
        return self.runtime.views

    @property
    def idempotency_keys(self) -> IdempotencyKeys:
        """First answers to commands sent with an Idempotency-Key (api/idempotency.py)."""
        return self.runtime.idempotency_keys

    @property
    def runner(self) -> ReadModelRunner:
        from ..projections import all_projections
        from ..projections.runner import ReadModelRunner

        return self._once(
            "runner",
            lambda: ReadModelRunner(
                self.store,
                self.views,
                all_projections(self.settings.order_policy.after_sales_window),
                batch_size=self.settings.projection_batch_size,
                rebuild_batch_size=self.runtime.rebuild_batch_size,
            ),
        )

    @property
    def outbox(self) -> Outbox:
        return self.runtime.outbox

    @property
    def dispatcher(self) -> OutboxDispatcher:
        return self._once("dispatcher", self._build_dispatcher)

    def _build_dispatcher(self) -> OutboxDispatcher:
        from ..adapters.outbox_dispatch import OutboxDispatcher
        from ..adapters.wechat import WeChatError, WeChatUnavailable
        from ..application.errors import Busy, InvalidInput
        from ..application.ports import (
            MessageOutcomeUnknown,
            MessageRefused,
            MessengerUnavailable,
        )
        from ..outbox_handlers import OutboxHandlers
        from .sender_parts import SenderParts

        parts = SenderParts(
            built_shop=lambda: self._once.get("shop"),
            store=lambda: self.store,
            rules=lambda: self.rules,
            ports=lambda: self.ports,
        )
        handlers = OutboxHandlers(
            notifications=parts.notifications,
            official_account=parts.official_account,
            views=self.views,
            pay_client=lambda: self.clients.pay_client,
            clock=self.clock,
            behaviour=lambda: self.behaviour,
        )
        return OutboxDispatcher(
            self.outbox,
            handlers.by_kind(),
            self.clock,
            transient=(WeChatUnavailable, MessengerUnavailable, MessageOutcomeUnknown, Busy),
            permanent=(WeChatError, MessageRefused, InvalidInput),
            on_retry=self.runtime.retry_later,
        )

    @property
    def timers(self) -> DueTimers:
        from ..projections.due import DueTimers

        return self._once("timers", lambda: DueTimers(self.views, self.settings.order_policy))

    @property
    def tokens(self) -> SessionTokens:
        def build() -> SessionTokens:
            from ..adapters.secret_files import session_secret
            from ..adapters.tokens import SessionTokens

            secret = session_secret(
                self.settings.session_secret,
                self.settings.data_dir,
                keeps_files=self.runtime.keeps_files,
            )
            return SessionTokens(secret, self.settings.session_ttl_s)

        return self._once("tokens", build)

    def events_of(self, aggregate_id: UUID) -> Iterator[Any]:
        """An aggregate's events straight from the event store (never stale)."""
        return self.store.repository.event_store.get(aggregate_id)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def aws(self) -> Aws:
        if not isinstance(self.runtime, Aws):
            raise RuntimeError("this handler runs only with MINILOOP_RUNTIME=aws")
        return self.runtime

    def close(self) -> None:
        """Ends the follow-on sender (after the sends already woken), then the event store."""
        follow_on = self._once.get("follow_on")
        if follow_on is not None:  # still listening: the last round's saves catch up
            follow_on.stop()
        behaviour_follow_on = self._once.get("behaviour_follow_on")
        if behaviour_follow_on is not None:
            behaviour_follow_on.stop()
        built = self._once.clear()
        for name in ("store", "behaviour"):
            application = built.get(name)
            if application is not None:
                application.close()
