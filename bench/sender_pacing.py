"""Sender pacing: N WhatsApp numbers at their throughput limit, each second never above it.

usage: .venv/bin/python bench/sender_pacing.py [--accounts 10] [--rate 80] [--seconds 20]
       [--statuses] [--quick] [--no-ceiling]

Needs the local PostgreSQL and Redis (`deploy/local/infra.sh up`) and Java (the stack runs
a throw-away Kafka broker of its own). Starts the Meta sandbox and the sender as real
uvicorn processes, as the end-to-end tests do (``tests-e2e/support``: per-run databases
and broker, removed at the end, on failure or Ctrl-C too). Without --statuses the sandbox
posts no status webhooks and meta-ingest does not run, so the sandbox's CPU goes to sends;
--statuses adds meta-ingest and the sandbox's default status delays (sent, delivered, read:
three signed webhooks per send, and the sender's reconcile consumer reading them).

Connects --accounts numbers (--rate sends a second each: `throughput_per_second`, tier
`unlimited`) to one tenant through the sender's API, and registers each in the sandbox with
that same throughput, so a send beyond the limit in any rolling second is refused with
Meta's 130429 instead of passing unnoticed. Each account is paused while its requests
queue: rate x seconds x 1.2 template sends per account (keyed by account id, each to a
customer of its own, so the pair rate never holds one back) are published on
messages.send.v1 and recorded by the sender's intake; then every account is resumed at once.
Measuring dispatch alone keeps the intake of tens of thousands of requests from taking the
sender's CPU during the measured window; its own rate is printed.

The measured window is --seconds whole seconds (the sandbox's clock, which is this
machine's) starting at the second after the first accepted send, since that one is partly
spent. Per account, from ``GET /sandbox/stats``: sends accepted inside the window and their
rate; the fullest and the emptiest one-second bucket inside it; the sandbox's own
``max_per_second`` (the most accepted sends in any rolling second, the window Meta's limit
uses, over the whole run until the stats were read, so at least the fullest bucket); and
refusals by code. From ``GET /sandbox/sent``, the gaps between consecutive accepted sends
of a number: one pacing slot (1 / (limit x (1 - headroom))) when the sender keeps up, and
the gaps over 1.5 slots, where a slot went unused, with their time beyond one slot as a
share of the window: what the shortfall from the paced rate was lost to. Then totals, the
CPU each process used (3 s paused with every request queued, once the sender settled after
its intake; over the window; per send), which one ran out of CPU, and the verdict: never
above the limit, the property that must hold however little of the target rate this
machine reaches.

The ceiling: then, in the same run, on the same sandbox and machine, a minimal paced
client in this process (aiohttp, one loop per number at the same paced rate and under the
same rules as the sender's dispatcher: never before a slot, nor within half a slot of the
previous call, nor more than the paced rate in any trailing second; the same template
body, nothing else: no database, no Redis, no Kafka) sends to --accounts fresh numbers for
the same window. Its rate is what this machine lets a paced client reach at all; the
sender's rate is printed as a share of it beside its share of the paced rate. The target:
the sender at 90 % or more of the paced rate, never above the limit, at most 1.5 ms of
its CPU a send; where the machine holds both below the paced rate, the ratio says how
much of the shortfall is the sender's. (On a machine shared with other work the sandbox
itself stalls and counts arrivals late and bunched: a refusal the ceiling gets too is the
sandbox's clock, not the pacing.)

Caveats: every process (sandbox, sender, Kafka, PostgreSQL, Redis, this bench) shares this
machine; on two cores the sandbox costs about 0.4 ms of CPU a send and the sender about 1
(6.2 before issue 10, when 10 x 80/s reached 142/s), so the achieved rate also says how
busy the machine was. PostgreSQL and Redis are the shared local servers: other work on
them counts too, and a warning is printed when something outside the stack took a
noticeable share. The services use Redis database ``BENCH_REDIS_DB`` under a prefix of
the run's (removed at the end), not the end-to-end stack's database, which every starting
stack empties: a test run starting meanwhile took this bench's dispatch leases away. A
lost lease is still counted from the sender's log and reported. Services log at INFO, as
deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import aiohttp
import httpx
import orjson
from redis.asyncio import Redis

ROOT = Path(__file__).resolve().parents[1]
# The end-to-end tests' stack: one way to run the services as real processes.
sys.path.insert(0, str(ROOT / "tests-e2e"))

# The end-to-end bench's CPU accounting (this directory is on the path of a script run).
from end_to_end import OTHER_WORK_WARNING, CpuSample, cpu_line, percentile, rest  # noqa: E402

from mia_common.contracts import (  # noqa: E402
    Channel,
    Envelope,
    SendOrigin,
    SendRequest,
    TemplateContent,
)
from mia_common.contracts.topics import MESSAGES_SEND  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_meta_sandbox.client import SandboxClient  # noqa: E402
from mia_meta_sandbox.schemas import NumberStats  # noqa: E402
from mia_sender.config import SenderSettings  # noqa: E402
from mia_sender.dispatch.pacing import SecondWindow  # noqa: E402
from mia_sender.stream import INTAKE_GROUP  # noqa: E402
from support.channels import wait_until_ingest_knows  # noqa: E402
from support.kafka import group_caught_up, publish_envelopes  # noqa: E402
from support.stack import Stack, messaging_stack  # noqa: E402

SURPLUS = 1.2
"""Requests per account over what the limit allows in the window: none runs out early."""
INTAKE_DEADLINE_SECONDS = 900.0
FIRST_SEND_DEADLINE_SECONDS = 60.0
SATURATED = 90.0
"""CPU (% of one core) at which a one-event-loop process counts as out of CPU."""
REACHED = 0.95
"""Share of the paced rate above which no process is called the bottleneck."""
PAUSED_SECONDS = 3.0
QUIET = 25.0
"""Sender CPU (% of one core, over a second) under which it has settled after the intake."""
SETTLE_DEADLINE_SECONDS = 60.0
LONG_GAP = 1.5
"""A gap between two calls over this many pacing slots lost a slot."""
LEASE_LOST = "dispatch lease lost"
"""The sender's log line when an account's dispatcher stops because its lease was gone."""
BENCH_REDIS_DB = 9
"""Not the end-to-end stack's database 7: every stack empties that one as it starts, which
took this run's dispatch leases away whenever a test run started meanwhile."""
SINGLE_LOOP = ("meta-sandbox", "meta-ingest", "sender")
"""Processes doing their work on one event loop: one core is all they can use."""

