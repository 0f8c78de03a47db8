"""Campaign fan-out: messages a second from launch to completed, campaigns' memory while
it sends, how fast a pause takes effect, and a ceiling (the same messages' Kafka round
trip through the same stand-in sender, with no campaign around them).

usage: .venv/bin/python bench/campaign_fanout.py [--recipients 20000] [--window 200]
                                                  [--pause-recipients 5000]

Targets (issue 13): >= 500 msg/s; memory flat (< 200 MB) whatever the audience; a pause
takes effect within one second, at most the in-flight window after it.

Needs the local PostgreSQL, Redis and Kafka (`deploy/local/infra.sh up`). Starts campaigns
as a real uvicorn process (as ``tests-e2e/support`` does) on a database and Kafka topics of
its own (dropped at the end). The crm and the sender are the stand-ins of campaigns' own
tests (``services/campaigns/tests/support``): the crm's member stream as NDJSON, and a
sender that answers every send request with an accepted outcome at once, so the figure is
campaigns' own (ledger, outbox, relay, outcomes), not Meta's 80 msg/s pace.

Timed: from the launch request (which freezes the audience: timed apart) to the moment the
campaign reads completed. Memory: campaigns' resident set (``/proc/<pid>/status``) sampled
as it sends, and its peak (VmHWM). Pause: a second campaign is paused after
``--pause-after`` sends; the figure is the time from the pause's answer to the last send
request that reached the sender, and how many arrived after it (at most the window).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from types import ModuleType

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests-e2e"))

from mia_common.contracts import Channel, Envelope, SendOrigin, SendRequest, TextContent  # noqa: E402
from mia_common.contracts.topics import Topic  # noqa: E402
from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token  # noqa: E402
from mia_common.messaging.admin import delete_topics, ensure_topics  # noqa: E402
from mia_common.settings import PlatformSettings  # noqa: E402
from mia_common.testing.postgres import fresh_database  # noqa: E402
from mia_common.testing.spare_kafka import free_port  # noqa: E402
from support.processes import ServiceProcess  # noqa: E402


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


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def migrate(url: str) -> None:
    process = await asyncio.create_subprocess_exec(
        str(ROOT / ".venv" / "bin" / "alembic"),
        "-c",
        str(ROOT / "services" / "campaigns" / "alembic.ini"),
        "upgrade",
        "head",
        cwd=str(ROOT / "services" / "campaigns"),
        env={**os.environ, "MIA_DATABASE_URL_OVERRIDE": url},
    )
    assert await process.wait() == 0, "campaigns' migrations failed"


class Api:
    def __init__(self, base: str, secret: str) -> None:
        self.tenant_id = uuid.uuid4()
        identity = Identity(user_id=uuid.uuid4(), tenant_id=self.tenant_id, role=Role.owner)
        token = issue_identity_token(identity, secret=secret, ttl_seconds=3600)
        self.http = httpx.AsyncClient(base_url=base, headers={IDENTITY_HEADER: token}, timeout=600)

    async def campaign(self, account_id: uuid.UUID, contact_ids: list[str], window: int) -> str:
        response = await self.http.post(
            "/api/v1/campaigns",
            json={
                "name": "bench",
                "channel": "whatsapp_cloud",
                "channel_account_id": str(account_id),
                "message": {"type": "text", "body": "Oi {{first_name|cliente}}, novidades!"},
                "audience": {"kind": "filter", "filter": {"all": []}},
                "in_flight_limit": window,
            },
        )
        response.raise_for_status()
        return str(response.json()["id"])

    async def status(self, campaign_id: str) -> dict[str, object]:
        return dict((await self.http.get(f"/api/v1/campaigns/{campaign_id}")).json())


async def fan_out(
    api: Api, crm: FakeCrm, sender: FakeSender, pid: int, recipients: int, window: int
) -> float:
    account_id = uuid.uuid4()
    contacts = crm.add(
        api.tenant_id,
        [member(phone=f"+55119{i:08d}", name=f"Pessoa {i}") for i in range(recipients)],
    )
    campaign_id = await api.campaign(account_id, [c["id"] for c in contacts], window)
    rss_before = rss_mb(pid)
    cpu_before = cpu_seconds(pid)
    started = time.perf_counter()
    launched = await api.http.post(f"/api/v1/campaigns/{campaign_id}/launch")
    launched.raise_for_status()
    frozen = time.perf_counter() - started
    samples: list[tuple[int, float]] = []
    marks = {25, 50, 75, 100}
    while True:
        done = len(sender.requests(account_id))
        share = 100 * done // recipients
        for mark in sorted(marks):
            if share >= mark:
                samples.append((mark, rss_mb(pid)))
                marks.discard(mark)
        state = await api.status(campaign_id)
        if state["status"] == "completed":
            break
        await asyncio.sleep(0.1)
    took = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu_before
    sent = Counter(r.to for r in sender.requests(account_id))
    rate = recipients / took
    print(f"fan-out          {recipients:,} recipients, window {window}")
    print(f"  launch (freeze the audience): {frozen:.2f} s ({recipients / frozen:,.0f} rows/s)")
    print(f"  launch -> completed: {took:.2f} s = {rate:,.0f} msg/s   (target >= 500)")
    print(f"  campaigns CPU: {cpu * 1e6 / recipients:.0f} µs a message")
    print(
        "  exactly once: "
        + ("yes" if len(sent) == recipients and set(sent.values()) == {1} else "NO")
    )
    print(
        f"  memory: {rss_before:.0f} MB before; "
        + ", ".join(f"{mark}%: {mb:.0f} MB" for mark, mb in samples)
        + f"; peak {rss_mb(pid, 'VmHWM'):.0f} MB   (target < 200, flat)"
    )
    return rate


async def pause(
    api: Api, crm: FakeCrm, sender: FakeSender, recipients: int, window: int, after: int
) -> None:
    account_id = uuid.uuid4()
    crm.tenant(api.tenant_id).contacts.clear()
    crm.add(
        api.tenant_id, [member(phone=f"+55218{i:08d}", name=f"P {i}") for i in range(recipients)]
    )
    campaign_id = await api.campaign(account_id, [], window)
    (await api.http.post(f"/api/v1/campaigns/{campaign_id}/launch")).raise_for_status()
    while len(sender.requests(account_id)) < after:  # noqa: ASYNC110
        await asyncio.sleep(0.005)
    (await api.http.post(f"/api/v1/campaigns/{campaign_id}/pause")).raise_for_status()
    paused_at = time.monotonic()
    count_at_pause = len(sender.requests(account_id))
    # Settled: nothing requested is left in the ledger and nothing arrived for 2 s.
    while True:
        state = await api.status(campaign_id)
        counts = state["counts"]
        assert isinstance(counts, dict)
        arrivals = sender.account(account_id).arrivals
        if "requested" not in counts and time.monotonic() - arrivals[-1] > 2.0:
            break
        await asyncio.sleep(0.1)
    arrivals = sender.account(account_id).arrivals
    after_pause = len(arrivals) - count_at_pause
    last = max(0.0, arrivals[-1] - paused_at)
    (await api.http.post(f"/api/v1/campaigns/{campaign_id}/resume")).raise_for_status()
    while (await api.status(campaign_id))["status"] != "completed":  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    sent = Counter(r.to for r in sender.requests(account_id))
    print(f"pause            {recipients:,} recipients, window {window}, after {after:,}")
    print(
        f"  after the pause's answer: {after_pause} more requests (window {window}),"
        f" the last {last * 1000:.0f} ms later   (target < 1,000 ms)"
    )
    print(
        "  after resume, exactly once: "
        + ("yes" if len(sent) == recipients and set(sent.values()) == {1} else "NO")
    )


async def ceiling(
    bootstrap: str, topics: dict[str, Topic], sender: FakeSender, count: int
) -> float:
    """The transport alone: ``count`` send requests published as campaigns' relay would
    (batched, acks=all) to the stand-in sender, and its outcomes read back."""
    account_id = uuid.uuid4()
    tenant_id = uuid.uuid4()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None)
    outcome_topic = topics["MIA_CAMPAIGNS_OUTCOME_TOPIC"].name
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    await producer.start()
    partitions = await producer.partitions_for(outcome_topic)
    assigned = [TopicPartition(outcome_topic, p) for p in partitions]
    consumer.assign(assigned)
    await consumer.start()
    await consumer.seek_to_end(*assigned)
    for partition in assigned:
        await consumer.position(partition)
    started = time.perf_counter()
    futures = []
    for i in range(count):
        request = SendRequest(
            request_id=uuid.uuid4(),
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=account_id,
            to=f"+55319{i:08d}",
            content=TextContent(body=f"Oi Pessoa {i}, novidades!"),
            origin=SendOrigin.CAMPAIGN,
        )
        envelope = Envelope[SendRequest](
            type="messages.send.v1", source="/bench", tenantid=tenant_id, data=request
        )
        futures.append(
            await producer.send(
                topics["MIA_CAMPAIGNS_SEND_TOPIC"].name,
                envelope.model_dump_json().encode(),
                key=str(account_id).encode(),
            )
        )
    await asyncio.gather(*futures)
    seen = 0
    while seen < count:
        batch = await consumer.getmany(timeout_ms=200)
        seen += sum(len(records) for records in batch.values())
    took = time.perf_counter() - started
    await consumer.stop()
    await producer.stop()
    return count / took


async def run(args: argparse.Namespace) -> None:
    platform = PlatformSettings()
    run_id = uuid.uuid4().hex[:8]
    bootstrap = platform.kafka_bootstrap_servers
    topics = {
        f"MIA_CAMPAIGNS_{name}_TOPIC": Topic(f"bench.{run_id}.{suffix}", 3, key="x")
        for name, suffix in {
            "SEND": "messages.send.v1",
            "OUTCOME": "messages.outcome.v1",
            "STATUS": "messages.status.v1",
            "INBOUND": "messages.inbound.v1",
            "CONTACTS": "contacts.events.v1",
            "CAMPAIGNS": "campaigns.events.v1",
        }.items()
    }
    await ensure_topics(bootstrap, topics.values())
    secret = platform.identity_token_secret.get_secret_value()
    crm = FakeCrm(secret)
    await crm.start()
    sender = FakeSender(
        bootstrap,
        send_topic=topics["MIA_CAMPAIGNS_SEND_TOPIC"].name,
        outcome_topic=topics["MIA_CAMPAIGNS_OUTCOME_TOPIC"].name,
    )
    await sender.start()
    try:
        async with fresh_database(platform, f"bench_{run_id}_campaigns") as url:
            await migrate(url)
            env = {
                "MIA_DATABASE_URL_OVERRIDE": url,
                "MIA_CAMPAIGNS_CONSUMER_GROUP": f"bench-campaigns-{run_id}",
                "MIA_CAMPAIGNS_CRM_URL": crm.url,
                "MIA_LOG_LEVEL": "WARNING",
                **{name: topic.name for name, topic in topics.items()},
            }
            process = ServiceProcess(
                "campaigns", "mia_campaigns.main:create_app", free_port(), env, run_id
            )
            await process.start()
            try:
                assert process._process is not None
                api = Api(process.url, secret)
                rate = await fan_out(
                    api, crm, sender, process._process.pid, args.recipients, args.window
                )
                await pause(api, crm, sender, args.pause_recipients, args.window, args.pause_after)
            finally:
                await process.stop()
        top = await ceiling(bootstrap, topics, sender, args.recipients)
        print(
            f"ceiling          the same {args.recipients:,} requests' Kafka round trip:"
            f" {top:,.0f} msg/s"
        )
        print(f"ratio            fan-out / ceiling = {rate / top:.2f}")
    finally:
        await sender.stop()
        await crm.stop()
        await delete_topics(
            bootstrap, [name for t in topics.values() for name in (t.name, t.dead_letter)]
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=200)
    parser.add_argument("--pause-recipients", type=int, default=5_000)
    parser.add_argument("--pause-after", type=int, default=1_000)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
