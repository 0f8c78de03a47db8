"""Keeps ``docker-compose.yml`` and ``deploy/k8s/`` true to the code.

This machine has no Docker engine and no cluster, so the manifests are checked by reading
them: the platform's servers are configured like the local run, the shared settings name
real ``PlatformSettings`` fields, every directory ``services/<name>/`` with a
``pyproject.toml`` has its compose entry, its database and its Kubernetes manifest (port
and factory from ``[tool.mia]``, probes on ``/readyz`` and ``/healthz``), nothing is left
over from a service that does not exist, and third-party images are pinned.

The per-service rules live in ``check_service_in_step`` and ``check_no_stale_entries``.
Until services exist they would have nothing to check, so they are also run against a
copy of the manifests with a service made from the documented examples (the commented
entry of ``docker-compose.yml`` and ``deploy/k8s/service.example.yaml``): it must pass,
and each way of breaking it must be reported with the service's name.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from mia_common.settings import DEV_ENCRYPTION_KEYS, DEV_IDENTITY_SECRET, PlatformSettings

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = "docker-compose.yml"
K8S_DIR = Path("deploy/k8s")
POSTGRES_INIT_SCRIPT = Path("deploy/docker/postgres-init.sh")
INFRASTRUCTURE = ("kafka", "postgres", "redis", "platform-init")
# Images we build from the root Dockerfile; every other image must carry a pinned tag.
OUR_REGISTRY = "masteria/"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "Job")
EXAMPLE_START = "# >>> example service"
EXAMPLE_END = "# <<< example service"

YamlMap = dict[str, Any]


# --- what the code declares --------------------------------------------------------------


@dataclass(frozen=True)
class ServiceDeclaration:
    """A service as its ``pyproject.toml`` declares it (``[project]`` and ``[tool.mia]``)."""

    name: str
    package: str
    port: int
    app: str
    migrations: bool

    @property
    def database(self) -> str:
        return self.name.replace("-", "_")

    @property
    def image(self) -> str:
        return f"{OUR_REGISTRY}{self.package}"


# uvloop and httptools: the same app answers webhooks about three times faster than on
# asyncio and h11 (bench/meta_ingest_webhook.py), so no deployment may run without them.
FAST_SERVER = "--loop uvloop --http httptools"


def read_service(service_dir: Path) -> ServiceDeclaration:
    data = tomllib.loads((service_dir / "pyproject.toml").read_text())
    mia = data.get("tool", {}).get("mia", {})
    return ServiceDeclaration(
        name=service_dir.name,
        package=data["project"]["name"],
        port=int(mia.get("port", 0)),
        app=str(mia.get("app", "")),
        migrations=bool(mia.get("migrations", False)),
    )


def service_dirs(repo_root: Path) -> list[Path]:
    return sorted(p.parent for p in (repo_root / "services").glob("*/pyproject.toml"))


def setting_names() -> set[str]:
    """Every environment variable a setting reads: the platform's and each service's own."""
    import importlib

    from pydantic import AliasChoices
    from pydantic_settings import BaseSettings

    names = {f"MIA_{name.upper()}" for name in PlatformSettings.model_fields}
    for pyproject in (ROOT / "services").glob("*/pyproject.toml"):
        module = importlib.import_module(f"mia_{pyproject.parent.name.replace('-', '_')}.config")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseSettings):
                for name, field in value.model_fields.items():
                    alias = field.validation_alias
                    if isinstance(alias, AliasChoices):
                        names.update(str(choice) for choice in alias.choices)
                    elif isinstance(alias, str):
                        names.add(alias)
                    else:
                        names.add(f"MIA_{name.upper()}")
    return names


# --- reading the manifests ---------------------------------------------------------------

_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>\w+)(?:(?P<op>:?[-?])(?P<default>[^}]*))?\}|(?P<bare>\w+))"
)


def interpolate(value: str, env: Mapping[str, str] | None = None) -> str:
    """Compose's ``${VAR:-default}`` substitution, with ``env`` as the shell environment."""
    env = env or {}

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["bare"]
        op, default = match["op"], match["default"] or ""
        if op == ":-":
            return env.get(name) or default
        if op == "-":
            return env.get(name, default)
        return env.get(name, "")

    return _VARIABLE.sub(substitute, value)


def load_compose(repo_root: Path) -> YamlMap:
    # safe_load resolves the `<<: *mia-service` merge keys, as compose does.
    data = yaml.safe_load((repo_root / COMPOSE_FILE).read_text())
    assert isinstance(data, dict), f"{COMPOSE_FILE} is not a YAML mapping"
    return data


def as_mapping(value: Any) -> dict[str, Any]:
    """A compose ``environment`` or ``build.args``: a mapping, or a list of ``K=V``."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return dict(item.split("=", 1) if "=" in item else (item, None) for item in value)


def as_text(value: Any) -> str:
    """A command or healthcheck test, list or string form, as one line."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return " ".join(str(part) for part in value)


