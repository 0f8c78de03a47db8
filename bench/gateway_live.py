"""Live events fan-out through the real gateway: Kafka → gateway hub → N WebSocket clients.

usage: .venv/bin/python bench/gateway_live.py [--clients 200] [--rate 200] [--seconds 10]

Needs the local Kafka and PostgreSQL (`deploy/local/infra.sh up`). Creates a throw-away
database ``bench_gateway_<hex>`` (migrated, dropped at the end), runs the gateway app in
this process with uvicorn on a loopback port, creates a tenant and its owner and logs in.
A child process then opens ``--clients`` live connections and publishes ``--rate`` events
per second for ``--seconds`` seconds to a benchmark topic for that tenant, each with
its send time: the offered load does not depend on how busy the gateway is, and the
clients' own work does not run on the gateway's event loop. Printed: the deliveries per
second (clients x events), the publish → client delay (p50/p99/max) and how many clients
the gateway dropped as too slow.

``run_fanout(clients, rate, seconds)`` returns the same figures for other scripts.
Everything is bounded: the clients give up a fixed grace period after the last publish.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from prometheus_client import REGISTRY

from mia_common.contracts.envelope import new_event_id
from mia_common.db import unit_of_work
from mia_common.db.migrations import upgrade
from mia_common.messaging import create_broker
from mia_common.settings import PlatformSettings
from mia_common.testing.postgres import fresh_database
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from mia_gateway.tenants.service import create_tenant_with_owner

__all__ = ["run_fanout"]

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "services" / "gateway" / "migrations"
THIS_SCRIPT = str(Path(__file__).resolve())
# A throw-away account in a throw-away database.
PASSWORD = "bench-Password-for-live-1"  # noqa: S105
# After the last publish, how long the clients may take to receive what is in flight.
# A topic of the benchmark's own (the gateway creates it): a running `make up` must not
# see benchmark events, nor the benchmark its events.
BENCH_TOPIC = "bench.live.inbox.events.v1"
DRAIN_GRACE_SECONDS = 15.0
CONNECT_TIMEOUT_SECONDS = 60.0


def percentile(ordered: list[float], pct: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


# -- the load process: the browsers and the producer ----------------------------------


async def _publish_at_rate(tenant_id: str, rate: float, seconds: float) -> tuple[int, float, float]:
    """Publishes on schedule; returns (events, wall time started, wall time finished)."""
    broker = create_broker(PlatformSettings(), client_id="bench-gateway-live")
    await broker.start()
    try:
        total = max(1, round(rate * seconds))
        sends: list[asyncio.Task[Any]] = []
        started = time.time()
        schedule = time.monotonic()
        for n in range(total):
            delay = schedule + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            body = {
                "specversion": "1.0",
                "id": str(new_event_id()),
                "type": BENCH_TOPIC,
                "source": "/bench/gateway-live",
                "time": datetime.now(UTC).isoformat(),
                "tenantid": tenant_id,
                "data": {"n": n, "sent": time.time()},
            }
            # Not awaited one by one: a slow acknowledgement must not hold the schedule.
            # Keys spread over the partitions, as contacts' conversations do.
            sends.append(
                asyncio.create_task(
                    broker.publish(body, BENCH_TOPIC, key=f"{tenant_id}:{n % 64}".encode())
                )
            )
        await asyncio.gather(*sends)
        return total, started, time.time()
    finally:
        await broker.stop()


async def _load(job: dict[str, Any]) -> dict[str, float]:
    """Opens the clients, publishes, waits until every client has every event (or the
    grace period ends) and sums up what the clients saw."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed
    from websockets.typing import Subprotocol

    clients = int(job["clients"])
    subprotocols = [Subprotocol("bearer"), Subprotocol(job["token"])]
    delays: list[float] = []
    counts = [0] * clients
    closed_codes: list[int | None] = []
    last_received = 0.0
    connected = 0
    all_connected = asyncio.Event()

    async def client(index: int) -> None:
        nonlocal last_received, connected
        # max_queue=None: the client never pushes back, so what is measured is the gateway.
        async with connect(job["url"], subprotocols=subprotocols, max_queue=None) as websocket:
            connected += 1
            if connected == clients:
                all_connected.set()
            try:
                async for raw in websocket:
                    frame = json.loads(raw)
                    if "id" not in frame:
                        continue  # ping / resync
                    now = time.time()
                    delays.append(now - frame["data"]["sent"])
                    counts[index] += 1
                    last_received = now
            except ConnectionClosed:
                pass
            closed_codes.append(websocket.close_code)

    cpu_started = time.process_time()
    tasks = [asyncio.create_task(client(i)) for i in range(clients)]
    waiter = asyncio.create_task(all_connected.wait())
    done, _ = await asyncio.wait(
        {waiter, *tasks}, timeout=CONNECT_TIMEOUT_SECONDS, return_when=asyncio.FIRST_COMPLETED
    )
    if waiter not in done:
        ended = [task for task in tasks if task.done()]
        error = ended[0].exception() if ended else None
        raise RuntimeError(f"only {connected} of {clients} clients connected") from error

    total, started, published = await _publish_at_rate(
        job["tenant_id"], float(job["rate"]), float(job["seconds"])
    )
    deadline = time.monotonic() + DRAIN_GRACE_SECONDS
    while time.monotonic() < deadline and any(count < total for count in counts):
        if all(task.done() for task in tasks):
            break  # every client was closed: nothing more will come
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    delays.sort()
    window = max(last_received, published) - started
    return {
        "clients": clients,
        "events": total,
        "publish_rate": total / max(published - started, 1e-9),
        "delivered": len(delays),
        "expected_deliveries": total * clients,
        "deliveries_per_second": len(delays) / max(window, 1e-9),
        "complete_clients": sum(1 for count in counts if count >= total),
        "dropped_clients": sum(1 for code in closed_codes if code == 1013),
        "p50_ms": percentile(delays, 50) * 1000,
        "p99_ms": percentile(delays, 99) * 1000,
        "max_ms": (delays[-1] if delays else float("nan")) * 1000,
        "load_process_cpu_seconds": time.process_time() - cpu_started,
        "window_seconds": window,
    }


