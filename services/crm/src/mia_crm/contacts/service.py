"""What the team does to contacts through the API: create, edit the profile and the custom
field values, tag and untag. Every change goes out as ``contact.created`` /
``contact.updated`` on the contacts topic (``mia_crm.contacts.events``)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.identity import Identity
from mia_crm.contacts.errors import (
    ContactExists,
    ContactIdentifierRequired,
    InvalidPhone,
    InvalidTimeZone,
)
from mia_crm.contacts.events import contact_changed
from mia_crm.contacts.phones import InvalidPhoneNumber, to_e164
from mia_crm.contacts.profile import canonical_time_zone
from mia_crm.contacts.repository import ContactRepository
from mia_crm.contacts.schemas import ContactCreate, ContactUpdate
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.conversations.repository import ConversationRepository
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.validation import validate_values
from mia_crm.errors import ContactNotFound
from mia_crm.inbox_events import announce_updated
from mia_crm.models import Contact, Tag
from mia_crm.owners import check_owner, check_owner_change
from mia_crm.tags.errors import TagNotFound
from mia_crm.tags.repository import TagRepository
from mia_crm.tenant_settings.service import settings_of

__all__ = [
    "add_tags",
    "create_contact",
    "default_country",
    "get_contact",
    "remove_tag",
    "tags_of",
    "update_contact",
]

# The profile columns an edit sets as given (after the schema's checks).
_PLAIN = ("email", "lifecycle_stage", "source", "language")


async def default_country(session: AsyncSession, tenant_id: uuid.UUID) -> str:
    """The region numbers without ``+`` are read in: the tenant's default country."""
    return (await settings_of(session, tenant_id)).default_country


async def get_contact(
    session: AsyncSession, *, tenant_id: uuid.UUID, contact_id: uuid.UUID, for_update: bool = False
) -> Contact:
    """The tenant's contact, or 404 (for another tenant's id too)."""
    contact = await ContactRepository.from_session(session).get(
        tenant_id=tenant_id, contact_id=contact_id, for_update=for_update
    )
    if contact is None:
        raise ContactNotFound(f"no contact {contact_id}")
    return contact


async def tags_of(session: AsyncSession, contact: Contact) -> list[Tag]:
    found = await TagRepository.from_session(session).of_contacts(
        tenant_id=contact.tenant_id, contact_ids=[contact.id]
    )
    return found.get(contact.id, [])


async def _tags_named(
    session: AsyncSession, *, tenant_id: uuid.UUID, tag_ids: Sequence[uuid.UUID]
) -> list[Tag]:
    """The tenant's tags of ``tag_ids``; 404 naming the first that is none of them."""
    wanted = list(dict.fromkeys(tag_ids))
    found = await TagRepository.from_session(session).many(tenant_id=tenant_id, tag_ids=wanted)
    missing = [tag_id for tag_id in wanted if tag_id not in {tag.id for tag in found}]
    if missing:
        raise TagNotFound(f"no tag {missing[0]}", tag_id=str(missing[0]))
    return found


def _time_zone(name: str | None) -> str | None:
    if name is None:
        return None
    try:
        return canonical_time_zone(name)
    except ValueError as error:
        raise InvalidTimeZone(str(error), field="time_zone") from None


async def _checked_fields(
    session: AsyncSession, *, tenant_id: uuid.UUID, values: dict[str, Any], region: str
) -> dict[str, Any]:
    definitions = await CustomFieldRepository.from_session(session).of_tenant(tenant_id=tenant_id)
    return validate_values(definitions, values, region=region)


