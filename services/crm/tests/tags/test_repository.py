"""TagRepository's many-at-once methods: every tag on every contact in one statement, pairs
already there kept, another tenant's ids ignored."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from mia_crm.models import Contact, ContactTag, Tag
from mia_crm.tags.repository import TagRepository
from support.world import World


async def test_many_tags_go_on_and_off_many_contacts_at_once(world: World) -> None:
    tenant, other = world.tenant_id, uuid.uuid4()
    async with world.app.state.context.infra.sessions() as session, session.begin():
        contacts = [Contact(tenant_id=tenant, name=f"c{i}") for i in range(3)]
        foreign = Contact(tenant_id=other, name="theirs")
        tags = [Tag(tenant_id=tenant, name=f"t{i}", color="#000000") for i in range(2)]
        foreign_tag = Tag(tenant_id=other, name="x", color="#000000")
        session.add_all([*contacts, foreign, *tags, foreign_tag])
        await session.flush()
        repository = TagRepository.from_session(session)
        session.add(ContactTag(tenant_id=tenant, contact_id=contacts[0].id, tag_id=tags[0].id))
        await session.flush()

        added = await repository.add_to_contacts(
            tenant_id=tenant,
            contact_ids=[c.id for c in contacts] + [foreign.id],
            tag_ids=[t.id for t in tags] + [foreign_tag.id],
        )
        assert added == {c.id for c in contacts}
        pairs = set((await session.execute(select(ContactTag.contact_id, ContactTag.tag_id))).all())
        assert {(c.id, t.id) for c in contacts for t in tags} <= pairs
        assert not any(foreign.id == c or foreign_tag.id == t for c, t in pairs)
        again = await repository.add_to_contacts(
            tenant_id=tenant, contact_ids=[contacts[0].id], tag_ids=[tags[0].id]
        )
        assert again == set()

        removed = await repository.remove_from_contacts(
            tenant_id=tenant, contact_ids=[contacts[0].id, contacts[1].id], tag_ids=[tags[1].id]
        )
        assert removed == {contacts[0].id, contacts[1].id}
        held = await repository.of_contacts(tenant_id=tenant, contact_ids=[c.id for c in contacts])
        assert [t.name for t in held[contacts[0].id]] == ["t0"]
        assert [t.name for t in held[contacts[2].id]] == ["t0", "t1"]
        named = await repository.by_names(tenant_id=tenant, names=["T1", "nope"])
        assert [t.id for t in named] == [tags[1].id]