T = TypeVar("T")


@dataclass(frozen=True)
class PacedAccount:
    index: int
    account_id: uuid.UUID
    phone_number_id: str


@dataclass(frozen=True)
class Gaps:
    """Time between consecutive accepted sends of one number inside the window."""

    p50_ms: float
    p99_ms: float
    max_ms: float
    long: int
    """Gaps over 1.5 pacing slots: a slot nobody used."""
    lost_share: float
    """Their time beyond one slot, as a share of the window."""

    @classmethod
    def of(cls, accepted: list[float], *, slot: float, seconds: int) -> Gaps:
        """``accepted``: the sandbox's monotonic times, in order."""
        gaps = sorted(later - earlier for earlier, later in itertools.pairwise(accepted))
        if not gaps:
            return cls(0.0, 0.0, 0.0, 0, 0.0)
        long = [gap for gap in gaps if gap > LONG_GAP * slot]
        return cls(
            p50_ms=1000 * percentile(gaps, 50),
            p99_ms=1000 * percentile(gaps, 99),
            max_ms=1000 * gaps[-1],
            long=len(long),
            lost_share=sum(gap - slot for gap in long) / seconds,
        )


@dataclass(frozen=True)
class AccountFigures:
    accepted: int
    """Accepted inside the measured window."""
    fullest: int
    emptiest: int
    rolling_max: int
    """The sandbox's max_per_second: any rolling second, the whole run."""
    accepted_whole_run: int
    refused: dict[str, int]
    gaps: Gaps

    @classmethod
    def of(cls, stats: NumberStats | None, window: range, gaps: Gaps) -> AccountFigures:
        """``stats`` is None for a number the sandbox never saw a send for."""
        if stats is None:
            return cls(0, 0, 0, 0, 0, {}, gaps)
        buckets = [stats.per_second.get(second, 0) for second in window]
        return cls(
            accepted=sum(buckets),
            fullest=max(buckets),
            emptiest=min(buckets),
            rolling_max=stats.max_per_second,
            accepted_whole_run=stats.accepted,
            refused=dict(stats.refused),
            gaps=gaps,
        )


