"""An importer for a test's tenant: upload a file, start it, wait for its job, read the
report and the contacts it wrote."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from sqlalchemy import select

from mia_common.testing import wait_until
from mia_crm.models import Contact, ContactTag, CrmTenantSettings, CustomField, Tag
from support.world import Caller, World

FINISHED = ("succeeded", "failed", "cancelled")


class Importer:
    def __init__(self, world: World) -> None:
        self.world = world
        self.sessions = world.app.state.context.infra.sessions

    async def upload(
        self,
        data: bytes,
        *,
        caller: Caller | None = None,
        content_type: str = "text/csv",
        filename: str | None = "contacts.csv",
    ) -> dict[str, Any]:
        params = {"filename": filename} if filename else {}
        response = await self.world.client.post(
            "/api/v1/imports",
            content=data,
            params=params,
            headers={**(caller or self.world.agent).headers, "Content-Type": content_type},
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def start(
        self, import_id: str, body: dict[str, Any], *, caller: Caller | None = None
    ) -> dict[str, Any]:
        response = await self.world.client.post(
            f"/api/v1/imports/{import_id}/start",
            json=body,
            headers=(caller or self.world.agent).headers,
        )
        assert response.status_code == 202, response.text
        return dict(response.json())

    async def finished(self, job_id: str, *, wait: float = 60) -> dict[str, Any]:
        async def done() -> dict[str, Any] | None:
            job = await self.world.get(f"/api/v1/jobs/{job_id}")
            return dict(job) if job["status"] in FINISHED else None

        return await wait_until(done, timeout=wait, message=f"job {job_id} finished")

    async def run(
        self, data: bytes, body: dict[str, Any], **upload: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Upload, start with ``body`` and wait: (the import after, its job)."""
        uploaded = await self.upload(data, **upload)
        started = await self.start(uploaded["id"], body)
        job = await self.finished(started["job_id"])
        assert job["status"] == "succeeded", job
        return await self.world.get(f"/api/v1/imports/{uploaded['id']}"), job

    async def report(self, import_id: str) -> list[list[str]]:
        response = await self.world.client.get(
            f"/api/v1/imports/{import_id}/rejections.csv", headers=self.world.agent.headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text, newline="")))

    async def contacts(self) -> dict[str, Contact]:
        """The tenant's contacts by phone (or by user id when they have no phone)."""
        async with self.sessions() as session:
            found = (
                await session.scalars(
                    select(Contact).where(Contact.tenant_id == self.world.tenant_id)
                )
            ).all()
        return {(c.phone or c.channel_user_id or str(c.id)): c for c in found}

    async def tags_of(self, contact_id: uuid.UUID) -> set[uuid.UUID]:
        async with self.sessions() as session:
            return set(
                (
                    await session.scalars(
                        select(ContactTag.tag_id).where(ContactTag.contact_id == contact_id)
                    )
                ).all()
            )

    async def contact(self, **values: Any) -> Contact:
        async with self.sessions() as session, session.begin():
            contact = Contact(tenant_id=self.world.tenant_id, **values)
            session.add(contact)
        return contact

    async def tag(self, name: str) -> Tag:
        async with self.sessions() as session, session.begin():
            tag = Tag(tenant_id=self.world.tenant_id, name=name, color="#336699")
            session.add(tag)
        return tag

    async def field(
        self, key: str, label: str, kind: str, options: list[str] | None = None
    ) -> CustomField:
        async with self.sessions() as session, session.begin():
            position = len(
                (
                    await session.scalars(
                        select(CustomField.id).where(CustomField.tenant_id == self.world.tenant_id)
                    )
                ).all()
            )
            field = CustomField(
                tenant_id=self.world.tenant_id,
                key=key,
                label=label,
                kind=kind,
                options=options,
                position=position,
            )
            session.add(field)
        return field

    async def default_country(self, country: str) -> None:
        async with self.sessions() as session, session.begin():
            session.add(
                CrmTenantSettings(
                    tenant_id=self.world.tenant_id,
                    default_country=country,
                    marketing_requires_consent=True,
                    opt_out_keywords=["STOP"],
                    opt_in_keywords=["START"],
                )
            )
