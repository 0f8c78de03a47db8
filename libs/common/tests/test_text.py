"""NUL characters: refused in API input with the field named, replaced in channel content."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query
from pydantic import BaseModel, Field, ValidationError

from mia_common.errors import install_problem_handlers
from mia_common.text import ApiStr, api_str, without_nul


class Contact(BaseModel):
    name: Annotated[ApiStr, Field(max_length=20)]
    tags: list[ApiStr] = []


def test_api_input_with_a_nul_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as refused:
        Contact(name="Ana", tags=["vip", "x\x00y"])
    [error] = refused.value.errors()
    assert error["loc"] == ("tags", 1)
    assert "NUL" in error["msg"]
    assert Contact(name="Ana\u00e9").name == "Ana\u00e9", "other characters pass"


async def test_an_endpoint_answers_422_problem_for_a_nul_in_the_body_or_the_query() -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/contacts")
    async def create(
        contact: Contact, q: Annotated[ApiStr | None, Query()] = None
    ) -> dict[str, str]:
        return {"name": contact.name}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        in_body = await client.post("/contacts", json={"name": "A\u0000na"})
        in_query = await client.post("/contacts", params={"q": "a\x00"}, json={"name": "Ana"})
        fine = await client.post("/contacts", json={"name": "Ana"})
    for refused, where in ((in_body, ["body", "name"]), (in_query, ["query", "q"])):
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        assert [error["loc"] for error in refused.json()["errors"]] == [where]
    assert fine.json() == {"name": "Ana"}


def test_channel_content_keeps_everything_but_the_nul() -> None:
    payload = {"text": "hi\x00there", "extra": {"k\x00": ["a\x00", ("b\x00", 1)], "n": None}}
    assert without_nul(payload) == {
        "text": "hi\ufffdthere",
        "extra": {"k\ufffd": ["a\ufffd", ("b\ufffd", 1)], "n": None},
    }
    clean = {"text": "nothing to replace"}
    assert without_nul(clean) == clean


def test_a_stricter_pattern_is_both_enforced_and_documented() -> None:
    class Tagged(BaseModel):
        code: api_str(pattern="^[a-z_]+$", max_length=10)  # type: ignore[valid-type]
        label: ApiStr

    properties = Tagged.model_json_schema()["properties"]
    assert properties["code"]["pattern"] == "^[a-z_]+$"
    assert properties["code"]["maxLength"] == 10
    assert properties["label"]["pattern"] == "^[^\\u0000]*$", "the NUL rule is documented"
    with pytest.raises(ValidationError):
        Tagged(code="Not-This", label="x")
    with pytest.raises(ValidationError):
        Tagged(code="ok", label="x\x00")


def test_the_shared_api_types_say_and_enforce_the_same_rules() -> None:
    from mia_common.text import ApiJsonObject, EmailApiStr, NonBlankApiStr

    class Profile(BaseModel):
        name: NonBlankApiStr
        email: EmailApiStr
        extra: ApiJsonObject = {}

    ok = Profile(name=" Ana ", email="  Ana@Example.COM ", extra={"a": [1, {"b": None}]})
    assert ok.email == "ana@example.com", "trimmed and lower-cased"
    for bad in (
        {"name": "\u3000\t", "email": "a@b.co"},
        {"name": "Ana", "email": "not an address"},
        {"name": "Ana", "email": "a@b.co", "extra": {"k\x00": 1}},
        {"name": "Ana", "email": "a@b.co", "extra": {"k": ["x\x00"]}},
    ):
        with pytest.raises(ValidationError):
            Profile(**bad)
    schema = Profile.model_json_schema()
    assert schema["properties"]["email"]["format"] == "email"
    assert "pattern" in schema["properties"]["name"]