@dataclass(frozen=True)
class Run:
    """What ``measure`` saw, for ``print_report``."""

    figures: dict[int, AccountFigures]
    requests: int
    per_account: int
    published: float
    intake: float
    settled: float | None
    """Seconds until the sender's CPU fell under ``QUIET`` after the intake; None: never."""
    first_after: float
    paused_cpu: dict[str, float]
    cpu: dict[str, float]
    leases_lost: int


# --- connecting and loading the accounts ---------------------------------------------------


async def connect_paced_number(
    stack: Stack, sandbox: SandboxClient, sender: httpx.AsyncClient, *, index: int, limit: int
) -> PacedAccount:
    """A sandbox number that refuses more than ``limit`` a second, connected through the
    sender's API with the same throughput, and paused until its requests are queued."""
    phone_number_id = str(uuid.uuid4().int)[:15]
    display = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
    token, secret = f"token-{uuid.uuid4().hex}", f"secret-{uuid.uuid4().hex}"
    with_ingest = "meta-ingest" in stack.processes
    await sandbox.register_number(
        phone_number_id=phone_number_id,
        access_token=token,
        app_secret=secret,
        display_phone_number=display,
        # Without meta-ingest no status is posted: the sandbox's default URL is never used.
        webhook_url=f"{stack['meta-ingest'].url}/webhooks/meta" if with_ingest else None,
        throughput_per_second=limit,
    )
    created = await sender.post(
        "/api/v1/channels/accounts",
        json={
            "channel": "whatsapp_cloud",
            "display_name": f"bench pacing {index}",
            "phone_number": display,
            "phone_number_id": phone_number_id,
            "waba_id": str(uuid.uuid4().int)[:15],
            "access_token": token,
            "app_secret": secret,
            "throughput_per_second": limit,
            "messaging_tier": "unlimited",
        },
    )
    if created.status_code != 201:
        raise AssertionError(f"account {index} not created: {created.text}")
    account_id = uuid.UUID(created.json()["id"])
    paused = await sender.post(
        f"/api/v1/channels/accounts/{account_id}/pause", json={"reason": "bench: queueing"}
    )
    paused.raise_for_status()
    if with_ingest:
        await wait_until_ingest_knows(stack, phone_number_id)
    return PacedAccount(index, account_id, phone_number_id)


def send_requests(
    tenant: uuid.UUID, account: PacedAccount, count: int
) -> list[tuple[bytes, Envelope[SendRequest]]]:
    """Templates (they need no open 24-hour window), each to a customer of its own."""
    key = str(account.account_id).encode()
    first = account.index * count
    return [
        (
            key,
            Envelope[SendRequest](
                type="messages.send.v1",
                source="/bench/sender-pacing",
                tenantid=tenant,
                data=SendRequest(
                    request_id=uuid.uuid4(),
                    channel=Channel.WHATSAPP_CLOUD,
                    channel_account_id=account.account_id,
                    to=f"+55119{first + number:08d}",
                    content=TemplateContent(name="order_update", language="pt_BR"),
                    origin=SendOrigin.CAMPAIGN,
                    origin_ref="bench-sender-pacing",
                ),
            ),
        )
        for number in range(count)
    ]


# --- the run -------------------------------------------------------------------------------


async def until(
    found: Callable[[], Awaitable[T | None]], *, seconds: float, every: float, what: str
) -> T:
    """The first answer of ``found`` that is not None, asked every ``every`` seconds; fails
    after ``seconds``. (mia_common's wait_until, typed for one async condition.)"""
    deadline = time.monotonic() + seconds
    while (answer := await found()) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not within {seconds:g} s")
        await asyncio.sleep(every)
    return answer


