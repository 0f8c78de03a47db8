"""The owner rule itself (``mia_crm.owners``), case by case: agents take what nobody owns
and let go of their own; managers and above do anything; naming the owner a record already
has is never refused."""

from __future__ import annotations

import uuid

import pytest

from mia_common.identity import Role
from mia_crm.owners import (
    OwnerNotAllowed,
    check_bulk_owner,
    check_owner_change,
    may_set_owner,
)

ME, SOMEONE, ANOTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

# (holder, new owner, may an agent?)
CASES = [
    (None, ME, True),  # taking what nobody owns
    (ME, None, True),  # letting go of one's own
    (ME, ME, True),
    (None, None, True),
    (SOMEONE, SOMEONE, True),  # no change
    (None, SOMEONE, False),  # giving to someone else
    (SOMEONE, ME, False),  # taking from someone
    (SOMEONE, None, False),  # clearing someone else's
    (SOMEONE, ANOTHER, False),  # handing someone's on
    (ME, SOMEONE, False),  # giving one's own away
]


@pytest.mark.parametrize(("holder", "owner", "allowed"), CASES)
def test_an_agent_takes_what_nobody_owns_and_lets_go_of_their_own(
    holder: uuid.UUID | None, owner: uuid.UUID | None, allowed: bool
) -> None:
    assert may_set_owner(role=Role.agent, user_id=ME, holder=holder, owner=owner) is allowed
    if not allowed:
        with pytest.raises(OwnerNotAllowed) as refused:
            check_owner_change(role=Role.agent, user_id=ME, holder=holder, owner=owner)
        assert (refused.value.status_code, refused.value.code) == (403, "owner_not_allowed")


@pytest.mark.parametrize("role", [Role.manager, Role.admin, Role.owner])
@pytest.mark.parametrize(("holder", "owner", "_"), CASES)
def test_managers_and_above_set_anyone(
    role: Role, holder: uuid.UUID | None, owner: uuid.UUID | None, _: bool
) -> None:
    assert may_set_owner(role=role, user_id=ME, holder=holder, owner=owner)


def test_an_actor_without_a_role_or_a_user_is_held_to_the_agents_rule() -> None:
    assert may_set_owner(role=None, user_id=ME, holder=None, owner=ME)
    assert not may_set_owner(role=None, user_id=ME, holder=None, owner=SOMEONE)
    assert not may_set_owner(role=None, user_id=None, holder=SOMEONE, owner=None)
    assert may_set_owner(role=None, user_id=None, holder=SOMEONE, owner=SOMEONE)


def test_a_bulk_set_owner_is_refused_up_front_only_when_it_could_apply_to_nothing() -> None:
    check_bulk_owner(role=Role.agent, user_id=ME, owner=ME)
    check_bulk_owner(role=Role.agent, user_id=ME, owner=None)
    check_bulk_owner(role=Role.manager, user_id=ME, owner=SOMEONE)
    with pytest.raises(OwnerNotAllowed):
        check_bulk_owner(role=Role.agent, user_id=ME, owner=SOMEONE)
