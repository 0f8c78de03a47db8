"""The sandbox's per-process state, built once by ``create_app`` and shared by endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from mia_meta_sandbox.config import SandboxSettings
from mia_meta_sandbox.faults import FaultBook
from mia_meta_sandbox.media import MediaLibrary
from mia_meta_sandbox.numbers import NumberRegistry, RegisteredNumber
from mia_meta_sandbox.outbound import OutboundService
from mia_meta_sandbox.status_flow import StatusReporter
from mia_meta_sandbox.store import ContactBook, ConversationBook, SendLedger
from mia_meta_sandbox.template_review import ReviewRules, TemplateReviewer
from mia_meta_sandbox.templates import TemplateBook
from mia_meta_sandbox.webhooks import RetryPolicy, WebhookDispatcher

__all__ = ["Sandbox", "SandboxDep", "get_sandbox"]


@dataclass
class Sandbox:
    settings: SandboxSettings
    numbers: NumberRegistry
    ledger: SendLedger
    faults: FaultBook
    media: MediaLibrary
    contacts: ContactBook
    conversations: ConversationBook
    dispatcher: WebhookDispatcher
    outbound: OutboundService
    templates: TemplateBook
    reviews: TemplateReviewer

    @classmethod
    def build(cls, settings: SandboxSettings) -> Sandbox:
        ledger, faults, contacts = SendLedger(), FaultBook(), ContactBook()
        conversations = ConversationBook()
        dispatcher = WebhookDispatcher(
            RetryPolicy(
                first_backoff=settings.webhook_first_backoff_seconds,
                max_backoff=settings.webhook_max_backoff_seconds,
                give_up_after=settings.webhook_retry_seconds,
            ),
            timeout_seconds=settings.webhook_timeout_seconds,
            connections=settings.webhook_connections,
            history=settings.webhook_history,
        )
        statuses = StatusReporter(
            dispatcher=dispatcher, conversations=conversations, delays=settings.delays
        )
        numbers, templates = NumberRegistry(), TemplateBook()
        words, shorteners = settings.template_rules
        sandbox = cls(
            settings=settings,
            numbers=numbers,
            ledger=ledger,
            faults=faults,
            media=MediaLibrary(),
            contacts=contacts,
            conversations=conversations,
            dispatcher=dispatcher,
            outbound=OutboundService(
                ledger=ledger, faults=faults, contacts=contacts, statuses=statuses
            ),
            templates=templates,
            reviews=TemplateReviewer(
                templates=templates,
                numbers=numbers,
                dispatcher=dispatcher,
                rules=ReviewRules(words=words, shortener_domains=shorteners),
                delay_seconds=settings.template_review_delay_seconds,
            ),
        )
        sandbox.register_number(sandbox.default_number())
        return sandbox

    def register_number(self, number: RegisteredNumber) -> RegisteredNumber:
        """Add or replace a number; its WABA gets the default templates if it is new."""
        self.numbers.register(number)
        self.templates.seed(number.waba_id)
        return number

    def default_number(self) -> RegisteredNumber:
        settings = self.settings
        return RegisteredNumber(
            phone_number_id=settings.phone_number_id,
            display_phone_number=settings.display_phone_number,
            waba_id=settings.waba_id,
            access_token=settings.access_token.get_secret_value(),
            app_secret=settings.app_secret.get_secret_value(),
            webhook_url=settings.webhook_url,
        )

    async def start(self) -> None:
        await self.dispatcher.start()

    async def aclose(self) -> None:
        await self.dispatcher.aclose()

    async def reset(self) -> None:
        """Forget sends, faults, statistics, deliveries and template reads; numbers, media
        and templates stay."""
        await self.dispatcher.reset()
        self.templates.clear_reads()
        self.ledger.clear()
        self.faults.clear()
        self.conversations.clear()
        self.numbers.reset_pacing()


async def get_sandbox(request: Request) -> Sandbox:
    # async on purpose: FastAPI runs a plain ``def`` dependency in its thread pool, a
    # thread hop per request that costs more than the whole send under load.
    sandbox: Sandbox = request.app.state.sandbox
    return sandbox


SandboxDep = Annotated[Sandbox, Depends(get_sandbox)]