async def sleep_until(wall: float) -> None:
    await asyncio.sleep(max(0.0, wall - time.time()))


async def set_paused(sender: httpx.AsyncClient, accounts: list[PacedAccount], paused: bool) -> None:
    action = "pause" if paused else "resume"
    for account in accounts:
        answer = await sender.post(f"/api/v1/channels/accounts/{account.account_id}/{action}")
        answer.raise_for_status()


async def measure(stack: Stack, args: argparse.Namespace, paced_rate: float) -> Run:
    tenant = uuid.uuid4()
    per_account = math.ceil(args.rate * args.seconds * SURPLUS)
    if per_account * args.accounts >= 100_000_000:
        raise SystemExit("more than 100,000,000 requests: recipients would repeat")
    async with (
        SandboxClient(stack["meta-sandbox"].url) as sandbox,
        httpx.AsyncClient(
            base_url=stack["sender"].url,
            headers=stack.identity_headers(tenant),
            timeout=30.0,
            trust_env=False,
        ) as sender,
    ):
        accounts = [
            await connect_paced_number(stack, sandbox, sender, index=index, limit=args.rate)
            for index in range(args.accounts)
        ]
        numbers = {account.phone_number_id for account in accounts}

        requests = [r for account in accounts for r in send_requests(tenant, account, per_account)]
        queued_at = time.monotonic()
        await publish_envelopes(stack.kafka.bootstrap, MESSAGES_SEND.name, requests)
        published = time.monotonic() - queued_at

        async def recorded() -> bool | None:
            caught_up = await group_caught_up(
                stack.kafka.bootstrap, INTAKE_GROUP, MESSAGES_SEND.name
            )
            return True if caught_up else None

        await until(
            recorded,
            seconds=INTAKE_DEADLINE_SECONDS,
            every=1.0,
            what=f"the sender's intake of {len(requests)} requests",
        )
        intake = time.monotonic() - queued_at

        # The sender stays busy for a few seconds after its intake committed the last
        # offsets (measured here: about a core for 3 s after 57,600 requests): let it settle,
        # so neither the paused figure nor the window's first seconds include that.
        # Not settled by the deadline: measured anyway, and the report says so.
        settled_at = time.monotonic()
        settled: float | None = None
        while settled is None and time.monotonic() - settled_at < SETTLE_DEADLINE_SECONDS:
            before = CpuSample.take(stack)
            await asyncio.sleep(1.0)
            if CpuSample.take(stack).percent_since(before)["sender"] < QUIET:
                settled = time.monotonic() - settled_at

        # What the stack costs with every request queued and nothing sent.
        paused_start = CpuSample.take(stack)
        await asyncio.sleep(PAUSED_SECONDS)
        paused_cpu = CpuSample.take(stack).percent_since(paused_start)

        resumed_at = time.time()
        await set_paused(sender, accounts, paused=False)

        async def first_accepted_second() -> int | None:
            stats = await sandbox.stats()
            seconds = [
                min(tally.per_second)
                for number, tally in stats.numbers.items()
                if number in numbers and tally.per_second
            ]
            return min(seconds) if seconds else None

        first = await until(
            first_accepted_second,
            seconds=FIRST_SEND_DEADLINE_SECONDS,
            every=0.05,
            what="a first accepted send",
        )
        first_after = time.time() - resumed_at
        # Whole seconds of the sandbox's per-second counts, after the partial first one.
        window = range(first + 1, first + 1 + args.seconds)
        await sleep_until(window.start)
        start = CpuSample.take(stack)
        await sleep_until(window.stop)
        cpu = CpuSample.take(stack).percent_since(start)
        # Anything accepted before the window closed is counted by the time it answered.
        await sleep_until(window.stop + 0.2)
        stats = await sandbox.stats()
        # The rest is reading: the load stops so the sandbox answers at once.
        await set_paused(sender, accounts, paused=True)
        figures = {}
        for account in accounts:
            sent = await sandbox.sent(phone_number_id=account.phone_number_id)
            inside = [
                message.accepted_monotonic
                for message in sent
                if window.start <= message.accepted_at.timestamp() < window.stop
            ]
            gaps = Gaps.of(inside, slot=1 / paced_rate, seconds=args.seconds)
            figures[account.index] = AccountFigures.of(
                stats.numbers.get(account.phone_number_id), window, gaps
            )
    return Run(
        figures=figures,
        requests=len(requests),
        per_account=per_account,
        published=published,
        intake=intake,
        settled=settled,
        first_after=first_after,
        paused_cpu=paused_cpu,
        cpu=cpu,
        leases_lost=stack["sender"].log_path.read_text().count(LEASE_LOST),
    )


