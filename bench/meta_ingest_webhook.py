"""Meta's webhook into meta-ingest beside a minimal app doing the least the job needs.

usage: .venv/bin/python bench/meta_ingest_webhook.py [--seconds 15] [--concurrency 32]
       [--processes 2] [--status-share 0] [--profile DIR] [--quick]

Needs the local PostgreSQL, Redis and Kafka (`deploy/local/infra.sh up`). Starts two
servers the way `make up` starts a service: one uvicorn process each (``--factory``,
``--loop uvloop --http httptools``, one worker), on a throw-away database and throw-away
topics:

- **meta-ingest**, with a channel account registered the way the sender does (its state,
  app secret sealed, on the channels topic), probed until a signed delivery is accepted;
- **the ceiling**, this file's ``create_ceiling_app``: FastAPI, the same HMAC-SHA256 check
  of ``X-Hub-Signature-256``, one JSON parse (orjson), one aiokafka ``acks=all``
  idempotent publish per message or status in the body, answered once Kafka has them.
  Nothing else: no account look-up, no validation, no dedupe, no envelope.

Each gets the same load, one after the other (the machine has few cores; side by side
they would take them from each other): C connections (``--concurrency``) spread over P
load processes, each connection a keep-alive HTTP/1.1 socket driven by a small client
(httpx costs more CPU per request than the servers measured), posting signed deliveries
for S seconds after a 2 s warm-up. By default each is one inbound text message (~850 B:
a long customer question), every wamid unique so none is dropped as a retry;
``--status-share`` sends that share as batches of three statuses instead.

Prints, for both: requests/s, p50/p90/p99 latency, the CPU the server used per request
(steadier than requests/s when other work shares the machine) and the load processes'
CPU; then meta-ingest's share of the ceiling (requests/s and CPU per request) against the
targets (>= 0.5 of the ceiling, p99 < 50 ms at 32 connections), and checks that the
topics hold one event per accepted message. ``--profile DIR`` records meta-ingest under
the load with py-spy (``py-spy`` in the venv; root or ptrace rights; BENCH_PROFILE_NATIVE=1
adds native frames, which over-weigh system calls) and prints where its
time went. Everything the run made is removed at the end, on failure or Ctrl-C too.

Caveats: servers, load processes, Kafka, PostgreSQL and Redis share this machine, so on
few cores the figures are floors; the CPU lines say which one ran out. meta-ingest also
runs its media consumer, which reads back every inbound event it published (and skips
those without media by a header), as in production. Kafka is a single local broker, so
acks=all waits for one replica, not three.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import hashlib
import hmac
import itertools
import json
import multiprocessing
import os
import queue
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import orjson
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI, Request, Response

ROOT = Path(__file__).resolve().parents[1]
SERVICE = ROOT / "services" / "meta-ingest"
# The bodies are built by the service tests' builders: one idea of what Meta posts.
sys.path.insert(0, str(SERVICE / "tests"))

WARMUP_SECONDS = 2.0
STARTUP_DEADLINE_SECONDS = 60.0
ACCOUNT_DEADLINE_SECONDS = 30.0
REQUEST_TIMEOUT_SECONDS = 30.0
TARGET_SHARE = 0.5
TARGET_P99_MS = 50.0
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
CEILING_ENV = ("BENCH_CEILING_APP_SECRET", "BENCH_CEILING_TOPIC", "BENCH_CEILING_KAFKA")


# --- the ceiling: a minimal app of the bench's own -----------------------------------------


def create_ceiling_app() -> FastAPI:
    """``uvicorn --factory meta_ingest_webhook:create_ceiling_app``: the least a webhook
    that answers only once Kafka has the events can do (configured by ``CEILING_ENV``)."""
    secret = os.environ["BENCH_CEILING_APP_SECRET"].encode()
    topic = os.environ["BENCH_CEILING_TOPIC"]
    producer = AIOKafkaProducer(
        bootstrap_servers=os.environ["BENCH_CEILING_KAFKA"],
        acks="all",
        enable_idempotence=True,
        linger_ms=0,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await producer.start()
        try:
            yield
        finally:
            await producer.stop()

    app = FastAPI(lifespan=lifespan)

    @app.get("/readyz")
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/webhooks/meta")
    async def receive(request: Request) -> Response:
        raw = await request.body()
        expected = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("x-hub-signature-256", "")):
            return Response(status_code=401)
        body = orjson.loads(raw)
        sends = [
            await producer.send(topic, orjson.dumps(item), key=item["id"].encode())
            for entry in body["entry"]
            for change in entry["changes"]
            for item in (*change["value"].get("messages", ()), *change["value"].get("statuses", ()))
        ]
        await asyncio.gather(*sends)
        return Response(status_code=200)

    return app


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
    from support import payloads

    message = payloads.text_message(CUSTOMER_TEXT, id=f"{WAMID}t")
    change = payloads.messages_change(
        contacts=[payloads.contact(name="Ana Beatriz Souza")],
        messages=[message],
        phone_number_id=account.phone_number_id,
    )
    return _compact(payloads.body(payloads.entry(change, waba_id=account.waba_id)))


def statuses_delivery(account: Account) -> bytes:
    """Three statuses of three messages we sent (sent, delivered, read) in one delivery."""
    from support import payloads

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


# --- one load process ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadPlan:
    port: int
    account: Account
    clients: int
    seconds: float
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


class KeepAliveClient:
    """One HTTP/1.1 keep-alive connection posting to one path; the least a client can do,
    so the load processes leave the cores to the servers they measure."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, path: bytes, body: bytes, signature: bytes) -> int:
        if self._writer is None or self._reader is None:
            self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self._port)
        reader, writer = self._reader, self._writer
        writer.write(
            b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\nX-Hub-Signature-256: " + signature + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        try:
            status_line = await reader.readline()
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError):
            await self.close()
            raise
        if close or not status_line:
            await self.close()
        return int(status_line.split()[1]) if status_line else 0

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None


