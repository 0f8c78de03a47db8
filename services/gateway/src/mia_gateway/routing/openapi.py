"""The public OpenAPI document: the gateway's own API and every area it routes to, in one.

Each service serves its own document at ``/openapi.json`` and declares its routes under
the public paths (``/api/v1/<area>/...``, see ``proxy``), so its paths need no rewriting.
From each service's document only the paths under the areas the gateway routes to it are
taken (not its health, webhooks or internal API), with the components they reference,
directly or through other components. A component whose name the document already has is
shared when it is the same (the ``Problem`` schema of ``mia_common.openapi`` is) and
renamed ``<service>_<name>`` when it differs, every reference to it rewritten
(``$ref`` and discriminator mappings). The gateway's own paths win over a service's, as
its routes do. A service's header parameters in the gateway's namespace
(``X-Mia-Identity``) are dropped: the gateway makes that header, a client never sends it.
Every operation keeps the problem answers its service documents, and a forwarded one adds
the gateway's own (502, 504); the rate-limit fields are described on successes and 429s.

``PublicDocument`` fetches the services' documents when asked, concurrently, each kept
``openapi_cache_seconds``: a service that does not answer in
``openapi_fetch_timeout_seconds`` (or answers something that is not a document) is left
out of the answer with a warning, and asked again once that much time has passed. The
merged document is rebuilt only when one of its parts changed, and kept as bytes.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
import structlog

from mia_common.errors import PROBLEM_JSON

__all__ = [
    "COMPONENT_SECTIONS",
    "PublicDocument",
    "describe_gateway_answers",
    "merge_service_document",
    "services_of",
]

logger = structlog.get_logger(__name__)

COMPONENT_SECTIONS: Final = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)
_HTTP_METHODS: Final = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
_REF_PREFIX: Final = "#/components/"
_RESERVED_HEADER_PREFIX: Final = "x-mia-"
_PROBLEM_REF: Final = {"$ref": "#/components/schemas/Problem"}
# What the gateway itself answers on a forwarded request, besides the service's answers.
_FORWARDING_PROBLEMS: Final = {
    502: "The area's service is unreachable, broke off, or failed without a problem",
    504: "The area's service did not answer in time",
}
_RATE_LIMIT_HEADERS: Final[dict[str, dict[str, Any]]] = {
    "RateLimit-Policy": {
        "description": 'The caller\'s rate-limit policies: `"tenant";q=1200;w=60` is 1200'
        " requests in 60 seconds (draft-ietf-httpapi-ratelimit-headers). An API key's"
        ' requests count against `"api-key"` and `"tenant"`.',
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": "What each policy has left: `r` requests may be sent at once now,"
        " `t` seconds until the quota is whole again (after a 429: until the next request"
        " passes).",
        "schema": {"type": "string"},
    },
}
_RETRY_AFTER: Final[dict[str, Any]] = {
    "description": "Seconds to wait before the next request passes",
    "schema": {"type": "integer"},
}


def services_of(routes: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each service's base URL and the areas routed to it, in the routes' order."""
    services: dict[str, list[str]] = {}
    for area, base_url in routes.items():
        services.setdefault(base_url.rstrip("/"), []).append(area)
    return {url: tuple(areas) for url, areas in services.items()}


def _in_areas(path: str, areas: tuple[str, ...]) -> bool:
    return any(path == f"/api/v1/{area}" or path.startswith(f"/api/v1/{area}/") for area in areas)


