"""Meta's webhook into meta-ingest: deliveries per second and latency of ONE worker process.

usage: .venv/bin/python bench/meta_ingest_webhook.py [--seconds 20] [--concurrency 32]
       [--processes 2] [--requests N] [--status-share 0.2] [--quick]

Needs the local PostgreSQL, Redis and Kafka (`deploy/local/infra.sh up`). Starts meta-ingest
as one uvicorn process, as it is deployed (asyncio loop, h11: the image has no uvloop), on
a throw-away database and throw-away topics; registers a channel account the way the
sender does (its state, app secret sealed, on the channels topic) and waits until a signed
delivery is accepted. Then C clients spread over P load processes POST signed deliveries
for N seconds (or R requests) after a 2 s warm-up: by default 80 % one inbound text message
(~850 B: a long customer question), 20 % a batch of three statuses, every wamid unique so
none is dropped as a retry. Each client is an httpx client on one keep-alive connection.
Each request is the whole path Meta waits on: the account read and the app secret
unsealed, the signature check, parsing and normalizing, the dedupe look-up in Redis, the
publish with acks=all (answered only once Kafka has the events), the dedupe mark.

Prints requests, errors (any answer but 200), requests/s, p50/p90/p99/max latency, the CPU
each side used (100 % = one core), and checks the topics hold one event per accepted
message and status. Everything it made is removed at the end, on failure or Ctrl-C too.

Caveats: meta-ingest, the load processes, Kafka, PostgreSQL and Redis share this machine,
so on few cores the figure is a floor; the CPU lines say which one ran out, and the busy
figure printed before the load shows other work (a test run) skewing it. The
process also runs its media consumer, which reads back every inbound event it published
(and skips those without media), as in production. Kafka is a single local broker, so
acks=all waits for one replica, not three. The consumer groups are meta-ingest's own
(``meta-ingest.channel-accounts``, ``meta-ingest.media``), as in the service's tests: a
meta-ingest started by ``make up`` sees its groups rebalance once when the bench starts.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import multiprocessing
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "services" / "meta-ingest"
# The bodies are built by the service tests' builders: one idea of what Meta posts.
sys.path.insert(0, str(SERVICE / "tests"))

from mia_common.contracts import (  # noqa: E402
    Channel,
    ChannelAccountState,
    ChannelAccountStatus,
    Envelope,
)
from mia_common.contracts.channels import app_secret_associated_data  # noqa: E402
from mia_common.contracts.topics import (  # noqa: E402
    CHANNELS_STATE,
    MESSAGES_INBOUND,
    MESSAGES_STATUS,
    TEMPLATES_EVENTS,
    Topic,
)
from mia_common.crypto import KeyRing  # noqa: E402
from mia_common.db.migrations import upgrade  # noqa: E402
from mia_common.messaging import create_broker, stop_broker  # noqa: E402
from mia_common.messaging.admin import delete_topics, ensure_topics  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from support import payloads  # noqa: E402

WARMUP_SECONDS = 2.0
STARTUP_DEADLINE_SECONDS = 60.0
ACCOUNT_DEADLINE_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 30.0
# Replaced in each body by an id unique to the run, the load process and the request.
PLACEHOLDER = b"@@ID@@"
WAMID = "wamid.HBgNNTUxMTk5OTk5MDAwMBUCABIYFDNBMDAw" + PLACEHOLDER.decode()
CUSTOMER_TEXT = (
    "Olá! Vi o vestido azul de linho no Instagram de vocês e queria saber se ainda tem no "
    "tamanho M, e se tem também em verde ou em bege. Se tiver, qual é o prazo de entrega para "
    "São Paulo, capital (CEP 01310-200)? Posso pagar no Pix com desconto? E caso não sirva, "
    "como funciona a troca: eu mando pelos Correios ou vocês buscam aqui? Obrigada, aguardo!"
)
TICKS = os.sysconf("SC_CLK_TCK")


# --- what the load processes send ----------------------------------------------------------


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    tenant_id: uuid.UUID
    phone_number_id: str
    waba_id: str
    app_secret: str


def text_delivery(account: Account) -> bytes:
    """One message from one customer, the delivery Meta sends most."""
    message = payloads.text_message(CUSTOMER_TEXT, id=f"{WAMID}t")
    change = payloads.messages_change(
        contacts=[payloads.contact(name="Ana Beatriz Souza")],
        messages=[message],
        phone_number_id=account.phone_number_id,
    )
    return _compact(payloads.body(payloads.entry(change, waba_id=account.waba_id)))


def statuses_delivery(account: Account) -> bytes:
    """Three statuses of three messages we sent (sent, delivered, read) in one delivery."""
    change = payloads.messages_change(
        statuses=[
            payloads.status("sent", message_id=f"{WAMID}s"),
            payloads.delivered_status(message_id=f"{WAMID}d"),
            payloads.status("read", message_id=f"{WAMID}r"),
        ],
        phone_number_id=account.phone_number_id,
    )
    return _compact(payloads.body(payloads.entry(change, waba_id=account.waba_id)))


def _compact(delivery: dict[str, Any]) -> bytes:
    # Meta posts compact JSON, non-ASCII as \\u escapes.
    return json.dumps(delivery, separators=(",", ":")).encode()


def signed_headers(raw: bytes, secret: str) -> dict[str, str]:
    digest = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


# --- one load process ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadPlan:
    url: str
    account: Account
    clients: int
    seconds: float
    requests: int | None
    """This process's share of ``--requests``; None: run for ``seconds``."""
    status_share: float
    id_prefix: str


