"""Finds the services of the workspace and runs them locally.

Each service declares in its ``pyproject.toml``::

    [tool.mia]
    port = 8000
    app = "mia_gateway.main:create_app"   # uvicorn --factory target
    migrations = true                     # alembic.ini + migrations/ beside it
    areas = ["inbox"]                     # /api/v1/<area>/... the gateway forwards here

Development tools that run beside them (the Meta sandbox) live in ``tools/*`` with the
same table.

usage: services.py list|procfile|migrate|wait-ready|urls
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL = Path(os.environ.get("MIA_LOCAL", ROOT / ".local"))
VENV_BIN = ROOT / ".venv" / "bin"
KEEP_RUNNING = Path(__file__).resolve().parent / "keep-running.sh"


@dataclass(frozen=True)
class Service:
    name: str
    directory: Path
    package: str
    port: int
    app: str
    migrations: bool
    areas: tuple[str, ...] = ()

    @property
    def database(self) -> str:
        return self.name.replace("-", "_")

    @property
    def env_prefix(self) -> str:
        return "MIA_" + self.name.replace("-", "_").upper() + "_"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def discover(root: Path = ROOT) -> list[Service]:
    services = []
    pyprojects = sorted((root / "services").glob("*/pyproject.toml"))
    pyprojects += sorted((root / "tools").glob("*/pyproject.toml"))
    for pyproject in pyprojects:
        data = tomllib.loads(pyproject.read_text())
        mia = data.get("tool", {}).get("mia")
        if not mia:
            raise SystemExit(f"{pyproject}: missing [tool.mia] (port, app, migrations)")
        services.append(
            Service(
                name=pyproject.parent.name,
                directory=pyproject.parent,
                package=data["project"]["name"],
                port=int(mia["port"]),
                app=str(mia["app"]),
                migrations=bool(mia.get("migrations", False)),
                areas=tuple(mia.get("areas", ())),
            )
        )
    ports = [s.port for s in services]
    if len(ports) != len(set(ports)):
        raise SystemExit(f"two services declare the same port: {ports}")
    return services


def gateway_routes(services: list[Service]) -> dict[str, str]:
    """Each declared API area -> the local URL of the service that owns it."""
    routes: dict[str, str] = {}
    for service in services:
        for area in service.areas:
            if area in routes:
                raise SystemExit(f"two services declare the API area {area!r}")
            routes[area] = service.url
    return routes


def procfile(services: list[Service]) -> str:
    lines = []
    for service in services:
        env = ""
        if service.name == "gateway" and "MIA_GATEWAY_ROUTES" not in os.environ:
            env = f"MIA_GATEWAY_ROUTES={shlex.quote(json.dumps(gateway_routes(services)))} "
        # keep-running.sh starts a service again when it dies (honcho alone would stop
        # every service when one exits); exec: no shell between honcho and it.
        lines.append(
            f"{service.name}: {env}exec {KEEP_RUNNING} {service.name} "
            f"{VENV_BIN / 'uvicorn'} --factory {service.app} "
            f"--host 127.0.0.1 --port {service.port} --no-access-log "
            "--loop uvloop --http httptools"
        )
    return "\n".join(lines) + "\n"


def migrate(services: list[Service]) -> None:
    for service in services:
        if not service.migrations:
            continue
        # A fixed argv of our own venv's alembic: nothing from outside reaches it.
        subprocess.run(  # noqa: S603
            [
                str(VENV_BIN / "alembic"),
                "-c",
                str(service.directory / "alembic.ini"),
                "upgrade",
                "head",
            ],
            cwd=service.directory,
            check=True,
        )


def wait_ready(services: list[Service], timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    pending = {s.name: s for s in services}
    while pending and time.monotonic() < deadline:
        for name, service in list(pending.items()):
            try:
                readyz = f"{service.url}/readyz"  # always http://127.0.0.1:<port>
                with urllib.request.urlopen(readyz, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        del pending[name]
            except (urllib.error.URLError, OSError):
                pass
        time.sleep(0.3)
    for name in pending:
        print(f"[local] {name} is not ready: see .local/logs/services.log", file=sys.stderr)
    return not pending


def main(argv: list[str]) -> int:
    services = discover()
    command = argv[0] if argv else ""
    if command == "list":
        for s in services:
            print(s.name, s.port, s.package)
    elif command == "procfile":
        LOCAL.mkdir(parents=True, exist_ok=True)
        (LOCAL / "Procfile").write_text(procfile(services))
        print(len(services))
    elif command == "migrate":
        migrate(services)
    elif command == "wait-ready":
        return 0 if wait_ready(services) else 1
    elif command == "urls":
        for s in services:
            print(f"  {s.name:<16} {s.url}  (ready: {s.url}/readyz)")
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
