"""Two people editing one contact at once: the second edit starts from the row as the first
left it, so neither change is lost."""

from __future__ import annotations

from mia_crm.contacts.repository import ContactRepository
from mia_crm.models import Contact
from support.contact_rows import add_contact
from support.world import World


async def test_a_locked_read_sees_a_change_committed_after_the_first_read(world: World) -> None:
    contact_id = await add_contact(world, name="Ana", fields={"plan": "gold"})
    sessions = world.app.state.context.infra.sessions

    async with sessions() as editing, editing.begin():
        repository = ContactRepository.from_session(editing)
        first = await repository.get(tenant_id=world.tenant_id, contact_id=contact_id)
        assert first is not None
        assert first.fields == {"plan": "gold"}

        async with sessions() as other, other.begin():
            row = await other.get_one(Contact, contact_id)
            row.fields = {"plan": "gold", "city": "Recife"}

        locked = await repository.get(
            tenant_id=world.tenant_id, contact_id=contact_id, for_update=True
        )
        assert locked is not None
        assert locked.fields == {"plan": "gold", "city": "Recife"}
