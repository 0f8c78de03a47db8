"""One enrollment's due steps, walked until it has to wait: a send, a wait, the end.

``advance`` runs inside the timers' transaction, on a row they hold locked, and only
changes that row: what it sends is returned for the same transaction to stage in the
outbox. A send leaves the row waiting for its outcome (``awaiting_request_id``); the
outcome moves it on (``outcomes``). Should no outcome come in time, the same request goes
again under the same id, which the sender sends at most once. A branch on a crm filter
cannot be answered under the lock (it asks the crm): ``advance`` says so (``Needs``) and
the timers come back with the verdict.

Branches only go forward (``schemas.check_steps``), so a walk ends within the steps.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from mia_campaigns.cadences.schedule import next_open, next_weekday_time, wait_delta, zone_of
from mia_campaigns.cadences.schemas import EnrollmentState
from mia_campaigns.models import Cadence, Enrollment
from mia_campaigns.sending.messages import CampaignMessage, compile_message
from mia_campaigns.templates.rendering import MissingVariable
from mia_common.contracts import Channel, SendOrigin, SendRequest

__all__ = ["Needs", "Walked", "advance", "finish", "note", "step_request_id"]

_NAMESPACE = uuid.UUID("3f1c9a52-7d4e-4b0a-9e21-636164656e63")
_COMPILED_KEPT = 5_000


@dataclass(frozen=True)
class Needs:
    """The crm's verdict on a filter branch, before the walk can go on."""

    enrollment_id: uuid.UUID
    step_index: int
    filter: dict[str, Any]


@dataclass(frozen=True)
class Walked:
    send: SendRequest | None = None
    needs: Needs | None = None


def step_request_id(
    enrollment_id: uuid.UUID, step_index: int, attempt: int, round_: int = 0
) -> uuid.UUID:
    """The send request of one attempt at one step of one walk: the same on every replay of
    it, another for a walk after the person was enrolled again."""
    walk = "" if round_ == 0 else f":round-{round_}"
    return uuid.uuid5(_NAMESPACE, f"{enrollment_id}:{step_index}:{attempt}{walk}")


def note(row: Enrollment, kind: str, now: datetime, **detail: Any) -> None:
    # A new list: the JSONB column is seen as changed only when it is replaced.
    row.history = [*row.history, {"step": row.step_index, "kind": kind, "at": now.isoformat()}]
    if detail:
        row.history[-1].update(detail)


def finish(row: Enrollment, state: EnrollmentState, now: datetime, **why: Any) -> None:
    row.state = state.value
    row.due_at = None
    row.awaiting_request_id = None
    row.finished_at = now
    row.updated_at = now
    row.reason = why.get("reason")
    detail = why.get("detail")
    row.detail = str(detail)[:1000] if detail else None
    note(row, state.value, now, **{k: v for k, v in why.items() if v is not None})


class CompiledSteps:
    """A cadence's send steps compiled once per walk (a cadence's steps rarely change)."""

    def __init__(self) -> None:
        self._messages: dict[tuple[uuid.UUID, int, str], CampaignMessage] = {}

    def message(self, cadence: Cadence, index: int) -> CampaignMessage:
        key = (cadence.id, index, cadence.updated_at.isoformat())
        compiled = self._messages.get(key)
        if compiled is None:
            if len(self._messages) >= _COMPILED_KEPT:
                self._messages.clear()  # old versions of edited cadences: start afresh
            compiled = self._messages[key] = compile_message(cadence.steps[index]["message"])
        return compiled


def _request(row: Enrollment, cadence: Cadence, content: Any, request_id: uuid.UUID) -> SendRequest:
    return SendRequest(
        request_id=request_id,
        channel=Channel(cadence.channel),
        channel_account_id=cadence.channel_account_id,
        to=row.address,
        content=content,
        origin=SendOrigin.CADENCE,
        origin_ref=f"{cadence.id}:{row.id}",
    )


def advance(
    row: Enrollment,
    cadence: Cadence,
    *,
    now: datetime,
    compiled: CompiledSteps,
    verdicts: dict[tuple[uuid.UUID, int], bool],
    outcome_timeout: timedelta,
) -> Walked:
    steps = cadence.steps
    row.updated_at = now
    if row.awaiting_request_id is not None:
        # No outcome in time: the same request again (the sender sends an id once).
        row.due_at = now + outcome_timeout
        return Walked(send=_resend(row, cadence, compiled))
    for _ in range(len(steps) + 1):
        index = row.step_index
        if index >= len(steps):
            finish(row, EnrollmentState.COMPLETED, now)
            return Walked()
        step = steps[index]
        kind = step["type"]
        if kind == "send":
            return _send(row, cadence, compiled, now=now, outcome_timeout=outcome_timeout)
        if kind == "wait":
            row.step_index = index + 1
            row.due_at = now + wait_delta(step)
            return Walked()
        if kind == "wait_until":
            zone = zone_of(
                row.values.get("time_zone") if step.get("per_contact") else None,
                cadence.time_zone,
            )
            row.step_index = index + 1
            row.due_at = next_weekday_time(
                [int(d) for d in step["days"]], time.fromisoformat(step["time"]), zone, now
            )
            return Walked()
        # A branch.
        condition = step["condition"]
        holds: bool | None
        if condition["kind"] == "replied":
            holds = row.replied_at is not None
        elif condition["kind"] == "read":
            holds = row.read_at is not None or row.replied_at is not None
        else:
            holds = verdicts.get((row.id, index))
            if holds is None:
                return Walked(needs=Needs(row.id, index, condition["filter"]))
        target = int(step["then_step"] if holds else step["else_step"])
        note(row, "branched", now, went_to=target, condition_held=holds)
        row.step_index = target
    raise AssertionError("branches only go forward")  # pragma: no cover (schemas)


def _send(
    row: Enrollment,
    cadence: Cadence,
    compiled: CompiledSteps,
    *,
    now: datetime,
    outcome_timeout: timedelta,
) -> Walked:
    if cadence.business_hours:
        hours = cadence.business_hours
        zone = zone_of(
            row.values.get("time_zone") if hours.get("per_contact") else None,
            str(hours["time_zone"]),
        )
        opens = next_open(hours, now, zone)
        if opens > now:
            row.due_at = opens
            return Walked()
    message = compiled.message(cadence, row.step_index)
    try:
        content = message.content(row.values, recipient=f"{row.name or 'contact'} ({row.address})")
    except MissingVariable as exc:
        finish(row, EnrollmentState.FAILED, now, reason=MissingVariable.code, detail=str(exc))
        return Walked()
    request_id = step_request_id(row.id, row.step_index, row.attempts, row.round)
    row.awaiting_request_id = request_id
    row.last_request_id = request_id
    row.due_at = now + outcome_timeout
    return Walked(send=_request(row, cadence, content, request_id))


def _resend(row: Enrollment, cadence: Cadence, compiled: CompiledSteps) -> SendRequest | None:
    message = compiled.message(cadence, row.step_index)
    try:
        content = message.content(row.values, recipient=f"{row.name or 'contact'} ({row.address})")
    except MissingVariable:
        return None  # the values changed since (an erasure): the outcome will fail it
    assert row.awaiting_request_id is not None
    return _request(row, cadence, content, row.awaiting_request_id)
