"""Simulated customers: ``python -m mia_meta_sandbox.simulate --conversations 5 --messages 3``.

Each conversation is one customer (a Brazilian or US name and a fictional E.164 number)
writing a few messages to a sandbox number through the control API, mostly texts and
now and then a picture, so a newcomer sees conversations arrive in the inbox without a
Meta account. It prints what it did.

``--replies N``: the last N people the platform sent to (a campaign's recipients, say)
write back to the number that reached them, so replies show up as replied.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from dataclasses import dataclass

import httpx

from mia_meta_sandbox.client import SandboxClient
from mia_meta_sandbox.samples import sample_png

__all__ = ["Customer", "SimulatedMessage", "main", "simulate"]

BRAZILIAN_FIRST = ["Ana", "João", "Maria", "Pedro", "Juliana", "Lucas", "Fernanda", "Rafael"]
BRAZILIAN_LAST = ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Almeida"]
US_FIRST = ["Emily", "Michael", "Sarah", "David", "Jessica", "Chris", "Ashley", "Daniel"]
US_LAST = ["Johnson", "Smith", "Williams", "Brown", "Miller", "Davis", "Garcia"]
BRAZILIAN_TEXTS = [
    "Oi, tudo bem? Vi o anúncio de vocês no Instagram.",
    "Qual é o preço do plano mensal?",
    "Vocês entregam em Campinas?",
    "Consigo pagar no Pix?",
    "Pode me mandar o catálogo, por favor?",
    "Obrigada! Vou pensar e te aviso.",
    "Tem esse modelo em azul?",
]
US_TEXTS = [
    "Hi! I saw your ad and wanted to ask a few questions.",
    "How much is the monthly plan?",
    "Do you ship to Austin, TX?",
    "Can I pay with a credit card?",
    "Could you send me the catalog?",
    "Thanks, I'll think about it and get back to you.",
    "Does it come in blue?",
]
PICTURE_CAPTIONS = {"pt": "Olha essa foto", "en": "Here is a picture"}
REPLIES = ["Quero saber mais!", "Tenho interesse, pode me ligar?", "Qual o valor?", "Obrigado!"]
RECENT_SENDS = 2_000
"""How far back (in accepted sends) ``--replies`` looks for people to answer."""


@dataclass(frozen=True, slots=True)
class Customer:
    name: str
    phone: str
    language: str


@dataclass(frozen=True, slots=True)
class SimulatedMessage:
    customer: Customer
    type: str
    text: str
    wamid: str
    delivered: bool


def _customer(rng: random.Random) -> Customer:
    if rng.random() < 0.6:
        name = f"{rng.choice(BRAZILIAN_FIRST)} {rng.choice(BRAZILIAN_LAST)}"
        # São Paulo mobile numbers: +55 11 9xxxx-xxxx.
        return Customer(name, f"+55119{rng.randrange(10**7, 10**8)}", "pt")
    name = f"{rng.choice(US_FIRST)} {rng.choice(US_LAST)}"
    # 555-01xx is reserved for fiction: never a real subscriber.
    return Customer(name, f"+1{rng.randrange(201, 990)}55501{rng.randrange(100):02d}", "en")


async def simulate(
    client: SandboxClient,
    *,
    conversations: int,
    messages: int,
    phone_number_id: str | None = None,
    seed: int | None = None,
    pause_seconds: float = 0.0,
) -> list[SimulatedMessage]:
    """Post the conversations through ``client``; a picture in about one in four messages."""
    rng = random.Random(seed)
    done: list[SimulatedMessage] = []
    for _ in range(conversations):
        customer = _customer(rng)
        texts = BRAZILIAN_TEXTS if customer.language == "pt" else US_TEXTS
        for index in range(messages):
            # The first message is always a text: people say hello before sending photos.
            if index > 0 and rng.random() < 0.25:
                kind, text = "image", PICTURE_CAPTIONS[customer.language]
                answer = await client.customer_message(
                    from_=customer.phone,
                    name=customer.name,
                    type="image",
                    text=text,
                    media=sample_png(seed=rng.randrange(1 << 30)),
                    mime_type="image/png",
                    phone_number_id=phone_number_id,
                )
            else:
                # The first line greets; the rest are questions and answers.
                kind, text = "text", texts[0] if index == 0 else rng.choice(texts[1:])
                answer = await client.customer_message(
                    from_=customer.phone,
                    name=customer.name,
                    text=text,
                    phone_number_id=phone_number_id,
                )
            done.append(SimulatedMessage(customer, kind, text, answer.wamid, answer.delivered))
            if pause_seconds:
                await asyncio.sleep(pause_seconds)
    return done


async def reply_to_recent(
    client: SandboxClient, *, replies: int, seed: int | None = None
) -> list[SimulatedMessage]:
    """The last ``replies`` distinct people the sandbox accepted a send to write back, each
    to the number that wrote to them."""
    rng = random.Random(seed)
    total = (await client.sent_page(limit=1)).total
    page = await client.sent_page(offset=max(0, total - RECENT_SENDS), limit=RECENT_SENDS)
    chosen: dict[str, str] = {}
    for sent in reversed(page.items):
        if sent.to and sent.to not in chosen:
            chosen[sent.to] = sent.phone_number_id
        if len(chosen) >= replies:
            break
    done: list[SimulatedMessage] = []
    for phone, phone_number_id in chosen.items():
        address = phone if phone.startswith("+") else f"+{phone}"
        customer = Customer("Sandbox Customer", address, "pt")
        text = rng.choice(REPLIES)
        answer = await client.customer_message(
            from_=address, text=text, phone_number_id=phone_number_id
        )
        done.append(SimulatedMessage(customer, "text", text, answer.wamid, answer.delivered))
    return done


def _describe(message: SimulatedMessage) -> str:
    delivered = "delivered" if message.delivered else "not yet accepted (retrying)"
    what = f"[picture] {message.text}" if message.type == "image" else message.text
    return f"{message.customer.name} ({message.customer.phone}) -> {what}  [{delivered}]"


async def _run(arguments: argparse.Namespace) -> int:
    async with SandboxClient(arguments.sandbox_url) as client:
        try:
            if arguments.replies:
                done = await reply_to_recent(client, replies=arguments.replies, seed=arguments.seed)
            else:
                done = await simulate(
                    client,
                    conversations=arguments.conversations,
                    messages=arguments.messages,
                    phone_number_id=arguments.phone_number_id,
                    seed=arguments.seed,
                    pause_seconds=arguments.pause,
                )
        except httpx.HTTPError as exc:
            print(f"the sandbox at {arguments.sandbox_url} did not answer: {exc}", file=sys.stderr)
            return 1
    for message in done:
        print(_describe(message))
    delivered = sum(message.delivered for message in done)
    if arguments.replies:
        print(
            f"{len(done)} people the platform wrote to replied (nobody else had been sent to)"
            if len(done) < arguments.replies
            else f"{len(done)} people replied."
        )
        return 0
    print(
        f"{len(done)} messages in {arguments.conversations} conversations; "
        f"{delivered} accepted by the webhook at once, the others are retried by the sandbox."
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=5, help="customers who write")
    parser.add_argument("--messages", type=int, default=3, help="messages per customer")
    parser.add_argument("--sandbox-url", default="http://127.0.0.1:8090")
    parser.add_argument("--phone-number-id", default=None, help="default: the sandbox's")
    parser.add_argument("--seed", type=int, default=None, help="repeat the same customers")
    parser.add_argument("--pause", type=float, default=0.0, help="seconds between messages")
    parser.add_argument(
        "--replies",
        type=int,
        default=0,
        help="instead: the last N people sent to (a campaign's recipients) write back",
    )
    arguments = parser.parse_args(argv)
    if arguments.conversations < 1 or arguments.messages < 1 or arguments.replies < 0:
        parser.error("--conversations and --messages must be at least 1, --replies at least 0")
    return asyncio.run(_run(arguments))


if __name__ == "__main__":
    sys.exit(main())
