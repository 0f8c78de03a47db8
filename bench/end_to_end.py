"""End to end: a customer's message until it is visible in the inbox API, p50 and p99.

usage: .venv/bin/python bench/end_to_end.py [--messages 2000] [--rate 200] [--customers 30]
       [--poll-ms 30] [--quick]

Targets (issue 10): at 200 messages a second, p99 visible < 300 ms, 0 lost, 0 doubled, and
at most 3 ms of crm CPU and 1.5 ms of meta-ingest CPU per inbound message; the last line
says which are met.

Needs the local PostgreSQL and Redis (`deploy/local/infra.sh up`) and Java (the stack runs
a throw-away Kafka broker of its own). Starts the Meta sandbox, meta-ingest and the crm as
real uvicorn processes, as the end-to-end tests do (``tests-e2e/support``: per-run
databases and broker, removed at the end, on failure or Ctrl-C too), and connects a
sandbox number to a new tenant by publishing its channel account state as the sender does.

Then N customer messages (--messages; --quick: 400) at a steady R per second (--rate),
round-robin over C customers (--customers), each text unique. For each, t0 is taken just
before the sandbox's control API call; the sandbox signs the webhook Meta would post and
POSTs it to meta-ingest, which publishes it to Kafka (acks=all) and answers 200; the crm
consumes it and stores contact, conversation and message. Meanwhile a poller reads the
inbox API the way a dashboard does, only faster (every --poll-ms): the conversation list,
latest first, in one page holding every conversation of the run; and the newest messages
of a conversation only when its unread count grew by more than its new preview explains
(more than one message since the last poll), so the poller reads little more than a
dashboard would. A message is visible at the first response that shows it, as a preview
or in its thread; its latency is that moment minus t0.

Prints the count, p50/p90/p99/max of that latency, and two parts of it: the sandbox's
call (the webhook's 200: meta-ingest and Kafka) and the start of the crm's transaction
(the message's ``created_at``, PostgreSQL's clock, read at the end: no polling error);
the messages never seen within the deadline (should be 0); what the inbox holds at the
end (nothing lost or doubled); the CPU each process used, and the poller's own cost to
the crm, measured alone before the load; and the CPU per inbound message of meta-ingest and
the crm (CPU seconds over the load, from the first send until the last message was seen,
divided by the messages), the crm's also net of the poller: its cost per list request and
per thread read, measured alone on the final inbox once the poller stopped, times the
requests it made under load.

Caveats: a message is seen at the first poll after its transaction committed, so each
latency overstates by up to one polling interval plus one list request; the printed
resolution says how much. The list page holds every conversation because the list is
ordered by the last message's time, which is Meta's timestamp in whole seconds: at 200
messages a second, a conversation that just changed can sort below every other one, so a
small page would miss it. The first message of each customer creates its contact
and conversation, as in production; one warm-up message before the clock starts waits
for the crm's consumer to own its partitions. The poller is not free: each list request
costs the crm CPU on the same event loop that consumes, so the "cpu polling" line gives
its cost per poll. Every process (sandbox, meta-ingest, crm, Kafka, PostgreSQL, Redis,
this bench) shares this machine, so on few cores the figures include waiting for a core;
the CPU lines show who used it, and a warning is printed when something outside the stack
(another test run) took a noticeable share: on two cores the stack then falls behind 200
messages a second and latencies grow to seconds. PostgreSQL and Redis are the shared
local servers: other work on them counts too. Services log at INFO, as deployed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
# The end-to-end tests' stack: one way to run the services as real processes.
sys.path.insert(0, str(ROOT / "tests-e2e"))

from mia_common.settings import PlatformSettings  # noqa: E402
from mia_meta_sandbox.client import SandboxClient  # noqa: E402
from support.channels import publish_sandbox_number  # noqa: E402
from support.inbox import all_messages  # noqa: E402
from support.stack import SERVICES, Stack, messaging_stack  # noqa: E402

STACK = ("meta-sandbox", "meta-ingest", "crm")
DEADLINE_SECONDS = 60.0
"""How long after the last send a message may take before it counts as never seen."""
WARM_UP_SECONDS = 60.0
IDLE_POLL_SECONDS = 3.0
THREAD_PAGE = 20
"""Most newest messages read when the list does not explain a conversation's change: twice
the messages that arrived since the last poll (its unread count says how many) and two
more, for one that arrived late and sorts before newer ones, up to this. Each thread read
costs the crm CPU on the event loop that also consumes: reading twenty every time, a
batched commit of a few messages per conversation made the poller the crm's largest load."""
OTHER_WORK_WARNING = 25.0
"""CPU (% of one core) used outside the stack above which the run is flagged as disturbed."""
REQUESTS_MEASURED = 100
"""Requests of each kind whose crm CPU is measured after the load, to net the poller out."""
LIST_PAGE_MAX = 200  # the inbox API's largest page
TICKS = os.sysconf("SC_CLK_TCK")
# Issue 10's figures at 200 messages a second.
TARGET_P99_MS = 300.0
TARGET_CPU_MS = {"crm": 3.0, "meta-ingest": 1.5}


