"""Write the gateway's OpenAPI document to ``dashboard/src/api/gateway.openapi.json``.

The dashboard's typed client is generated from this file (``npm run gen:api``), and
``npm run check:api`` fails when it no longer matches the gateway. Building the app connects
nowhere: the database, Redis and Kafka are opened in its lifespan, which never runs here.

    .venv/bin/python dashboard/scripts/export_openapi.py [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app

__all__ = ["render"]

TARGET = Path(__file__).resolve().parents[1] / "src" / "api" / "gateway.openapi.json"


def render() -> str:
    # Defaults only, and no OAuth providers: the document must not depend on who runs this.
    settings = GatewaySettings(_env_file=None)  # type: ignore[call-arg]
    document = create_app(settings).openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = render()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET} is stale: run npm run gen:api", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
