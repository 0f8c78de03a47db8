"""Campaign fan-out: a campaign from launch to completed through the real sender and the Meta
sandbox, rate limits lifted: audience snapshot time, sustained end-to-end messages a second,
CPU per message of each process, campaigns' memory, how fast a pause takes effect, and a
ceiling (the same messages' minimal round trip on the same servers) with the ratio.

usage: .venv/bin/python bench/campaign_fanout.py [--recipients 20000] [--window 500]
       [--pause-recipients 5000] [--pause-after 1000] [--statuses] [--stand-in-sender]
       [--profile SECONDS] [--no-ceiling]

Targets (issue 13): >= 500 msg/s sustained end to end; campaigns' memory < 200 MB and flat
whatever the audience; a pause takes effect within one second, at most the in-flight window
after it.

Needs the local PostgreSQL and Redis (`deploy/local/infra.sh up`) and Java: the stack runs
a throw-away Kafka broker of its own and the services as real uvicorn processes, as the
end-to-end tests do (``tests-e2e/support``: per-run databases, removed at the end). The crm
is campaigns' test stand-in (``services/campaigns/tests/support/fake_crm.py``, in this
process): its member stream as NDJSON, the audience held in memory, so the snapshot's time
is campaigns' own (reading the stream, writing the ledger), not the crm's query.

The path (default): campaigns → messages.send.v1 → the sender (intake, database, Redis
pacing, the Graph call) → the Meta sandbox (tools/meta-sandbox) → the sender's outcome →
messages.outcome.v1 → campaigns' ledger. One WhatsApp number is connected through the
sender's API as the end-to-end tests connect one (``tests-e2e/support/channels.py``), its
limits lifted as far as configuration lifts them:

- the sender: ``throughput_per_second`` 1000, the most its API accepts (a number's Meta
  throughput; it cannot go higher by configuration), ``MIA_SENDER_PACING_HEADROOM`` 0 (it
  paces at the full throughput), messaging tier ``unlimited`` (no daily unique-recipient
  wall), ``MIA_SENDER_MAX_IN_FLIGHT_PER_ACCOUNT`` 256 (Graph calls open at once; 32 by
  default). Meta's pair rate (one message every 6 s to one customer) never applies: every
  recipient is a different customer.
- the sandbox: the number registered without a throughput (no 130429 at any rate); no
  status webhooks (``MIA_SANDBOX_STATUS_DELAYS`` empty; --statuses adds meta-ingest and the
  sandbox's default sent/delivered/read webhooks, which campaigns then also consumes).
- campaigns: no rate cap; ``in_flight_limit`` --window (1000 at most, its API's bound).

--stand-in-sender replaces the sender and the sandbox with campaigns' test stand-in (in
this process) that answers every send request with an accepted outcome at once: what is
left is campaigns' own cost (ledger, outbox, relay, outcomes).

Figures. Snapshot: the launch request, which freezes the audience before it answers.
Rates: launch answered → campaign completed (all recipients over the whole run), and the
sustained rate: outcomes recorded in the ledger (each row's ``updated_at``) between the
10th and the 90th percentile of them, so neither the start nor the tail counts. Latency of
a message: the ledger's ``requested_at`` (its request written to the outbox) → the
sandbox's acceptance (its ``accepted_at``, matched by wamid) → the outcome in the ledger.
CPU: each process's utime + stime from ``/proc`` over the sending (launch answered →
completed), per message; the snapshot's CPU apart. Memory: campaigns' resident set sampled
every second, and its peak (VmHWM). Pause: a second campaign (another number) paused
after --pause-after sends at the sandbox; the time from the pause's answer to the last send
that reached the sandbox (stand-in: the stand-in sender) and how many arrived after it
(at most the window), and the requests campaigns wrote after it (its ledger's
``requested_at``: what campaigns itself controls; the arrivals after the pause are requests
written before it, the window draining through the sender in about window ÷ its rate),
then resumed: everyone exactly once. Ceiling (fanout_ceiling.py):
the same number of messages through Kafka and the sandbox by a minimal program; the
fan-out's sustained rate as a share of it.

--profile SECONDS records campaigns with py-spy (``.venv/bin/py-spy``, or
``.local/bench-tools/bin/py-spy``: ``uv sync`` prunes the venv) for that long from 10 % of
the run and prints its top frames (self and total). The machine is shared: its
load at the start and the end is printed, and a warning when other work took a share.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import os
import re
import shutil
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import asyncpg
import httpx
from redis.asyncio import Redis

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests-e2e"))

# The end-to-end bench's CPU accounting (this directory is on the path of a script run).
from end_to_end import OTHER_WORK_WARNING, CpuSample, cpu_line, percentile, rest  # noqa: E402
from fanout_ceiling import sandbox_round_trip, stand_in_round_trip  # noqa: E402

from mia_common.contracts.topics import MESSAGES_OUTCOME, MESSAGES_SEND  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_meta_sandbox.client import SandboxClient  # noqa: E402
from support.channels import wait_until_ingest_knows  # noqa: E402
from support.stack import Stack, messaging_stack  # noqa: E402


def _stand_in(name: str) -> ModuleType:
    """campaigns' test stand-ins, loaded by path (tests-e2e has a ``support`` package too)."""
    path = ROOT / "services" / "campaigns" / "tests" / "support" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"campaigns_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


