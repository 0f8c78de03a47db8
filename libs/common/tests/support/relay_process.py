"""Runs one outbox relay pass in its own process; optionally dies at a given stage.

usage: relay_process.py DATABASE_URL BOOTSTRAP [STAGE]
Exit code 70 means the process killed itself at STAGE (``os._exit``: no cleanup, no
flush, no commit: as close to ``kill -9`` as the stage can be pinned).
"""

from __future__ import annotations

import asyncio
import os
import sys

from mia_common.db import create_engine, create_session_factory
from mia_common.messaging import create_broker, stop_broker
from mia_common.outbox import OutboxRelay, RelayStage
from mia_common.settings import PlatformSettings

CRASH_EXIT_CODE = 70


async def main(database_url: str, bootstrap: str, crash_at: str | None) -> int:
    engine = create_engine(database_url, pool_size=1)
    broker = create_broker(PlatformSettings(kafka_bootstrap_servers=bootstrap), client_id="relay")
    await broker.start()

    def on_stage(stage: RelayStage) -> None:
        if stage == crash_at:
            os._exit(CRASH_EXIT_CODE)

    relay = OutboxRelay(
        session_factory=create_session_factory(engine), broker=broker, on_stage=on_stage
    )
    published = await relay.publish_pending()
    print(f"published {published}")
    await stop_broker(broker)
    await engine.dispose()
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    raise SystemExit(asyncio.run(main(args[0], args[1], args[2] if len(args) > 2 else None)))
