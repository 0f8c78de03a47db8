"""Finding the contact an inbound message is from, creating, linking or merging as needed.

A WhatsApp user is known by a phone number, by Meta's business-scoped user id (BSUID,
sent instead of the number for users who hide it behind a username), or by both. A
message carrying both links them on one contact. Identifiers are only ever filled in,
never overwritten: a contact that already has a different phone or user id keeps it
(that conflict is logged), so one odd message cannot re-point a customer's history.

A Brazilian mobile is one person with and without its ninth digit: a number not known as
sent is looked up in its other form too (``mia_crm.duplicates.ninth_digit``), in the same
prefetch query, and the contact keeps the form it has.

A batch of messages is resolved by one ``ContactResolver``: ``prefetch`` reads (and locks)
every contact the batch names in one query, and each ``resolve`` then answers from what it
knows, in the batch's order, querying only for what it has not seen.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.contacts.events import contact_changed
from mia_crm.contacts.merge import merge_contacts
from mia_crm.contacts.repository import ContactRepository
from mia_crm.duplicates.ninth_digit import ninth_digit_twin
from mia_crm.models import Contact

__all__ = ["ContactResolver", "Identifiers"]

logger = structlog.get_logger(__name__)

# (tenant, "phone" or "user", the phone number or user id)
_Key = tuple[uuid.UUID, str, str]


@dataclass(frozen=True, slots=True)
class Identifiers:
    """Who a message is from, as the channel named them."""

    tenant_id: uuid.UUID
    phone: str | None
    channel_user_id: str | None
    name: str | None


class ContactResolver:
    """Resolves the senders of one transaction's messages, remembering what it found.

    A contact looked up once (found or known to be absent) is not looked up again; one it
    created or merged is remembered as it now is. Contacts found are locked until the
    transaction ends, so two consumers never fill in or merge the same one at once.
    """

    def __init__(self, session: AsyncSession, *, contacts_topic: str, inbox_topic: str) -> None:
        self.session = session
        # Where a merge announces itself (contact.merged, the survivor's consent), and
        # the conversations it moved.
        self.contacts_topic = contacts_topic
        self.inbox_topic = inbox_topic
        self.contacts = ContactRepository.from_session(session)
        self._known: dict[_Key, Contact | None] = {}
        self._absorbed: dict[uuid.UUID, Contact] = {}

    async def prefetch(self, senders: Iterable[Identifiers]) -> None:
        """Read every contact these senders name, in one query."""
        keys = {
            key for sender in senders for key in (*_keys_of(sender), *_twin_keys_of(sender))
        } - self._known.keys()
        if not keys:
            return
        found = await self.contacts.known_by_for_update(
            tenant_ids={tenant for tenant, _, _ in keys},
            phones={value for _, kind, value in keys if kind == "phone"},
            user_ids={value for _, kind, value in keys if kind == "user"},
        )
        for key in keys:
            self._known[key] = None
        for contact in found:
            self._remember(contact, only=keys)

    def current(self, contact: Contact) -> Contact:
        """``contact``, or the one it was merged into since it was resolved."""
        while contact.id in self._absorbed:
            contact = self._absorbed[contact.id]
        return contact

    async def resolve(self, sender: Identifiers) -> Contact:
        """The contact known by ``sender``'s phone or user id (E.164 / BSUID), made to carry
        both; created when neither is known yet."""
        if sender.phone is None and sender.channel_user_id is None:
            raise ValueError("a contact needs a phone number or a channel user id")
        by_phone = await self._find(sender.tenant_id, "phone", sender.phone)
        if by_phone is None:
            by_phone = await self._find(sender.tenant_id, "phone", ninth_digit_twin(sender.phone))
        by_user_id = await self._find(sender.tenant_id, "user", sender.channel_user_id)
        if by_phone is not None and by_user_id is not None and by_phone.id != by_user_id.id:
            # The message proves both are the same person: fold the user-id contact into
            # the phone contact (the phone is the identity every channel shares).
            absorbed_keys = _keys_of(
                Identifiers(
                    by_user_id.tenant_id, by_user_id.phone, by_user_id.channel_user_id, None
                )
            )
            await merge_contacts(
                self.session,
                survivor=by_phone,
                absorbed=by_user_id,
                contacts_topic=self.contacts_topic,
                inbox_topic=self.inbox_topic,
                now=datetime.now(UTC),
            )
            self._absorbed[by_user_id.id] = by_phone
            for key in absorbed_keys:
                self._known[key] = None  # deleted; the survivor takes what it had not
            self._remember(by_phone)
            by_user_id = None
        contact = by_phone or by_user_id
        if contact is None:
            created = await self.contacts.insert_unless_taken(
                tenant_id=sender.tenant_id,
                phone=sender.phone,
                channel_user_id=sender.channel_user_id,
                name=sender.name,
            )
            if created is None:
                # Another consumer created it between our look-up and our insert: look
                # again, which now finds it (waiting for that consumer's commit).
                self._forget(sender)
                return await self.resolve(sender)
            self._remember(created)
            # Campaigns and the agent hear of a customer who wrote first as of anyone added.
            await contact_changed(
                self.session,
                topic=self.contacts_topic,
                contact=created,
                changed=[
                    name for name in ("phone", "channel_user_id", "name") if getattr(created, name)
                ],
                actor_user_id=None,
                occurred_at=datetime.now(UTC),
                created=True,
                tag_names=[],
            )
            return created
        _fill_in(contact, sender)
        self._remember(contact)
        return contact

    async def _find(self, tenant_id: uuid.UUID, kind: str, value: str | None) -> Contact | None:
        if value is None:
            return None
        key = (tenant_id, kind, value)
        if key not in self._known:
            if kind == "phone":
                found = await self.contacts.find_by_phone(tenant_id=tenant_id, phone=value)
            else:
                found = await self.contacts.find_by_channel_user_id(
                    tenant_id=tenant_id, channel_user_id=value
                )
            self._known[key] = found
        return self._known[key]

    def _remember(self, contact: Contact, only: set[_Key] | None = None) -> None:
        for key in _keys_of(
            Identifiers(contact.tenant_id, contact.phone, contact.channel_user_id, None)
        ):
            if only is None or key in only:
                self._known[key] = contact

    def _forget(self, sender: Identifiers) -> None:
        for key in _keys_of(sender):
            self._known.pop(key, None)


def _keys_of(sender: Identifiers) -> list[_Key]:
    keys = []
    if sender.phone:
        keys.append((sender.tenant_id, "phone", sender.phone))
    if sender.channel_user_id:
        keys.append((sender.tenant_id, "user", sender.channel_user_id))
    return keys


def _twin_keys_of(sender: Identifiers) -> list[_Key]:
    twin = ninth_digit_twin(sender.phone)
    return [(sender.tenant_id, "phone", twin)] if twin else []


def _fill_in(contact: Contact, sender: Identifiers) -> None:
    phone, channel_user_id, name = sender.phone, sender.channel_user_id, sender.name
    if phone and contact.phone != phone:
        if contact.phone is None:
            contact.phone = phone
        elif contact.phone != ninth_digit_twin(phone):  # the same mobile: nothing to say
            logger.warning("contact keeps its phone", contact_id=str(contact.id))
    if channel_user_id and contact.channel_user_id != channel_user_id:
        if contact.channel_user_id is None:
            contact.channel_user_id = channel_user_id
        else:
            logger.warning("contact keeps its channel user id", contact_id=str(contact.id))
    # The profile name is the customer's own choice; a name the team gave wins.
    if name and not contact.name:
        contact.name = name
