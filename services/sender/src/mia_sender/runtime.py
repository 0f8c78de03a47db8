"""The sender's per-process singletons, built once the lifespan has the database and Redis.

Kafka handlers and HTTP endpoints reach them through ``app.state.context.extras``; the
handlers wait for ``ready`` because the broker starts consuming before the start-up hooks
run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.app_legacy import ServiceContext
from mia_common.contracts import Channel
from mia_common.crypto import KeyRing
from mia_sender.accounts.secrets import AccountSecrets
from mia_sender.config import SenderSettings
from mia_sender.dispatch.checks import SendChecks
from mia_sender.dispatch.dispatcher import DispatchDeps
from mia_sender.dispatch.intake import Intake
from mia_sender.dispatch.pacing import Pacer
from mia_sender.dispatch.scheduler import Scheduler
from mia_sender.events import EventWriter
from mia_sender.limits import DailyLimits
from mia_sender.providers.meta import MetaProvider
from mia_sender.providers.registry import ProviderRegistry, build_registry
from mia_sender.reconcile import Reconciler
from mia_sender.templates.service import TemplateCatalog
from mia_sender.window import CustomerWindows

__all__ = ["RUNTIME_KEY", "SenderRuntime", "build_runtime"]

RUNTIME_KEY = "runtime"


@dataclass
class SenderRuntime:
    settings: SenderSettings
    session_factory: async_sessionmaker[AsyncSession]
    secrets: AccountSecrets
    events: EventWriter
    registry: ProviderRegistry
    windows: CustomerWindows
    limits: DailyLimits
    pacer: Pacer
    intake: Intake
    reconciler: Reconciler
    scheduler: Scheduler
    templates: TemplateCatalog
    after_commit: Callable[[], None]
    ready: asyncio.Event = field(default_factory=asyncio.Event)


def build_runtime(
    context: ServiceContext, settings: SenderSettings, key_ring: KeyRing
) -> SenderRuntime:
    assert context.session_factory is not None
    assert context.redis is not None
    session_factory = context.session_factory
    redis = context.redis

    def after_commit() -> None:
        # Outcomes and alerts are in the outbox: publish now rather than at the next poll.
        if context.relay is not None:
            context.relay.wake()

    secrets = AccountSecrets(key_ring)
    events = EventWriter(settings)
    registry: ProviderRegistry = build_registry(settings, secrets)
    windows = CustomerWindows(redis, prefix=settings.redis_prefix)
    meta = registry.for_channel(Channel.WHATSAPP_CLOUD.value)
    assert meta is not None
    assert isinstance(meta.provider, MetaProvider)
    # Template reads share the send client's pooled connections and Graph URL/version.
    templates = TemplateCatalog(
        redis, settings=settings, reader=meta.provider, credentials=meta.credentials
    )
    limits = DailyLimits(redis, prefix=settings.redis_prefix)
    pacer = Pacer(
        redis,
        prefix=settings.redis_prefix,
        headroom=settings.pacing_headroom,
        pair_rate=settings.pair_rate_per_second,
        pair_burst=settings.pair_burst,
    )
    deps = DispatchDeps(
        settings=settings,
        session_factory=session_factory,
        events=events,
        registry=registry,
        pacer=pacer,
        checks=SendChecks(
            settings=settings, events=events, windows=windows, limits=limits, pacer=pacer
        ),
        after_commit=after_commit,
    )
    scheduler = Scheduler(deps=deps, redis=redis)
    intake = Intake(
        session_factory=session_factory,
        events=events,
        notify=scheduler.notify,
        after_commit=after_commit,
    )
    reconciler = Reconciler(
        session_factory=session_factory, events=events, after_commit=after_commit
    )
    return SenderRuntime(
        settings=settings,
        session_factory=session_factory,
        secrets=secrets,
        events=events,
        registry=registry,
        windows=windows,
        limits=limits,
        pacer=pacer,
        intake=intake,
        reconciler=reconciler,
        scheduler=scheduler,
        templates=templates,
        after_commit=after_commit,
    )
