"""Serves the dashboard's built files (``dashboard/dist``) at ``/``.

Any path that is not a file of the build gets ``index.html``, so the single-page app's own
routes (``/inbox``, ``/contacts/42``) survive a reload; ``/api/*`` never does, so an API
client gets a problem+json 404, not a page. Nor does a missing file (a last segment with a
dot: ``/openapi.json``, ``/x.js``, a chunk of an older build): a script tag or a client
asking for a file gets a 404 it can tell apart, not a 200 page it would try to parse.

Vite puts a content hash in every name under ``assets/``: those are cached for a year, and
``index.html`` (which names them) is revalidated on each load, so a new build reaches
browsers at once. The service worker (``sw.js``) and the web app manifest are unhashed too,
so browsers check them on each visit and an installed app updates itself. Text files go out
gzipped to browsers that accept it (compressed once per build file and kept in memory): the
app's JavaScript is a third of its size on the wire.
"""

from __future__ import annotations

import gzip
import mimetypes
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from mia_common.errors import NotFound

__all__ = ["IMMUTABLE", "REVALIDATE", "mount_dashboard"]

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASHED_DIR = "assets"
# Types Python's mimetypes does not know everywhere; a manifest served as text/plain is
# ignored by some browsers, and the app would not be installable.
_MEDIA_TYPES = {".webmanifest": "application/manifest+json"}
_COMPRESSIBLE = {".html", ".js", ".css", ".svg", ".json", ".webmanifest", ".txt", ".map"}
# Where integrators look for an API's document first.
_API_DOCUMENT_GUESSES = {"openapi.json", "openapi.yaml", "swagger.json"}
# Below this a gzip header and a round of compression cost more than they save.
_MIN_COMPRESS_BYTES = 1024


@lru_cache(maxsize=256)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes:
    """The file's gzip; the key holds mtime and size, so a rebuilt file is compressed anew."""
    del mtime_ns, size  # only part of the cache key
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def _send(path: Path, request: Request, cache_control: str) -> Response:
    media_type = _MEDIA_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    stat = path.stat()
    accepts_gzip = "gzip" in request.headers.get("accept-encoding", "").lower()
    if path.suffix in _COMPRESSIBLE and stat.st_size >= _MIN_COMPRESS_BYTES and accepts_gzip:
        body = _gzipped(path, stat.st_mtime_ns, stat.st_size)
        headers = {
            "Cache-Control": cache_control,
            "Content-Encoding": "gzip",
            "Vary": "Accept-Encoding",
        }
        return Response(body, media_type=media_type, headers=headers)
    headers = {"Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    return FileResponse(path, media_type=media_type, headers=headers)


def _names_a_file(path: str) -> bool:
    """A last segment with a dot names a file; the app's own routes never have one."""
    return "." in path.rstrip("/").rsplit("/", 1)[-1]


def _missing_file(path: str) -> NotFound:
    if path.rstrip("/").rsplit("/", 1)[-1] in _API_DOCUMENT_GUESSES:
        # The likeliest reader is an integrator guessing where the document is.
        return NotFound(
            f"no file {path}: the API is described at /api/openapi.json and /api/docs",
            code="file_unknown",
        )
    return NotFound(f"no file {path} in the dashboard", code="file_unknown")


def mount_dashboard(app: FastAPI, dist: Path) -> bool:
    """Adds the catch-all route after every other one; does nothing without a build."""
    root = dist.resolve()
    index = root / "index.html"
    if not index.is_file():
        return False

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def dashboard(path: str, request: Request) -> Response:
        # Registered last, so /healthz, /metrics and every API route have already had their
        # turn; what reaches here under /api is an unknown API path, not a page.
        if path == "api" or path.startswith("api/"):
            raise NotFound(f"no API route {request.url.path}", code="route_unknown")
        if path:
            candidate = (root / path).resolve()
            # resolve() folds any "..": a path that leaves the build is not a file of it.
            if candidate.is_relative_to(root) and candidate.is_file():
                hashed = candidate.parent == root / _HASHED_DIR
                return _send(candidate, request, IMMUTABLE if hashed else REVALIDATE)
            if _names_a_file(path):
                raise _missing_file(request.url.path)
        return _send(index, request, REVALIDATE)

    return True
