"""The committed AsyncAPI document is the one the contracts generate."""

from __future__ import annotations

from pathlib import Path

from mia_common.messaging.asyncapi import platform_asyncapi

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"


def test_docs_asyncapi_matches_the_contracts() -> None:
    assert DOCUMENT.read_text() == platform_asyncapi(), (
        "docs/asyncapi.yaml is stale: run "
        "`.venv/bin/python -m mia_common.messaging.asyncapi > docs/asyncapi.yaml`"
    )


def test_asyncapi_documents_every_message_field_consumers_rely_on() -> None:
    document = platform_asyncapi()
    for field in ("tenantid", "external_message_id", "request_id", "channel_account_id"):
        assert field in document