async def create_contact(
    session: AsyncSession,
    *,
    identity: Identity,
    identity_token: str,
    users: GatewayUsers,
    body: ContactCreate,
    contacts_topic: str,
    now: datetime,
) -> tuple[Contact, list[Tag]]:
    """A contact made by hand, with its tags. 409 ``contact_exists`` (naming that contact)
    when its phone, user id or email is already a contact's; 403 ``owner_not_allowed`` when
    an agent names an owner other than themselves (``mia_crm.owners``)."""
    tenant_id = identity.tenant_id
    if body.phone is None and body.user_id is None and body.email is None:
        raise ContactIdentifierRequired(
            "a contact needs a phone number, a user id or an email address", field="phone"
        )
    region = await default_country(session, tenant_id)
    phone = None
    if body.phone is not None:
        try:
            phone = to_e164(body.phone, region=region)
        except InvalidPhoneNumber as error:
            raise InvalidPhone(str(error), field="phone") from None
    time_zone = _time_zone(body.time_zone)
    fields = {
        key: value
        for key, value in (
            await _checked_fields(
                session, tenant_id=tenant_id, values=body.fields or {}, region=region
            )
        ).items()
        if value is not None
    }
    tags = await _tags_named(session, tenant_id=tenant_id, tag_ids=body.tag_ids)
    contacts = ContactRepository.from_session(session)
    existing = await contacts.holding_any(
        tenant_id=tenant_id, phone=phone, channel_user_id=body.user_id, email=body.email
    )
    if existing is not None:
        raise _exists(existing)
    await check_owner(
        role=identity.role,
        user_id=identity.user_id,
        tenant_id=tenant_id,
        holder=None,
        owner=body.owner_user_id,
        users=users,
        identity_token=identity_token,
    )
    values = {
        "tenant_id": tenant_id,
        "name": body.name,
        "phone": phone,
        "channel_user_id": body.user_id,
        "email": body.email,
        "owner_user_id": body.owner_user_id,
        "lifecycle_stage": body.lifecycle_stage.value if body.lifecycle_stage else None,
        "source": body.source,
        "language": body.language,
        "time_zone": time_zone,
        "fields": fields,
    }
    contact = await contacts.insert_new(values=values)
    if contact is None:
        # A message or another person created it since the look-up (waits for its commit).
        raced = await contacts.holding_any(
            tenant_id=tenant_id, phone=phone, channel_user_id=body.user_id, email=None
        )
        if raced is None:  # pragma: no cover - the insert conflicted on one of them
            raise ContactIdentifierRequired("the contact could not be created; try again")
        raise _exists(raced)
    if tags:
        await TagRepository.from_session(session).add_to_contacts(
            tenant_id=tenant_id, contact_ids=[contact.id], tag_ids=[tag.id for tag in tags]
        )
    tags.sort(key=lambda tag: (tag.name.lower(), tag.id))
    given = [
        name for name, value in values.items() if value and name not in ("tenant_id", "fields")
    ]
    given += [f"fields.{key}" for key in fields]
    await contact_changed(
        session,
        topic=contacts_topic,
        contact=contact,
        changed=[*given, *(["tags"] if tags else [])],
        actor_user_id=identity.user_id,
        occurred_at=now,
        created=True,
        tag_names=[tag.name for tag in tags],
    )
    return contact, tags


def _exists(contact: Contact) -> ContactExists:
    return ContactExists(
        f"this phone, user id or email is already the contact {contact.id}'s",
        contact_id=str(contact.id),
    )