# --- HTTP: aiohttp for the load and the poller ------------------------------------------------
# The bench shares two cores with the stack it measures. httpx costs a few ms of CPU per
# request (the gateway measured aiohttp at 1/25 of it): 200 sends a second and the poller
# took half a core of this process, CPU the services then waited for.


async def get_json(session: aiohttp.ClientSession, path: str, **params: Any) -> Any:
    async with session.get(path, params=params) as answer:
        answer.raise_for_status()
        return orjson.loads(await answer.read())


def http_session(base_url: str, headers: dict[str, str] | None = None) -> aiohttp.ClientSession:
    """Connections kept for the next request, as a browser keeps them (a poll opens one per
    thread it reads at once: closing them made thousands of connects a minute, until
    connecting timed out on a busy machine)."""
    return aiohttp.ClientSession(
        base_url=base_url,
        headers=headers,
        timeout=aiohttp.ClientTimeout(total=30),
        connector=aiohttp.TCPConnector(limit=LIST_PAGE_MAX),
        json_serialize=lambda value: orjson.dumps(value).decode(),
    )


# --- the poller: the inbox as a dashboard sees it --------------------------------------------


@dataclass
class InboxPoller:
    """Polls the inbox API and remembers when each message text was first visible."""

    client: aiohttp.ClientSession
    interval: float
    page_size: int
    seen: dict[str, float] = field(default_factory=dict)
    """Text -> perf_counter() when the first response showing it arrived."""
    list_ms: list[float] = field(default_factory=list)
    thread_reads: int = 0
    thread_limits: list[int] = field(default_factory=list)
    """The page size of each thread read, for measuring their cost alone afterwards."""
    signatures: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    """Conversation id -> what the list last showed of it."""
    _polled: asyncio.Event = field(default_factory=asyncio.Event)
    _stopped: bool = False

    def _see(self, text: str | None, at: float) -> bool:
        """Note ``text`` as seen at ``at``; True when it was not seen before."""
        if not text or text in self.seen:
            return False
        self.seen[text] = at
        return True

    async def _thread(self, conversation_id: str, arrived_since: int) -> None:
        limit = min(THREAD_PAGE, 2 * arrived_since + 2)
        self.thread_limits.append(limit)
        page = await get_json(
            self.client, f"/api/v1/inbox/conversations/{conversation_id}/messages", limit=limit
        )
        arrived = time.perf_counter()
        self.thread_reads += 1
        for message in page["items"]:
            self._see(message["text"], arrived)

    async def poll_once(self) -> None:
        started = time.perf_counter()
        page = await get_json(self.client, "/api/v1/inbox/conversations", limit=self.page_size)
        arrived = time.perf_counter()
        self.list_ms.append((arrived - started) * 1000)
        unexplained: list[tuple[str, int]] = []
        for conversation in page["items"]:
            last = conversation["last_message"]
            # Unread counts only grow here (nobody reads), so every stored message changes
            # the signature, even one that did not become the preview.
            signature = (conversation["unread_count"], last["at"], last["preview"])
            before = self.signatures.get(conversation["id"])
            if before == signature:
                continue
            self.signatures[conversation["id"]] = signature
            new_preview = self._see(last["preview"], arrived)
            arrived_since = signature[0] - (before[0] if before else 0)
            # One new message that is the new preview: the list said everything. Otherwise
            # (several, or one that sorts before the preview) the thread says which.
            if not (arrived_since == 1 and new_preview):
                unexplained.append((conversation["id"], arrived_since))
        await asyncio.gather(*(self._thread(*conversation) for conversation in unexplained))
        self._polled.set()

    async def wait_until_seen(self, texts: list[str], seconds: float) -> None:
        """Until every text was seen, or ``seconds`` passed; checked after each poll."""
        deadline = time.monotonic() + seconds
        while not self._stopped and any(text not in self.seen for text in texts):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._polled.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._polled.wait(), remaining)

    async def run(self, stop: asyncio.Event) -> None:
        """Start a poll every ``interval``; one that overran starts the next at once."""
        next_at = time.perf_counter()
        try:
            while not stop.is_set():
                await self.poll_once()
                next_at = max(next_at + self.interval, time.perf_counter())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), next_at - time.perf_counter())
        finally:
            # A failed poll ends the waiting at once; awaiting this task raises its error.
            self._stopped = True
            self._polled.set()


