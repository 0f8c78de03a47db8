"""A platform administrator for tests: the owner of a new tenant, flagged as one.

Made in the database rather than by logging in as the first-run account: that account's
login throttle is shared by every test that would log in as it, run after run.
"""

from __future__ import annotations

from sqlalchemy import update

from mia_common.db import unit_of_work
from mia_common.identity import Role
from mia_gateway.models import User
from support.actors import Actor, Actors

__all__ = ["platform_admin"]


async def platform_admin(actors: Actors) -> Actor:
    admin = (await actors.tenant((Role.owner,)))[Role.owner]
    async with unit_of_work(actors.session_factory) as session:
        await session.execute(
            update(User).where(User.id == admin.user_id).values(is_platform_admin=True)
        )
    return admin
