"""The sender's process context: settings, infrastructure and its typed singletons.

``SenderContext.build`` runs in ``create_app`` before anything subscribes or serves: the
broker is complete, the database, Redis and the outbox relay exist (nothing connects
until the app starts), and so do the provider clients, the pacer, the dispatch scheduler,
the intake and the batch consumers. ``start`` and ``stop`` are the app's start-up and
shutdown hooks. Endpoints reach the context through ``ContextDep``, Kafka handlers through
the router's closure (``stream.py``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends

from mia_common.app import Infrastructure, build_infrastructure, context_of
from mia_common.contracts import Channel
from mia_common.crypto import KeyRing
from mia_common.identity import Identity, Role, check_identity_secret, require_role
from mia_common.messaging.batch import BatchConsumer
from mia_sender.accounts.lookup import SmsAccountLookup, sms_account_lookup
from mia_sender.accounts.secrets import AccountSecrets
from mia_sender.config import SenderSettings
from mia_sender.dispatch.checks import SendChecks
from mia_sender.dispatch.dispatcher import DispatchDeps
from mia_sender.dispatch.intake import Intake
from mia_sender.dispatch.limits import DailyLimits
from mia_sender.dispatch.pacing import Pacer
from mia_sender.dispatch.scheduler import Scheduler
from mia_sender.events import SenderEvents
from mia_sender.providers.meta import MetaProvider
from mia_sender.providers.registry import ProviderRegistry, build_registry
from mia_sender.sms.service import SmsTopics, TwilioWebhooks
from mia_sender.templates.service import TemplateCatalog
from mia_sender.windows.service import CustomerWindows

__all__ = ["Admin", "ContextDep", "Manager", "Reader", "SenderContext"]

_SHUTDOWN_FLUSH_SECONDS = 5.0


@dataclass(kw_only=True, eq=False)
class SenderContext:
    settings: SenderSettings
    infra: Infrastructure
    secrets: AccountSecrets
    events: SenderEvents
    registry: ProviderRegistry
    windows: CustomerWindows
    limits: DailyLimits
    pacer: Pacer
    intake: Intake
    scheduler: Scheduler
    templates: TemplateCatalog
    sms_accounts: SmsAccountLookup
    """What the Twilio webhooks check a callback's signature against."""
    twilio_webhooks: TwilioWebhooks
    consumers: list[BatchConsumer[Any]] = field(default_factory=list)
    """The batch consumers (``stream.create_batch_consumers``), started with the app."""

    @classmethod
    def build(cls, settings: SenderSettings) -> SenderContext:
        # The sender publishes its outcomes, states and alerts through its outbox, so the
        # relay runs in every sender process.
        infra = build_infrastructure(
            settings,
            client_id="sender",
            outbox_relay=True,
            pool_size=settings.database_pool_size,
        )
        # Parsed once, and so checked at start-up.
        secrets = AccountSecrets(KeyRing.from_settings(settings))
        events = SenderEvents(settings)
        redis = infra.redis_client
        registry = build_registry(settings, secrets)
        windows = CustomerWindows(redis, prefix=settings.redis_prefix)
        limits = DailyLimits(redis, prefix=settings.redis_prefix)
        pacer = Pacer(
            redis,
            prefix=settings.redis_prefix,
            headroom=settings.pacing_headroom,
            pair_rate=settings.pair_rate_per_second,
            pair_burst=settings.pair_burst,
        )
        meta = registry.for_channel(Channel.WHATSAPP_CLOUD.value)
        assert meta is not None
        assert isinstance(meta.provider, MetaProvider)
        deps = DispatchDeps(
            settings=settings,
            sessions=infra.sessions,
            events=events,
            registry=registry,
            pacer=pacer,
            checks=SendChecks(
                settings=settings, events=events, windows=windows, limits=limits, pacer=pacer
            ),
        )
        sms_accounts = sms_account_lookup(infra.sessions, secrets)
        return cls(
            settings=settings,
            infra=infra,
            secrets=secrets,
            events=events,
            registry=registry,
            windows=windows,
            limits=limits,
            pacer=pacer,
            intake=Intake(events=events),
            scheduler=Scheduler(deps=deps, redis=redis),
            # Template reads share the send client's pooled connections and Graph URL.
            templates=TemplateCatalog(
                redis,
                settings=settings,
                reader=meta.provider,
                writer=meta.provider,
                credentials=meta.credentials,
            ),
            sms_accounts=sms_accounts,
            twilio_webhooks=TwilioWebhooks(
                broker=infra.broker,
                lookup=sms_accounts,
                topics=SmsTopics(status=settings.status_topic, inbound=settings.inbound_topic),
                public_url=settings.public_url,
            ),
        )

    async def check_identity_secret(self) -> None:
        check_identity_secret(self.settings, service="sender")

    async def start(self) -> None:
        """Start dispatching and consuming (before the broker starts its subscribers; the
        batch consumers' rare dead letters wait for its producer)."""
        self.scheduler.start()
        for consumer in self.consumers:
            await consumer.start()

    async def stop(self) -> None:
        """No new requests first; then the dispatchers finish what they started (put back
        what they claimed but did not call, record the calls in flight), and what they
        recorded goes out through the outbox now rather than at the next start."""
        for consumer in self.consumers:
            await consumer.stop()
        await self.scheduler.stop()
        await self.registry.aclose()
        relay = self.infra.relay
        if relay is not None:
            async with asyncio.timeout(_SHUTDOWN_FLUSH_SECONDS):
                while await relay.publish_pending():
                    pass


ContextDep = Annotated[SenderContext, Depends(context_of)]
# Changing accounts (credentials, pausing) is an administrator's job; every member of the
# company may look (agents see which numbers they can answer from). Writing the message
# templates a number sends is a manager's job.
Admin = Annotated[Identity, Depends(require_role(Role.admin))]
Manager = Annotated[Identity, Depends(require_role(Role.manager))]
Reader = Annotated[Identity, Depends(require_role(Role.agent))]