# --- the ceiling: a minimal paced client to the same sandbox -------------------------------


@dataclass(frozen=True)
class Ceiling:
    accepted: int
    """Accepted inside its window, every number together."""
    seconds: int
    refused: dict[str, int]
    rolling_max: int
    cpu_ms_per_send: float
    """This process's CPU (the client alone runs in it then) per accepted send."""

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds


async def measure_ceiling(stack: Stack, args: argparse.Namespace, paced_rate: float) -> Ceiling:
    """``--accounts`` fresh sandbox numbers with the same limit, each sent to at the paced
    rate by a loop of this process for the window plus a second: the same request Meta
    gets from the sender, and nothing else."""
    sender_settings = SenderSettings()
    version = sender_settings.meta_graph_version
    per_second = max(1, math.floor(paced_rate))
    base = stack["meta-sandbox"].url
    numbers: list[tuple[str, str]] = []
    async with SandboxClient(base) as sandbox:
        for _ in range(args.accounts):
            phone_number_id = str(uuid.uuid4().int)[:15]
            token = f"token-{uuid.uuid4().hex}"
            await sandbox.register_number(
                phone_number_id=phone_number_id,
                access_token=token,
                app_secret=f"secret-{uuid.uuid4().hex}",
                throughput_per_second=args.rate,
            )
            numbers.append((phone_number_id, token))
        loop = asyncio.get_running_loop()
        interval = 1 / paced_rate
        calls: set[asyncio.Task[None]] = set()
        connector = aiohttp.TCPConnector(limit=200, limit_per_host=0, keepalive_timeout=4.0)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def call(phone_number_id: str, token: str, n: int) -> None:
                body = {
                    "messaging_product": "whatsapp",
                    "recipient_type": "individual",
                    "to": f"55119{n:08d}",
                    "type": "template",
                    "template": {"name": "order_update", "language": {"code": "pt_BR"}},
                    "biz_opaque_callback_data": str(uuid.uuid4()),
                }
                async with http.post(
                    f"{base}/{version}/{phone_number_id}/messages",
                    data=orjson.dumps(body),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                ) as answer:
                    await answer.read()

            async def pace(index: int, phone_number_id: str, token: str, until: float) -> None:
                # The sender's rules, nothing else: never before the slot nor within half a
                # slot of the previous call, at most its calls-per-second in any trailing
                # second (a late wake-up catches up).
                window = SecondWindow(per_second)
                at = loop.time()
                n = index * 10_000_000
                while at < until:
                    await asyncio.sleep(max(0.0, max(at, window.last + interval / 2) - loop.time()))
                    await window.take()
                    n += 1
                    task = asyncio.create_task(call(phone_number_id, token, n))
                    calls.add(task)
                    task.add_done_callback(calls.discard)
                    at += interval

            cpu_start = time.process_time()
            until = loop.time() + args.seconds + 2.2
            await asyncio.gather(
                *(pace(i, pnid, token, until) for i, (pnid, token) in enumerate(numbers))
            )
            if calls:
                await asyncio.wait(set(calls), timeout=10)
            cpu = time.process_time() - cpu_start
        stats = await sandbox.stats()
    tallies = [stats.numbers[pnid] for pnid, _ in numbers if pnid in stats.numbers]
    first = min(min(t.per_second) for t in tallies if t.per_second)
    window = range(first + 1, first + 1 + args.seconds)
    accepted = sum(t.per_second.get(second, 0) for t in tallies for second in window)
    refused: dict[str, int] = {}
    for tally in tallies:
        for code, n in tally.refused.items():
            refused[code] = refused.get(code, 0) + n
    whole_run = sum(t.accepted for t in tallies)
    return Ceiling(
        accepted=accepted,
        seconds=args.seconds,
        refused=refused,
        rolling_max=max((t.max_per_second for t in tallies), default=0),
        cpu_ms_per_send=1000 * cpu / max(whole_run, 1),
    )


