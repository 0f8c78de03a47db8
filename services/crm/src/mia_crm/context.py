"""The crm's process context: its settings and infrastructure, built once per process.

``CrmContext.build`` runs in ``create_app`` before anything subscribes or serves: the
broker is complete, the database engine and session factory exist (nothing connects until
the app starts), and the outbox relay is wired to wake when a transaction staged events.
Endpoints reach it through ``ContextDep``, Kafka handlers through the router's closure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from mia_common.app import Infrastructure, build_infrastructure, context_of
from mia_crm.config import CrmSettings

__all__ = ["ContextDep", "CrmContext"]


@dataclass(kw_only=True, eq=False)
class CrmContext:
    settings: CrmSettings
    infra: Infrastructure

    @classmethod
    def build(cls, settings: CrmSettings) -> CrmContext:
        # The crm stores and announces through its outbox (replies, inbox events), so the
        # relay runs in every crm process.
        infra = build_infrastructure(settings, client_id="crm", outbox_relay=True)
        return cls(settings=settings, infra=infra)


ContextDep = Annotated[CrmContext, Depends(context_of)]
