"""What tests script, per API key: the answers to give next, and the requests received.

Each test uses an API key of its own, so tests running at once never take each other's
answers or see each other's requests. A step is consumed by the first request of its
endpoint; with no step left the fake answers by itself (``answers``).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ReceivedRequest", "ScriptStore", "ScriptedError", "ScriptedStep", "ScriptedToolCall"]

Endpoint = Literal["chat", "embeddings"]
# The key is what requests are filed under; it is never kept beside them.
_SECRET_HEADERS = frozenset({"authorization", "api-key"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ScriptedToolCall(_Strict):
    name: str
    arguments: dict[str, Any] | str = Field(
        default_factory=dict, description="an object, or a string sent as it is (to send bad JSON)"
    )


class ScriptedError(_Strict):
    status: int = Field(ge=400, le=599)
    message: str | None = None
    type: str | None = None
    code: str | None = None
    param: str | None = None
    retry_after: float | None = Field(
        default=None, ge=0, description="429: seconds, sent rounded up"
    )
    retry_after_ms: int | None = Field(
        default=None, ge=0, description="429: also send retry-after-ms"
    )


class ScriptedUsage(_Strict):
    prompt_tokens: int = Field(ge=0)
    completion_tokens: int = Field(default=0, ge=0)


class ScriptedStep(_Strict):
    endpoint: Endpoint = "chat"
    content: str | None = Field(default=None, description="the assistant's text, as it is")
    json_value: Any = Field(default=None, alias="json", description="content: this, as JSON")
    tool_calls: list[ScriptedToolCall] | None = None
    error: ScriptedError | None = None
    finish_reason: str | None = None
    usage: ScriptedUsage | None = None
    delay_seconds: float = Field(default=0, ge=0, le=120, description="wait before answering")
    times: int = Field(default=1, ge=1, le=1000, description="answer this many requests so")


class ScriptIn(_Strict):
    key: str = Field(min_length=1, description="the API key whose requests these answer")
    steps: list[ScriptedStep] = Field(min_length=1)


class ReceivedRequest(BaseModel):
    endpoint: Endpoint
    path: str
    body: dict[str, Any]
    headers: dict[str, str] = Field(
        default_factory=dict, description="as received, lower-cased, without the key"
    )
    received_at: datetime


class _KeyState:
    def __init__(self, history: int) -> None:
        self.steps: dict[Endpoint, deque[ScriptedStep]] = {"chat": deque(), "embeddings": deque()}
        self.requests: deque[ReceivedRequest] = deque(maxlen=history)


class ScriptStore:
    def __init__(self, *, history_per_key: int = 500, max_keys: int = 10_000) -> None:
        self._history = history_per_key
        self._max_keys = max_keys
        self._keys: OrderedDict[str, _KeyState] = OrderedDict()

    def _state(self, key: str) -> _KeyState:
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _KeyState(self._history)
            while len(self._keys) > self._max_keys:
                self._keys.popitem(last=False)
        else:
            self._keys.move_to_end(key)
        return state

    def add(self, key: str, steps: list[ScriptedStep]) -> None:
        state = self._state(key)
        for step in steps:
            state.steps[step.endpoint].append(step)

    def next_step(self, key: str, endpoint: Endpoint) -> ScriptedStep | None:
        queue = self._state(key).steps[endpoint]
        if not queue:
            return None
        step = queue[0]
        if step.times > 1:
            queue[0] = step.model_copy(update={"times": step.times - 1})
        else:
            queue.popleft()
        return step

    def pending(self, key: str) -> int:
        state = self._keys.get(key)
        return (
            0
            if state is None
            else sum(step.times for queue in state.steps.values() for step in queue)
        )

    def record(
        self,
        key: str,
        endpoint: Endpoint,
        path: str,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        kept = {
            name.lower(): value
            for name, value in (headers or {}).items()
            if name.lower() not in _SECRET_HEADERS
        }
        self._state(key).requests.append(
            ReceivedRequest(
                endpoint=endpoint,
                path=path,
                body=body,
                headers=kept,
                received_at=datetime.now(UTC),
            )
        )

    def requests(self, key: str) -> list[ReceivedRequest]:
        state = self._keys.get(key)
        return [] if state is None else list(state.requests)

    def reset(self, key: str | None = None) -> None:
        if key is None:
            self._keys.clear()
        else:
            self._keys.pop(key, None)
