"""Each Meta error code leads to its own action (the table in ``meta_errors``)."""

from __future__ import annotations

import pytest

from mia_common.contracts import ChannelAlertKind
from mia_sender.providers.base import ErrorAction
from mia_sender.providers.meta_errors import classify


def graph_error(code: int, http_status: int = 400, **extra: object) -> dict[str, object]:
    return {
        "error": {
            "message": f"(#{code}) what Meta says",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": "the details"},
            "fbtrace_id": "AbCdEf",
            **extra,
        }
    }


@pytest.mark.parametrize(
    ("code", "http_status", "action"),
    [
        (130429, 429, ErrorAction.RETRY),
        (131000, 500, ErrorAction.RETRY),
        (131016, 503, ErrorAction.RETRY),
        (131057, 400, ErrorAction.RETRY),
        (80007, 400, ErrorAction.RETRY),
        (4, 400, ErrorAction.RETRY),
        (1, 500, ErrorAction.RETRY),
        (2, 503, ErrorAction.RETRY),
        (131056, 400, ErrorAction.DELAY_RECIPIENT),
        (131048, 400, ErrorAction.PAUSE_ACCOUNT),
        (190, 401, ErrorAction.PAUSE_ACCOUNT),
        (0, 401, ErrorAction.PAUSE_ACCOUNT),
        (10, 403, ErrorAction.PAUSE_ACCOUNT),
        (200, 403, ErrorAction.PAUSE_ACCOUNT),
        (131031, 400, ErrorAction.PAUSE_ACCOUNT),
        (131049, 400, ErrorAction.FAIL_NOT_SOON),
        (131050, 400, ErrorAction.FAIL_NOT_SOON),
        (131026, 400, ErrorAction.FAIL),
        (131047, 400, ErrorAction.FAIL),
        (100, 400, ErrorAction.FAIL),
        (131008, 400, ErrorAction.FAIL),
        (131009, 400, ErrorAction.FAIL),
        (131051, 400, ErrorAction.FAIL),
        (132000, 400, ErrorAction.FAIL),
        (132001, 404, ErrorAction.FAIL),
        (132012, 400, ErrorAction.FAIL),
        (132015, 400, ErrorAction.FAIL),
    ],
)
def test_each_meta_code_maps_to_its_action(
    code: int, http_status: int, action: ErrorAction
) -> None:
    error = classify(http_status, graph_error(code, http_status))
    assert error.action is action
    assert error.code == str(code)
    assert error.http_status == http_status
    assert error.title == f"(#{code}) what Meta says"
    assert error.detail == "the details"
    assert error.permanent is (action in (ErrorAction.FAIL, ErrorAction.FAIL_NOT_SOON))


def test_pausing_codes_say_which_alert_a_person_gets() -> None:
    assert classify(400, graph_error(131048)).alert_kind == ChannelAlertKind.SPAM_LIMIT
    assert classify(401, graph_error(190, error_subcode=463)).alert_kind == (
        ChannelAlertKind.TOKEN_EXPIRED
    )
    assert classify(429, graph_error(130429)).alert_kind is None


@pytest.mark.parametrize(
    ("http_status", "action"),
    [
        (401, ErrorAction.PAUSE_ACCOUNT),
        (429, ErrorAction.RETRY),
        (500, ErrorAction.RETRY),
        (503, ErrorAction.RETRY),
        (400, ErrorAction.FAIL),
        (404, ErrorAction.FAIL),
    ],
)
def test_an_unknown_code_falls_back_on_the_http_status(
    http_status: int, action: ErrorAction
) -> None:
    assert classify(http_status, graph_error(999999, http_status)).action is action
    # A body that is not Graph's error JSON at all (a proxy's HTML page) reads the same.
    bare = classify(http_status, None)
    assert bare.action is action
    assert bare.code == f"http_{http_status}"


def test_meta_marking_an_unknown_error_transient_makes_it_a_retry() -> None:
    assert classify(400, graph_error(999999, is_transient=True)).action is ErrorAction.RETRY


def test_codes_sent_as_strings_are_read_too() -> None:
    body = graph_error(131056)
    body["error"]["code"] = "131056"  # type: ignore[index]
    assert classify(400, body).action is ErrorAction.DELAY_RECIPIENT


def test_the_subcode_is_kept_so_a_missing_object_reads_apart_from_a_bad_parameter() -> None:
    missing = classify(400, graph_error(100, error_subcode=33))
    bad = classify(400, graph_error(100))

    assert (missing.code, missing.subcode) == ("100", "33")
    assert (bad.code, bad.subcode) == ("100", None)
