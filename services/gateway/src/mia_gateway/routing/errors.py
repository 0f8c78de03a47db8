"""What can go wrong while forwarding, each a problem+json answer with a stable ``code``."""

from __future__ import annotations

from mia_common.errors import AppError, Forbidden, NotFound

__all__ = [
    "AreaNotInScope",
    "GatewayBusy",
    "InvalidForwardPath",
    "UnknownArea",
    "UpstreamFailed",
    "UpstreamTimeout",
    "UpstreamUnreachable",
]


class UnknownArea(NotFound):
    """No service owns this ``/api/v1/<area>``."""

    def __init__(self, area: str) -> None:
        super().__init__("no such API area", code="area_unknown", area=area)


class AreaNotInScope(Forbidden):
    """The API key was created for other areas."""

    def __init__(self, area: str) -> None:
        super().__init__(
            f"this API key may not call the {area} API", code="area_not_in_scope", area=area
        )


class InvalidForwardPath(AppError):
    """A path the gateway refuses to forward (400)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, code="path_refused")


class UpstreamUnreachable(AppError):
    status_code = 502
    title = "Bad gateway"

    def __init__(self, area: str, detail: str | None = None) -> None:
        super().__init__(
            detail or f"the {area} service is unreachable", code="upstream_unreachable", area=area
        )


class UpstreamTimeout(AppError):
    status_code = 504
    title = "Gateway timeout"

    def __init__(self, area: str, seconds: float) -> None:
        super().__init__(
            f"the {area} service did not answer within {seconds:g} s",
            code="upstream_timeout",
            area=area,
        )


class UpstreamFailed(AppError):
    """The service answered 5xx without a problem body of its own: we wrap it."""

    status_code = 502
    title = "Bad gateway"

    def __init__(self, area: str, upstream_status: int) -> None:
        super().__init__(
            f"the {area} service failed (status {upstream_status})",
            code="upstream_failed",
            area=area,
            upstream_status=upstream_status,
        )


class GatewayBusy(AppError):
    """Every pooled connection to the service stayed busy for the whole timeout."""

    status_code = 503
    title = "Service unavailable"

    def __init__(self, area: str) -> None:
        super().__init__(
            f"too many requests to the {area} service are in flight: try again",
            headers={"Retry-After": "1"},
            code="gateway_busy",
            area=area,
        )
