"""Meta's subscription handshake, performed once at start-up against the webhook URL.

Meta calls ``GET <url>?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`` and
expects the challenge back. The sandbox does the same so a newcomer sees at once whether
meta-ingest is up and agrees on the token. It only logs: the receiver often starts after
the sandbox, so it retries for a while, and never fails the sandbox's start-up.
"""

from __future__ import annotations

import asyncio
import secrets

import httpx
import structlog

__all__ = ["verify_webhook"]

logger = structlog.get_logger(__name__)


async def verify_webhook(
    url: str, verify_token: str, *, attempts: int = 10, pause_seconds: float = 2.0
) -> bool:
    """True when ``url`` echoed the challenge; every outcome is logged."""
    challenge = secrets.token_hex(8)
    params = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
    last = "not attempted"
    async with httpx.AsyncClient(timeout=5.0) as http:
        for attempt in range(1, attempts + 1):
            try:
                response = await http.get(url, params=params)
            except httpx.HTTPError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200 and response.text == challenge:
                    logger.info("webhook verification succeeded", url=url, attempt=attempt)
                    return True
                # A clear refusal (wrong token) will not improve by retrying.
                logger.warning(
                    "webhook verification refused",
                    url=url,
                    status=response.status_code,
                    body=response.text[:200],
                )
                return False
            if attempt < attempts:
                await asyncio.sleep(pause_seconds)
    logger.warning("webhook verification failed: receiver unreachable", url=url, error=last)
    return False
