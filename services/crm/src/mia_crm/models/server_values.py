"""A mixin for tables whose server-side values are read right after a write."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import declared_attr

__all__ = ["ReturnsServerValues"]


class ReturnsServerValues:
    """``created_at``/``updated_at`` come from the server (``now()``); with eager defaults
    the INSERT or UPDATE returns them (RETURNING), so reading them after a flush needs
    no lazy load, which an async session cannot do."""

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"eager_defaults": True}