@dataclass
class LoadOutcome:
    latencies_ms: list[float]
    errors: int
    error_samples: list[str]
    # Every 200 of the run, warm-up included: what the topics must hold.
    texts_accepted: int
    status_batches_accepted: int
    measured_from: float
    measured_to: float
    cpu_seconds: float


def load_process(plan: LoadPlan, ready: Any, go: Any, go_at: Any, results: Any) -> None:
    """A load process's body. Ctrl-C is the parent's to handle: it stops its children."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ready.put(os.getpid())
    go.wait()
    results.put(asyncio.run(_drive(plan, go_at.value)))


async def _drive(plan: LoadPlan, go_at: float) -> LoadOutcome:
    """``plan.clients`` callers, each with a client of its own on one keep-alive connection.

    A single httpx pool shared by many callers spends more CPU finding a free connection
    than the server spends answering (see bench/gateway.py).
    """
    warm_until = go_at + WARMUP_SECONDS
    measure_until = warm_until + plan.seconds
    budget = None if plan.requests is None else iter(range(plan.requests))
    numbers = itertools.count()
    chooser = random.Random(plan.id_prefix)
    text, statuses = text_delivery(plan.account), statuses_delivery(plan.account)
    outcome = LoadOutcome(
        latencies_ms=[],
        errors=0,
        error_samples=[],
        texts_accepted=0,
        status_batches_accepted=0,
        measured_from=warm_until,
        measured_to=warm_until,
        cpu_seconds=0.0,
    )

    async def send(http: httpx.AsyncClient, *, measured: bool) -> None:
        is_statuses = chooser.random() < plan.status_share
        unique = f"{plan.id_prefix}{next(numbers):09d}".encode()
        raw = (statuses if is_statuses else text).replace(PLACEHOLDER, unique)
        headers = signed_headers(raw, plan.account.app_secret)
        started = time.perf_counter()
        try:
            status_code = (await http.post(plan.url, content=raw, headers=headers)).status_code
            problem = "" if status_code == 200 else f"HTTP {status_code}"
        except httpx.HTTPError as exc:
            problem = type(exc).__name__
        elapsed_ms = (time.perf_counter() - started) * 1000
        if not problem:
            if is_statuses:
                outcome.status_batches_accepted += 1
            else:
                outcome.texts_accepted += 1
        if measured:
            outcome.latencies_ms.append(elapsed_ms)
            if problem:
                outcome.errors += 1
                if len(outcome.error_samples) < 5:
                    outcome.error_samples.append(problem)

    def more() -> bool:
        if budget is not None:
            return next(budget, None) is not None
        return time.monotonic() < measure_until

    async def caller() -> None:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        async with httpx.AsyncClient(
            limits=limits, timeout=REQUEST_TIMEOUT_SECONDS, trust_env=False
        ) as http:
            while time.monotonic() < warm_until:
                await send(http, measured=False)
            while more():
                await send(http, measured=True)

    async def cpu_at_start() -> float:
        await asyncio.sleep(max(0.0, warm_until - time.monotonic()))
        return time.process_time()

    await asyncio.sleep(max(0.0, go_at - time.monotonic()))
    start_cpu = asyncio.create_task(cpu_at_start())
    await asyncio.gather(*(caller() for _ in range(plan.clients)))
    outcome.cpu_seconds = time.process_time() - await start_cpu
    outcome.measured_to = time.monotonic()
    return outcome


# --- CPU accounting from /proc -------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    """utime + stime of a live process (all its threads) from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent on anything but idle and I/O wait, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / TICKS


