"""Who may set whom as the owner of a contact or a lead: the rule every path shares.

As shared inboxes do it (and as the crm assigns conversations):

- a manager, an admin or an owner may make any user of the tenant the owner, take it from
  anyone, or clear it;
- an agent may make themselves the owner of what nobody owns (or they own already), and
  clear their own ownership; nothing else (giving it to someone else, taking it from
  someone, clearing someone else's): 403 ``owner_not_allowed``.

Only a change is judged: naming the owner a record already has is no change and is never
refused. The rule needs no one else, so it is answered before the gateway is asked whether
the new owner is an active user of the tenant (``check_owner``), and again under the row's
lock by the caller (someone may have taken the record meanwhile).

Paths that set owners in bulk judge each record with ``may_set_owner`` (and refuse the
request up front with ``check_bulk_owner`` when the role cannot set that owner on anything).
"""

from __future__ import annotations

import uuid

from mia_common.identity import Role
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.errors import CrmError

__all__ = [
    "OwnerNotAllowed",
    "check_bulk_owner",
    "check_owner",
    "check_owner_change",
    "may_set_owner",
]

RULE = (
    "agents may make themselves the owner of what nobody owns and clear their own ownership;"
    " a manager or above sets any user of the tenant"
)
"""The rule in one sentence, for refusals and endpoint descriptions."""


class OwnerNotAllowed(CrmError):
    status_code = 403
    title = "Forbidden"
    code = "owner_not_allowed"


def may_set_owner(
    *,
    role: Role | None,
    user_id: uuid.UUID | None,
    holder: uuid.UUID | None,
    owner: uuid.UUID | None,
) -> bool:
    """Whether a caller of ``role`` (the user ``user_id``) may change the owner ``holder``
    (None: nobody) to ``owner`` (None: clear). A caller without a role (no such caller yet:
    the AI agent, an automation) is held to the agent's rule."""
    if owner == holder:
        return True
    if role is not None and role.at_least(Role.manager):
        return True
    if user_id is None or holder not in (None, user_id):
        return False
    return owner in (None, user_id)


def check_owner_change(
    *,
    role: Role | None,
    user_id: uuid.UUID | None,
    holder: uuid.UUID | None,
    owner: uuid.UUID | None,
) -> None:
    """``OwnerNotAllowed`` when ``may_set_owner`` says no."""
    if not may_set_owner(role=role, user_id=user_id, holder=holder, owner=owner):
        raise OwnerNotAllowed(
            f"{RULE}; the caller is {role.value if role else 'no user'}",
            holder_user_id=str(holder) if holder else None,
            owner_user_id=str(owner) if owner else None,
        )


async def check_owner(
    *,
    role: Role | None,
    user_id: uuid.UUID | None,
    tenant_id: uuid.UUID,
    holder: uuid.UUID | None,
    owner: uuid.UUID | None,
    users: GatewayUsers,
    identity_token: str,
) -> None:
    """The whole check of a new owner, before any row is locked: the role's rule (403),
    then, for a change to someone, the gateway: an active user of ``tenant_id`` (422
    ``assignee_unknown`` / ``assignee_inactive``, 503 when it cannot say). Setting oneself
    is asked too: an integration's token names its API key, which is nobody to own."""
    if owner == holder:
        return
    check_owner_change(role=role, user_id=user_id, holder=holder, owner=owner)
    if owner is not None:
        await users.check_assignable(
            user_id=owner, tenant_id=tenant_id, identity_token=identity_token
        )


def check_bulk_owner(
    *, role: Role | None, user_id: uuid.UUID | None, owner: uuid.UUID | None
) -> None:
    """For a bulk "set owner": ``OwnerNotAllowed`` when the role may not set ``owner`` on any
    record (an agent naming someone else). What passes may still not apply to every record:
    judge each with ``may_set_owner`` (an agent's run leaves others' records as they are)."""
    check_owner_change(role=role, user_id=user_id, holder=None, owner=owner)
