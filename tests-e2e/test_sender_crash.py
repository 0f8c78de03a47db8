"""Killing the sender in the middle of a burst neither loses nor duplicates a message.

The sender runs as its own process; SIGKILL gives it no chance to finish anything. After
a restart, sends it had marked in flight are neither resent blindly nor forgotten: the
sandbox's status webhooks (through meta-ingest) prove which ones Meta accepted.
"""

from __future__ import annotations

import uuid

import pytest

from mia_common.contracts import (
    Channel,
    Envelope,
    SendOrigin,
    SendRequest,
    TemplateContent,
)
from mia_common.contracts.topics import MESSAGES_OUTCOME, MESSAGES_SEND
from mia_common.settings import PlatformSettings
from mia_common.testing import TopicReader, wait_until
from mia_meta_sandbox.client import SandboxClient
from support.channels import connect_sandbox_number
from support.kafka import publish_envelopes
from support.stack import messaging_stack

SENDS = 1000
KILL_AFTER = 300


def _request(tenant_id: uuid.UUID, account_id: uuid.UUID, index: int) -> Envelope[SendRequest]:
    return Envelope[SendRequest](
        type="messages.send.v1",
        source="/tests-e2e",
        tenantid=tenant_id,
        data=SendRequest(
            request_id=uuid.uuid4(),
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=account_id,
            to=f"+55119{index:08d}",
            content=TemplateContent(name="order_update", language="pt_BR"),
            origin=SendOrigin.CAMPAIGN,
            origin_ref="e2e-crash",
        ),
    )


@pytest.mark.timeout(420)
async def test_a_killed_sender_sends_each_message_exactly_once(
    platform_settings: PlatformSettings,
) -> None:
    env = {
        # A dead process's account lease is taken over quickly.
        "MIA_SENDER_LEASE_SECONDS": "3",
        # Long enough for the sandbox's 'sent' status to reconcile an in-flight send.
        "MIA_SENDER_RECONCILE_WINDOW_SECONDS": "20",
        "MIA_SANDBOX_STATUS_DELAYS": "0.1,0.3,",
    }
    services = ("meta-sandbox", "meta-ingest", "sender")
    async with messaging_stack(platform_settings, services, env) as stack:
        sandbox = SandboxClient(stack["meta-sandbox"].url)
        tenant = uuid.uuid4()
        number = await connect_sandbox_number(stack, sandbox, tenant, throughput_per_second=200)
        requests = [_request(tenant, number.account_id, i) for i in range(SENDS)]
        wanted = {str(r.data.request_id) for r in requests}

        async with TopicReader(stack.kafka.bootstrap, MESSAGES_OUTCOME.name) as outcomes:
            await publish_envelopes(
                stack.kafka.bootstrap,
                MESSAGES_SEND.name,
                [(str(number.account_id).encode(), r) for r in requests],
            )

            async def accepted_by_meta() -> int:
                return (await sandbox.number_stats(number.phone_number_id)).accepted

            async def well_under_way() -> bool:
                return await accepted_by_meta() >= KILL_AFTER

            await wait_until(well_under_way, timeout=60, message=f"{KILL_AFTER} sends at Meta")
            await stack["sender"].kill()
            at_kill = await accepted_by_meta()
            assert at_kill < SENDS, "the burst was over before the kill: nothing was tested"
            await stack["sender"].start()

            def every_outcome_accepted() -> bool:
                done = {
                    o.data["request_id"] for o in outcomes.records if o.data["result"] == "accepted"
                }
                return wanted <= done

            await wait_until(every_outcome_accepted, timeout=240, message="1,000 outcomes")

        stats = await sandbox.number_stats(number.phone_number_id)
        sent = await sandbox.sent(phone_number_id=number.phone_number_id)
        per_request: dict[str, int] = {}
        for message in sent:
            key = message.biz_opaque_callback_data or ""
            per_request[key] = per_request.get(key, 0) + 1
        assert set(per_request) == wanted, "every request reached Meta"
        twice = {key for key, count in per_request.items() if count > 1}
        if twice:  # what a post-mortem needs, with the services' logs
            for message in sent:
                if message.biz_opaque_callback_data in twice:
                    hooks = await sandbox.webhooks(wamid=message.wamid)
                    print(
                        "DUP",
                        message.biz_opaque_callback_data,
                        message.wamid,
                        message.accepted_at,
                        [(h.status, h.state, h.attempts, h.last_status_code) for h in hooks],
                    )
        assert not twice, f"requests that reached Meta twice: {sorted(twice)}"
        assert stats.accepted == SENDS
        assert stats.duplicate_callback_sends == 0
        await sandbox.aclose()