# The local infrastructure by process name. Shared: whatever else runs (a test suite) counts
# too, PostgreSQL's connections to other databases included.
INFRASTRUCTURE = {"java": "Kafka", "postgres": "PostgreSQL", "redis-server": "Redis"}


def infrastructure_cpu_seconds() -> dict[str, dict[int, float]]:
    found: dict[str, dict[int, float]] = {name: {} for name in INFRASTRUCTURE.values()}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            name = INFRASTRUCTURE.get((proc / "comm").read_text().strip())
            if name:
                found[name][int(proc.name)] = process_cpu_seconds(int(proc.name))
        except OSError:
            continue  # exited while we looked
    return found


async def machine_busy_percent(seconds: float) -> float:
    """How busy the machine is (100 % = one core) before the load: other work skews the run."""
    before, started = machine_busy_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    return 100 * (machine_busy_seconds() - before) / (time.monotonic() - started)


@dataclass(frozen=True)
class CpuSample:
    at: float
    ingest: float
    machine: float
    infrastructure: dict[str, dict[int, float]]
    """CPU seconds of each process of Kafka, PostgreSQL and Redis, by pid."""

    @classmethod
    def take(cls, ingest_pid: int) -> CpuSample:
        return cls(
            time.monotonic(),
            process_cpu_seconds(ingest_pid),
            machine_busy_seconds(),
            infrastructure_cpu_seconds(),
        )

    def infrastructure_since(self, start: CpuSample) -> dict[str, float]:
        """CPU seconds since ``start``; a process that exited in between is not counted."""
        return {
            name: sum(
                seconds - start.infrastructure.get(name, {}).get(pid, 0.0)
                for pid, seconds in pids.items()
            )
            for name, pids in self.infrastructure.items()
        }


# --- the run -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    tag: str
    platform: PlatformSettings
    database: str
    topics: dict[str, Topic]

    @property
    def database_url(self) -> str:
        return self.platform.database_url(self.database)

    @property
    def topic_names(self) -> list[str]:
        return [name for topic in self.topics.values() for name in (topic.name, topic.dead_letter)]


def new_run() -> Run:
    tag = uuid.uuid4().hex[:8]
    # The registry's partition counts, so publishing spreads as it does in production.
    topics = {
        field: Topic(f"bench.{tag}.{topic.name}", topic.partitions, topic.key, topic.compacted)
        for field, topic in {
            "inbound_topic": MESSAGES_INBOUND,
            "status_topic": MESSAGES_STATUS,
            "templates_topic": TEMPLATES_EVENTS,
            "channels_topic": CHANNELS_STATE,
        }.items()
    }
    return Run(tag, PlatformSettings(), f"bench_meta_ingest_{tag}", topics)