def compose_databases(compose: YamlMap) -> list[str]:
    postgres = compose.get("services", {}).get("postgres", {})
    listed = as_mapping(postgres.get("environment")).get("POSTGRES_MULTIPLE_DATABASES") or ""
    return [name.strip() for name in interpolate(listed).split(",") if name.strip()]


def load_docs(path: Path) -> list[YamlMap]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def kustomization(repo_root: Path) -> YamlMap:
    data = yaml.safe_load((repo_root / K8S_DIR / "kustomization.yaml").read_text())
    assert isinstance(data, dict)
    return data


def k8s_resources(repo_root: Path) -> list[str]:
    return [str(r) for r in kustomization(repo_root).get("resources") or []]


def k8s_docs(repo_root: Path) -> list[YamlMap]:
    """Every object the kustomization applies."""
    return [
        doc
        for resource in k8s_resources(repo_root)
        for doc in load_docs(repo_root / K8S_DIR / resource)
    ]


def find_doc(docs: list[YamlMap], kind: str, name: str) -> YamlMap | None:
    for doc in docs:
        if doc.get("kind") == kind and doc.get("metadata", {}).get("name") == name:
            return doc
    return None


def pod_spec(workload: YamlMap) -> YamlMap:
    spec: YamlMap = workload.get("spec", {}).get("template", {}).get("spec", {})
    return spec


def all_containers(workload: YamlMap) -> list[YamlMap]:
    spec = pod_spec(workload)
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def container_env(container: YamlMap) -> dict[str, Any]:
    return {item["name"]: item.get("value") for item in container.get("env", [])}


def k8s_databases(repo_root: Path) -> list[str]:
    docs = load_docs(repo_root / K8S_DIR / "postgres.yaml")
    statefulset = find_doc(docs, "StatefulSet", "postgres")
    assert statefulset is not None, "deploy/k8s/postgres.yaml has no StatefulSet postgres"
    listed = container_env(pod_spec(statefulset)["containers"][0]).get(
        "POSTGRES_MULTIPLE_DATABASES"
    )
    return [name.strip() for name in (listed or "").split(",") if name.strip()]


def resolve_port(port: Any, container: YamlMap) -> int | None:
    """A probe's or a Service's port: a number, or the name of a container port."""
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.isdigit():
        return int(port)
    for declared in container.get("ports", []):
        if declared.get("name") == port:
            return int(declared["containerPort"])
    return None


def image_repository(image: str) -> str:
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return name.rsplit(":", 1)[0] if ":" in last else name


def unpinned(image: str) -> str | None:
    """Why a third-party image is not pinned, or None."""
    if image.startswith(OUR_REGISTRY) or "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"{image} has no tag"
    if last.rsplit(":", 1)[1] == "latest":
        return f"{image} is :latest"
    return None


