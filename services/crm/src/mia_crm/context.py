"""The crm's process context: its settings and infrastructure, built once per process.

``CrmContext.build`` runs in ``create_app`` before anything subscribes or serves, on an
infrastructure whose broker is complete and whose outbox relay wakes when a transaction
staged events; nothing connects until the app starts. Endpoints reach it through
``ContextDep``, Kafka handlers through the closures of ``stream.py``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from mia_common.app import Infrastructure, context_of
from mia_common.contracts.topics import (
    CONTACTS_EVENTS,
    INBOX_EVENTS,
    LEADS_EVENTS,
    MESSAGES_SEND,
    Topic,
)
from mia_common.identity import check_identity_secret
from mia_common.messaging.admin import ensure_topics
from mia_crm.config import CrmSettings
from mia_crm.consent.keywords import KeywordCache
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.jobs.runner import JobRunner

__all__ = ["ContextDep", "CrmContext", "produced_topics"]


def produced_topics(settings: CrmSettings) -> list[Topic]:
    """The topics the crm's outbox publishes to, under the names the settings give them."""
    return [
        dataclasses.replace(MESSAGES_SEND, name=settings.send_topic),
        dataclasses.replace(INBOX_EVENTS, name=settings.inbox_topic),
        dataclasses.replace(CONTACTS_EVENTS, name=settings.contacts_topic),
        dataclasses.replace(LEADS_EVENTS, name=settings.leads_topic),
    ]


@dataclass(kw_only=True, eq=False)
class CrmContext:
    settings: CrmSettings
    infra: Infrastructure
    users: GatewayUsers
    """The gateway's users: who may be assigned a conversation."""
    jobs: JobRunner
    """This process's job runner (imports, bulk actions, exports); ``wake`` it after
    committing a new job."""
    consent_keywords: KeywordCache = dataclasses.field(default_factory=KeywordCache)
    """The tenants' opt-out/opt-in keywords, as the inbound path matches them."""

    @classmethod
    def build(cls, settings: CrmSettings, infra: Infrastructure) -> CrmContext:
        users = GatewayUsers(
            gateway_url=settings.gateway_url, timeout_seconds=settings.gateway_timeout_seconds
        )
        jobs = JobRunner(sessions=infra.sessions, settings=settings)
        return cls(settings=settings, infra=infra, users=users, jobs=jobs)

    async def close_clients(self) -> None:
        await self.users.close()

    async def check_identity_secret(self) -> None:
        check_identity_secret(self.settings, service="crm")

    async def ensure_produced_topics(self) -> None:
        """Create the produced topics if they are missing (the broker never auto-creates).

        ``ensure-topics`` at deploy time creates them too; this covers a broker set up
        before a topic was added. The outbox relay publishes rows in order, so one row for
        a missing topic would hold back every reply behind it.
        """
        await ensure_topics(self.settings.kafka_bootstrap_servers, produced_topics(self.settings))


ContextDep = Annotated[CrmContext, Depends(context_of)]