async def _admin(settings: PlatformSettings) -> asyncpg.Connection:
    return await asyncpg.connect(
        host=settings.postgres_host,
        port=settings.postgres_port,
        user=settings.postgres_user,
        password=settings.postgres_password.get_secret_value(),
        database="postgres",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_ingest(run: Run, port: int, log: IO[bytes]) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "MIA_DATABASE_URL_OVERRIDE": run.database_url,
        "MIA_LOG_LEVEL": "WARNING",
        "MIA_META_INGEST_VERIFY_TOKEN": f"bench-{run.tag}",
        # The bench's ids are never retried: let Redis forget them within the hour, not a week.
        "MIA_META_INGEST_DEDUPE_HOURS": "1",
        **{f"MIA_META_INGEST_{field.upper()}": topic.name for field, topic in run.topics.items()},
    }
    uvicorn = Path(sys.executable).parent / "uvicorn"
    return subprocess.Popen(
        [
            str(uvicorn),
            "--factory",
            "mia_meta_ingest.main:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own session: a Ctrl-C reaches the bench, which stops it after the clean-up.
        start_new_session=True,
    )


def stop_ingest(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


async def wait_ready(base_url: str, server: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=5.0) as http:
        while True:
            if server.poll() is not None:
                log.seek(0)
                tail = log.read()[-4000:].decode(errors="replace")
                raise RuntimeError(f"meta-ingest exited with {server.returncode}:\n{tail}")
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise TimeoutError(f"meta-ingest not ready after {STARTUP_DEADLINE_SECONDS:g} s")
            await asyncio.sleep(0.2)


async def register_account(run: Run) -> Account:
    """Publish the account's state as the sender does; meta-ingest projects it."""
    account = Account(
        id=uuid.uuid4(),
        tenant_id=uuid.uuid4(),
        phone_number_id=str(uuid.uuid4().int)[:15],
        waba_id=str(uuid.uuid4().int)[:15],
        app_secret=uuid.uuid4().hex,
    )
    # The key ring of the environment meta-ingest inherits (the development keys by default).
    sealed = KeyRing.from_settings(run.platform).encrypt_text(
        account.app_secret, associated_data=app_secret_associated_data(account.id)
    )
    state = ChannelAccountState(
        channel_account_id=account.id,
        tenant_id=account.tenant_id,
        channel=Channel.WHATSAPP_CLOUD,
        status=ChannelAccountStatus.ACTIVE,
        display_name=f"Bench {run.tag}",
        phone_number_id=account.phone_number_id,
        waba_id=account.waba_id,
        app_secret_sealed=sealed,
        updated_at=datetime.now(UTC),
    )
    envelope = Envelope[ChannelAccountState](
        type="channels.state.v1", source="/bench", tenantid=account.tenant_id, data=state
    )
    broker = create_broker(run.platform, client_id="bench-meta-ingest")
    await broker.start()
    try:
        await broker.publish(
            envelope.to_json_dict(),
            run.topics["channels_topic"].name,
            key=str(account.id).encode(),
        )
    finally:
        await stop_broker(broker)
    return account


async def wait_accepting(url: str, account: Account, tag: str) -> int:
    """Probe until a signed delivery gets 200 (403 until the account is projected).

    Returns the probes accepted (one): its event is on the inbound topic too.
    """
    deadline = time.monotonic() + ACCOUNT_DEADLINE_SECONDS
    template = text_delivery(account)
    async with httpx.AsyncClient(trust_env=False, timeout=REQUEST_TIMEOUT_SECONDS) as http:
        for attempt in itertools.count():
            raw = template.replace(PLACEHOLDER, f"{tag.upper()}PROBE{attempt:06d}".encode())
            response = await http.post(
                url, content=raw, headers=signed_headers(raw, account.app_secret)
            )
            if response.status_code == 200:
                return 1
            if response.status_code != 403 or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the webhook does not accept the account: {response.status_code}"
                    f" {response.text[:500]}"
                )
            await asyncio.sleep(0.2)
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class LoadResult:
    outcomes: list[LoadOutcome]
    start: CpuSample
    end: CpuSample

    @property
    def latencies_ms(self) -> list[float]:
        return sorted(ms for outcome in self.outcomes for ms in outcome.latencies_ms)

    @property
    def seconds(self) -> float:
        finished = max(outcome.measured_to for outcome in self.outcomes)
        return finished - min(outcome.measured_from for outcome in self.outcomes)


async def _next_from(channel: Any, processes: list[Any], deadline: float) -> Any:
    """The next item a load process put on ``channel``.

    Short waits in a thread, so a Ctrl-C is not held up by a blocked ``get`` and a load
    process that died is noticed.
    """
    while True:
        try:
            return await asyncio.to_thread(channel.get, timeout=0.5)
        except queue.Empty:
            failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            if failed:
                raise RuntimeError(f"a load process failed (exit code {failed[0]})") from None
            if time.monotonic() > deadline:
                raise TimeoutError("the load processes did not answer in time") from None


async def drive(plans: list[LoadPlan], ingest_pid: int) -> LoadResult:
    """Run the plans in load processes started together; CPU sampled over the measured part."""
    spawn = multiprocessing.get_context("spawn")  # no fork of a process running an event loop
    ready, results, go, go_at = spawn.Queue(), spawn.Queue(), spawn.Event(), spawn.Value("d")
    processes = [
        spawn.Process(target=load_process, args=(plan, ready, go, go_at, results), daemon=True)
        for plan in plans
    ]
    for process in processes:
        process.start()
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        for _ in processes:
            await _next_from(ready, processes, deadline)
        go_at.value = time.monotonic() + 0.5  # every process starts its clock at this instant
        go.set()
        await asyncio.sleep(max(0.0, go_at.value + WARMUP_SECONDS - time.monotonic()))
        start = CpuSample.take(ingest_pid)
        # Timed runs end on the clock; counted ones when done (each request times out).
        deadline = (
            start.at + plans[0].seconds + REQUEST_TIMEOUT_SECONDS + STARTUP_DEADLINE_SECONDS
            if plans[0].requests is None
            else float("inf")
        )
        outcomes: list[LoadOutcome] = []
        while len(outcomes) < len(processes):
            outcomes.append(await _next_from(results, processes, deadline))
            end = CpuSample.take(ingest_pid)
        for process in processes:
            await asyncio.to_thread(process.join, 10)
        return LoadResult(outcomes, start, end)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(5)


def percentile(ordered: list[float], pct: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def report(
    result: LoadResult, args: argparse.Namespace, text_bytes: int, status_bytes: int
) -> None:
    latencies = result.latencies_ms
    requests, seconds = len(latencies), result.seconds
    errors = sum(outcome.errors for outcome in result.outcomes)
    samples = sorted({s for outcome in result.outcomes for s in outcome.error_samples})
    print(
        f"  deliveries     {100 * (1 - args.status_share):.0f} % one text message ({text_bytes} B),"
        f" {100 * args.status_share:.0f} % three statuses ({status_bytes} B), signed, unique wamids"
    )
    kinds = f" ({', '.join(samples)})" if samples else ""
    print(
        f"  requests       {requests}   errors {errors}{kinds}"
        f"   {requests / seconds:.0f} req/s over {seconds:.1f} s"
    )
    print(
        f"  latency ms     p50 {percentile(latencies, 50):.1f}"
        f"   p90 {percentile(latencies, 90):.1f}   p99 {percentile(latencies, 99):.1f}"
        f"   max {latencies[-1]:.1f}"
        f"   mean {statistics.fmean(latencies):.1f}"
    )
    cpu_window = result.end.at - result.start.at
    ingest = 100 * (result.end.ingest - result.start.ingest) / cpu_window
    machine = 100 * (result.end.machine - result.start.machine) / cpu_window
    per_load = [
        100 * outcome.cpu_seconds / (outcome.measured_to - outcome.measured_from)
        for outcome in result.outcomes
    ]
    load = sum(per_load)
    cores = os.cpu_count() or 1
    infrastructure = {
        name: 100 * seconds / cpu_window
        for name, seconds in result.end.infrastructure_since(result.start).items()
    }
    other = machine - ingest - load - sum(infrastructure.values())
    print(
        f"  cpu            meta-ingest {ingest:.0f} %   load processes {load:.0f} %"
        f" ({' + '.join(f'{p:.0f}' for p in per_load)})   (100 % = one core)"
    )
    print(
        "                 shared: "
        + "   ".join(f"{name} {percent:.0f} %" for name, percent in infrastructure.items())
        + f"   other work {max(0.0, other):.0f} %   machine {machine:.0f} % of {cores * 100} %"
    )
    if ingest >= 90:
        verdict = "meta-ingest: its one core is busy"
    elif max(per_load) >= 90:
        verdict = "the load generator: raise --processes"
    elif machine >= 90 * cores:
        verdict = (
            "the machine: every core is busy, so meta-ingest gets less than one"
            " (see the second CPU line)"
        )
    else:
        verdict = (
            "no CPU is saturated: meta-ingest waits on Kafka, PostgreSQL or Redis;"
            " more --concurrency shows whether it is latency-bound"
        )
    print(f"  bottleneck     {verdict}")
    # Steadier than req/s when other work takes cores: the cost of a delivery, all included
    # (the media consumer reading the event back too).
    ingest_ms = 1000 * (result.end.ingest - result.start.ingest) / requests
    print(
        f"  cost           {ingest_ms:.1f} ms of meta-ingest CPU per request:"
        f" ~{1000 / ingest_ms:.0f} req/s for a worker with a core to itself"
    )


async def high_watermarks(bootstrap: str, topic: str, partitions: int) -> int:
    """Records in ``topic``: the sum of its partitions' end offsets (no transactions here)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(ends.values())
    finally:
        await consumer.stop()


async def check_events(run: Run, result: LoadResult, probes: int) -> None:
    texts = probes + sum(outcome.texts_accepted for outcome in result.outcomes)
    statuses = 3 * sum(outcome.status_batches_accepted for outcome in result.outcomes)
    bootstrap = run.platform.kafka_bootstrap_servers
    inbound_topic, status_topic = run.topics["inbound_topic"], run.topics["status_topic"]
    inbound = await high_watermarks(bootstrap, inbound_topic.name, inbound_topic.partitions)
    status = await high_watermarks(bootstrap, status_topic.name, status_topic.partitions)
    dead = await high_watermarks(bootstrap, inbound_topic.dead_letter, 1)
    print(f"  events published: {inbound} (expected {texts}) inbound, warm-up and probe included")
    print(f"  events published: {status} (expected {statuses}) statuses;  dead-lettered: {dead}")
    if (inbound, status, dead) != (texts, statuses, 0):
        print("  MISMATCH: the topics do not hold one event per accepted message", file=sys.stderr)


async def bench(run: Run, args: argparse.Namespace, cleanup: list[str]) -> None:
    admin = await _admin(run.platform)
    try:
        await admin.execute(f'CREATE DATABASE "{run.database}"')
        cleanup.append("database")
    finally:
        await admin.close()
    await asyncio.to_thread(upgrade, SERVICE / "migrations", run.database_url)
    cleanup.append("topics")
    await ensure_topics(run.platform.kafka_bootstrap_servers, run.topics.values())
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    url = f"{base_url}/webhooks/meta"
    with tempfile.TemporaryFile() as log:
        server = start_ingest(run, port, log)
        try:
            await wait_ready(base_url, server, log)
            account = await register_account(run)
            probes = await wait_accepting(url, account, run.tag)
            share, extra = divmod(args.requests or 0, args.processes)
            plans = [
                LoadPlan(
                    url=url,
                    account=account,
                    clients=args.concurrency // args.processes
                    + (index < args.concurrency % args.processes),
                    seconds=args.seconds,
                    requests=None if args.requests is None else share + (index < extra),
                    status_share=args.status_share,
                    id_prefix=f"{run.tag.upper()}{index:02d}",
                )
                for index in range(args.processes)
            ]
            length = "for" + (
                f" {args.requests} requests" if args.requests else f" {args.seconds:g} s"
            )
            print(
                f"meta-ingest webhook: one uvicorn process (pid {server.pid}), {args.concurrency}"
                f" clients in {args.processes} load process(es), {length} after a"
                f" {WARMUP_SECONDS:g} s warm-up, loopback TCP"
            )
            busy = await machine_busy_percent(1.0)
            print(
                f"  machine        {os.cpu_count()} cores, {busy:.0f} % busy before the load"
                " (meta-ingest idle; anything above a few % is other work skewing the figures)"
            )
            result = await drive(plans, server.pid)
            report(result, args, len(text_delivery(account)), len(statuses_delivery(account)))
            await check_events(run, result, probes)
        finally:
            stop_ingest(server)


async def clean_up(run: Run, cleanup: list[str]) -> None:
    """Remove what the run made; each step on its own, so one failure leaves the others."""
    if "topics" in cleanup:
        try:
            await delete_topics(run.platform.kafka_bootstrap_servers, run.topic_names)
        except Exception as exc:  # report it and still drop the database
            print(f"could not delete topics bench.{run.tag}.*: {exc!r}", file=sys.stderr)
    if "database" in cleanup:
        admin = await _admin(run.platform)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{run.database}" WITH (FORCE)')
        finally:
            await admin.close()


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time (default 20)")
    parser.add_argument("--concurrency", type=int, default=32, help="clients in all (default 32)")
    parser.add_argument("--processes", type=int, default=2, help="load processes (default 2)")
    parser.add_argument("--requests", type=int, help="stop after this many, not after --seconds")
    parser.add_argument(
        "--status-share", type=float, default=0.2, help="share of status batches (default 0.2)"
    )
    parser.add_argument("--quick", action="store_true", help="a 5 s smoke run")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 5.0
    args.processes = max(1, min(args.processes, args.concurrency))
    run = new_run()
    cleanup: list[str] = []
    try:
        await bench(run, args, cleanup)
    finally:
        await clean_up(run, cleanup)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