FakeCrm = _stand_in("fake_crm").FakeCrm
member = sys.modules["campaigns_fake_crm"].member
FakeSender = _stand_in("fake_sender").FakeSender

THROUGHPUT = 1000
"""The number's throughput at the sender: the most its API accepts."""
SENDER_IN_FLIGHT = 256
BENCH_REDIS_DB = 9
"""Not the end-to-end stack's database 7, which every starting stack empties."""
TEMPLATE = {
    "type": "template",
    "name": "order_update",
    "language": "pt_BR",
    "body": "Temos novidades para você.",
}
TEXT = {"type": "text", "body": "Oi {{first_name|cliente}}, novidades!"}
"""The stand-in's message (it answers whatever it gets; the real sender needs a template
outside the 24-hour window)."""
OPEN_STATES = {"queued", "requested"}
SETTLED_SECONDS = 2.0
"""A paused campaign has settled when nothing reached the sandbox for this long."""
DEADLINE_SECONDS = 3600.0
PROCESSES = (
    "campaigns",
    "sender",
    "meta-sandbox",
    "meta-ingest",
    "Kafka (own broker)",
    "PostgreSQL (shared)",
    "Redis (shared)",
    "this bench",
)
PY_SPY = (
    str(ROOT / ".venv" / "bin" / "py-spy"),
    str(ROOT / ".local" / "bench-tools" / "bin" / "py-spy"),
    shutil.which("py-spy"),
)
TARGET_RATE = 500.0
TARGET_MB = 200.0
TARGET_PAUSE_MS = 1000.0


