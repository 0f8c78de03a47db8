"""The cadences' durable timers: every campaigns process claims due enrollments and walks them.

A round claims up to ``batch`` active enrollments whose ``due_at`` has come, in active
cadences, with ``FOR UPDATE SKIP LOCKED``: another process's claim is left to it, so a step
fires once however many processes run. Each claimed row is walked (``steps.advance``) and
its send request staged in the outbox in the same transaction: a crash before the commit
leaves the row due (walked again, same request id), a crash after it leaves the request
stored for the relay. The timers live in PostgreSQL, so a restart loses none.

Filter branches ask the crm after the claim's commit (no lock held over a network call),
all the rows waiting on the same branch in one member request; the rows are then claimed
again, and walked on with the verdicts if they are still at that branch.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_campaigns.audiences.crm import CrmMembers
from mia_campaigns.cadences.outcomes import retry_delay
from mia_campaigns.cadences.schemas import CadenceStatus, EnrollmentState
from mia_campaigns.cadences.steps import CompiledSteps, Needs, advance, finish
from mia_campaigns.campaigns.errors import AudienceRejected, AudienceUnavailable
from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Cadence, Enrollment
from mia_common.db import unit_of_work
from mia_common.identity import Identity, Role
from mia_common.outbox import StagedEvent, add_events
from mia_common.rounds import RoundLoop

__all__ = ["CONDITION_ATTEMPTS", "CadenceTimers"]

CONDITION_ATTEMPTS = 5
"""Rounds a branch may find the crm unreachable before the enrollment fails."""

_Verdicts = dict[tuple[uuid.UUID, int], bool]


class CadenceTimers:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        events: CampaignEvents,
        crm: CrmMembers,
        tick_seconds: float = 1.0,
        batch: int = 200,
        outcome_timeout: timedelta = timedelta(minutes=10),
        retry_seconds: float = 30.0,
    ) -> None:
        self._sessions = sessions
        self._events = events
        self._crm = crm
        self._batch = batch
        self._outcome_timeout = outcome_timeout
        self._retry_seconds = retry_seconds
        self._compiled = CompiledSteps()
        self._loop = RoundLoop("cadence-timers", self._rounds, tick_seconds=tick_seconds)

    def wake(self) -> None:
        self._loop.wake()

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _rounds(self) -> None:
        # A full batch means more may be due: go again without waiting.
        while await self.run_once() >= self._batch:
            pass

    async def run_once(self, now: datetime | None = None) -> int:
        """One round; how many enrollments it claimed."""
        now = now or datetime.now(UTC)
        claimed, needs = await self._walk(now, ids=None, verdicts={})
        if needs:
            verdicts, failures = await self._ask_crm(needs)
            await self._walk(
                now,
                ids=[n.enrollment_id for n in needs],
                verdicts=verdicts,
                failures=failures,
                expected={n.enrollment_id: n for n in needs},
            )
        return claimed

    async def _walk(
        self,
        now: datetime,
        *,
        ids: list[uuid.UUID] | None,
        verdicts: _Verdicts,
        failures: dict[uuid.UUID, str] | None = None,
        expected: dict[uuid.UUID, Needs] | None = None,
    ) -> tuple[int, list[Needs]]:
        query = (
            select(Enrollment, Cadence)
            .join(Cadence, Cadence.id == Enrollment.cadence_id)
            .where(
                Enrollment.state == EnrollmentState.ACTIVE.value,
                Enrollment.due_at <= now,
                Cadence.status == CadenceStatus.ACTIVE.value,
            )
            .order_by(Enrollment.due_at)
            .limit(self._batch)
            .with_for_update(of=Enrollment, skip_locked=True)
        )
        if ids is not None:
            query = query.where(Enrollment.id.in_(ids))
        needs: list[Needs] = []
        async with unit_of_work(self._sessions) as session:
            rows = (await session.execute(query)).all()
            staged: list[StagedEvent] = []
            for row, cadence in rows:
                if expected is not None:
                    wanted = expected[row.id]
                    if row.step_index != wanted.step_index or row.awaiting_request_id:
                        continue  # it moved on since (a reply, an edit): walk it afresh later
                    problem = (failures or {}).get(row.id)
                    if problem is not None:
                        self._condition_failed(row, problem, now)
                        continue
                walked = advance(
                    row,
                    cadence,
                    now=now,
                    compiled=self._compiled,
                    verdicts=verdicts,
                    outcome_timeout=self._outcome_timeout,
                )
                if walked.send is not None:
                    staged.append(self._events.send(tenant_id=row.tenant_id, request=walked.send))
                if walked.needs is not None and expected is None:
                    needs.append(walked.needs)
            if staged:
                await add_events(session, staged)
        return len(rows), needs

    def _condition_failed(self, row: Enrollment, problem: str, now: datetime) -> None:
        if problem.startswith("invalid:"):
            finish(
                row,
                EnrollmentState.FAILED,
                now,
                reason="condition_invalid",
                detail=problem.removeprefix("invalid:"),
            )
            return
        row.attempts += 1
        if row.attempts >= CONDITION_ATTEMPTS:
            finish(row, EnrollmentState.FAILED, now, reason="condition_unavailable", detail=problem)
            return
        row.due_at = now + retry_delay(row.attempts, self._retry_seconds)
        row.updated_at = now

    async def _ask_crm(self, needs: list[Needs]) -> tuple[_Verdicts, dict[uuid.UUID, str]]:
        """The crm's verdicts, one member request per branch; failures by enrollment."""
        async with self._sessions() as session:
            rows = (
                await session.execute(
                    select(Enrollment.id, Enrollment.contact_id, Cadence)
                    .join(Cadence, Cadence.id == Enrollment.cadence_id)
                    .where(Enrollment.id.in_([n.enrollment_id for n in needs]))
                )
            ).all()
        by_branch: dict[tuple[uuid.UUID, int], list[tuple[uuid.UUID, uuid.UUID]]] = defaultdict(
            list
        )
        cadences: dict[uuid.UUID, Cadence] = {}
        step_of = {n.enrollment_id: n for n in needs}
        for enrollment_id, contact_id, cadence in rows:
            cadences[cadence.id] = cadence
            by_branch[(cadence.id, step_of[enrollment_id].step_index)].append(
                (enrollment_id, contact_id)
            )
        verdicts: _Verdicts = {}
        failures: dict[uuid.UUID, str] = {}
        for (cadence_id, step_index), people in by_branch.items():
            cadence = cadences[cadence_id]
            identity = Identity(
                user_id=cadence.created_by_user_id, tenant_id=cadence.tenant_id, role=Role.manager
            )
            audience = {
                "kind": "filter",
                "filter": step_of[people[0][0]].filter,
                "contact_ids": [contact for _, contact in people],
            }
            try:
                async with self._crm.request(identity, audience, fields=[]) as stream:
                    matched = {line["id"] async for line in stream.lines()}
            except AudienceRejected as exc:
                failures.update({enrollment: f"invalid:{exc.detail}" for enrollment, _ in people})
                continue
            except AudienceUnavailable as exc:
                failures.update({enrollment: exc.detail for enrollment, _ in people})
                continue
            for enrollment, contact in people:
                verdicts[(enrollment, step_index)] = str(contact) in matched
        return verdicts, failures