def print_ceiling(args: argparse.Namespace, run: Run, ceiling: Ceiling, paced_total: float) -> None:
    total = sum(f.accepted for f in run.figures.values())
    sender_rate = total / args.seconds
    print(
        f"  ceiling        a minimal paced client (aiohttp, this process) to the same sandbox,"
        f" {args.accounts} fresh numbers at the same rate, same window length:"
        f" {ceiling.rate:.1f}/s ({100 * ceiling.rate / paced_total:.0f} % of paced),"
        f" worst rolling second {ceiling.rolling_max}, refused {refused_text(ceiling.refused)},"
        f" {ceiling.cpu_ms_per_send:.2f} ms of client CPU a send"
    )
    print(
        f"  ratio          sender / ceiling {sender_rate:.1f} / {ceiling.rate:.1f} ="
        f" {sender_rate / max(ceiling.rate, 1e-9):.2f}"
    )


def refused_text(refused: dict[str, int]) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(refused.items())) or "0"


def print_report(
    args: argparse.Namespace, run: Run, *, paced_rate: float, sender_settings: SenderSettings
) -> None:
    cores = len(os.sched_getaffinity(0))
    limit, seconds, figures = args.rate, args.seconds, run.figures
    paced_total = paced_rate * args.accounts
    print(
        f"sender pacing: {args.accounts} accounts at {limit}/s each for {seconds} s"
        f"   ({', '.join(stack_services(args))}, Kafka of its own)"
    )
    print(
        f"  machine        nproc {cores}   load average {os.getloadavg()[0]:.2f} (1 min, at the"
        " end); every process of the stack, Kafka, PostgreSQL, Redis and this bench share it"
    )
    statuses = (
        "on: sent, delivered, read webhooks through meta-ingest"
        if args.statuses
        else "off (no webhooks, no meta-ingest: the sandbox's CPU goes to sends; --statuses)"
    )
    print(f"  statuses       {statuses}")
    print(
        f"  limit          {limit}/s per number, in the sender (throughput_per_second) and in"
        f" the sandbox (130429 beyond it in any rolling second); tier unlimited"
    )
    claim = max(
        1,
        min(
            sender_settings.max_in_flight_per_account,
            math.ceil(paced_rate * sender_settings.claim_horizon_seconds),
        ),
    )
    print(
        f"  pacing         MIA_SENDER_PACING_HEADROOM {sender_settings.pacing_headroom:g}: the"
        f" sender aims at {paced_rate:.1f}/s per account (one slot {1000 / paced_rate:.1f} ms),"
        f" {paced_total:.0f}/s in all; claims of {claim}"
        f" (MIA_SENDER_CLAIM_HORIZON_SECONDS {sender_settings.claim_horizon_seconds:g}),"
        f" MIA_SENDER_MAX_IN_FLIGHT_PER_ACCOUNT {sender_settings.max_in_flight_per_account}"
    )
    settled = (
        f"{run.settled:.0f} s"
        if run.settled is not None
        else f"not in {SETTLE_DEADLINE_SECONDS:g} s"
    )
    print(
        f"  load           {run.requests} template requests ({run.per_account} per account, one"
        f" customer each), published in {run.published:.1f} s, all recorded by the sender's"
        f" intake {run.intake:.1f} s after the first ({run.requests / max(run.intake, 1e-9):.0f}/s)"
        f" while the accounts were paused; the sender settled (under {QUIET:.0f} % of a core)"
        f" {settled} later; first send accepted {run.first_after * 1000:.0f} ms after the resume"
    )
    print(
        f"  window         {seconds} whole seconds from the second after the first accepted"
        " send (sandbox clock); gaps: between consecutive accepted sends of a number"
    )
    print(
        "  account   accepted    rate/s   fullest 1-s   rolling max 1-s   emptiest 1-s"
        "   gap p50 / p99 / max ms   gaps > 1.5 slots   refused"
    )
    for index, f in figures.items():
        g = f.gaps
        print(
            f"  {index:>7}   {f.accepted:>8}   {f.accepted / seconds:>7.1f}   {f.fullest:>11}"
            f"   {f.rolling_max:>15}   {f.emptiest:>12}"
            f"   {g.p50_ms:>6.1f} / {g.p99_ms:>5.1f} / {g.max_ms:>5.0f}"
            f"   {g.long:>8} ({100 * g.lost_share:>2.0f} %)   {refused_text(f.refused)}"
        )
    total = sum(f.accepted for f in figures.values())
    refused: dict[str, int] = {}
    for f in figures.values():
        for code, n in f.refused.items():
            refused[code] = refused.get(code, 0) + n
    rolling = max(f.rolling_max for f in figures.values())
    print(
        f"  {'total':>7}   {total:>8}   {total / seconds:>7.1f}"
        f"   {max(f.fullest for f in figures.values()):>11}   {rolling:>15}"
        f"   {min(f.emptiest for f in figures.values()):>12}"
        f"   {'':>22}   {sum(f.gaps.long for f in figures.values()):>8}"
        f" ({100 * statistics.fmean(f.gaps.lost_share for f in figures.values()):>2.0f} %)"
        f"   {refused_text(refused)}"
    )
    print(
        "                 (total: the worst account's seconds; the % after the long gaps: their"
        " time beyond one slot, a share of the window)"
    )
    rates = [f.accepted / seconds for f in figures.values()]
    print(
        f"  achieved       {total / seconds:.1f}/s of {paced_total:.0f}/s paced"
        f" ({100 * total / seconds / paced_total:.0f} %); per account {min(rates):.1f} to"
        f" {max(rates):.1f}/s"
    )
    busy = all(f.accepted_whole_run < run.per_account for f in figures.values())
    print(
        f"  busy           every account still had requests waiting at the end:"
        f" {'yes' if busy else 'no (some ran out: their rate understates)'}"
    )
    print(
        cpu_line("cpu paused", run.paused_cpu, cores)
        + f"   ({PAUSED_SECONDS:g} s, every request queued, nothing sent)"
    )
    per_send = "   ".join(
        f"{name} {10 * run.cpu[name] / (total / seconds):.2f}"
        for name in SINGLE_LOOP
        if name in run.cpu and total
    )
    print(
        cpu_line("cpu in window", run.cpu, cores) + "   (100 % = one core; rest: the kernel's"
        " own work, e.g. loopback networking, and any other process)"
    )
    print(f"  cpu a send     ms, all of the process's CPU in the window:   {per_send}")
    verdict = bottleneck(
        run.cpu,
        cores,
        achieved=total / seconds,
        paced=paced_total,
        gap_ms=statistics.median(f.gaps.p50_ms for f in figures.values()),
        slot_ms=1000 / paced_rate,
    )
    print(f"  bottleneck     {verdict}")
    other = max(rest(run.paused_cpu), rest(run.cpu))
    if other >= OTHER_WORK_WARNING:
        print(
            f"  warning        something else took up to {other:.0f} % of a core (a test run?):"
            " the stack waited for CPU, so the achieved rates understate; run again"
        )
    if run.leases_lost:
        print(
            f"  warning        the sender lost {run.leases_lost} dispatch lease(s) (its log):"
            " each stopped an account's dispatcher until the scheduler started another"
        )
    over = rolling > limit or refused.get("130429", 0) > 0
    print(
        f"  never above the limit: {'no' if over else 'yes'}   (worst rolling second {rolling}"
        f" of {limit}; 130429 refusals {refused.get('130429', 0)})"
    )