def dockerfile_images(repo_root: Path) -> list[str]:
    """Images named in FROM and COPY --from, with the ARG defaults substituted."""
    text = (repo_root / "Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.MULTILINE))
    stages = set(re.findall(r"^FROM \S+ AS (\S+)", text, re.MULTILINE | re.IGNORECASE))
    images = re.findall(r"^FROM (\S+)", text, re.MULTILINE) + re.findall(r"COPY --from=(\S+)", text)
    resolved = [interpolate(image, args) for image in images]
    return [image for image in resolved if image not in stages]


def dockerfile_uid(repo_root: Path) -> int:
    users = re.findall(r"^USER (\S+)", (repo_root / "Dockerfile").read_text(), re.MULTILINE)
    assert users, "the Dockerfile sets no USER: the services would run as root"
    return int(users[-1].split(":")[0])


# --- the per-service rules ----------------------------------------------------------------


def _compose_problems(repo_root: Path, service: ServiceDeclaration) -> list[str]:
    compose = load_compose(repo_root)
    entry = compose.get("services", {}).get(service.name)
    where = f"{COMPOSE_FILE}: service {service.name!r}"
    if entry is None:
        return [
            f"{COMPOSE_FILE} has no service {service.name!r} for services/{service.name}/ "
            "(copy its commented example entry)"
        ]
    problems = []
    build = entry.get("build") or {}
    package = as_mapping(build.get("args") if isinstance(build, dict) else None).get("PACKAGE")
    if package != service.package:
        problems.append(
            f"{where} builds PACKAGE={package!r}, its pyproject.toml names {service.package!r}"
        )
    image = interpolate(str(entry.get("image", "")))
    if image_repository(image) != service.image:
        problems.append(f"{where} image {image!r} is not {service.image}:<tag>")
    environment = as_mapping(entry.get("environment"))
    if "MIA_KAFKA_BOOTSTRAP_SERVERS" not in environment:
        problems.append(
            f"{where} lacks the common environment (MIA_KAFKA_BOOTSTRAP_SERVERS): "
            "start it with `<<: *mia-service` and merge `<<: *mia-env`"
        )
    if "platform-init" not in (entry.get("depends_on") or {}):
        problems.append(f"{where} does not wait for platform-init (the topics)")
    command = as_text(entry.get("command"))
    if service.app not in command or f"--port {service.port}" not in command:
        problems.append(
            f"{where} command {command!r} does not run uvicorn --factory {service.app} "
            f"--port {service.port} ([tool.mia])"
        )
    if FAST_SERVER not in command:
        problems.append(f"{where} command {command!r} does not run on {FAST_SERVER!r}")
    if service.migrations and "alembic" not in command:
        problems.append(f"{where} does not run its migrations ([tool.mia] migrations = true)")
    health = as_text((entry.get("healthcheck") or {}).get("test"))
    if f":{service.port}/readyz" not in health:
        problems.append(f"{where} healthcheck {health!r} does not ask :{service.port}/readyz")
    return problems


def _database_problems(repo_root: Path, service: ServiceDeclaration) -> list[str]:
    problems = []
    if service.database not in compose_databases(load_compose(repo_root)):
        problems.append(
            f"{COMPOSE_FILE}: POSTGRES_MULTIPLE_DATABASES lacks {service.database!r} "
            f"(database of {service.name})"
        )
    if service.database not in k8s_databases(repo_root):
        problems.append(
            f"{K8S_DIR}/postgres.yaml: POSTGRES_MULTIPLE_DATABASES lacks "
            f"{service.database!r} (database of {service.name})"
        )
    return problems


def _http_probe(container: YamlMap, probe: str, path: str, port: int) -> str | None:
    get = (container.get(probe) or {}).get("httpGet") or {}
    if get.get("path") != path or resolve_port(get.get("port"), container) != port:
        return f"{probe} is not GET {path} on port {port}"
    return None


def _k8s_problems(repo_root: Path, service: ServiceDeclaration) -> list[str]:
    resource = f"services/{service.name}.yaml"
    path = repo_root / K8S_DIR / resource
    problems = []
    if resource not in k8s_resources(repo_root):
        problems.append(f"{K8S_DIR}/kustomization.yaml does not list {resource}")
    if not path.is_file():
        problems.append(f"{K8S_DIR}/{resource} does not exist (copy service.example.yaml)")
        return problems
    where = f"{K8S_DIR}/{resource}"
    docs = load_docs(path)
    deployment = find_doc(docs, "Deployment", service.name)
    if deployment is None:
        return [*problems, f"{where} has no Deployment named {service.name!r}"]
    containers = pod_spec(deployment).get("containers", [])
    container = next((c for c in containers if c.get("name") == service.name), None)
    if container is None:
        return [*problems, f"{where}: no container named {service.name!r}"]
    if image_repository(str(container.get("image", ""))) != service.image:
        problems.append(f"{where}: image {container.get('image')!r} is not {service.image}")
    ports = [p.get("containerPort") for p in container.get("ports", [])]
    if service.port not in ports:
        problems.append(
            f"{where}: container {service.name} ports {ports} lack {service.port} ([tool.mia])"
        )
    command = as_text([*container.get("command", []), *container.get("args", [])])
    if service.app not in command or f"--port {service.port}" not in command:
        problems.append(
            f"{where}: {service.name} command {command!r} does not run "
            f"{service.app} on --port {service.port}"
        )
    if FAST_SERVER not in command:
        problems.append(f"{where}: {service.name} command {command!r} lacks {FAST_SERVER!r}")
    for probe, probe_path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        wrong = _http_probe(container, probe, probe_path, service.port)
        if wrong:
            problems.append(f"{where}: {service.name} {wrong}")
    if service.migrations:
        init = pod_spec(deployment).get("initContainers", [])
        if not any("alembic" in as_text(c.get("command")) for c in init):
            problems.append(f"{where}: {service.name} has no init container running its migrations")
    kube_service = find_doc(docs, "Service", service.name)
    if kube_service is None:
        problems.append(f"{where} has no Service named {service.name!r}")
    else:
        served = [
            p.get("port")
            for p in kube_service.get("spec", {}).get("ports", [])
            if resolve_port(p.get("targetPort", p.get("port")), container) == service.port
        ]
        if service.port not in served:
            problems.append(
                f"{where}: Service {service.name} does not serve port {service.port} "
                "on the container's port"
            )
    return problems


def check_service_in_step(repo_root: Path, service_dir: Path) -> list[str]:
    """What is missing or wrong for one service in the manifests; empty when in step.

    Every message names the service, so a failing run says which one to fix.
    """
    service = read_service(service_dir)
    problems = []
    if not service.port or not service.app:
        problems.append(f"services/{service.name}/pyproject.toml lacks [tool.mia] port and app")
    problems += _compose_problems(repo_root, service)
    problems += _database_problems(repo_root, service)
    problems += _k8s_problems(repo_root, service)
    return problems


def check_no_stale_entries(repo_root: Path) -> list[str]:
    """Manifest entries for services whose directory does not exist."""
    services = [read_service(d) for d in service_dirs(repo_root)]
    names = {s.name for s in services}
    databases = {s.database for s in services}
    problems = []
    for name in load_compose(repo_root).get("services", {}):
        if name not in INFRASTRUCTURE and name not in names:
            problems.append(f"{COMPOSE_FILE}: service {name!r} has no services/{name}/")
    for database in compose_databases(load_compose(repo_root)):
        if database not in databases:
            problems.append(f"{COMPOSE_FILE}: database {database!r} belongs to no service")
    for database in k8s_databases(repo_root):
        if database not in databases:
            problems.append(f"{K8S_DIR}/postgres.yaml: database {database!r} belongs to no service")
    for resource in k8s_resources(repo_root):
        if resource.startswith("services/") and Path(resource).stem not in names:
            problems.append(
                f"{K8S_DIR}/kustomization.yaml lists {resource}: no services/{Path(resource).stem}/"
            )
    for manifest in sorted((repo_root / K8S_DIR / "services").glob("*.yaml")):
        if manifest.stem not in names:
            problems.append(f"{K8S_DIR}/services/{manifest.name}: no services/{manifest.stem}/")
    return problems


def report(problems: list[str]) -> str:
    return "manifests out of step with the code:\n  " + "\n  ".join(problems)


# --- the real manifests ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> YamlMap:
    return load_compose(ROOT)


@pytest.fixture(scope="module")
def docs() -> list[YamlMap]:
    return k8s_docs(ROOT)


def test_every_service_directory_is_deployed() -> None:
    problems = [p for d in service_dirs(ROOT) for p in check_service_in_step(ROOT, d)]
    assert not problems, report(problems)


def test_no_manifest_outlives_its_service() -> None:
    problems = check_no_stale_entries(ROOT)
    assert not problems, report(problems)


def test_compose_runs_the_platform_servers(compose: YamlMap) -> None:
    services = compose["services"]
    for name in INFRASTRUCTURE:
        assert name in services, f"{COMPOSE_FILE} has no {name!r}"
    for name in ("kafka", "postgres", "redis"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_compose_kafka_is_the_local_broker(compose: YamlMap) -> None:
    kafka = as_mapping(compose["services"]["kafka"]["environment"])
    assert compose["services"]["kafka"]["image"] == "apache/kafka:4.1.1"
    assert kafka["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert kafka["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    advertised = interpolate(kafka["KAFKA_ADVERTISED_LISTENERS"])
    addresses = {listener.split("://", 1)[1] for listener in advertised.split(",")}
    bootstrap = as_mapping(compose["x-mia-service"]["environment"])
    assert bootstrap["MIA_KAFKA_BOOTSTRAP_SERVERS"] in addresses
    # Programs on the host use the local run's default, 127.0.0.1:19092.
    assert PlatformSettings.model_fields["kafka_bootstrap_servers"].default in addresses


def test_compose_postgres_has_pgvector_and_the_init_script(compose: YamlMap) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["image"].startswith("pgvector/pgvector:pg15")
    mounts = [str(v) for v in postgres.get("volumes", [])]
    init = [m for m in mounts if ":/docker-entrypoint-initdb.d/" in m]
    assert init, "postgres does not mount the init script"
    source = init[0].split(":", 1)[0]
    assert (ROOT / source).resolve() == (ROOT / POSTGRES_INIT_SCRIPT).resolve()
    assert (ROOT / POSTGRES_INIT_SCRIPT).is_file()
    assert init[0].split(":")[1].endswith(".sh")


def test_compose_platform_init_creates_topics_once_kafka_is_healthy(compose: YamlMap) -> None:
    init = compose["services"]["platform-init"]
    common = tomllib.loads((ROOT / "libs/common/pyproject.toml").read_text())["project"]
    assert as_mapping(init["build"]["args"])["PACKAGE"] == common["name"]
    assert as_text(init["command"]) == "python -m mia_common.messaging.admin ensure-topics"
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert "MIA_KAFKA_BOOTSTRAP_SERVERS" in as_mapping(init["environment"])


def test_compose_common_environment_is_platform_settings(compose: YamlMap) -> None:
    environment = as_mapping(compose["x-mia-service"]["environment"])
    unknown = set(environment) - setting_names()
    assert not unknown, f"x-mia-service sets variables no setting reads: {sorted(unknown)}"
    for name in (
        "MIA_ENVIRONMENT",
        "MIA_KAFKA_BOOTSTRAP_SERVERS",
        "MIA_POSTGRES_HOST",
        "MIA_POSTGRES_PORT",
        "MIA_REDIS_URL",
        "MIA_IDENTITY_TOKEN_SECRET",
        "MIA_ENCRYPTION_KEYS",
    ):
        assert name in environment, f"x-mia-service lacks {name}"
    assert interpolate(environment["MIA_ENVIRONMENT"]) == "local"
    # The servers it names are the compose services, on their standard ports.
    services = compose["services"]
    assert environment["MIA_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
    assert environment["MIA_POSTGRES_HOST"] in services
    assert environment["MIA_POSTGRES_PORT"] == "5432"
    redis = urlsplit(environment["MIA_REDIS_URL"])
    assert (redis.hostname, redis.port) == ("redis", 6379)
    # Secrets pass through from the host, with the development defaults of the settings.
    for name, default in (
        ("MIA_IDENTITY_TOKEN_SECRET", DEV_IDENTITY_SECRET),
        ("MIA_ENCRYPTION_KEYS", DEV_ENCRYPTION_KEYS),
        ("MIA_POSTGRES_PASSWORD", "mia"),
    ):
        assert interpolate(environment[name]) == default, name
        assert interpolate(environment[name], {name: "from-host"}) == "from-host", name
    # The services log in with the role and password the postgres container creates.
    postgres = as_mapping(services["postgres"]["environment"])
    assert environment["MIA_POSTGRES_USER"] == postgres["POSTGRES_USER"]
    for env in ({}, {"MIA_POSTGRES_PASSWORD": "s3cret"}):
        assert interpolate(environment["MIA_POSTGRES_PASSWORD"], env) == interpolate(
            postgres["POSTGRES_PASSWORD"], env
        )


def test_compose_depends_on_existing_services(compose: YamlMap) -> None:
    services = compose["services"]
    for name, entry in services.items():
        for target in entry.get("depends_on") or {}:
            assert target in services, f"{name} depends on unknown service {target!r}"


def declared_routes(repo_root: Path) -> dict[str, str]:
    """What the gateway must forward: each ``[tool.mia] areas`` entry -> its service by the
    name compose and the cluster give it (its directory), on its ``[tool.mia]`` port."""
    routes: dict[str, str] = {}
    for service_dir in service_dirs(repo_root):
        data = tomllib.loads((service_dir / "pyproject.toml").read_text())
        mia = data.get("tool", {}).get("mia", {})
        for area in mia.get("areas", []):
            routes[area] = f"http://{service_dir.name}:{int(mia['port'])}"
    return routes


def test_gateway_routes_every_declared_area(compose: YamlMap, docs: list[YamlMap]) -> None:
    # The local run builds the routes from [tool.mia] areas (deploy/local/services.py);
    # the manifests spell them out, so an area missing there is a 404 in the dashboard.
    expected = declared_routes(ROOT)
    assert "ai" in expected
    gateway = as_mapping(compose["services"]["gateway"]["environment"])
    assert json.loads(interpolate(gateway["MIA_GATEWAY_ROUTES"])) == expected, COMPOSE_FILE
    configmap = find_doc(docs, "ConfigMap", "mia-platform")
    assert configmap is not None
    assert json.loads(configmap["data"]["MIA_GATEWAY_ROUTES"]) == expected, "configmap.yaml"


def test_service_settings_in_the_manifests_are_settings(
    compose: YamlMap, docs: list[YamlMap]
) -> None:
    # A misspelt MIA_* variable is silently ignored by the settings: the default would run.
    names = setting_names()
    unknown = [
        f"{COMPOSE_FILE}: {service}: {variable}"
        for service, entry in compose["services"].items()
        for variable in as_mapping(entry.get("environment"))
        if variable.startswith("MIA_") and variable not in names
    ]
    unknown += [
        f"{K8S_DIR}: {doc['metadata']['name']}/{container['name']}: {variable}"
        for doc in docs
        for container in all_containers(doc)
        for variable in container_env(container)
        if variable.startswith("MIA_") and variable not in names
    ]
    assert not unknown, unknown


def test_kustomization_resources_exist_and_parse() -> None:
    resources = k8s_resources(ROOT)
    assert resources, "kustomization.yaml lists no resources"
    for resource in resources:
        path = ROOT / K8S_DIR / resource
        assert path.is_file(), f"kustomization.yaml lists {resource}, which does not exist"
        parsed = load_docs(path)
        assert parsed, f"{resource} holds no object"
        for doc in parsed:
            assert doc.get("apiVersion"), f"{resource}: an object without apiVersion"
            assert doc.get("kind"), f"{resource}: an object without kind"
    # The secret is the operator's to create, with real values.
    assert "secret.example.yaml" not in resources
    for expected in (
        "namespace.yaml",
        "configmap.yaml",
        "kafka.yaml",
        "postgres.yaml",
        "redis.yaml",
        "platform-init-job.yaml",
    ):
        assert expected in resources, f"kustomization.yaml does not list {expected}"


def test_k8s_settings_are_platform_settings(docs: list[YamlMap]) -> None:
    configmap = find_doc(docs, "ConfigMap", "mia-platform")
    assert configmap is not None
    secret = load_docs(ROOT / K8S_DIR / "secret.example.yaml")[0]
    settings, secrets = configmap["data"], secret["stringData"]
    for keys, where in ((settings, "configmap.yaml"), (secrets, "secret.example.yaml")):
        unknown = set(keys) - setting_names()
        assert not unknown, f"{where} sets variables no setting reads: {sorted(unknown)}"
    assert {"MIA_IDENTITY_TOKEN_SECRET", "MIA_ENCRYPTION_KEYS", "MIA_POSTGRES_PASSWORD"} <= set(
        secrets
    )
    assert not set(settings) & set(secrets), "a value is both in the ConfigMap and the Secret"
    # The servers it names are Services of the kustomization, on the ports they serve.
    host, port = settings["MIA_KAFKA_BOOTSTRAP_SERVERS"].split(":")
    redis = urlsplit(settings["MIA_REDIS_URL"])
    for name, number in (
        (host, int(port)),
        (settings["MIA_POSTGRES_HOST"], int(settings["MIA_POSTGRES_PORT"])),
        (redis.hostname, redis.port),
    ):
        service = find_doc(docs, "Service", str(name))
        assert service is not None, f"no Service {name!r} in the kustomization"
        assert number in [p["port"] for p in service["spec"]["ports"]], f"{name}:{number}"
    # Every reference to the Secret or the ConfigMap names a key they hold.
    for doc in docs:
        for container in all_containers(doc):
            for item in container.get("env", []):
                ref = item.get("valueFrom", {})
                if "secretKeyRef" in ref:
                    assert ref["secretKeyRef"]["name"] == secret["metadata"]["name"]
                    assert ref["secretKeyRef"]["key"] in secrets, item
                if "configMapKeyRef" in ref:
                    assert ref["configMapKeyRef"]["name"] == "mia-platform"
                    assert ref["configMapKeyRef"]["key"] in settings, item


def test_k8s_kafka_is_the_local_broker(docs: list[YamlMap]) -> None:
    statefulset = find_doc(docs, "StatefulSet", "kafka")
    assert statefulset is not None
    headless = find_doc(docs, "Service", statefulset["spec"]["serviceName"])
    assert headless is not None
    assert headless["spec"].get("clusterIP") == "None"
    env = container_env(pod_spec(statefulset)["containers"][0])
    assert pod_spec(statefulset)["containers"][0]["image"] == "apache/kafka:4.1.1"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    # The image refuses to start when a service link sets KAFKA_PORT.
    assert pod_spec(statefulset).get("enableServiceLinks") is False


def test_k8s_postgres_runs_the_compose_init_script(docs: list[YamlMap]) -> None:
    statefulset = find_doc(docs, "StatefulSet", "postgres")
    assert statefulset is not None
    assert pod_spec(statefulset)["containers"][0]["image"].startswith("pgvector/pgvector:pg15")
    init = find_doc(docs, "ConfigMap", "postgres-init")
    assert init is not None
    scripts = list(init["data"].values())
    assert scripts == [(ROOT / POSTGRES_INIT_SCRIPT).read_text()], (
        f"deploy/k8s/postgres.yaml's init script differs from {POSTGRES_INIT_SCRIPT}: "
        "copy the file into the ConfigMap again"
    )
    volumes = {v["name"]: v for v in pod_spec(statefulset)["volumes"]}
    mounts = pod_spec(statefulset)["containers"][0]["volumeMounts"]
    init_mount = next(m for m in mounts if m["mountPath"] == "/docker-entrypoint-initdb.d")
    assert volumes[init_mount["name"]]["configMap"]["name"] == "postgres-init"


def test_k8s_platform_init_job_runs_what_compose_runs(
    docs: list[YamlMap], compose: YamlMap
) -> None:
    job = find_doc(docs, "Job", "platform-init")
    assert job is not None
    (container,) = pod_spec(job)["containers"]
    assert container["image"] == "masteria/mia-common:latest"
    assert container["command"] == compose["services"]["platform-init"]["command"]
    sources = [next(iter(source.values()))["name"] for source in container["envFrom"]]
    assert sources == ["mia-platform", "mia-secrets"]


def test_k8s_workloads_have_resources_and_probes(docs: list[YamlMap]) -> None:
    uid = dockerfile_uid(ROOT)
    workloads = [doc for doc in docs if doc["kind"] in WORKLOAD_KINDS]
    assert {w["metadata"]["name"] for w in workloads} >= {"kafka", "postgres", "redis"}
    for workload in workloads:
        name = workload["metadata"]["name"]
        for container in all_containers(workload):
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), (
                    f"{name}/{container['name']} lacks {bound}"
                )
            if container["image"].startswith(OUR_REGISTRY):
                # Our images run as the Dockerfile's user, which runAsNonRoot can verify.
                context = {**pod_spec(workload).get("securityContext", {})}
                context.update(container.get("securityContext", {}))
                assert context.get("runAsNonRoot") is True, name
                assert context.get("runAsUser") == uid, name
        if workload["kind"] != "Job":
            for container in pod_spec(workload)["containers"]:
                assert container.get("readinessProbe"), f"{name} has no readinessProbe"


def test_every_image_is_pinned(compose: YamlMap, docs: list[YamlMap]) -> None:
    images = [interpolate(str(s["image"])) for s in compose["services"].values() if "image" in s]
    images += [c["image"] for doc in docs for c in all_containers(doc)]
    example = load_docs(ROOT / K8S_DIR / "service.example.yaml")
    images += [c["image"] for doc in example for c in all_containers(doc)]
    images += dockerfile_images(ROOT)
    assert "ghcr.io/astral-sh/uv:0.13.8" in images
    problems = [problem for image in images if (problem := unpinned(image))]
    assert not problems, problems


def test_dockerfile_builds_one_workspace_package() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG PACKAGE$", text, re.MULTILINE)
    assert re.search(r"uv sync --frozen --no-dev .*--package=\"\$PACKAGE\"", text)
    assert "ENV PATH=/app/.venv/bin:$PATH" in text
    assert dockerfile_uid(ROOT) != 0
    assert not re.search(r"^(CMD|ENTRYPOINT)", text, re.MULTILINE), (
        "compose and the k8s manifests give the command"
    )
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".git", ".local", ".venv", "**/node_modules"):
        assert entry in ignored, f".dockerignore does not exclude {entry}"


def test_kustomize_builds() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the kustomization is checked by reading only")
    result = subprocess.run(
        [kubectl, "kustomize", str(ROOT / K8S_DIR)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    built = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert all(
        doc["metadata"].get("namespace") == "master-ia"
        for doc in built
        if doc["kind"] != "Namespace"
    )


# --- the rules themselves, on a copy with a service made from the examples ---------------

EXAMPLE = ServiceDeclaration(
    name="demo-svc",
    package="mia-demo-svc",
    port=8099,
    app="mia_demo_svc.main:create_app",
    migrations=True,
)


def from_example(text: str, name: str, port: int) -> str:
    """The documented example (the gateway on 8000) turned into service ``name``."""
    module = "mia_" + name.replace("-", "_")
    return (
        text.replace("mia_gateway", module)
        .replace("GATEWAY", name.replace("-", "_").upper())
        .replace("gateway", name)
        .replace("8000", str(port))
    )


def uncommented_example(compose_text: str, transform: Callable[[str], str]) -> str:
    """docker-compose.yml with its commented example entry made a real one by ``transform``."""
    lines = compose_text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == EXAMPLE_START]
    ends = [i for i, line in enumerate(lines) if line.strip() == EXAMPLE_END]
    missing = f"{COMPOSE_FILE} lost its '{EXAMPLE_START}' ... '{EXAMPLE_END}' block"
    assert starts, missing
    assert ends, missing
    start, end = starts[0], ends[0]
    body = "".join(re.sub(r"^(\s*)# ?", r"\1", line) for line in lines[start + 1 : end])
    return "".join(lines[: start + 1]) + transform(body) + "".join(lines[end:])


def edit_yaml(path: Path, change: Callable[[YamlMap], object]) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def edit_yaml_docs(path: Path, change: Callable[[list[YamlMap]], object]) -> None:
    docs = load_docs(path)
    change(docs)
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False))


def add_database(listed: str | None, database: str) -> str:
    return ",".join([*(n for n in (listed or "").split(",") if n.strip()), database])


@pytest.fixture
def example_tree(tmp_path: Path) -> Path:
    """A copy of the manifests, with the real services and ``demo-svc`` built from the
    examples the way a newcomer would add a service."""
    root = tmp_path / "repo"
    shutil.copytree(ROOT / "deploy", root / "deploy")
    shutil.copy(ROOT / "Dockerfile", root / "Dockerfile")
    for service_dir in service_dirs(ROOT):
        (root / "services" / service_dir.name).mkdir(parents=True)
        shutil.copy(service_dir / "pyproject.toml", root / "services" / service_dir.name)
    name, port = EXAMPLE.name, EXAMPLE.port
    (root / "services" / name).mkdir(parents=True)
    (root / "services" / name / "pyproject.toml").write_text(
        f'[project]\nname = "{EXAMPLE.package}"\nversion = "0.1.0"\n\n'
        f'[tool.mia]\nport = {port}\napp = "{EXAMPLE.app}"\nmigrations = true\n'
    )

    compose = yaml.safe_load(
        uncommented_example(
            (ROOT / COMPOSE_FILE).read_text(), lambda body: from_example(body, name, port)
        )
    )
    postgres_env = compose["services"]["postgres"]["environment"]
    postgres_env["POSTGRES_MULTIPLE_DATABASES"] = add_database(
        postgres_env["POSTGRES_MULTIPLE_DATABASES"], EXAMPLE.database
    )
    (root / COMPOSE_FILE).write_text(yaml.safe_dump(compose, sort_keys=False))

    k8s = root / K8S_DIR
    (k8s / "services").mkdir(exist_ok=True)
    example = (k8s / "service.example.yaml").read_text()
    (k8s / "services" / f"{name}.yaml").write_text(from_example(example, name, port))
    edit_yaml(
        k8s / "kustomization.yaml",
        lambda data: data["resources"].append(f"services/{name}.yaml"),
    )

    def add_k8s_database(docs: list[YamlMap]) -> None:
        statefulset = find_doc(docs, "StatefulSet", "postgres")
        assert statefulset is not None
        for item in pod_spec(statefulset)["containers"][0]["env"]:
            if item["name"] == "POSTGRES_MULTIPLE_DATABASES":
                item["value"] = add_database(item.get("value"), EXAMPLE.database)

    edit_yaml_docs(k8s / "postgres.yaml", add_k8s_database)
    return root


def test_a_service_added_from_the_examples_is_in_step(example_tree: Path) -> None:
    service_dir = example_tree / "services" / EXAMPLE.name
    assert read_service(service_dir).database == "demo_svc"
    assert check_service_in_step(example_tree, service_dir) == []
    assert check_no_stale_entries(example_tree) == []


def test_a_service_added_from_the_examples_builds_with_kustomize(example_tree: Path) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    result = subprocess.run(
        [kubectl, "kustomize", str(example_tree / K8S_DIR)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "name: demo-svc" in result.stdout


def _compose_service(root: Path) -> Callable[[Callable[[YamlMap], object]], None]:
    def apply(change: Callable[[YamlMap], object]) -> None:
        edit_yaml(root / COMPOSE_FILE, lambda data: change(data["services"][EXAMPLE.name]))

    return apply


def _deployment_container(docs: list[YamlMap]) -> YamlMap:
    deployment = find_doc(docs, "Deployment", EXAMPLE.name)
    assert deployment is not None
    container: YamlMap = pod_spec(deployment)["containers"][0]
    return container


def _break(root: Path, how: str) -> str:
    """Breaks the example service in the tree; returns the file the report must name."""
    k8s_file = root / K8S_DIR / "services" / f"{EXAMPLE.name}.yaml"
    compose_service = _compose_service(root)
    if how == "missing from compose":
        edit_yaml(root / COMPOSE_FILE, lambda data: data["services"].pop(EXAMPLE.name))
        return COMPOSE_FILE
    if how == "compose builds another package":
        compose_service(lambda s: s["build"]["args"].update(PACKAGE="mia-gateway"))
        return COMPOSE_FILE
    if how == "compose without the common environment":
        compose_service(lambda s: s["environment"].pop("MIA_KAFKA_BOOTSTRAP_SERVERS"))
        return COMPOSE_FILE
    if how == "compose healthcheck not on /readyz":
        compose_service(lambda s: s["healthcheck"].update(test=["CMD", "true"]))
        return COMPOSE_FILE
    if how == "compose serves another port":
        compose_service(lambda s: s.update(command=as_text(s["command"]).replace("8099", "8100")))
        return COMPOSE_FILE
    if how == "no database in compose":
        edit_yaml(
            root / COMPOSE_FILE,
            lambda data: data["services"]["postgres"]["environment"].update(
                POSTGRES_MULTIPLE_DATABASES=""
            ),
        )
        return COMPOSE_FILE
    if how == "no database in k8s":

        def drop(docs: list[YamlMap]) -> None:
            statefulset = find_doc(docs, "StatefulSet", "postgres")
            assert statefulset is not None
            env = pod_spec(statefulset)["containers"][0]["env"]
            for item in env:
                if item["name"] == "POSTGRES_MULTIPLE_DATABASES":
                    item["value"] = ""

        edit_yaml_docs(root / K8S_DIR / "postgres.yaml", drop)
        return "postgres.yaml"
    if how == "not in the kustomization":
        edit_yaml(
            root / K8S_DIR / "kustomization.yaml",
            lambda data: data["resources"].remove(f"services/{EXAMPLE.name}.yaml"),
        )
        return "kustomization.yaml"
    if how == "no k8s manifest":
        k8s_file.unlink()
        return f"services/{EXAMPLE.name}.yaml"
    if how == "k8s container on another port":
        edit_yaml_docs(
            k8s_file,
            lambda docs: _deployment_container(docs)["ports"][0].update(containerPort=9000),
        )
        return f"services/{EXAMPLE.name}.yaml"
    if how == "k8s without readiness probe":
        edit_yaml_docs(k8s_file, lambda docs: _deployment_container(docs).pop("readinessProbe"))
        return f"services/{EXAMPLE.name}.yaml"
    if how == "k8s without migrations":
        edit_yaml_docs(
            k8s_file,
            lambda docs: pod_spec(find_doc(docs, "Deployment", EXAMPLE.name) or {}).pop(
                "initContainers"
            ),
        )
        return f"services/{EXAMPLE.name}.yaml"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "missing from compose",
        "compose builds another package",
        "compose without the common environment",
        "compose healthcheck not on /readyz",
        "compose serves another port",
        "no database in compose",
        "no database in k8s",
        "not in the kustomization",
        "no k8s manifest",
        "k8s container on another port",
        "k8s without readiness probe",
        "k8s without migrations",
    ],
)
def test_a_service_out_of_step_is_reported_by_name(example_tree: Path, how: str) -> None:
    where = _break(example_tree, how)
    problems = check_service_in_step(example_tree, example_tree / "services" / EXAMPLE.name)
    assert problems, f"{how}: not reported"
    assert any(where in problem for problem in problems), problems
    for problem in problems:
        assert EXAMPLE.name in problem or EXAMPLE.database in problem, problem


def test_manifests_of_a_removed_service_are_reported(example_tree: Path) -> None:
    shutil.rmtree(example_tree / "services" / EXAMPLE.name)
    problems = check_no_stale_entries(example_tree)
    assert any(COMPOSE_FILE in p and f"'{EXAMPLE.name}'" in p for p in problems), problems
    assert any("kustomization.yaml" in p and EXAMPLE.name in p for p in problems), problems
    assert any(f"services/{EXAMPLE.name}.yaml:" in p for p in problems), problems
    databases = [p for p in problems if EXAMPLE.database in p]
    assert len(databases) == 2, problems
