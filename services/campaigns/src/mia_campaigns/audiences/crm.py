"""The crm's member stream, read as it arrives (NDJSON, one contact a line).

campaigns never holds an audience whole: it reads the stream line by line and hands the
lines on in chunks. The call carries a short identity token for the person launching, so
the crm scopes the members to their tenant as it does every request.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import orjson

from mia_campaigns.campaigns.errors import AudienceRejected, AudienceUnavailable
from mia_common.identity import IDENTITY_HEADER, Identity, issue_identity_token

__all__ = ["CONSENT_HEADER", "CrmMembers", "MemberStream"]

CONSENT_HEADER = "X-Mia-Marketing-Requires-Consent"


class MemberStream:
    """The lines of one member request; ``requires_consent`` from the crm's header."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.requires_consent = response.headers.get(CONSENT_HEADER, "false") == "true"

    async def lines(self) -> AsyncIterator[dict[str, Any]]:
        async for raw in self._response.content:
            if raw.strip():
                yield orjson.loads(raw)


class CrmMembers:
    def __init__(self, *, base_url: str, secret: str, timeout_seconds: float = 300.0) -> None:
        self._base = base_url.rstrip("/")
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds, sock_connect=5)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, raise_for_status=False)
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def request(
        self, identity: Identity, audience: dict[str, Any], *, fields: list[str]
    ) -> _MemberRequest:
        token = issue_identity_token(identity, secret=self._secret)
        params = {"fields": ",".join(fields)} if fields else {}
        call: tuple[str, str, dict[str, Any] | None]
        if audience["kind"] == "segment":
            segment = uuid.UUID(str(audience["segment_id"]))
            call = ("GET", f"{self._base}/internal/v1/segments/{segment}/members", None)
        elif audience["kind"] == "filter":
            # With contact_ids too: which of those contacts the filter matches.
            selection: dict[str, Any] = {"filter": audience["filter"]}
            if audience.get("contact_ids") is not None:
                selection["contact_ids"] = [str(i) for i in audience["contact_ids"]]
            call = ("POST", f"{self._base}/internal/v1/contacts/members", selection)
        else:
            body = {"contact_ids": [str(i) for i in audience["contact_ids"]]}
            call = ("POST", f"{self._base}/internal/v1/contacts/members", body)
        return _MemberRequest(self._client(), call, {IDENTITY_HEADER: token}, params)


class _MemberRequest:
    def __init__(
        self,
        client: aiohttp.ClientSession,
        call: tuple[str, str, dict[str, Any] | None],
        headers: dict[str, str],
        params: dict[str, str],
    ) -> None:
        self._client = client
        self._call = call
        self._headers = headers
        self._params = params
        self._response: aiohttp.ClientResponse | None = None

    async def __aenter__(self) -> MemberStream:
        method, url, body = self._call
        try:
            self._response = await self._client.request(
                method, url, json=body, headers=self._headers, params=self._params
            )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise AudienceUnavailable(f"the crm could not be reached: {exc}") from exc
        if self._response.status != 200:
            raw = await self._response.read()
            self._response.release()
            try:
                problem = orjson.loads(raw)
            except orjson.JSONDecodeError:
                problem = {}
            if self._response.status in (404, 422):
                # The audience itself is wrong (an unknown segment, a bad filter): the
                # person fixes it; the crm's words say what.
                raise _audience_rejected(self._response.status, problem)
            raise AudienceUnavailable(f"the crm answered {self._response.status}")
        return MemberStream(self._response)

    async def __aexit__(self, *exc: object) -> None:
        if self._response is not None:
            self._response.release()


def _audience_rejected(status: int, problem: dict[str, Any]) -> Exception:
    return AudienceRejected(
        str(problem.get("detail") or problem.get("title") or "the crm refused the audience"),
        crm_status=status,
        crm_code=problem.get("code"),
    )
