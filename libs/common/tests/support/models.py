"""A tiny business domain for the plumbing tests: accounts credited by events."""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mia_common.db import Base, TenantScoped, Timestamped, UUIDv7PrimaryKey
from mia_common.outbox import OutboxEvent, ProcessedEvent

__all__ = ["Account", "OutboxEvent", "ProcessedEvent", "Transfer"]


class Account(UUIDv7PrimaryKey, TenantScoped, Timestamped, Base):
    """The consumer side's state: a balance that must change once per event."""

    __tablename__ = "accounts"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    balance: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Transfer(UUIDv7PrimaryKey, TenantScoped, Timestamped, Base):
    """The producer side's business row, written with its outbox event."""

    __tablename__ = "transfers"

    account_id: Mapped[uuid.UUID] = mapped_column(nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
