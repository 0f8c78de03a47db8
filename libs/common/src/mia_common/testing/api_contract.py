"""A service's API against its own OpenAPI document, with schemathesis, on the test stack.

``check_api_contract`` takes the service's app (started, through an ``httpx.AsyncClient``
on its ASGI transport, so it runs on the test's event loop with the test's database,
Kafka and Redis), generates requests from the document with schemathesis (Hypothesis,
derandomized: the same requests on every run, so a failure is reproducible and a pass
is not luck), sends them, and returns every failure found:

- **as a tenant** (``headers``: its identity), each operation with generated data, half of
  the examples using ids that exist (``known_ids``: path parameter name → an id the test
  created first), so the requests reach real rows and not only 404s; every answer is
  checked by schemathesis' default checks: no 5xx, a documented status and content type,
  a body matching its schema, documented headers;
- **without an identity**: one request per operation, which must answer 401 (unless the
  operation is listed in ``public``).

Bounded: ``examples`` requests per operation and mode (a few seconds per service).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import positive_data_acceptance

__all__ = ["ContractFailure", "check_api_contract"]


@dataclass(frozen=True)
class ContractFailure:
    operation: str
    request: str
    status: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.operation}: {self.request} -> {self.status}: {self.reason}"


async def check_api_contract(
    client: httpx.AsyncClient,
    *,
    headers: Mapping[str, str],
    document_path: str = "/openapi.json",
    known_ids: Mapping[str, str] | None = None,
    public: Iterable[str] = (),
    examples: int = 8,
    skip: Iterable[str] = (),
    refusals_by_design: Iterable[str] = ("invalid_cursor",),
    paths: Callable[[str], bool] | None = None,
) -> list[ContractFailure]:
    """Every failure of the API behind ``client`` against its document (empty: none).

    ``public`` and ``skip`` name operations as ``"GET /healthz"``: the former need no
    identity, the latter are left out (say why where you call it).
    ``refusals_by_design`` are problem codes that refuse input a schema cannot describe
    (a cursor the API never handed out looks like any string): such an answer is not
    counted as "schema-valid data rejected"; every other check still applies to it.
    ``paths`` keeps only the operations whose path it accepts, so a large API can be
    checked in several tests, each within the per-test time limit.
    """
    document = (await client.get(document_path)).json()
    schema = schemathesis.openapi.from_dict(document)
    public_operations, skipped = set(public), set(skip)
    failures: list[ContractFailure] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            reason = f"the document has an operation schemathesis cannot read: {result.err()}"
            failures.append(ContractFailure("(document)", document_path, None, reason))
            continue
        operation = result.ok()
        name = f"{operation.method.upper()} {operation.path}"
        if name in skipped or (paths is not None and not paths(operation.path)):
            continue
        cases = _cases(operation, headers=dict(headers), examples=examples)
        known = _known(operation, known_ids or {})
        if known:
            cases += _cases(operation, headers=dict(headers), examples=examples, known=known)
        for case in cases:
            failure = await _send_and_check(client, case, name, set(refusals_by_design))
            if failure is not None:
                failures.append(failure)
        if name not in public_operations and cases:
            failure = await _refused_without_identity(client, cases[0], name, headers)
            if failure is not None:
                failures.append(failure)
    return failures


def _known(operation: Any, known_ids: Mapping[str, str]) -> dict[str, str] | None:
    names = {parameter.name for parameter in operation.path_parameters}
    chosen = {name: value for name, value in known_ids.items() if name in names}
    return chosen or None


def _cases(
    operation: Any,
    *,
    headers: dict[str, str],
    examples: int,
    known: dict[str, str] | None = None,
) -> list[Case[Any]]:
    """``examples`` cases of ``operation``, the same ones on every run."""
    collected: list[Case[Any]] = []
    strategy = operation.as_strategy(headers=headers, path_parameters=known)

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def collect(case: Case[Any]) -> None:
        collected.append(case)

    collect()
    return collected


def _request(case: Case[Any], headers: Mapping[str, str] | None = None) -> httpx.Request:
    kwargs = case.as_transport_kwargs(base_url="http://service", headers=dict(headers or {}))
    data = kwargs.pop("data", None)
    if isinstance(data, (bytes, str)):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    kwargs.pop("timeout", None)
    kwargs.pop("allow_redirects", None)
    kwargs.pop("verify", None)
    method, url = kwargs.pop("method"), kwargs.pop("url")
    return httpx.Request(method, url, **kwargs)


async def _send_and_check(
    client: httpx.AsyncClient, case: Case[Any], name: str, refusals_by_design: set[str]
) -> ContractFailure | None:
    request = _request(case)
    response = await client.send(request)
    excluded: list[Any] = (
        [positive_data_acceptance] if _code(response) in refusals_by_design else []
    )
    try:
        case.validate_response(response, excluded_checks=excluded)
    except FailureGroup as group:
        titles = "; ".join(failure.title for failure in group.exceptions)
        reason = f"{titles} | answered: {response.text[:400]}"
    except AssertionError as exc:
        reason = f"{' '.join(str(exc).split())[:300]} | answered: {response.text[:400]}"
    else:
        return None
    return ContractFailure(
        operation=name, request=_describe(request), status=response.status_code, reason=reason
    )


async def _refused_without_identity(
    client: httpx.AsyncClient, case: Case[Any], name: str, headers: Mapping[str, str]
) -> ContractFailure | None:
    request = _request(case)
    for header in headers:
        request.headers.pop(header, None)
    response = await client.send(request)
    if response.status_code == 401:
        return None
    return ContractFailure(
        operation=name,
        request=_describe(request) + " (without an identity)",
        status=response.status_code,
        reason="an unauthenticated call was not refused with 401",
    )


def _code(response: httpx.Response) -> str | None:
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return None
    try:
        code = response.json().get("code")
    except ValueError:
        return None
    return code if isinstance(code, str) else None


def _describe(request: httpx.Request) -> str:
    body = request.content[:200].decode("utf-8", "replace") if request.content else ""
    return f"{request.method} {request.url.raw_path.decode('ascii', 'replace')} {body}".strip()
