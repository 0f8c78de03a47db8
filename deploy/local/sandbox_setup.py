"""Connects the Meta sandbox's number to the demo company, through the gateway's API.

Run by ``make up`` once every service is ready; idempotent. The sandbox number's ids and
secrets come from ``MIA_SANDBOX_*`` (the defaults match the sandbox's own), the admin's
credentials from ``MIA_ADMIN_EMAIL`` / ``MIA_ADMIN_PASSWORD``.
"""

from __future__ import annotations

import os
import sys
import time

import httpx

GATEWAY = os.environ.get("MIA_GATEWAY_URL", "http://127.0.0.1:8000")
SANDBOX = os.environ.get("MIA_SANDBOX_URL", "http://127.0.0.1:8090")
INGEST = os.environ.get("MIA_META_INGEST_URL", "http://127.0.0.1:8001")


def _env(name: str, default: str) -> str:
    return os.environ.get(f"MIA_SANDBOX_{name}", default)


NUMBER = {
    "phone_number_id": _env("PHONE_NUMBER_ID", "100000000000001"),
    "display_phone_number": _env("DISPLAY_PHONE_NUMBER", "+15550001111"),
    "waba_id": _env("WABA_ID", "200000000000001"),
    "access_token": _env("ACCESS_TOKEN", "sandbox-access-token"),
    "app_secret": _env("APP_SECRET", "sandbox-app-secret"),
}


def _login(client: httpx.Client) -> str:
    response = client.post(
        f"{GATEWAY}/api/v1/auth/login",
        json={
            "email": os.environ.get("MIA_ADMIN_EMAIL", "admin@example.com"),
            "password": os.environ.get("MIA_ADMIN_PASSWORD", "change-me-please-42"),
        },
    )
    if response.status_code != 200:
        raise SystemExit(
            f"[local] sandbox: the admin cannot log in ({response.status_code}); "
            "was MIA_ADMIN_PASSWORD changed after the first run?"
        )
    return str(response.json()["access_token"])


def _existing_account(client: httpx.Client) -> dict[str, object] | None:
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{GATEWAY}/api/v1/channels/accounts", params=params)
        page.raise_for_status()
        body = page.json()
        for account in body["items"]:
            if account.get("phone_number_id") == NUMBER["phone_number_id"]:
                return dict(account)
        cursor = body.get("next_cursor")
        if not cursor:
            return None


def _wait_until_ingest_knows_the_number(client: httpx.Client) -> bool:
    """A badly signed delivery naming the number: 401 once ingest knows it, 403 before."""
    probe = (
        '{"object":"whatsapp_business_account","entry":[{"id":"0","changes":[{"field":"messages",'
        f'"value":{{"metadata":{{"phone_number_id":"{NUMBER["phone_number_id"]}"}}}}}}]}}]}}'
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = client.post(
            f"{INGEST}/webhooks/meta",
            content=probe,
            headers={"X-Hub-Signature-256": "sha256=00", "Content-Type": "application/json"},
        )
        if answer.status_code == 401:
            return True
        time.sleep(0.3)
    return False


def main() -> int:
    with httpx.Client(timeout=15, trust_env=False) as client:
        # The sandbox knows its default number already; a changed MIA_SANDBOX_* needs this.
        client.post(f"{SANDBOX}/sandbox/numbers", json=NUMBER).raise_for_status()
        client.headers["Authorization"] = f"Bearer {_login(client)}"
        account = _existing_account(client)
        if account is None:
            created = client.post(
                f"{GATEWAY}/api/v1/channels/accounts",
                json={
                    "channel": "whatsapp_cloud",
                    "display_name": "Meta sandbox",
                    "phone_number": NUMBER["display_phone_number"],
                    "phone_number_id": NUMBER["phone_number_id"],
                    "waba_id": NUMBER["waba_id"],
                    "access_token": NUMBER["access_token"],
                    "app_secret": NUMBER["app_secret"],
                },
            )
            if created.status_code >= 300:
                print(f"[local] sandbox: could not add the number: {created.text}", file=sys.stderr)
                return 1
            account = created.json()
        # meta-ingest learns the number from channels.state.v1: wait until a webhook for it
        # is accepted, so a `make simulate` right after this reaches the inbox.
        if not _wait_until_ingest_knows_the_number(client):
            print("[local] sandbox: meta-ingest did not learn the number in 30 s", file=sys.stderr)
            return 1
    print(
        f"  Sandbox:    number {NUMBER['display_phone_number']} "
        f"(phone number id {NUMBER['phone_number_id']}) connected to the demo company"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
