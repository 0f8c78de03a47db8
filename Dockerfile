# syntax=docker/dockerfile:1
# One image per workspace package, built from the repository root:
#
#   docker build --build-arg PACKAGE=mia-gateway --target gateway -t masteria/mia-gateway .
#   docker build --build-arg PACKAGE=mia-crm -t masteria/mia-crm .
#
# The gateway's image (target `gateway`) also holds the dashboard's build, which it serves
# at /; every other image is the default last stage, `runtime`, without it.
#
# The image holds a virtualenv with the package and only its declared dependencies (so an
# undeclared import fails in the container, as in CI), plus the package's own directory at its
# workspace path (/app/services/<name>: alembic.ini and migrations/ are run from there).
# It has no CMD of its own: docker-compose.yml and deploy/k8s give each container its
# command (uvicorn --factory <[tool.mia] app>, alembic upgrade head, ensure-topics).

ARG PYTHON_IMAGE=python:3.11-slim

FROM ghcr.io/astral-sh/uv:0.13.8 AS uv

# The workspace manifests alone (root pyproject.toml, uv.lock, every member's
# pyproject.toml), so the dependency layer below is rebuilt only when they change, not on
# every source edit. Members are found by glob because services are added over time.
FROM ${PYTHON_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir -p /manifests \
 && cp pyproject.toml uv.lock /manifests/ \
 && for f in libs/*/pyproject.toml services/*/pyproject.toml; do \
      if [ -f "$f" ]; then cp --parents "$f" /manifests/; fi; \
    done

FROM ${PYTHON_IMAGE} AS builder
ARG PACKAGE
COPY --from=uv /uv /uvx /bin/
# Bytecode compiled at build time (the runtime user cannot write __pycache__); copies, not
# hard links, out of the cache mount; the image's own Python, never a downloaded one.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /app
RUN test -n "$PACKAGE" \
 || { echo "usage: docker build --build-arg PACKAGE=<workspace package, e.g. mia-gateway> ." >&2; exit 1; }

# Third-party dependencies of $PACKAGE only, from the lock file as it is.
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package="$PACKAGE"

# Then the workspace members it depends on, installed as wheels (no editable links back
# to /app sources), so the runtime stage needs the virtualenv and nothing else to import.
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package="$PACKAGE"

# The package's directory (its alembic.ini and migrations/ live beside src/), without tests.
RUN python - "$PACKAGE" <<'PY'
import shutil
import sys
import tomllib
from pathlib import Path

package = sys.argv[1]
for manifest in sorted([*Path("libs").glob("*/pyproject.toml"), *Path("services").glob("*/pyproject.toml")]):
    if tomllib.loads(manifest.read_text())["project"]["name"] == package:
        member = manifest.parent
        shutil.copytree(member, Path("/stage") / member,
                        ignore=shutil.ignore_patterns("tests", "__pycache__", "*.pyc"))
        break
else:
    sys.exit(f"{package} is not a member of the workspace")
PY

# The dashboard (dashboard/: Vite + React), built once from its lock file.
FROM node:20-slim AS dashboard
WORKDIR /dashboard
COPY dashboard/package.json dashboard/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY dashboard/ ./
RUN npm run build

FROM ${PYTHON_IMAGE} AS service
ARG PACKAGE
LABEL org.opencontainers.image.title="${PACKAGE}" \
      org.opencontainers.image.description="Master IA: ${PACKAGE}"
# A fixed numeric uid, so Kubernetes can check runAsNonRoot (deploy/k8s sets 10001 too).
RUN groupadd --system --gid 10001 mia \
 && useradd --system --uid 10001 --gid mia --no-create-home --home-dir /app \
      --shell /usr/sbin/nologin mia
WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
COPY --from=builder /stage/ /app/
ENV PATH=/app/.venv/bin:$PATH \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001

# The gateway with the dashboard it serves at /.
FROM service AS gateway
COPY --from=dashboard /dashboard/dist /app/dashboard/dist
ENV MIA_GATEWAY_DASHBOARD_DIR=/app/dashboard/dist

# Every other service (the default target).
FROM service AS runtime