def load_process(plan: LoadPlan, ready: Any, go: Any, go_at: Any, results: Any) -> None:
    """A load process's body. Ctrl-C is the parent's to handle: it stops its children."""
    import uvloop

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ready.put(os.getpid())
    go.wait()
    results.put(uvloop.run(_drive(plan, go_at.value)))


def _signature(raw: bytes, secret: bytes) -> bytes:
    return b"sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest().encode()


async def _drive(plan: LoadPlan, go_at: float) -> LoadOutcome:
    """``plan.clients`` callers, each on a keep-alive connection of its own."""
    warm_until = go_at + WARMUP_SECONDS
    measure_until = warm_until + plan.seconds
    numbers = itertools.count()
    chooser = random.Random(plan.id_prefix)
    secret = plan.account.app_secret.encode()
    text, statuses = text_delivery(plan.account), statuses_delivery(plan.account)
    outcome = LoadOutcome([], 0, [], 0, 0, warm_until, warm_until, 0.0)

    async def send(client: KeepAliveClient, *, measured: bool) -> None:
        is_statuses = chooser.random() < plan.status_share
        unique = f"{plan.id_prefix}{next(numbers):09d}".encode()
        raw = (statuses if is_statuses else text).replace(PLACEHOLDER, unique)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
                status_code = await client.post(b"/webhooks/meta", raw, _signature(raw, secret))
            problem = "" if status_code == 200 else f"HTTP {status_code}"
        except (OSError, TimeoutError, asyncio.IncompleteReadError) as exc:
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

    async def caller() -> None:
        client = KeepAliveClient(plan.port)
        try:
            while time.monotonic() < warm_until:
                await send(client, measured=False)
            while time.monotonic() < measure_until:
                await send(client, measured=True)
        finally:
            await client.close()

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
    return sum(process_user_system_seconds(pid))