def bottleneck(
    cpu: dict[str, float],
    cores: int,
    *,
    achieved: float,
    paced: float,
    gap_ms: float,
    slot_ms: float,
) -> str:
    """Who held the accounts below their paced rate; ``gap_ms``: the accounts' median gap."""
    if achieved >= REACHED * paced:
        return "none: every account sent at its paced rate"
    saturated = [
        f"{name} ({cpu[name]:.0f} % of a core)"
        for name in SINGLE_LOOP
        if cpu.get(name, 0.0) >= SATURATED
    ]
    if saturated:
        return (
            f"{' and '.join(saturated)}: one event loop at a full core is all it can do;"
            " the others waited for it"
        )
    if cpu["machine"] >= SATURATED * cores:
        return (
            f"the machine ({cpu['machine']:.0f} % of {cores * 100} %): no single process at a"
            " full core, every one waiting for one"
        )
    return (
        f"no process at a full core, the machine under {SATURATED:.0f} % busy: time lost between"
        f" calls, in the sender's loop or waiting for answers (median gap {gap_ms:.1f} ms for a"
        f" {slot_ms:.1f} ms slot: {100 * (gap_ms / slot_ms - 1):.0f} % late on every call; the"
        " long gaps as above)"
    )


def stack_services(args: argparse.Namespace) -> tuple[str, ...]:
    """In the order they start: meta-ingest before the sender, as the tests start them."""
    if args.statuses:
        return ("meta-sandbox", "meta-ingest", "sender")
    return ("meta-sandbox", "sender")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=10)
    parser.add_argument("--rate", type=int, default=80, help="each account's limit, sends/s")
    parser.add_argument("--seconds", type=int, default=20, help="the measured window")
    parser.add_argument(
        "--no-ceiling", action="store_true", help="skip the minimal paced client's run"
    )
    parser.add_argument(
        "--statuses", action="store_true", help="status webhooks on, through meta-ingest"
    )
    parser.add_argument("--quick", action="store_true", help="3 accounts at 20/s for 15 s")
    args = parser.parse_args()
    if args.quick:
        args.accounts, args.rate, args.seconds = 3, 20, 15
    if args.accounts < 1 or args.rate < 1 or args.seconds < 1:
        parser.error("--accounts, --rate and --seconds must be positive")
    env: dict[str, str] = {}
    if not args.statuses:
        # An empty value turns each status off (config.py); no webhook receiver to verify.
        env = {"MIA_SANDBOX_STATUS_DELAYS": "", "MIA_SANDBOX_VERIFY_WEBHOOK_ON_START": "false"}
    # The services read the same environment: this is what the run's sender paces with.
    sender_settings = SenderSettings()
    paced_rate = args.rate * (1 - sender_settings.pacing_headroom)
    settings = PlatformSettings()
    # A database of the bench's own and a prefix of the run's: nothing to empty first, and
    # its keys alone are removed at the end.
    env["MIA_REDIS_URL"] = settings.redis_url.rsplit("/", 1)[0] + f"/{BENCH_REDIS_DB}"
    env["MIA_SENDER_REDIS_PREFIX"] = f"bench-pacing:{uuid.uuid4().hex[:8]}"
    try:
        async with messaging_stack(settings, stack_services(args), env) as stack:
            try:
                run = await measure(stack, args, paced_rate)
                print_report(args, run, paced_rate=paced_rate, sender_settings=sender_settings)
                if not args.no_ceiling:
                    ceiling = await measure_ceiling(stack, args, paced_rate)
                    print_ceiling(args, run, ceiling, paced_rate * args.accounts)
            finally:
                print(f"  logs           .local/e2e-logs/*-{stack.run_id}.log")
    finally:
        redis = Redis.from_url(env["MIA_REDIS_URL"])
        try:
            async for key in redis.scan_iter(match=f"{env['MIA_SENDER_REDIS_PREFIX']}:*"):
                await redis.unlink(key)
        finally:
            await redis.aclose()


if __name__ == "__main__":
    asyncio.run(main())
