"""A small web site on a local port, for fetching pages into a knowledge base."""

from __future__ import annotations

import asyncio

from aiohttp import web

__all__ = ["PAGE", "WebSite"]

PAGE = b"""<!doctype html><html><head><title>Loja Girassol - Entregas</title></head><body>
<h1>Entregas</h1><p>Enviamos para todo o Brasil pelos Correios.</p>
<h2>Prazos</h2><p>Capitais recebem em 2 a 5 dias uteis.</p></body></html>"""


class WebSite:
    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.release = asyncio.Event()
        """Set to let the slow page answer (at the end of a test that timed it out)."""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/entregas", self._page)
        app.router.add_get("/antiga", self._redirect)
        app.router.add_get("/foto.png", self._image)
        app.router.add_get("/sumiu", self._missing)
        app.router.add_get("/lenta", self._slow)
        app.router.add_get("/enorme", self._huge)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(body=PAGE, content_type="text/html", charset="utf-8")

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/entregas")

    async def _image(self, request: web.Request) -> web.Response:
        return web.Response(body=b"\x89PNG....", content_type="image/png")

    async def _missing(self, request: web.Request) -> web.Response:
        return web.Response(status=404, text="not here")

    async def _slow(self, request: web.Request) -> web.Response:
        await self.release.wait()
        return web.Response(body=PAGE, content_type="text/html")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        # Streamed without a Content-Length: the cap must hold while reading.
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for _ in range(64):
            await response.write(b"<p>" + b"x" * 1020 + b"</p>")
        await response.write_eof()
        return response