def process_user_system_seconds(pid: int) -> tuple[float, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) / TICKS, int(fields[12]) / TICKS


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
    server: float
    server_system: float
    """The part of ``server`` spent in the kernel (sockets, mostly)."""
    machine: float
    infrastructure: dict[str, dict[int, float]]
    """CPU seconds of each process of Kafka, PostgreSQL and Redis, by pid."""

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        user, system = process_user_system_seconds(server_pid)
        return cls(
            time.monotonic(),
            user + system,
            system,
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


# --- the servers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    tag: str
    platform: Any
    database: str
    topics: dict[str, Any]
    ceiling_topic: Any

    @property
    def database_url(self) -> str:
        return str(self.platform.database_url(self.database))

    @property
    def topic_names(self) -> list[str]:
        topics = [*self.topics.values(), self.ceiling_topic]
        return [name for topic in topics for name in (topic.name, topic.dead_letter)]


def new_run() -> Run:
    from mia_common.contracts.topics import (
        CHANNELS_STATE,
        MESSAGES_INBOUND,
        MESSAGES_STATUS,
        TEMPLATES_EVENTS,
        Topic,
    )
    from mia_common.settings import PlatformSettings

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
    ceiling = Topic(f"bench.{tag}.ceiling.v1", MESSAGES_INBOUND.partitions, "message id")
    return Run(tag, PlatformSettings(), f"bench_meta_ingest_{tag}", topics, ceiling)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: IO[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid


def start_server(name: str, factory: str, env: dict[str, str], log: IO[bytes]) -> Server:
    """One uvicorn worker, started as ``make up`` starts a service (deploy/local/services.py)."""
    port = free_port()
    uvicorn = Path(sys.executable).parent / "uvicorn"
    process = subprocess.Popen(
        [
            str(uvicorn),
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--log-level",
            "warning",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own session: a Ctrl-C reaches the bench, which stops it after the clean-up.
        start_new_session=True,
    )
    return Server(name, port, process, log)


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


async def wait_ready(server: Server) -> None:
    import httpx

    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    base_url = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=5.0) as http:
        while True:
            if server.process.poll() is not None:
                server.log.seek(0)
                tail = server.log.read()[-4000:].decode(errors="replace")
                raise RuntimeError(
                    f"{server.name} exited with {server.process.returncode}:\n{tail}"
                )
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                raise TimeoutError(f"{server.name} not ready after {STARTUP_DEADLINE_SECONDS:g} s")
            await asyncio.sleep(0.2)


async def register_account(run: Run) -> Account:
    """Publish the account's state as the sender does; meta-ingest follows it."""
    from mia_common.contracts import (
        Channel,
        ChannelAccountState,
        ChannelAccountStatus,
        Envelope,
    )
    from mia_common.contracts.channels import app_secret_associated_data
    from mia_common.crypto import KeyRing
    from mia_common.messaging import create_broker, stop_broker

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


async def wait_accepting(server: Server, account: Account, tag: str) -> int:
    """Probe until a signed delivery gets 200 (403 until the account is known).

    Returns the probes accepted (one): its event is on the inbound topic too.
    """
    deadline = time.monotonic() + ACCOUNT_DEADLINE_SECONDS
    template = text_delivery(account)
    client = KeepAliveClient(server.port)
    try:
        for attempt in itertools.count():
            raw = template.replace(PLACEHOLDER, f"{tag.upper()}PROBE{attempt:06d}".encode())
            status = await client.post(
                b"/webhooks/meta", raw, _signature(raw, account.app_secret.encode())
            )
            if status == 200:
                return 1
            if status != 403 or time.monotonic() > deadline:
                raise RuntimeError(f"{server.name} does not accept the account: HTTP {status}")
            await asyncio.sleep(0.2)
    finally:
        await client.close()
    raise AssertionError("unreachable")


# --- driving the load ----------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    server: str
    outcomes: list[LoadOutcome]
    start: CpuSample
    end: CpuSample

    @property
    def latencies_ms(self) -> list[float]:
        return sorted(ms for outcome in self.outcomes for ms in outcome.latencies_ms)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def seconds(self) -> float:
        finished = max(outcome.measured_to for outcome in self.outcomes)
        return finished - min(outcome.measured_from for outcome in self.outcomes)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def errors(self) -> int:
        return sum(outcome.errors for outcome in self.outcomes)

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * (self.end.server - self.start.server) / max(1, self.requests)

    def p(self, pct: float) -> float:
        ordered = self.latencies_ms
        return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


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


async def drive(server: Server, plans: list[LoadPlan], profile: Path | None) -> LoadResult:
    """Run the plans in load processes started together; CPU sampled over the measured part."""
    spawn = multiprocessing.get_context("spawn")  # no fork of a process running an event loop
    ready, results, go, go_at = spawn.Queue(), spawn.Queue(), spawn.Event(), spawn.Value("d")
    processes = [
        spawn.Process(target=load_process, args=(plan, ready, go, go_at, results), daemon=True)
        for plan in plans
    ]
    for process in processes:
        process.start()
    spy: subprocess.Popen[bytes] | None = None
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
        for _ in processes:
            await _next_from(ready, processes, deadline)
        go_at.value = time.monotonic() + 0.5  # every process starts its clock at this instant
        go.set()
        await asyncio.sleep(max(0.0, go_at.value + WARMUP_SECONDS - time.monotonic()))
        start = CpuSample.take(server.pid)
        if profile is not None:
            spy = start_profiler(server, profile, plans[0].seconds)
        deadline = start.at + plans[0].seconds + REQUEST_TIMEOUT_SECONDS + STARTUP_DEADLINE_SECONDS
        outcomes: list[LoadOutcome] = []
        while len(outcomes) < len(processes):
            outcomes.append(await _next_from(results, processes, deadline))
            end = CpuSample.take(server.pid)
        for process in processes:
            await asyncio.to_thread(process.join, 10)
        return LoadResult(server.name, outcomes, start, end)
    finally:
        if spy is not None:
            await asyncio.to_thread(spy.wait, 60)
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(5)


def plans_for(
    server: Server, account: Account, args: argparse.Namespace, tag: str
) -> list[LoadPlan]:
    return [
        LoadPlan(
            port=server.port,
            account=account,
            clients=args.concurrency // args.processes
            + (index < args.concurrency % args.processes),
            seconds=args.seconds,
            status_share=args.status_share,
            id_prefix=f"{tag.upper()}{server.name[:1].upper()}{index:02d}",
        )
        for index in range(args.processes)
    ]


# --- profiling -----------------------------------------------------------------------------


def start_profiler(server: Server, directory: Path, seconds: float) -> subprocess.Popen[bytes]:
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("--profile needs py-spy: .local/tools/bin/uv pip install py-spy")
    directory.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(server.pid),
            "--duration",
            str(max(1, int(seconds) - 1)),
            "--rate",
            "200",
            "--format",
            "raw",
            *(["--native"] if os.environ.get("BENCH_PROFILE_NATIVE") else []),
            "--output",
            str(directory / f"{server.name}.folded"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def print_profile(path: Path, top: int = 22) -> None:
    """Where the event loop's time went, from py-spy's folded stacks (samples of the main
    thread only; py-spy leaves out idle waits): inclusive, a function with what it calls,
    and self time."""
    if not path.exists():
        print(f"  (no profile written to {path})")
        return
    inclusive: collections.Counter[str] = collections.Counter()
    leaf: collections.Counter[str] = collections.Counter()
    total = others = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        if stack.startswith("Thread._bootstrap (threading.py"):
            others += count  # another thread (a thread pool's worker, say)
            continue
        total += count
        frames = [frame.split(" (")[0] + " " + _module(frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += count
        if frames:
            leaf[frames[-1]] += count
    print(
        f"  profile        {path}: {total} samples of the event loop at work"
        f" ({others} of other threads left out)"
    )
    print("    inclusive (a function and what it calls):")
    for frame, count in inclusive.most_common(top):
        print(f"      {100 * count / total:5.1f} %  {frame}")
    print("    self:")
    for frame, count in leaf.most_common(top):
        print(f"      {100 * count / total:5.1f} %  {frame}")


def _module(frame: str) -> str:
    where = frame.partition(" (")[2].rstrip(")")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/src/", "lib/python3.11/"):
        if marker in path:
            return "(" + path.split(marker, 1)[1] + ")"
    return "(" + path + ")"


# --- reporting -----------------------------------------------------------------------------


def report(result: LoadResult) -> None:
    latencies = result.latencies_ms
    samples = sorted({s for outcome in result.outcomes for s in outcome.error_samples})
    kinds = f" ({', '.join(samples)})" if samples else ""
    cpu_window = result.end.at - result.start.at
    server_cpu = 100 * (result.end.server - result.start.server) / cpu_window
    machine = 100 * (result.end.machine - result.start.machine) / cpu_window
    per_load = [
        100 * outcome.cpu_seconds / (outcome.measured_to - outcome.measured_from)
        for outcome in result.outcomes
    ]
    infrastructure = {
        name: 100 * seconds / cpu_window
        for name, seconds in result.end.infrastructure_since(result.start).items()
    }
    other = machine - server_cpu - sum(per_load) - sum(infrastructure.values())
    print(f"{result.server}")
    print(
        f"  requests       {result.requests}   errors {result.errors}{kinds}"
        f"   {result.rate:.0f} req/s over {result.seconds:.1f} s"
    )
    print(
        f"  latency ms     p50 {result.p(50):.1f}   p90 {result.p(90):.1f}"
        f"   p99 {result.p(99):.1f}   max {latencies[-1]:.1f}"
        f"   mean {statistics.fmean(latencies):.1f}"
    )
    system_ms = 1000 * (result.end.server_system - result.start.server_system) / result.requests
    print(
        f"  cpu            {result.server} {server_cpu:.0f} %"
        f" ({result.cpu_ms_per_request:.2f} ms per request, {system_ms:.2f} of it in the"
        f" kernel)   load processes"
        f" {sum(per_load):.0f} % ({' + '.join(f'{p:.0f}' for p in per_load)})   (100 % = one core)"
    )
    print(
        "                 shared: "
        + "   ".join(f"{name} {percent:.0f} %" for name, percent in infrastructure.items())
        + f"   other work {max(0.0, other):.0f} %"
        f"   machine {machine:.0f} % of {(os.cpu_count() or 1) * 100} %"
    )


def compare(ingest: LoadResult, ceiling: LoadResult, concurrency: int) -> bool:
    share = ingest.rate / ceiling.rate
    cpu_share = ceiling.cpu_ms_per_request / ingest.cpu_ms_per_request
    p99_ok = ingest.p(99) < TARGET_P99_MS
    print("meta-ingest against the ceiling")
    print(
        f"  req/s          {ingest.rate:.0f} of {ceiling.rate:.0f}: {share:.2f} of the ceiling"
        f"   (target >= {TARGET_SHARE})   {'ok' if share >= TARGET_SHARE else 'MISSED'}"
    )
    print(
        f"  cpu/request    {ingest.cpu_ms_per_request:.2f} ms against"
        f" {ceiling.cpu_ms_per_request:.2f} ms: {cpu_share:.2f} of the ceiling's efficiency"
        f"   (~{1000 / ingest.cpu_ms_per_request:.0f} req/s for a worker with a core to itself)"
    )
    print(
        f"  p99            {ingest.p(99):.1f} ms at {concurrency} connections"
        f" (ceiling {ceiling.p(99):.1f} ms)   (target < {TARGET_P99_MS:g} ms)"
        f"   {'ok' if p99_ok else 'MISSED'}"
    )
    return share >= TARGET_SHARE and p99_ok


async def high_watermarks(bootstrap: str, topic: str, partitions: int) -> int:
    """Records in ``topic``: the sum of its partitions' end offsets (no transactions here)."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, p) for p in range(partitions)])
        return sum(ends.values())
    finally:
        await consumer.stop()


async def check_events(run: Run, ingest: LoadResult, ceiling: LoadResult, probes: int) -> None:
    bootstrap = run.platform.kafka_bootstrap_servers

    def accepted(result: LoadResult) -> tuple[int, int]:
        texts = sum(outcome.texts_accepted for outcome in result.outcomes)
        return texts, 3 * sum(outcome.status_batches_accepted for outcome in result.outcomes)

    texts, statuses = accepted(ingest)
    inbound_topic, status_topic = run.topics["inbound_topic"], run.topics["status_topic"]
    inbound = await high_watermarks(bootstrap, inbound_topic.name, inbound_topic.partitions)
    status = await high_watermarks(bootstrap, status_topic.name, status_topic.partitions)
    dead = await high_watermarks(bootstrap, inbound_topic.dead_letter, 1)
    ceiling_texts, ceiling_statuses = accepted(ceiling)
    topic = run.ceiling_topic
    ceiling_events = await high_watermarks(bootstrap, topic.name, topic.partitions)
    expected = (texts + probes, statuses, 0, ceiling_texts + ceiling_statuses + probes)
    found = (inbound, status, dead, ceiling_events)
    print(
        f"events           meta-ingest {inbound} inbound (expected {expected[0]}, warm-up and"
        f" probe included), {status} statuses (expected {statuses}), {dead} dead-lettered;"
        f" ceiling {ceiling_events} (expected {expected[3]})"
    )
    if found != expected:
        print("  MISMATCH: the topics do not hold one event per accepted message", file=sys.stderr)


# --- the run -------------------------------------------------------------------------------


async def bench(run: Run, args: argparse.Namespace, cleanup: list[str]) -> bool:
    from mia_common.db.migrations import upgrade
    from mia_common.messaging.admin import ensure_topics

    await asyncio.to_thread(upgrade, SERVICE / "migrations", run.database_url)
    cleanup.append("topics")
    await ensure_topics(
        run.platform.kafka_bootstrap_servers, [*run.topics.values(), run.ceiling_topic]
    )
    ingest_env = {
        "MIA_DATABASE_URL_OVERRIDE": run.database_url,
        "MIA_LOG_LEVEL": "WARNING",
        "MIA_META_INGEST_VERIFY_TOKEN": f"bench-{run.tag}",
        # The bench's ids are never retried: let Redis forget them within the hour, not a week.
        "MIA_META_INGEST_DEDUPE_HOURS": "1",
        **{f"MIA_META_INGEST_{field.upper()}": topic.name for field, topic in run.topics.items()},
    }
    if args.ingest_tree is not None:
        # Ahead of the venv's editable installs of this checkout.
        tree = args.ingest_tree.resolve()
        ingest_env["PYTHONPATH"] = os.pathsep.join(
            [str(tree / "libs" / "common" / "src"), str(tree / "services" / "meta-ingest" / "src")]
        )
        print(f"meta-ingest from {tree}")
    with tempfile.TemporaryFile() as ingest_log, tempfile.TemporaryFile() as ceiling_log:
        ingest = start_server(
            "meta-ingest", "mia_meta_ingest.main:create_app", ingest_env, ingest_log
        )
        servers = [ingest]
        try:
            await wait_ready(ingest)
            account = await register_account(run)
            ceiling_env = {
                "BENCH_CEILING_APP_SECRET": account.app_secret,
                "BENCH_CEILING_TOPIC": run.ceiling_topic.name,
                "BENCH_CEILING_KAFKA": run.platform.kafka_bootstrap_servers,
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT / "bench"), os.environ.get("PYTHONPATH")])
                ),
            }
            ceiling = start_server(
                "ceiling", "meta_ingest_webhook:create_ceiling_app", ceiling_env, ceiling_log
            )
            servers.append(ceiling)
            await wait_ready(ceiling)
            probes = await wait_accepting(ingest, account, run.tag)
            await wait_accepting(ceiling, account, run.tag)
            length = f"{args.seconds:g} s after a {WARMUP_SECONDS:g} s warm-up"
            share = (
                f"{100 * args.status_share:.0f} % three-status batches, "
                if args.status_share
                else ""
            )
            print(
                f"Meta webhook, one uvicorn worker each (uvloop, httptools): {args.concurrency}"
                f" keep-alive connections in {args.processes} load process(es), {length} per"
                f" server; {share}signed inbound texts of {len(text_delivery(account))} B with"
                " unique wamids"
            )
            busy = await machine_busy_percent(1.0)
            print(
                f"machine          {os.cpu_count()} cores, {busy:.0f} % busy before the load"
                " (anything above a few % is other work skewing the figures)"
            )
            ceiling_result = await drive(ceiling, plans_for(ceiling, account, args, run.tag), None)
            report(ceiling_result)
            ingest_result = await drive(
                ingest, plans_for(ingest, account, args, run.tag), args.profile
            )
            report(ingest_result)
            met = compare(ingest_result, ceiling_result, args.concurrency)
            await check_events(run, ingest_result, ceiling_result, probes)
            if args.profile is not None:
                print_profile(args.profile / "meta-ingest.folded")
            return met
        finally:
            for server in servers:
                stop_server(server)


async def clean_up(run: Run, cleanup: list[str]) -> None:
    """Remove the topics the run made (``fresh_database`` drops its database)."""
    from mia_common.messaging.admin import delete_topics

    if "topics" in cleanup:
        try:
            await delete_topics(run.platform.kafka_bootstrap_servers, run.topic_names)
        except Exception as exc:  # report it; the database is dropped all the same
            print(f"could not delete topics bench.{run.tag}.*: {exc!r}", file=sys.stderr)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="measured time (default 15)")
    parser.add_argument("--concurrency", type=int, default=32, help="connections (default 32)")
    parser.add_argument("--processes", type=int, default=2, help="load processes (default 2)")
    parser.add_argument(
        "--status-share", type=float, default=0.0, help="share of status batches (default 0)"
    )
    parser.add_argument("--profile", type=Path, help="record meta-ingest with py-spy into DIR")
    parser.add_argument(
        "--ingest-tree",
        type=Path,
        help="run meta-ingest (and mia_common) from this other checkout: a before/after run",
    )
    parser.add_argument("--quick", action="store_true", help="a 5 s smoke run")
    args = parser.parse_args()
    if args.quick:
        args.seconds = 5.0
    args.processes = max(1, min(args.processes, args.concurrency))
    from mia_common.testing.postgres import fresh_database

    run = new_run()
    cleanup: list[str] = []
    async with fresh_database(run.platform, run.database):
        try:
            met = await bench(run, args, cleanup)
        finally:
            await clean_up(run, cleanup)
    print("targets met" if met else "targets MISSED (see above)")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
