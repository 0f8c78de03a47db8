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
from mia_common.contracts.topics import INBOX_EVENTS, MESSAGES_SEND, Topic
from mia_common.identity import get_platform_settings
from mia_common.messaging.admin import ensure_topics
from mia_crm.config import CrmSettings

__all__ = ["ContextDep", "CrmContext", "produced_topics"]


def produced_topics(settings: CrmSettings) -> list[Topic]:
    """The topics the crm's outbox publishes to, under the names the settings give them."""
    return [
        dataclasses.replace(MESSAGES_SEND, name=settings.send_topic),
        dataclasses.replace(INBOX_EVENTS, name=settings.inbox_topic),
    ]


@dataclass(kw_only=True, eq=False)
class CrmContext:
    settings: CrmSettings
    infra: Infrastructure

    @classmethod
    def build(cls, settings: CrmSettings, infra: Infrastructure) -> CrmContext:
        return cls(settings=settings, infra=infra)

    async def check_identity_secret(self) -> None:
        """Refuse to start when the crm's settings and the platform settings the identity
        dependency reads (``mia_common.identity``, from the environment) disagree on the
        identity secret: every request would then be refused, or checked with a key the
        app was not given."""
        platform = get_platform_settings()
        if (
            platform.identity_token_secret.get_secret_value()
            != self.settings.identity_token_secret.get_secret_value()
        ):
            raise RuntimeError(
                "the crm's identity_token_secret differs from MIA_IDENTITY_TOKEN_SECRET in"
                " the environment, which identity tokens are checked with"
            )

    async def ensure_produced_topics(self) -> None:
        """Create the produced topics if they are missing (the broker never auto-creates).

        ``ensure-topics`` at deploy time creates them too; this covers a broker set up
        before a topic was added. The outbox relay publishes rows in order, so one row for
        a missing topic would hold back every reply behind it.
        """
        await ensure_topics(self.settings.kafka_bootstrap_servers, produced_topics(self.settings))


ContextDep = Annotated[CrmContext, Depends(context_of)]
