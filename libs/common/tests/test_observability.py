"""Logs are JSON lines that carry the service, the trace and the request id."""

from __future__ import annotations

import json
import logging

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from mia_common.logging import RepeatedLines, configure_logging
from mia_common.telemetry import configure_tracing


def test_no_tracer_provider_is_installed_when_nothing_exports() -> None:
    configure_tracing(service="demo", otlp_endpoint=None)
    # The API's default provider makes non-recording spans: no span objects per query.
    assert not isinstance(trace.get_tracer_provider(), TracerProvider)
    with trace.get_tracer("test").start_as_current_span("handle") as span:
        assert not span.is_recording()


def test_log_line_is_json_with_trace_and_request_ids(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(service="demo", level="INFO", json=True)
    # A provider of the test's own (the global one is left alone, as with no exporter).
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("handle") as span:
        structlog.contextvars.bind_contextvars(request_id="req-42")
        try:
            structlog.get_logger("test").info("message accepted", wamid="wamid.X")
            logging.getLogger("aiokafka.other").warning("library line")
        finally:
            structlog.contextvars.unbind_contextvars("request_id")
        expected_trace = format(span.get_span_context().trace_id, "032x")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    ours = next(line for line in lines if line["event"] == "message accepted")
    assert ours["service"] == "demo"
    assert ours["request_id"] == "req-42"
    assert ours["trace_id"] == expected_trace
    assert ours["wamid"] == "wamid.X"
    library = next(line for line in lines if line["event"] == "library line")
    assert library["trace_id"] == expected_trace, "standard-library loggers share the format"


def test_warnings_name_their_module_and_debug_lines_below_the_level_cost_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(service="demo", level="INFO", json=True)
    logger = structlog.get_logger("test")
    logger.debug("not shown")
    logger.info("accepted")
    logger.warning("retrying")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert [line["event"] for line in lines] == ["accepted", "retrying"]
    assert "module" not in lines[0]
    assert lines[1]["module"] == "test_observability"


def test_a_library_repeating_one_line_writes_it_once_a_window_saying_how_many_were_left_out(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging(service="demo", level="INFO", json=True)
    now = [100.0]
    quiet = RepeatedLines(window=10.0, clock=lambda: now[0])
    handler = logging.getLogger().handlers[0]
    handler.filters[:] = [quiet]
    kafka = logging.getLogger("aiokafka")
    for _ in range(500):  # what a client does while its broker is away
        kafka.error("Unable connect to node with id %s: refused", 1)
    kafka.error("Unable to update metadata from [%s]", 1)
    for _ in range(3):
        structlog.get_logger("test").error("relay pass failed")  # ours: every line
    now[0] += 10.5
    kafka.error("Unable connect to node with id %s: refused", 1)

    events = [
        json.loads(line)["event"] for line in capsys.readouterr().out.splitlines() if line.strip()
    ]
    assert events == [
        "Unable connect to node with id 1: refused",
        "Unable to update metadata from [1]",
        "relay pass failed",
        "relay pass failed",
        "relay pass failed",
        "Unable connect to node with id 1: refused (and 499 more like it in 10 s)",
    ]
