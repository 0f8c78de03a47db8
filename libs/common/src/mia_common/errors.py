"""One error base with an HTTP status, and its rendering as problem+json (RFC 9457).

Any exception that carries ``status_code``, ``title`` and ``detail`` attributes (the
identity errors do) renders the same way, so modules need not import this one.
"""

from __future__ import annotations

import math
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mia_common.identity import IdentityError

__all__ = [
    "PROBLEM_JSON",
    "AppError",
    "Conflict",
    "Forbidden",
    "NotFound",
    "TooManyRequests",
    "Unauthorized",
    "install_problem_handlers",
    "problem_response",
]

PROBLEM_JSON = "application/problem+json"
logger = structlog.get_logger(__name__)


class AppError(Exception):
    """Base of the errors a service raises on purpose; subclasses set the class fields."""

    status_code: int = 400
    title: str = "Bad request"
    type_uri: str = "about:blank"

    def __init__(self, detail: str, *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class NotFound(AppError):
    status_code = 404
    title = "Not found"


class Conflict(AppError):
    status_code = 409
    title = "Conflict"


class Unauthorized(AppError):
    status_code = 401
    title = "Unauthorized"


class Forbidden(AppError):
    status_code = 403
    title = "Forbidden"


class TooManyRequests(AppError):
    """Carries ``Retry-After`` so well-behaved clients know when to come back."""

    status_code = 429
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: float, **extra: Any) -> None:
        seconds = max(1, math.ceil(retry_after))
        super().__init__(
            detail, headers={"Retry-After": str(seconds)}, retry_after=seconds, **extra
        )


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            exc.status_code,
            exc.title,
            exc.detail,
            headers=exc.headers,
            type=exc.type_uri,
            instance=request.url.path,
            **exc.extra,
        )

    # Refused identities are expected traffic, not server errors: render them here so the
    # catch-all below (which Starlette also logs and re-raises) never sees them.
    @app.exception_handler(IdentityError)
    async def _identity(request: Request, exc: IdentityError) -> JSONResponse:
        return problem_response(
            exc.status_code,
            exc.title,
            exc.detail,
            instance=request.url.path,
            code=str(exc.reason),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"loc": list(err.get("loc", ())), "msg": err.get("msg"), "type": err.get("type")}
            for err in exc.errors()
        ]
        return problem_response(
            422,
            "Invalid request",
            "the request does not match the schema",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(
            exc.status_code,
            str(exc.detail),
            headers=getattr(exc, "headers", None),
            instance=request.url.path,
        )

    @app.exception_handler(Exception)
    async def _other(request: Request, exc: Exception) -> JSONResponse:
        status = getattr(exc, "status_code", None)
        if isinstance(status, int) and hasattr(exc, "title"):
            return problem_response(
                status,
                str(exc.title),
                str(getattr(exc, "detail", "")) or None,
                instance=request.url.path,
            )
        logger.exception("unhandled error", path=request.url.path)
        return problem_response(500, "Internal error", instance=request.url.path)
