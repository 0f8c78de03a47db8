"""Placeholder: replaced by the live events feature."""

from mia_common.app import ServiceContext


async def start_live(ctx: ServiceContext) -> None:
    return None


async def stop_live(ctx: ServiceContext) -> None:
    return None
