"""Where a tenant's model endpoint may be: the address is the tenant's to choose, so it
must not become a way into our own network. Unless the settings allow private networks
(a local run, tests, a company hosting its own Ollama beside the platform), the host
must resolve to public addresses only. Checked when the settings are saved.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from mia_ai_agent.llm.errors import ModelUrlRefused

__all__ = ["check_destination"]


async def check_destination(url: str, *, allow_private_networks: bool) -> None:
    if allow_private_networks:
        return
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, parts.port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except OSError:
        raise ModelUrlRefused(f"{host} does not resolve") from None
    for info in infos:
        if not ipaddress.ip_address(info[4][0]).is_global:
            raise ModelUrlRefused(f"{host} is not a public address")
