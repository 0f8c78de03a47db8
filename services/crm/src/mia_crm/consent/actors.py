"""Who changed a consent through the API: a user of the tenant (source ``agent``) or an
integration's API key (source ``api``).

The identity token the gateway forwards names the user, or for an API key the key's id,
with nothing else telling the two apart; the gateway's user directory does (a key is no
user it knows), as it does for assignments. A consent change the crm could not attribute
is refused (503), never recorded under a guess.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from mia_common.contracts.contacts import ConsentSource
from mia_common.identity import Identity
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.errors import AssigneeInactive, AssigneeUnknown

__all__ = ["ConsentActor", "actor_of"]


@dataclass(frozen=True, slots=True)
class ConsentActor:
    source: ConsentSource
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None


async def actor_of(caller: Identity, *, users: GatewayUsers, identity_token: str) -> ConsentActor:
    try:
        await users.check_assignable(
            user_id=caller.user_id, tenant_id=caller.tenant_id, identity_token=identity_token
        )
    except AssigneeUnknown:
        return ConsentActor(source=ConsentSource.API, api_key_id=caller.user_id)
    except AssigneeInactive:
        pass  # a user still, whom the gateway let through a moment ago
    return ConsentActor(source=ConsentSource.AGENT, user_id=caller.user_id)