def _load_process() -> None:
    """The child's side: the job on stdin (the token is never on a command line)."""
    job = json.loads(sys.stdin.readline())
    print(json.dumps(asyncio.run(_load(job))), flush=True)


# -- the gateway side ------------------------------------------------------------------


@asynccontextmanager
async def _throwaway_database(platform: PlatformSettings) -> AsyncIterator[str]:
    async with fresh_database(platform, f"bench_gateway_{uuid.uuid4().hex[:12]}") as url:
        # Alembic's env runs an event loop of its own: give it a thread.
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        yield url


@asynccontextmanager
async def _serve(app: FastAPI) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # The lifespan is LifespanManager's; uvicorn only serves.
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", backlog=4096))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        if not server.started:
            raise RuntimeError("uvicorn did not start")
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=30)
        sock.close()


def _slow_clients_dropped() -> float:
    return REGISTRY.get_sample_value("mia_gateway_live_slow_clients_dropped_total") or 0.0


async def _read_json_line(stream: asyncio.StreamReader, within: float) -> dict[str, Any]:
    async with asyncio.timeout(within):
        while True:
            line = await stream.readline()
            if not line:
                raise RuntimeError("the client process ended early")
            if line.startswith(b"{"):
                return dict(json.loads(line))


async def run_fanout(clients: int, rate: float, seconds: float) -> dict[str, float]:
    """Fan ``rate`` events/s for ``seconds`` s out to ``clients`` connections of one tenant.

    The gateway runs in this process; the clients and the producer in a child process,
    so the offered load does not depend on how busy the gateway is.
    """
    platform = PlatformSettings()
    async with _throwaway_database(platform) as database_url:
        settings = GatewaySettings(
            **{
                **platform.model_dump(),
                "database_url_override": database_url,
                "admin_email": f"bench-admin-{uuid.uuid4().hex[:8]}@example.com",
                "admin_password": PASSWORD,
                "log_level": "WARNING",
                "live_topics": [BENCH_TOPIC],
            }
        )
        app = create_app(settings)
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
            context = app.state.context
            async with asyncio.timeout(60):
                await context.live.wait_ready()
            email = f"bench-owner-{uuid.uuid4().hex[:8]}@example.com"
            async with unit_of_work(context.infra.sessions) as session:
                tenant, _ = await create_tenant_with_owner(
                    session=session,
                    name="Bench Company",
                    owner_email=email,
                    owner_password=PASSWORD,
                )
            async with _serve(app) as address:
                async with httpx.AsyncClient(base_url=f"http://{address}") as http:
                    response = await http.post(
                        "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
                    )
                    response.raise_for_status()
                job = {
                    "url": f"ws://{address}/api/v1/live",
                    "token": response.json()["access_token"],
                    "tenant_id": str(tenant.id),
                    "clients": clients,
                    "rate": rate,
                    "seconds": seconds,
                }
                dropped_before = _slow_clients_dropped()
                cpu_started = time.process_time()
                result = await _run_load_process(job, seconds)
                result["gateway_cpu_seconds"] = time.process_time() - cpu_started
                result["dropped_by_gateway"] = _slow_clients_dropped() - dropped_before
                return result


async def _run_load_process(job: dict[str, Any], seconds: float) -> dict[str, float]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        THIS_SCRIPT,
        "--load-process",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        child.stdin.write(json.dumps(job).encode() + b"\n")
        await child.stdin.drain()
        limit = CONNECT_TIMEOUT_SECONDS + seconds + DRAIN_GRACE_SECONDS + 60
        result = await _read_json_line(child.stdout, limit)
        await asyncio.wait_for(child.wait(), timeout=30)
        return {key: float(value) for key, value in result.items()}
    finally:
        if child.returncode is None:
            with suppress(ProcessLookupError):
                child.kill()
            await child.wait()


def main() -> None:
    if sys.argv[1:] == ["--load-process"]:
        _load_process()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    result = asyncio.run(run_fanout(args.clients, args.rate, args.seconds))
    print(
        f"live fan-out: {args.clients} clients, {result['events']:.0f} events at "
        f"{result['publish_rate']:.0f} ev/s to a benchmark topic, one tenant"
    )
    print(
        f"  deliveries        {result['delivered']:.0f} of {result['expected_deliveries']:.0f}"
        f" ({result['complete_clients']:.0f} clients got every event)"
    )
    print(f"  deliveries/s      {result['deliveries_per_second']:10.0f} (clients x events)")
    print(
        f"  delay ms          p50 {result['p50_ms']:.1f}  p99 {result['p99_ms']:.1f}"
        f"  max {result['max_ms']:.1f}  (publish -> received by a client)"
    )
    print(
        f"  dropped clients   {result['dropped_clients']:.0f} seen by clients,"
        f" {result['dropped_by_gateway']:.0f} counted by the gateway"
    )
    print(
        f"  cpu seconds       gateway {result['gateway_cpu_seconds']:.1f},"
        f" clients+producer {result['load_process_cpu_seconds']:.1f}"
        f" (over {result['window_seconds']:.1f} s of publishing and delivering)"
    )


if __name__ == "__main__":
    main()
