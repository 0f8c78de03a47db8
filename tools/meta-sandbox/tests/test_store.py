"""The statistics the pacing benchmark and the exactly-once tests read."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from mia_meta_sandbox.store import SendLedger, SentMessage, max_in_one_second
from mia_meta_sandbox.testing import SandboxHandle
from support.constants import PHONE_NUMBER_ID, text_send


def test_max_in_one_second_slides_over_the_timestamps() -> None:
    assert max_in_one_second([]) == 0
    assert max_in_one_second([5.0]) == 1
    # Windows are (t - 1, t]: 0.0 and 1.0 are one second apart, never together.
    assert max_in_one_second([0.0, 1.0, 2.0, 3.0]) == 1
    assert max_in_one_second([0.0, 0.5, 0.99, 1.0, 1.5, 2.6]) == 3
    assert max_in_one_second([0.0, 0.1, 0.2, 5.0, 5.1, 5.2, 5.3, 9.0]) == 4


def _sent(wamid: str, at: float, callback: str | None) -> SentMessage:
    return SentMessage(
        wamid=wamid,
        phone_number_id=PHONE_NUMBER_ID,
        to="5511987654321",
        recipient=None,
        wa_id="5511987654321",
        user_id=None,
        type="text",
        body={},
        biz_opaque_callback_data=callback,
        accepted_at=datetime.fromtimestamp(1_800_000_000 + at, UTC),
        accepted_monotonic=at,
    )


def test_tally_counts_duplicates_refusals_and_seconds() -> None:
    ledger = SendLedger()
    for index, (at, callback) in enumerate(
        [(0.0, "a"), (0.2, "a"), (0.4, "a"), (0.6, "b"), (1.5, "b"), (1.7, "c"), (1.8, None)]
    ):
        ledger.record_accepted(_sent(f"wamid.{index}", at, callback))
    ledger.record_refused(PHONE_NUMBER_ID, "130429")
    ledger.record_refused(PHONE_NUMBER_ID, "130429")
    ledger.record_refused(PHONE_NUMBER_ID, "timeout")

    tally = ledger.tally(PHONE_NUMBER_ID)

    assert tally.accepted == 7
    assert tally.refused == {"130429": 2, "timeout": 1}
    assert tally.duplicate_callback_values == 2  # "a" three times, "b" twice
    assert tally.duplicate_callback_sends == 3
    assert tally.max_per_second == 4  # 0.0, 0.2, 0.4 and 0.6
    assert tally.per_second == {1_800_000_000: 4, 1_800_000_001: 3}


async def test_stats_report_the_sends_of_each_number(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    await asyncio.gather(
        *(
            graph.post(
                f"/{PHONE_NUMBER_ID}/messages",
                json=text_send(biz_opaque_callback_data=f"cb-{index % 4}"),
            )
            for index in range(6)
        )
    )

    stats = await sandbox.client.stats()

    number = stats.numbers[PHONE_NUMBER_ID]
    assert number.accepted == 6
    assert number.max_per_second == 6
    assert sum(number.per_second.values()) == 6
    assert number.duplicate_callback_values == 2
    assert number.duplicate_callback_sends == 2
    assert len(await sandbox.client.sent(biz_opaque_callback_data="cb-0")) == 2
    assert len(await sandbox.client.sent(to="+55 11 98765-4321")) == 6


async def test_sent_pages_through_every_send(
    sandbox: SandboxHandle, graph: httpx.AsyncClient
) -> None:
    for index in range(5):
        await graph.post(f"/{PHONE_NUMBER_ID}/messages", json=text_send(body=f"#{index}"))

    sent = await sandbox.client.sent(limit=2)

    assert [m.body["text"]["body"] for m in sent] == ["#0", "#1", "#2", "#3", "#4"]