def rss_mb(pid: int, field_name: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


# --- the two paths: what received the send requests ------------------------------------------


@dataclass(frozen=True)
class Account:
    account_id: uuid.UUID
    phone_number_id: str = ""
    access_token: str = ""


class SendPath(Protocol):
    name: str
    message: dict[str, Any]

    async def connect(self, tenant_id: uuid.UUID) -> Account: ...

    async def arrived(self, account: Account) -> int: ...

    async def arrivals(self, account: Account) -> list[float]:
        """When each send arrived, in ``now()``'s clock, in order."""
        ...

    def now(self) -> float: ...

    async def phones(self, account: Account) -> Counter[str]: ...

    async def accepted_at(self, account: Account) -> dict[str, float]:
        """wamid → when the sandbox accepted it (unix seconds); empty for the stand-in."""
        ...


class StandInPath:
    name = "the stand-in sender (in this process: every request accepted at once)"
    message = TEXT

    def __init__(self, sender: Any) -> None:
        self.sender = sender

    async def connect(self, tenant_id: uuid.UUID) -> Account:
        return Account(uuid.uuid4())

    async def arrived(self, account: Account) -> int:
        return len(self.sender.requests(account.account_id))

    async def arrivals(self, account: Account) -> list[float]:
        return list(self.sender.account(account.account_id).arrivals)

    def now(self) -> float:
        return time.monotonic()

    async def phones(self, account: Account) -> Counter[str]:
        return Counter(r.to for r in self.sender.requests(account.account_id))

    async def accepted_at(self, account: Account) -> dict[str, float]:
        return {}


class RealPath:
    name = "the sender and the Meta sandbox (real processes)"
    message = TEMPLATE

    def __init__(self, stack: Stack, sandbox: SandboxClient) -> None:
        self.stack = stack
        self.sandbox = sandbox

    async def connect(self, tenant_id: uuid.UUID) -> Account:
        """A sandbox number with no throughput limit, connected through the sender's API at
        the most throughput it accepts, tier unlimited (``support.channels``' steps)."""
        phone_number_id = str(uuid.uuid4().int)[:15]
        display = f"+1555{uuid.uuid4().int % 10_000_000:07d}"
        token, secret = f"token-{uuid.uuid4().hex}", f"secret-{uuid.uuid4().hex}"
        with_ingest = "meta-ingest" in self.stack.processes
        await self.sandbox.register_number(
            phone_number_id=phone_number_id,
            access_token=token,
            app_secret=secret,
            display_phone_number=display,
            webhook_url=f"{self.stack['meta-ingest'].url}/webhooks/meta" if with_ingest else None,
            throughput_per_second=None,
        )
        async with httpx.AsyncClient(
            base_url=self.stack["sender"].url,
            headers=self.stack.identity_headers(tenant_id),
            timeout=30.0,
            trust_env=False,
        ) as sender:
            created = await sender.post(
                "/api/v1/channels/accounts",
                json={
                    "channel": "whatsapp_cloud",
                    "display_name": "bench campaign fan-out",
                    "phone_number": display,
                    "phone_number_id": phone_number_id,
                    "waba_id": str(uuid.uuid4().int)[:15],
                    "access_token": token,
                    "app_secret": secret,
                    "throughput_per_second": THROUGHPUT,
                    "messaging_tier": "unlimited",
                },
            )
        if created.status_code != 201:
            raise AssertionError(f"account not created: {created.text}")
        if with_ingest:
            await wait_until_ingest_knows(self.stack, phone_number_id)
        return Account(uuid.UUID(created.json()["id"]), phone_number_id, token)

    async def arrived(self, account: Account) -> int:
        try:
            return (await self.sandbox.number_stats(account.phone_number_id)).accepted
        except KeyError:  # nothing sent to the number yet
            return 0

    async def arrivals(self, account: Account) -> list[float]:
        sent = await self.sandbox.sent(phone_number_id=account.phone_number_id)
        return [m.accepted_at.timestamp() for m in sent]

    def now(self) -> float:
        return time.time()

    async def phones(self, account: Account) -> Counter[str]:
        sent = await self.sandbox.sent(phone_number_id=account.phone_number_id)
        return Counter("+" + (m.to or "").lstrip("+") for m in sent)

    async def accepted_at(self, account: Account) -> dict[str, float]:
        sent = await self.sandbox.sent(phone_number_id=account.phone_number_id)
        return {m.wamid: m.accepted_at.timestamp() for m in sent}


# --- campaigns' API ------------------------------------------------------------------------


class Api:
    def __init__(self, stack: Stack, tenant_id: uuid.UUID) -> None:
        self.tenant_id = tenant_id
        self.http = httpx.AsyncClient(
            base_url=stack["campaigns"].url,
            headers=stack.identity_headers(tenant_id),
            timeout=600,
            trust_env=False,
        )

    async def campaign(self, account: Account, message: dict[str, Any], window: int) -> str:
        response = await self.http.post(
            "/api/v1/campaigns",
            json={
                "name": f"bench {uuid.uuid4().hex[:6]}",
                "channel": "whatsapp_cloud",
                "channel_account_id": str(account.account_id),
                "message": message,
                "audience": {"kind": "filter", "filter": {"all": []}},
                "in_flight_limit": window,
            },
        )
        if response.status_code != 201:
            raise AssertionError(f"campaign not created: {response.text}")
        return str(response.json()["id"])

    async def act(self, campaign_id: str, action: str) -> dict[str, Any]:
        response = await self.http.post(f"/api/v1/campaigns/{campaign_id}/{action}")
        if response.status_code != 200:
            raise AssertionError(f"{action} refused: {response.text}")
        answer: dict[str, Any] = response.json()
        return answer

    async def status(self, campaign_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = (await self.http.get(f"/api/v1/campaigns/{campaign_id}")).json()
        return answer


def done(state: dict[str, Any]) -> int:
    counts: dict[str, int] = state["counts"]
    return sum(n for s, n in counts.items() if s not in OPEN_STATES)


# --- the ledger, read at the end -------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    states: Counter[str]
    sustained: float
    """Outcomes a second between the 10th and the 90th percentile of their times."""
    first_to_last: float
    request_to_sandbox_ms: list[float]
    sandbox_to_ledger_ms: list[float]
    request_to_ledger_ms: list[float]


async def read_ledger(stack: Stack, campaign_id: str, accepted_at: dict[str, float]) -> Ledger:
    url = stack["campaigns"].env["MIA_DATABASE_URL_OVERRIDE"].replace("+asyncpg", "")
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT state, external_message_id,"
            " extract(epoch FROM requested_at)::float8 AS requested,"
            " extract(epoch FROM updated_at)::float8 AS updated"
            " FROM campaign_recipients WHERE campaign_id = $1",
            uuid.UUID(campaign_id),
        )
    finally:
        await connection.close()
    states = Counter(row["state"] for row in rows)
    finished = sorted(row["updated"] for row in rows if row["state"] not in OPEN_STATES)
    low, high = percentile(finished, 10), percentile(finished, 90)
    middle = sum(low <= t <= high for t in finished)
    to_sandbox, from_sandbox, whole = [], [], []
    for row in rows:
        if row["requested"] is None or row["state"] in OPEN_STATES:
            continue
        whole.append(1000 * (row["updated"] - row["requested"]))
        at_sandbox = accepted_at.get(row["external_message_id"] or "")
        if at_sandbox is not None:
            to_sandbox.append(1000 * (at_sandbox - row["requested"]))
            from_sandbox.append(1000 * (row["updated"] - at_sandbox))
    return Ledger(
        states=states,
        sustained=middle / max(high - low, 1e-9),
        first_to_last=finished[-1] - finished[0] if finished else 0.0,
        request_to_sandbox_ms=sorted(to_sandbox),
        sandbox_to_ledger_ms=sorted(from_sandbox),
        request_to_ledger_ms=sorted(whole),
    )


async def requested_after(stack: Stack, campaign_id: str, since: float) -> tuple[int, float]:
    """Requests campaigns wrote (the ledger's ``requested_at``) after the unix time
    ``since``, and the last one's seconds after it (0 when none)."""
    url = stack["campaigns"].env["MIA_DATABASE_URL_OVERRIDE"].replace("+asyncpg", "")
    connection = await asyncpg.connect(url)
    try:
        row = await connection.fetchrow(
            "SELECT count(*) AS n, extract(epoch FROM max(requested_at))::float8 AS last"
            " FROM campaign_recipients WHERE campaign_id = $1 AND requested_at > to_timestamp($2)",
            uuid.UUID(campaign_id),
            since,
        )
    finally:
        await connection.close()
    assert row is not None
    return int(row["n"]), max(0.0, (row["last"] or since) - since)


def spread(values: list[float]) -> str:
    if not values:
        return "n/a"
    return (
        f"p50 {percentile(values, 50):.0f}   p90 {percentile(values, 90):.0f}"
        f"   p99 {percentile(values, 99):.0f}   max {values[-1]:.0f} ms"
    )


# --- py-spy ----------------------------------------------------------------------------------


async def profile(pid: int, seconds: int, out: Path) -> Path | None:
    """py-spy's raw (collapsed) stacks of ``pid`` for ``seconds``; None when it could not."""
    spy = next((p for p in PY_SPY if p is not None and os.access(p, os.X_OK)), None)
    if spy is None:
        print(
            "  profile        no py-spy: `.local/tools/bin/uv pip install --target"
            " .local/bench-tools py-spy` (outside .venv, which `uv sync` prunes)"
        )
        return None
    process = await asyncio.create_subprocess_exec(
        str(spy), "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "100",
        "--nonblocking", "--format", "raw", "--output", str(out),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, error = await process.communicate()
    if process.returncode != 0:
        print(f"  profile        py-spy failed: {error.decode(errors='replace').strip()[-300:]}")
        return None
    return out


def print_profile(path: Path, top: int = 15) -> None:
    """The frames most samples were in (self) and, of our own code (``mia_*``), the frames
    most samples were under (total)."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        n = int(count)
        samples += n
        own[frames[-1]] += n
        # By function (py-spy names each line): a function's lines counted once a sample.
        for function in {re.sub(r":\d+\)$", ")", frame) for frame in frames}:
            if "mia_" in function:
                total[function] += n
    if not samples:
        print(f"  profile        no samples in {path}")
        return
    print(f"  profile        campaigns, py-spy, {samples} samples ({path}):")
    print(
        "                 self (a frame on top; the event loop's own frame, Runner.run, is"
        " uvloop's C code: polling and callbacks):"
    )
    for frame, n in own.most_common(top):
        print(f"                   {100 * n / samples:5.1f} %  {frame}")
    print("                 total, our code by function (samples with it anywhere in the stack):")
    for frame, n in total.most_common(top):
        print(f"                   {100 * n / samples:5.1f} %  {frame}")


# --- the runs --------------------------------------------------------------------------------


@dataclass
class FanOut:
    recipients: int
    snapshot: float
    snapshot_cpu: float
    sending: float
    cpu: dict[str, float]
    cpu_percent: dict[str, float]
    rss_before: float
    rss: list[tuple[int, float, float]] = field(default_factory=list)
    """(share done in %, seconds since launch, MB)"""
    peak: float = 0.0
    exactly_once: bool = False
    phones_seen: int = 0
    ledger: Ledger | None = None
    profile: Path | None = None


async def fan_out(stack: Stack, path: SendPath, crm: Any, args: argparse.Namespace) -> FanOut:
    tenant_id = uuid.uuid4()
    api = Api(stack, tenant_id)
    account = await path.connect(tenant_id)
    crm.add(
        tenant_id,
        [
            member(phone=f"+55119{i:08d}", name=f"Pessoa {i}", whatsapp="opted_in")
            for i in range(args.recipients)
        ],
    )
    campaign_id = await api.campaign(account, path.message, args.window)
    process = stack["campaigns"]._process
    assert process is not None
    pid = process.pid
    rss_before = rss_mb(pid)
    start = CpuSample.take(stack)
    started = time.perf_counter()
    launched = await api.act(campaign_id, "launch")
    if launched.get("excluded"):
        print(f"  excluded       {launched['excluded']}")
    snapshot = time.perf_counter() - started
    sending = CpuSample.take(stack)
    figures = FanOut(
        recipients=args.recipients,
        snapshot=snapshot,
        snapshot_cpu=sending.seconds_since(start)["campaigns"],
        sending=0.0,
        cpu={},
        cpu_percent={},
        rss_before=rss_before,
    )
    profiling: asyncio.Task[Path | None] | None = None
    next_mark = 10
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        state = await api.status(campaign_id)
        share = 100 * done(state) // args.recipients
        if share >= next_mark or state["status"] == "completed":
            figures.rss.append((share, time.perf_counter() - started, rss_mb(pid)))
            next_mark = (share // 10 + 1) * 10
        if args.profile and profiling is None and share >= 10:
            out = ROOT / ".local" / f"bench-campaign-fanout-{stack.run_id}.pyspy.txt"
            profiling = asyncio.create_task(profile(pid, args.profile, out))
        if state["status"] == "completed":
            break
        if state["status"] not in ("running", "scheduled"):
            raise AssertionError(f"campaign {state['status']}: {state.get('status_reason')}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not completed in {DEADLINE_SECONDS:g} s: {state['counts']}")
        await asyncio.sleep(1.0)
    end = CpuSample.take(stack)
    figures.sending = time.perf_counter() - started - snapshot
    figures.cpu = end.seconds_since(sending)
    figures.cpu["this bench"] = end.bench - sending.bench
    figures.cpu_percent = end.percent_since(sending)
    figures.peak = rss_mb(pid, "VmHWM")
    if profiling is not None:
        figures.profile = await profiling
    phones = await path.phones(account)
    figures.phones_seen = len(phones)
    figures.exactly_once = len(phones) == args.recipients and set(phones.values()) == {1}
    figures.ledger = await read_ledger(stack, campaign_id, await path.accepted_at(account))
    await api.http.aclose()
    return figures


@dataclass(frozen=True)
class Pause:
    at_pause: int
    after_pause: int
    last_ms: float
    answer_ms: float
    requested_after: int
    """Requests campaigns wrote after the pause's answer (its ledger)."""
    last_requested_ms: float
    exactly_once: bool


async def pause(stack: Stack, path: SendPath, crm: Any, args: argparse.Namespace) -> Pause:
    tenant_id = uuid.uuid4()
    api = Api(stack, tenant_id)
    account = await path.connect(tenant_id)
    crm.add(
        tenant_id,
        [
            member(phone=f"+55218{i:08d}", name=f"P {i}", whatsapp="opted_in")
            for i in range(args.pause_recipients)
        ],
    )
    campaign_id = await api.campaign(account, path.message, args.window)
    await api.act(campaign_id, "launch")
    deadline = time.monotonic() + 300
    while await path.arrived(account) < args.pause_after:
        if time.monotonic() > deadline:
            raise AssertionError(f"{args.pause_after} sends not reached in 300 s")
        await asyncio.sleep(0.01)
    asked = time.perf_counter()
    await api.act(campaign_id, "pause")
    answer_ms = 1000 * (time.perf_counter() - asked)
    paused_at, paused_wall = path.now(), time.time()
    at_pause = await path.arrived(account)
    # Settled: nothing requested is left in the ledger and nothing arrived for a while.
    count, changed = at_pause, time.monotonic()
    while True:
        state = await api.status(campaign_id)
        now_count = await path.arrived(account)
        if now_count != count:
            count, changed = now_count, time.monotonic()
        if "requested" not in state["counts"] and time.monotonic() - changed > SETTLED_SECONDS:
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"the pause did not settle: {state['counts']}")
        await asyncio.sleep(0.1)
    arrivals = await path.arrivals(account)
    later = [t for t in arrivals if t > paused_at]
    requested, last_requested = await requested_after(stack, campaign_id, paused_wall)
    await api.act(campaign_id, "resume")
    while (await api.status(campaign_id))["status"] != "completed":
        if time.monotonic() > deadline + 600:
            raise AssertionError("the resumed campaign did not complete")
        await asyncio.sleep(0.5)
    phones = await path.phones(account)
    await api.http.aclose()
    return Pause(
        at_pause=at_pause,
        after_pause=len(later),
        last_ms=1000 * max(0.0, max(later, default=paused_at) - paused_at),
        answer_ms=answer_ms,
        requested_after=requested,
        last_requested_ms=1000 * last_requested,
        exactly_once=len(phones) == args.pause_recipients and set(phones.values()) == {1},
    )


# --- the report ------------------------------------------------------------------------------


def print_fan_out(args: argparse.Namespace, path: SendPath, run: FanOut) -> float:
    n = run.recipients
    cores = len(os.sched_getaffinity(0))
    ledger = run.ledger
    assert ledger is not None
    print(f"fan-out          {n:,} recipients, window {args.window}, through {path.name}")
    print(
        f"  snapshot       launch (the audience frozen into the ledger): {run.snapshot:.2f} s"
        f" ({n / run.snapshot:,.0f} rows/s), campaigns CPU {run.snapshot_cpu:.2f} s"
        f" ({1e6 * run.snapshot_cpu / n:.0f} µs a row)"
    )
    average = n / run.sending
    print(
        f"  sending        launch answered -> completed: {run.sending:.1f} s ="
        f" {average:,.0f} msg/s on average"
    )
    print(
        f"  sustained      outcomes recorded in the ledger, 10th -> 90th percentile of their"
        f" times: {ledger.sustained:,.0f} msg/s   (target >= {TARGET_RATE:.0f})"
    )
    legs = (
        ("request -> outcome in the ledger", ledger.request_to_ledger_ms),
        ("request -> sandbox accepted", ledger.request_to_sandbox_ms),
        ("sandbox accepted -> ledger", ledger.sandbox_to_ledger_ms),
    )
    for index, (leg, values) in enumerate(legs):
        if values:
            print(f"  {'latency' if index == 0 else '':<15}{leg:<34}{spread(values)}")
    print(
        f"  ledger         {dict(ledger.states)}; exactly once at the receiver:"
        f" {'yes' if run.exactly_once else f'NO ({run.phones_seen:,} numbers reached)'}"
    )
    per_message = "   ".join(
        f"{name} {1000 * run.cpu[name] / n:.2f}"
        for name in PROCESSES
        if name in run.cpu and run.cpu[name] > 0
    )
    print(f"  cpu a message  ms, over the sending:   {per_message}")
    print(cpu_line("cpu (sending)", run.cpu_percent, cores) + "   (100 % = one core)")
    marks = ", ".join(f"{share}% {mb:.0f}" for share, _, mb in run.rss)
    growth = run.rss[-1][2] - run.rss[0][2] if run.rss else 0.0
    print(
        f"  memory         campaigns RSS MB: before {run.rss_before:.0f}; {marks};"
        f" peak (VmHWM) {run.peak:.0f}; {growth:+.0f} MB from the first sample to the last"
        f"   (target < {TARGET_MB:.0f}, flat)"
    )
    other = rest(run.cpu_percent)
    if other >= OTHER_WORK_WARNING:
        print(
            f"  warning        something else took {other:.0f} % of a core (other sessions'"
            " tests?): the stack waited for CPU; rely on the ratio and the CPU per message"
        )
    if run.profile is not None:
        print_profile(run.profile)
    return ledger.sustained


def print_pause(args: argparse.Namespace, result: Pause) -> None:
    print(
        f"pause            {args.pause_recipients:,} recipients, window {args.window}, paused"
        f" after {result.at_pause:,} had arrived (the pause answered in {result.answer_ms:.0f} ms)"
    )
    print(
        f"  after the pause's answer: {result.after_pause} more arrived (window {args.window}),"
        f" the last {result.last_ms:.0f} ms later   (target < {TARGET_PAUSE_MS:.0f} ms)"
    )
    print(
        f"  campaigns wrote {result.requested_after} requests after the pause's answer, the last"
        f" {result.last_requested_ms:.0f} ms later (what it controls; the rest of the arrivals"
        " were already requested: the window draining through the sender)"
    )
    print(f"  after resume, exactly once: {'yes' if result.exactly_once else 'NO'}")


# --- main ------------------------------------------------------------------------------------


def lifted_env(args: argparse.Namespace, run_id: str) -> dict[str, str]:
    env = {
        "MIA_REDIS_URL": PlatformSettings().redis_url.rsplit("/", 1)[0] + f"/{BENCH_REDIS_DB}",
        "MIA_SENDER_REDIS_PREFIX": f"bench-fanout:{run_id}",
    }
    if args.stand_in_sender:
        return env
    env |= {
        "MIA_SENDER_PACING_HEADROOM": "0",
        "MIA_SENDER_MAX_IN_FLIGHT_PER_ACCOUNT": str(SENDER_IN_FLIGHT),
        "MIA_SENDER_DEFAULT_THROUGHPUT_PER_SECOND": str(THROUGHPUT),
        "MIA_SENDER_DEFAULT_MESSAGING_TIER": "unlimited",
        "MIA_SANDBOX_VERIFY_WEBHOOK_ON_START": "false",
    }
    if not args.statuses:
        env["MIA_SANDBOX_STATUS_DELAYS"] = ""
    return env


def services(args: argparse.Namespace) -> tuple[str, ...]:
    if args.stand_in_sender:
        return ("campaigns",)
    if args.statuses:
        return ("meta-sandbox", "meta-ingest", "sender", "campaigns")
    return ("meta-sandbox", "sender", "campaigns")


async def ceiling(stack: Stack, path: SendPath, args: argparse.Namespace) -> float:
    if isinstance(path, RealPath):
        account = await path.connect(uuid.uuid4())
        return await sandbox_round_trip(
            stack.kafka.bootstrap,
            sandbox_url=stack["meta-sandbox"].url,
            graph_version=PlatformSettings().meta_graph_version,
            phone_number_id=account.phone_number_id,
            access_token=account.access_token,
            count=args.recipients,
            window=args.window,
        )
    return await stand_in_round_trip(
        stack.kafka.bootstrap,
        send_topic=MESSAGES_SEND.name,
        outcome_topic=MESSAGES_OUTCOME.name,
        count=args.recipients,
    )


async def run(args: argparse.Namespace) -> None:
    platform = PlatformSettings()
    secret = platform.identity_token_secret.get_secret_value()
    run_id = uuid.uuid4().hex[:8]
    env = lifted_env(args, run_id)
    crm = FakeCrm(secret)
    await crm.start()
    env["MIA_CAMPAIGNS_CRM_URL"] = crm.url
    cores = len(os.sched_getaffinity(0))
    print(f"campaign fan-out   nproc {cores}   load at the start {load_text()}")
    lifted = ", ".join(f"{k}={v!r}" for k, v in env.items() if "REDIS" not in k and "CRM" not in k)
    print(f"  settings       {lifted or '(none: the stand-in has no limits)'}")
    try:
        async with messaging_stack(platform, services(args), env) as stack:
            try:
                async with contextlib.AsyncExitStack() as resources:
                    path: SendPath
                    if args.stand_in_sender:
                        sender = FakeSender(
                            stack.kafka.bootstrap,
                            send_topic=MESSAGES_SEND.name,
                            outcome_topic=MESSAGES_OUTCOME.name,
                        )
                        await sender.start()
                        resources.push_async_callback(sender.stop)
                        path = StandInPath(sender)
                    else:
                        sandbox = SandboxClient(stack["meta-sandbox"].url, timeout=120)
                        resources.push_async_callback(sandbox.aclose)
                        path = RealPath(stack, sandbox)
                        print(
                            f"  number         throughput_per_second {THROUGHPUT} at the sender"
                            " (its API's most), tier unlimited; none at the sandbox"
                        )
                    main = await fan_out(stack, path, crm, args)
                    rate = print_fan_out(args, path, main)
                    print_pause(args, await pause(stack, path, crm, args))
                    if not args.no_ceiling:
                        # campaigns would read the stand-in ceiling's outcomes: stopped first.
                        await stack["campaigns"].stop()
                        top = await ceiling(stack, path, args)
                        what = (
                            "Kafka -> Graph call to the sandbox -> Kafka, one process"
                            if isinstance(path, RealPath)
                            else "Kafka round trip through the stand-in sender"
                        )
                        print(
                            f"ceiling          the same {args.recipients:,} messages' minimal"
                            f" round trip ({what}): {top:,.0f} msg/s"
                        )
                        print(f"ratio            sustained fan-out / ceiling = {rate / top:.2f}")
                print(f"  load at end    {load_text()}")
            finally:
                print(f"  logs           .local/e2e-logs/*-{stack.run_id}.log")
    finally:
        await crm.stop()
        redis = Redis.from_url(env["MIA_REDIS_URL"])
        try:
            async for key in redis.scan_iter(match=f"{env['MIA_SENDER_REDIS_PREFIX']}:*"):
                await redis.unlink(key)
        finally:
            await redis.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument(
        "--window", type=int, default=None, help="in-flight limit (default 500; stand-in 200)"
    )
    parser.add_argument("--pause-recipients", type=int, default=5_000)
    parser.add_argument("--pause-after", type=int, default=1_000)
    parser.add_argument(
        "--stand-in-sender", action="store_true", help="campaigns' own cost: no sender, no Meta"
    )
    parser.add_argument(
        "--statuses", action="store_true", help="sent/delivered/read webhooks via meta-ingest"
    )
    parser.add_argument("--profile", type=int, default=0, metavar="SECONDS", help="py-spy")
    parser.add_argument("--no-ceiling", action="store_true")
    args = parser.parse_args()
    if args.window is None:
        args.window = 200 if args.stand_in_sender else 500
    if not 1 <= args.window <= 1000:
        parser.error("--window: 1 to 1000 (campaigns' in_flight_limit)")
    if args.stand_in_sender and args.statuses:
        parser.error("--statuses needs the real sender")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