def _operations(path_item: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for method, operation in path_item.items():
        if method in _HTTP_METHODS and isinstance(operation, dict):
            yield operation


def _split_ref(ref: str) -> tuple[str, str] | None:
    """``#/components/<section>/<name>`` → (section, name), the JSON pointer unescaped."""
    if not ref.startswith(_REF_PREFIX):
        return None
    section, _, name = ref[len(_REF_PREFIX) :].partition("/")
    if not section or not name or "/" in name:
        return None
    return section, name.replace("~1", "/").replace("~0", "~")


def _ref_to(section: str, name: str) -> str:
    return f"{_REF_PREFIX}{section}/{name.replace('~', '~0').replace('/', '~1')}"


def _refs(node: Any) -> Iterator[tuple[str, str]]:
    """Every component ``node`` points at: ``$ref``s and discriminator mappings."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                target = _split_ref(value)
                if target is not None:
                    yield target
            elif key == "discriminator" and isinstance(value, dict):
                for mapped in (value.get("mapping") or {}).values():
                    target = _split_ref(mapped) if isinstance(mapped, str) else None
                    if target is not None:
                        yield target
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _rewrite(node: Any, names: Mapping[tuple[str, str], str]) -> Any:
    """A copy of ``node`` whose references point at the renamed components."""

    def target(ref: str) -> str:
        split = _split_ref(ref)
        if split is None or split not in names:
            return ref
        return _ref_to(split[0], names[split])

    if isinstance(node, dict):
        copied: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                copied[key] = target(value)
            elif key == "discriminator" and isinstance(value, dict) and "mapping" in value:
                copied[key] = {
                    **value,
                    "mapping": {
                        tag: target(ref) if isinstance(ref, str) else ref
                        for tag, ref in value["mapping"].items()
                    },
                }
            else:
                copied[key] = _rewrite(value, names)
        return copied
    if isinstance(node, list):
        return [_rewrite(item, names) for item in node]
    return node


def _label(document: dict[str, Any], areas: tuple[str, ...]) -> str:
    """A service's name for renamed components: its title without our brand ("crm")."""
    title = str((document.get("info") or {}).get("title") or "")
    name = re.sub(r"^Master IA\s*", "", title, flags=re.IGNORECASE)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")
    return name or re.sub(r"[^A-Za-z0-9]+", "_", areas[0]).strip("_") or "service"


def _public_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation as a client of the gateway calls it: no gateway-made headers."""
    parameters = operation.get("parameters")
    if not isinstance(parameters, list):
        return operation
    kept = [
        parameter
        for parameter in parameters
        if not (
            isinstance(parameter, dict)
            and parameter.get("in") == "header"
            and str(parameter.get("name", "")).lower().startswith(_RESERVED_HEADER_PREFIX)
        )
    ]
    trimmed = {**operation, "parameters": kept}
    if not kept:
        del trimmed["parameters"]
    return trimmed


def merge_service_document(
    public: dict[str, Any], service: dict[str, Any], *, areas: tuple[str, ...]
) -> list[str]:
    """Add to ``public`` the paths of ``service`` under ``areas``; the paths added."""
    paths: dict[str, Any] = public.setdefault("paths", {})
    taken = {
        path: item
        for path, item in (service.get("paths") or {}).items()
        if isinstance(item, dict) and _in_areas(path, areas) and path not in paths
    }
    if not taken:
        return []
    label = _label(service, areas)
    service_components: dict[str, Any] = service.get("components") or {}
    public_components: dict[str, Any] = public.setdefault("components", {})

    # The service's components the taken paths need, directly or through each other.
    needed: set[tuple[str, str]] = set()
    pending = list(_refs(taken))
    while pending:
        key = pending.pop()
        section, name = key
        if key in needed or name not in (service_components.get(section) or {}):
            continue
        needed.add(key)
        pending.extend(_refs(service_components[section][name]))

    # Shared: the public document has the same one under that name. Renamed: it has a
    # different one, or a shared one would point at a renamed one (until nothing changes).
    def own(key: tuple[str, str]) -> Any:
        return service_components[key[0]][key[1]]

    def present(key: tuple[str, str]) -> Any:
        return (public_components.get(key[0]) or {}).get(key[1])

    renamed = {key for key in needed if present(key) is not None and present(key) != own(key)}
    shared = {key for key in needed if present(key) is not None} - renamed
    changed = True
    while changed:
        changed = False
        for key in list(shared):
            if any(ref in renamed for ref in _refs(own(key))):
                shared.discard(key)
                renamed.add(key)
                changed = True

    names: dict[tuple[str, str], str] = {}
    for section, name in sorted(renamed):
        existing = public_components.get(section) or {}
        kept = {n for s, n in needed - renamed if s == section}
        assigned = {names[key] for key in names if key[0] == section}
        candidate, counter = f"{label}_{name}", 2
        while candidate in existing or candidate in kept or candidate in assigned:
            candidate, counter = f"{label}_{name}_{counter}", counter + 1
        names[(section, name)] = candidate

    for key in sorted(needed - shared):
        section, name = key
        public_components.setdefault(section, {})[names.get(key, name)] = _rewrite(own(key), names)

    operation_ids = {
        operation.get("operationId")
        for item in paths.values()
        if isinstance(item, dict)
        for operation in _operations(item)
    }
    for path, item in taken.items():
        public_item = _rewrite(item, names)
        for method in list(public_item):
            if method not in _HTTP_METHODS or not isinstance(public_item[method], dict):
                continue
            operation = _public_operation(public_item[method])
            operation_id = operation.get("operationId")
            if operation_id is not None and operation_id in operation_ids:
                operation = {**operation, "operationId": f"{label}_{operation_id}"}
            operation_ids.add(operation.get("operationId"))
            public_item[method] = operation
        paths[path] = public_item

    known_tags = {tag.get("name") for tag in public.get("tags", []) if isinstance(tag, dict)}
    for tag in service.get("tags") or []:
        if isinstance(tag, dict) and tag.get("name") not in known_tags:
            public.setdefault("tags", []).append(tag)
            known_tags.add(tag.get("name"))
    return sorted(taken)


def describe_gateway_answers(public: dict[str, Any], *, forwarded: set[str]) -> None:
    """The gateway's own answers: 502/504 on forwarded paths, rate-limit fields on all."""
    components = public.setdefault("components", {})
    headers = components.setdefault("headers", {})
    for name, header in _RATE_LIMIT_HEADERS.items():
        headers.setdefault(name, header)
    headers.setdefault("Retry-After", _RETRY_AFTER)
    rate_limit_refs = {name: {"$ref": _ref_to("headers", name)} for name in _RATE_LIMIT_HEADERS}
    for path, item in (public.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for operation in _operations(item):
            responses: dict[str, Any] = operation.setdefault("responses", {})
            if path in forwarded:
                for code, description in _FORWARDING_PROBLEMS.items():
                    responses.setdefault(
                        str(code),
                        {
                            "description": description,
                            "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}},
                        },
                    )
            for status, answer in responses.items():
                if not isinstance(answer, dict) or "$ref" in answer:
                    continue
                if status.startswith("2") or status == "429":
                    answer_headers = answer.setdefault("headers", {})
                    for name, ref in rate_limit_refs.items():
                        answer_headers.setdefault(name, ref)
                    if status == "429":
                        answer_headers.setdefault(
                            "Retry-After", {"$ref": _ref_to("headers", "Retry-After")}
                        )


@dataclass(frozen=True, eq=False)
class _Fetched:
    """A service's document (None: it did not give one) and when to ask again."""

    document: dict[str, Any] | None
    expires_at: float


class PublicDocument:
    """The merged document of one gateway process (see the module docstring)."""

    def __init__(
        self,
        *,
        own: Callable[[], dict[str, Any]],
        routes: Mapping[str, str],
        cache_seconds: float,
        timeout_seconds: float,
    ) -> None:
        self._own = own
        self._services = services_of(routes)
        self.cache_seconds = cache_seconds
        self.timeout_seconds = timeout_seconds
        self._fetched: dict[str, _Fetched] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._session: aiohttp.ClientSession | None = None
        self._rendered: tuple[tuple[_Fetched, ...], bytes] | None = None

    async def render(self) -> bytes:
        """The document as JSON: the gateway's own and each service's that answered."""
        parts = tuple(
            await asyncio.gather(*(self._service_document(url) for url in self._services))
        )
        if self._rendered is not None and self._rendered[0] == parts:
            return self._rendered[1]
        public = copy.deepcopy(self._own())
        forwarded: set[str] = set()
        for (url, areas), part in zip(self._services.items(), parts, strict=True):
            if part.document is None:
                continue
            added = merge_service_document(public, part.document, areas=areas)
            if not added:
                logger.warning("service document has no public paths", url=url, areas=areas)
            forwarded.update(added)
        describe_gateway_answers(public, forwarded=forwarded)
        body = json.dumps(public, ensure_ascii=False, separators=(",", ":")).encode()
        self._rendered = (parts, body)
        return body

    async def _service_document(self, url: str) -> _Fetched:
        fetched = self._fetched.get(url)
        if fetched is not None and fetched.expires_at > time.monotonic():
            return fetched
        # One fetch per service at a time: callers arriving meanwhile get its result.
        lock = self._locks.setdefault(url, asyncio.Lock())
        async with lock:
            fetched = self._fetched.get(url)
            if fetched is not None and fetched.expires_at > time.monotonic():
                return fetched
            document = await self._fetch(url)
            fetched = self._fetched[url] = _Fetched(document, time.monotonic() + self.cache_seconds)
            return fetched

    async def _fetch(self, url: str) -> dict[str, Any] | None:
        areas = self._services[url]
        if self._session is None:
            self._session = aiohttp.ClientSession(
                # Internal calls never go through an HTTP(S)_PROXY meant for the outside.
                trust_env=False,
                timeout=aiohttp.ClientTimeout(total=self.timeout_seconds),
            )
        try:
            async with self._session.get(f"{url}/openapi.json") as response:
                if response.status != 200:
                    logger.warning(
                        "service document unavailable: its areas are left out",
                        url=url,
                        areas=areas,
                        status=response.status,
                    )
                    return None
                document = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            logger.warning(
                "service document unavailable: its areas are left out",
                url=url,
                areas=areas,
                error=repr(error),
            )
            return None
        if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
            logger.warning("service document is not an OpenAPI document", url=url, areas=areas)
            return None
        return document

    async def aclose(self) -> None:
        """Close the pooled connections to the services (at shutdown)."""
        session, self._session = self._session, None
        if session is not None:
            await session.close()
