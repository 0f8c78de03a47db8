"""structlog configured once per process: JSON lines carrying trace and request ids.

Standard-library loggers (uvicorn, aiokafka, FastStream, SQLAlchemy) go through the same
renderer, so a service writes one format. Request ids live in structlog's contextvars
(bound by the app middleware); trace and span ids are read from the current
OpenTelemetry span when a line is written.

The Kafka client repeats itself while a broker is away: every send waiting for metadata
retries every 100 ms and logs two lines each time, about 5,000 lines a second per process in
tests-e2e's Kafka restart (50 MB of log in 26 s, each line rendered as JSON on the event
loop). Its identical lines are written once per window, the next one saying how many were
left out.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, MutableMapping
from typing import Any

import structlog
from opentelemetry import trace

__all__ = ["RepeatedLines", "configure_logging"]

REPEAT_WINDOW_SECONDS = 10.0
_QUIETED_LIBRARIES = ("aiokafka",)


class RepeatedLines(logging.Filter):
    """Lets one of each identical line (same logger, level and text) of the given libraries
    through per window; the first after a window names how many were left out in it."""

    def __init__(
        self,
        prefixes: tuple[str, ...] = _QUIETED_LIBRARIES,
        window: float = REPEAT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._prefixes = prefixes
        self._window = window
        self._clock = clock
        # key -> [when its window opened, lines left out since]
        self._seen: dict[tuple[str, int, str], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(self._prefixes):
            return True
        now = self._clock()
        key = (record.name, record.levelno, record.getMessage())
        seen = self._seen.get(key)
        if seen is not None and now - seen[0] < self._window:
            seen[1] += 1
            return False
        if len(self._seen) > 1_000:  # texts that vary (ids, offsets): keep the map small
            self._seen = {k: v for k, v in self._seen.items() if now - v[0] < self._window}
        left_out = int(seen[1]) if seen is not None else 0
        self._seen[key] = [now, 0]
        if left_out:
            text = record.getMessage()
            record.msg = f"{text} (and {left_out} more like it in {self._window:g} s)"
            record.args = ()
        return True


def _add_trace_context(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        event_dict["trace_id"] = format(span_context.trace_id, "032x")
        event_dict["span_id"] = format(span_context.span_id, "016x")
    return event_dict


_CALLSITE = structlog.processors.CallsiteParameterAdder(
    {structlog.processors.CallsiteParameter.MODULE}, additional_ignores=[__name__]
)
_PROBLEM_LEVELS = frozenset({"warning", "warn", "error", "exception", "critical", "fatal"})


def _callsite_of_problems(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """The module that logged, on warnings and errors only: finding it walks the stack,
    which an info line on a hot path should not pay for (its logger name says enough)."""
    level = str(event_dict.get("level", method)).lower()
    if level in _PROBLEM_LEVELS:
        return _CALLSITE(logger, method, event_dict)
    return event_dict


def configure_logging(*, service: str, level: str = "INFO", json: bool = True) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_context,
        _callsite_of_problems,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        # Level first: a debug line on a hot path costs one check, not the whole chain
        # (timestamp, call site) before the standard library drops it.
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    handler.addFilter(RepeatedLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.contextvars.bind_contextvars(service=service)
    # uvicorn installs its own handlers; route its loggers through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # `--no-access-log` only stops uvicorn adding a handler; propagating to ours would still
    # write a line per request (a poll of the inbox, a probe). Requests are traced instead.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))
    # httpx logs every request at INFO: a line per provider call costs the sender real CPU
    # at hundreds of sends a second, and the traces already have each call. The openai SDK
    # brings its own fork, httpx2, which does the same for every call to a model.
    for name in ("httpx", "httpx2"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