async def update_contact(
    session: AsyncSession,
    *,
    identity: Identity,
    identity_token: str,
    users: GatewayUsers,
    contact_id: uuid.UUID,
    changes: ContactUpdate,
    inbox_topic: str,
    contacts_topic: str,
    now: datetime,
) -> Contact:
    """Edits the profile and custom field values (those given; null clears). A new name
    shows in the inbox (the list and the thread are titled by it), so each of the contact's
    conversations is announced as updated. Nothing changed: no event. Who may change the
    owner: ``mia_crm.owners`` (403 ``owner_not_allowed``)."""
    tenant_id = identity.tenant_id
    given = changes.model_fields_set
    # Read without a lock first: 404 and invalid values are answered before the gateway
    # is asked, and the row is not held while it answers.
    contact = await get_contact(session, tenant_id=tenant_id, contact_id=contact_id)
    region = await default_country(session, tenant_id)
    time_zone = _time_zone(changes.time_zone) if "time_zone" in given else None
    fields = (
        await _checked_fields(session, tenant_id=tenant_id, values=changes.fields, region=region)
        if "fields" in given and changes.fields
        else {}
    )
    if "owner_user_id" in given:
        # The role's rule (403) before the gateway is asked about the new owner.
        await check_owner(
            role=identity.role,
            user_id=identity.user_id,
            tenant_id=tenant_id,
            holder=contact.owner_user_id,
            owner=changes.owner_user_id,
            users=users,
            identity_token=identity_token,
        )

    contact = await get_contact(
        session, tenant_id=tenant_id, contact_id=contact_id, for_update=True
    )
    if "owner_user_id" in given:
        # Again under the lock: someone may have taken the contact while the gateway answered.
        # (The locked read hands back the object the first read loaded, attributes as then.)
        await session.refresh(contact, attribute_names=["owner_user_id"])
        check_owner_change(
            role=identity.role,
            user_id=identity.user_id,
            holder=contact.owner_user_id,
            owner=changes.owner_user_id,
        )
    changed: list[str] = []

    def assign(name: str, value: Any) -> None:
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.append(name)

    if "name" in given:
        assign("name", changes.name)
    for name in _PLAIN:
        if name in given:
            value = getattr(changes, name)
            assign(name, value.value if name == "lifecycle_stage" and value else value)
    if "owner_user_id" in given:
        assign("owner_user_id", changes.owner_user_id)
    if "time_zone" in given:
        assign("time_zone", time_zone)
    if fields:
        stored = dict(contact.fields or {})
        for key, value in fields.items():
            if value is None:
                if stored.pop(key, None) is not None:
                    changed.append(f"fields.{key}")
            elif stored.get(key) != value:
                stored[key] = value
                changed.append(f"fields.{key}")
        if stored != contact.fields:
            contact.fields = stored
    if not changed:
        return contact
    await session.flush()
    if "name" in changed:
        conversations = await ConversationRepository.from_session(session).of_contact(
            tenant_id=tenant_id, contact_id=contact.id
        )
        for conversation in conversations:
            await announce_updated(session, conversation, topic=inbox_topic, occurred_at=now)
    await contact_changed(
        session,
        topic=contacts_topic,
        contact=contact,
        changed=changed,
        actor_user_id=identity.user_id,
        occurred_at=now,
    )
    return contact


async def add_tags(
    session: AsyncSession,
    *,
    identity: Identity,
    contact_id: uuid.UUID,
    tag_ids: Sequence[uuid.UUID],
    contacts_topic: str,
    now: datetime,
) -> Contact:
    """Puts the tags on the contact (those it has stay); an event when one was new."""
    contact = await get_contact(session, tenant_id=identity.tenant_id, contact_id=contact_id)
    tags = await _tags_named(session, tenant_id=identity.tenant_id, tag_ids=tag_ids)
    try:
        async with session.begin_nested():
            added = await TagRepository.from_session(session).add_to_contacts(
                tenant_id=identity.tenant_id,
                contact_ids=[contact.id],
                tag_ids=[tag.id for tag in tags],
            )
    except IntegrityError:
        # A tag deleted between the look-up and the insert (its row was locked by the
        # delete, whose commit then failed the foreign key).
        raise TagNotFound("a tag was deleted meanwhile; reload the tags") from None
    if added:
        await contact_changed(
            session,
            topic=contacts_topic,
            contact=contact,
            changed=["tags"],
            actor_user_id=identity.user_id,
            occurred_at=now,
        )
    return contact


async def remove_tag(
    session: AsyncSession,
    *,
    identity: Identity,
    contact_id: uuid.UUID,
    tag_id: uuid.UUID,
    contacts_topic: str,
    now: datetime,
) -> Contact:
    """Takes the tag off the contact; an event when it had it."""
    contact = await get_contact(session, tenant_id=identity.tenant_id, contact_id=contact_id)
    await _tags_named(session, tenant_id=identity.tenant_id, tag_ids=[tag_id])
    removed = await TagRepository.from_session(session).remove_from_contacts(
        tenant_id=identity.tenant_id, contact_ids=[contact.id], tag_ids=[tag_id]
    )
    if removed:
        await contact_changed(
            session,
            topic=contacts_topic,
            contact=contact,
            changed=["tags"],
            actor_user_id=identity.user_id,
            occurred_at=now,
        )
    return contact