async def request_costs(
    stack: Stack,
    crm: aiohttp.ClientSession,
    page_size: int,
    conversation_id: str,
    thread_limit: int,
) -> tuple[float, float]:
    """CPU seconds of the crm for one list poll and for one thread read (of the poller's
    median page size), each measured alone (the poller stopped) on the inbox as the load
    left it."""
    costs = []
    for path, limit in (
        ("/api/v1/inbox/conversations", page_size),
        (f"/api/v1/inbox/conversations/{conversation_id}/messages", thread_limit),
    ):
        start = CpuSample.take(stack)
        for _ in range(REQUESTS_MEASURED):
            await get_json(crm, path, limit=limit)
        costs.append(CpuSample.take(stack).seconds_since(start)["crm"] / REQUESTS_MEASURED)
    return costs[0], costs[1]


# --- customers writing ---------------------------------------------------------------------


@dataclass
class Sent:
    text: str
    t0: float
    """perf_counter() just before the control API call."""
    t0_wall: datetime
    answered: float = 0.0
    """perf_counter() when the sandbox answered: the webhook got its 200, or failed once."""
    delivered_first_time: bool = False


def customer_phone(index: int) -> str:
    return f"+55219{index:08d}"  # a Rio de Janeiro mobile: valid E.164


async def write(
    sandbox: aiohttp.ClientSession, phone_number_id: str, *, customer: int, text: str
) -> Sent:
    """What ``SandboxClient.customer_message`` does, on aiohttp (see ``get_json``)."""
    sent = Sent(text, time.perf_counter(), datetime.now(UTC))
    body = {
        "type": "text",
        "from": customer_phone(customer),
        "name": f"Customer {customer}",
        "text": text,
        "phone_number_id": phone_number_id,
        "await_delivery": False,
    }
    async with sandbox.post("/sandbox/customers/messages", json=body) as answer:
        answer.raise_for_status()
        delivered = orjson.loads(await answer.read())["delivered"]
    sent.answered = time.perf_counter()
    # Not delivered: the sandbox retries it in the background, as Meta does.
    sent.delivered_first_time = bool(delivered)
    return sent


async def write_steadily(
    sandbox: aiohttp.ClientSession,
    phone_number_id: str,
    *,
    texts: list[str],
    customers: int,
    rate: float,
) -> tuple[list[Sent], float]:
    """Each message on its own schedule (start + i / rate), not after the previous answer,
    so a slow answer does not slow the load. Returns the sends and the seconds they took."""
    started = time.perf_counter()
    writes = []
    for index, text in enumerate(texts):
        delay = started + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        writes.append(
            asyncio.create_task(
                write(sandbox, phone_number_id, customer=index % customers, text=text)
            )
        )
    sends = await asyncio.gather(*writes)
    return list(sends), max(s.t0 for s in sends) - started


