"""Building and watching cadences in a test's world."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from mia_campaigns.models import Enrollment
from mia_common.contracts import Envelope
from mia_common.db import create_engine, create_session_factory
from mia_common.testing import wait_until
from support.world import Caller, World

__all__ = ["Drip", "send", "wait"]


def send(body: str) -> dict[str, Any]:
    return {"type": "send", "message": {"type": "text", "body": body}}


def wait(seconds: int) -> dict[str, Any]:
    return {"type": "wait", "amount": seconds, "unit": "seconds"}


class Drip:
    """One world's cadences through the API, and their enrollments as the database has them."""

    def __init__(self, world: World) -> None:
        self.world = world

    def body(self, steps: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
        return {
            "name": "Boas-vindas",
            "channel": "whatsapp_cloud",
            "channel_account_id": str(self.world.account_id),
            "time_zone": "America/Sao_Paulo",
            "steps": steps,
            **overrides,
        }

    async def create(
        self, steps: list[dict[str, Any]], *, activate: bool = True, **overrides: Any
    ) -> dict[str, Any]:
        client, headers = self.world.client, self.world.manager.headers
        response = await client.post(
            "/api/v1/cadences", json=self.body(steps, **overrides), headers=headers
        )
        assert response.status_code == 201, response.text
        cadence = dict(response.json())
        if activate:
            cadence = await self.act(cadence["id"], "activate")
        return cadence

    async def act(self, cadence_id: str, action: str) -> dict[str, Any]:
        response = await self.world.client.post(
            f"/api/v1/cadences/{cadence_id}/{action}", headers=self.world.manager.headers
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def enroll(
        self, cadence_id: str, contacts: list[dict[str, Any]], caller: Caller | None = None
    ) -> dict[str, Any]:
        response = await self.world.client.post(
            f"/api/v1/cadences/{cadence_id}/enrollments",
            json={"contact_ids": [c["id"] for c in contacts]},
            headers=(caller or self.world.manager).headers,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def enrollments(self, cadence_id: str, **params: Any) -> list[dict[str, Any]]:
        response = await self.world.client.get(
            f"/api/v1/cadences/{cadence_id}/enrollments",
            params={"limit": 200, **params},
            headers=self.world.manager.headers,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    async def of(self, cadence_id: str, contact: dict[str, Any]) -> dict[str, Any]:
        (row,) = [e for e in await self.enrollments(cadence_id) if e["contact_id"] == contact["id"]]
        return row

    async def until(
        self,
        cadence_id: str,
        contact: dict[str, Any],
        state: str,
        timeout: float = 20,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            rows = [
                e for e in await self.enrollments(cadence_id) if e["contact_id"] == contact["id"]
            ]
            return rows[0] if rows and rows[0]["state"] == state else None

        return await wait_until(reached, timeout=timeout, message=f"enrollment {state}")

    def bodies_to(self, contact: dict[str, Any]) -> list[str]:
        """The texts the sender got for ``contact``, in order (repeats included)."""
        return [
            getattr(r.content, "body", "")
            for r in self.world.sender.requests(self.world.account_id)
            if r.to == contact["phone"]
        ]

    async def sent_count_reaches(self, contact: dict[str, Any], count: int) -> None:
        await wait_until(
            lambda: len(self.bodies_to(contact)) >= count or None,
            timeout=20,
            message=f"{count} messages to {contact['phone']}",
        )

    async def due_now(self, cadence_id: str) -> None:
        """Bring every active enrollment's timer to now: time passes, for a test."""
        await self._execute(
            update(Enrollment)
            .where(Enrollment.cadence_id == uuid.UUID(cadence_id), Enrollment.state == "active")
            .values(due_at=datetime.now(UTC))
        )

    async def due_times(self, cadence_id: str) -> list[datetime | None]:
        engine = create_engine(self.world.settings.own_database_url, pool_size=1)
        try:
            async with create_session_factory(engine)() as session:
                return list(
                    await session.scalars(
                        select(Enrollment.due_at).where(
                            Enrollment.cadence_id == uuid.UUID(cadence_id)
                        )
                    )
                )
        finally:
            await engine.dispose()

    async def _execute(self, statement: Any) -> None:
        engine = create_engine(self.world.settings.own_database_url, pool_size=1)
        try:
            async with create_session_factory(engine)() as session, session.begin():
                await session.execute(statement)
        finally:
            await engine.dispose()

    async def publish(self, topic: str, envelope: Envelope[Any], key: str) -> None:
        await self.world.publish(topic, envelope, key)
