"""Write the services' OpenAPI documents to dashboard/src/api/ (the dashboard's typed clients).

``gateway.openapi.json``, ``crm.openapi.json`` (the inbox and contacts, which the gateway
forwards under ``/api/v1/inbox`` and ``/api/v1/contacts`` as they are) and
``sender.openapi.json`` (channel accounts and alerts, forwarded under ``/api/v1/channels``) and
``campaigns.openapi.json`` (campaigns, forwarded under ``/api/v1/campaigns``) and
``ai-agent.openapi.json`` (personas, knowledge bases, the bot, forwarded under ``/api/v1/ai``).
The dashboard's typed clients are generated from these files (``npm run gen:api``), and
``npm run check:api`` fails when one no longer matches its service. Building the apps
connects nowhere: the database, Redis and Kafka are opened in their lifespans, which never
run here.

    .venv/bin/python dashboard/scripts/export_openapi.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mia_ai_agent.config import AiAgentSettings
from mia_ai_agent.main import create_app as create_ai_agent_app
from mia_campaigns.config import CampaignsSettings
from mia_campaigns.main import create_app as create_campaigns_app
from mia_crm.config import CrmSettings
from mia_crm.main import create_app as create_crm_app
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from mia_sender.config import SenderSettings
from mia_sender.main import create_app as create_sender_app

__all__ = ["render", "render_ai_agent", "render_campaigns", "render_crm", "render_sender"]

API_DIR = Path(__file__).resolve().parents[1] / "src" / "api"
TARGET = API_DIR / "gateway.openapi.json"
CRM_TARGET = API_DIR / "crm.openapi.json"
SENDER_TARGET = API_DIR / "sender.openapi.json"
CAMPAIGNS_TARGET = API_DIR / "campaigns.openapi.json"
AI_AGENT_TARGET = API_DIR / "ai-agent.openapi.json"


def render() -> str:
    # Defaults only, and no OAuth providers: the document must not depend on who runs this.
    settings = GatewaySettings(_env_file=None)  # type: ignore[call-arg]
    document = create_app(settings).openapi()
    return _dump(document)


def render_crm() -> str:
    settings = CrmSettings(_env_file=None)  # type: ignore[call-arg]
    return _dump(create_crm_app(settings).openapi())


def render_sender() -> str:
    settings = SenderSettings(_env_file=None)  # type: ignore[call-arg]
    return _dump(create_sender_app(settings).openapi())


def render_campaigns() -> str:
    settings = CampaignsSettings(_env_file=None)  # type: ignore[call-arg]
    return _dump(create_campaigns_app(settings).openapi())


def render_ai_agent() -> str:
    settings = AiAgentSettings(_env_file=None)  # type: ignore[call-arg]
    return _dump(create_ai_agent_app(settings).openapi())


def _dump(document: dict[str, object]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    stale = 0
    documents = (
        (TARGET, render()),
        (CRM_TARGET, render_crm()),
        (SENDER_TARGET, render_sender()),
        (CAMPAIGNS_TARGET, render_campaigns()),
        (AI_AGENT_TARGET, render_ai_agent()),
    )
    for target, text in documents:
        if not args.check:
            target.write_text(text, encoding="utf-8")
        elif not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target} is stale: run npm run gen:api", file=sys.stderr)
            stale = 1
    return stale


if __name__ == "__main__":
    sys.exit(main())