# --- CPU accounting from /proc -------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a live process (all its threads) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_seconds() -> tuple[float, float]:
    """CPU seconds all cores spent on anything but idle and I/O wait, and of those the
    ones in interrupts (irq + softirq: loopback networking is mostly there, charged to no
    process), from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / TICKS, (values[5] + values[6]) / TICKS


def stack_pids(stack: Stack) -> dict[str, list[int]]:
    """Our service processes (children of this one, by their app factory), the stack's
    own Kafka broker (its pid file), and the shared PostgreSQL and Redis (by name)."""
    factories = {SERVICES[name][0]: name for name in stack.processes}
    pids: dict[str, list[int]] = {name: [] for name in stack.processes}
    pids.update({"Kafka (own broker)": [], "PostgreSQL (shared)": [], "Redis (shared)": []})
    shared = {"postgres": "PostgreSQL (shared)", "redis-server": "Redis (shared)"}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            comm = (proc / "comm").read_text().strip()
            arguments = (proc / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue  # exited while we looked
        if parent == os.getpid():
            for argument in arguments:
                if argument in factories:
                    pids[factories[argument]].append(int(proc.name))
        if comm in shared:
            pids[shared[comm]].append(int(proc.name))
    kafka_pid = stack.kafka.home / "kafka.pid"
    if kafka_pid.exists():
        pids["Kafka (own broker)"].append(int(kafka_pid.read_text().strip()))
    return pids


@dataclass(frozen=True)
class CpuSample:
    at: float
    machine: float
    interrupts: float
    bench: float
    processes: dict[str, dict[int, float]]

    @classmethod
    def take(cls, stack: Stack) -> CpuSample:
        """Looks the processes up each time: PostgreSQL starts a backend per new connection."""
        pids = stack_pids(stack)
        processes: dict[str, dict[int, float]] = {}
        for name, numbers in pids.items():
            processes[name] = {}
            for pid in numbers:
                try:
                    processes[name][pid] = process_cpu_seconds(pid)
                except OSError:
                    continue
        machine, interrupts = machine_seconds()
        return cls(time.monotonic(), machine, interrupts, time.process_time(), processes)

    def seconds_since(self, start: CpuSample) -> dict[str, float]:
        """CPU seconds each process used since ``start`` (one that exited in between is
        not counted, one that started in between counts whole)."""
        return {
            name: sum(
                seconds - start.processes.get(name, {}).get(pid, 0.0)
                for pid, seconds in by_pid.items()
            )
            for name, by_pid in self.processes.items()
        }

    def percent_since(self, start: CpuSample) -> dict[str, float]:
        """100 % = one core; a process that exited in between is not counted, one that
        started in between counts whole."""
        window = self.at - start.at
        figures = {
            name: 100
            * sum(
                seconds - start.processes.get(name, {}).get(pid, 0.0)
                for pid, seconds in by_pid.items()
            )
            / window
            for name, by_pid in self.processes.items()
        }
        figures["this bench"] = 100 * (self.bench - start.bench) / window
        figures["interrupts"] = 100 * (self.interrupts - start.interrupts) / window
        figures["machine"] = 100 * (self.machine - start.machine) / window
        return figures


# --- the run -------------------------------------------------------------------------------


def percentile(ordered: list[float], pct: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def figures(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "none"
    return (
        f"p50 {percentile(ordered, 50):7.1f}   p90 {percentile(ordered, 90):7.1f}"
        f"   p99 {percentile(ordered, 99):7.1f}   max {ordered[-1]:7.1f}"
        f"   mean {statistics.fmean(ordered):7.1f}"
    )


def rest(cpu: dict[str, float]) -> float:
    """The machine's busy time not used by a process we know: the kernel's own work and
    processes outside the stack (measured quiet, the kernel's share is a few %)."""
    return max(0.0, cpu["machine"] - sum(v for name, v in cpu.items() if name != "machine"))


def cpu_line(label: str, cpu: dict[str, float], cores: int) -> str:
    parts = "   ".join(
        f"{name} {percent:.0f} %"
        for name, percent in cpu.items()
        if name != "machine" and percent >= 0.5
    )
    return (
        f"  {label:<15}{parts}   rest {rest(cpu):.0f} %"
        f"   machine {cpu['machine']:.0f} % of {cores * 100} %"
    )


async def measure(stack: Stack, args: argparse.Namespace) -> None:
    cores = len(os.sched_getaffinity(0))
    tenant = uuid.uuid4()
    tag = uuid.uuid4().hex[:6]
    async with (
        SandboxClient(stack["meta-sandbox"].url) as sandbox_client,
        http_session(stack["meta-sandbox"].url) as sandbox,
        http_session(stack["crm"].url, stack.identity_headers(tenant)) as crm,
        httpx.AsyncClient(
            base_url=stack["crm"].url,
            headers=stack.identity_headers(tenant),
            timeout=30.0,
            trust_env=False,
        ) as crm_reader,
    ):
        phone_number_id = await publish_sandbox_number(stack, sandbox_client, tenant)
        # Every conversation of the run (and the warm-up's) in one page: see the caveats.
        page_size = args.customers + 1
        poller = InboxPoller(crm, args.poll_ms / 1000, page_size)
        stop = asyncio.Event()
        polling = asyncio.create_task(poller.run(stop))
        try:
            warm_up = f"bench {tag} warm-up"
            await write(sandbox, phone_number_id, customer=args.customers, text=warm_up)
            await poller.wait_until_seen([warm_up], WARM_UP_SECONDS)
            if warm_up not in poller.seen:
                raise AssertionError(f"the warm-up message not in the inbox in {WARM_UP_SECONDS} s")

            idle_polls = len(poller.list_ms)
            idle_start = CpuSample.take(stack)
            await asyncio.sleep(IDLE_POLL_SECONDS)
            idle_end = CpuSample.take(stack)
            idle = idle_end.percent_since(idle_start)
            idle_rate = (len(poller.list_ms) - idle_polls) / (idle_end.at - idle_start.at)
            polls_before, reads_before = len(poller.list_ms), poller.thread_reads

            texts = [
                f"bench {tag} message {index} from customer {index % args.customers}"
                for index in range(args.messages)
            ]
            start = CpuSample.take(stack)
            sends, sending_seconds = await write_steadily(
                sandbox, phone_number_id, texts=texts, customers=args.customers, rate=args.rate
            )
            await poller.wait_until_seen(texts, DEADLINE_SECONDS)
            end = CpuSample.take(stack)
            load = end.percent_since(start)
            load_seconds = end.seconds_since(start)
        finally:
            stop.set()
            await polling
        crm_per_list, crm_per_thread_read = await request_costs(
            stack,
            crm,
            page_size,
            next(reversed(poller.signatures)),
            int(statistics.median(poller.thread_limits or [THREAD_PAGE])),
        )
        inbox = await all_messages(crm_reader)
    stored = Counter(message["text"] for message in inbox)
    created_at = {
        message["text"]: datetime.fromisoformat(message["created_at"]) for message in inbox
    }

    visible, accepted, crm_began = [], [], []
    for sent in sends:
        accepted.append((sent.answered - sent.t0) * 1000)
        if sent.text in created_at:
            crm_began.append((created_at[sent.text] - sent.t0_wall).total_seconds() * 1000)
        if sent.text in poller.seen:
            visible.append((poller.seen[sent.text] - sent.t0) * 1000)
    never_seen = len(sends) - len(visible)
    retried = sum(not sent.delivered_first_time for sent in sends)
    list_ms = sorted(poller.list_ms[polls_before:])
    polls = len(list_ms)
    doubled = sum(count - 1 for text, count in stored.items() if text in texts and count > 1)
    missing = sum(text not in stored for text in texts)

    print(
        f"end to end: customer message -> visible in the inbox API"
        f"   ({', '.join(STACK)}, Kafka of its own)"
    )
    print(
        f"  machine        nproc {cores}   load average {os.getloadavg()[0]:.2f} (1 min, at the"
        " end); every process of the stack, Kafka, PostgreSQL, Redis and this bench share it"
    )
    print(
        f"  load           {len(sends)} messages from {args.customers} customers at"
        f" {args.rate:g}/s (sent in {sending_seconds:.1f} s: "
        f"{(len(sends) - 1) / max(sending_seconds, 1e-9):.1f}/s); {retried} webhook(s) refused"
        " at first and retried by the sandbox"
    )
    print(
        f"  poller         conversation list (page of {page_size}) every {args.poll_ms:g} ms,"
        f" newest 2n+2 (n new, at most {THREAD_PAGE}) when the list does not explain a change:"
        f" {polls}"
        f" polls, {poller.thread_reads - reads_before} thread reads under load"
    )
    print(
        f"                 list request ms  p50 {percentile(list_ms, 50):.1f}"
        f"   p99 {percentile(list_ms, 99):.1f}   max {list_ms[-1]:.1f}"
    )
    print(f"  visible ms     {figures(visible)}   count {len(visible)}")
    print(
        f"  until 200 ms   {figures(accepted)}   (the webhook's 200: sandbox -> meta-ingest ->"
        " Kafka acks=all)"
    )
    print(
        f"  until crm ms   {figures(crm_began)}   (the crm's transaction began: created_at,"
        " no polling error)"
    )
    print(f"  never seen     {never_seen} within {DEADLINE_SECONDS:g} s of the last send")
    resolution = args.poll_ms + percentile(list_ms, 50)
    print(
        f"  resolution     a message is seen at the first poll after its commit: each latency"
        f" overstates by 0 to ~{resolution:.0f} ms (interval + a list request; ~half on average)"
    )
    print(
        f"  inbox at end   {sum(text in stored for text in texts)} of {len(texts)} messages stored,"
        f" {missing} missing, {doubled} doubled"
    )
    print(
        cpu_line("cpu polling", idle, cores) + f"   (no messages: the poller alone,"
        f" {idle_rate:.0f} polls/s, {10 * idle['crm'] / max(idle_rate, 1e-9):.1f} ms of crm"
        " CPU a poll)"
    )
    print(
        cpu_line("cpu under load", load, cores) + "   (100 % = one core; interrupts: the"
        " kernel's, loopback networking mostly; rest: other kernel work and any other process)"
    )
    per_message = {name: 1000 * load_seconds[name] / len(sends) for name in ("meta-ingest", "crm")}
    thread_reads = poller.thread_reads - reads_before
    polling_seconds = crm_per_list * polls + crm_per_thread_read * thread_reads
    crm_net = 1000 * max(0.0, load_seconds["crm"] - polling_seconds) / len(sends)
    print(
        f"  cpu a message  meta-ingest {per_message['meta-ingest']:.2f} ms   crm"
        f" {per_message['crm']:.2f} ms, {crm_net:.2f} ms net of the poller (its"
        f" {1000 * crm_per_list:.1f} ms a list x {polls} and"
        f" {1000 * crm_per_thread_read:.1f} ms a thread read x {thread_reads}, measured alone)"
        "   (CPU seconds from the first send until the last message was seen, per message)"
    )
    p99 = percentile(sorted(visible), 99) if visible else float("inf")
    verdicts = [
        (f"p99 visible {p99:.0f} < {TARGET_P99_MS:.0f} ms", p99 < TARGET_P99_MS),
        (f"{missing + never_seen} lost", missing + never_seen == 0),
        (f"{doubled} doubled", doubled == 0),
        *(
            (
                f"{name} {per_message[name]:.2f} <= {ceiling:g} ms CPU a message",
                per_message[name] <= ceiling,
            )
            for name, ceiling in TARGET_CPU_MS.items()
        ),
    ]
    print(
        f"  targets        at {args.rate:g}/s: "
        + "   ".join(f"{label}: {'met' if met else 'NOT met'}" for label, met in verdicts)
    )
    other = max(rest(idle), rest(load))
    if other >= OTHER_WORK_WARNING:
        print(
            f"  warning        something else took up to {other:.0f} % of a core (a test run?):"
            " the stack waited for CPU, so these figures overstate its latency; run again"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=200.0, help="messages per second")
    parser.add_argument("--customers", type=int, default=30)
    parser.add_argument("--poll-ms", type=float, default=30.0, help="polling interval")
    parser.add_argument("--quick", action="store_true", help="400 messages")
    args = parser.parse_args()
    if args.quick:
        args.messages = 400
    if not 1 <= args.customers < LIST_PAGE_MAX:
        parser.error(f"--customers must be 1 to {LIST_PAGE_MAX - 1}: one page holds them all")
    if args.messages < 1 or args.rate <= 0 or args.poll_ms <= 0:
        parser.error("--messages, --rate and --poll-ms must be positive")
    async with messaging_stack(PlatformSettings(), STACK) as stack:
        try:
            await measure(stack, args)
        finally:
            print(f"  logs           .local/e2e-logs/*-{stack.run_id}.log")


if __name__ == "__main__":
    asyncio.run(main())
