"""What a conversation remembers of its messages: the inbox line, unread count, window."""

from __future__ import annotations

from mia_crm.models import Conversation, ConversationStatus, Direction, Message

__all__ = ["PREVIEW_LENGTH", "preview_of", "record_inbound", "record_latest"]

PREVIEW_LENGTH = 200


def preview_of(message: Message) -> str:
    """One line for the inbox: the text, a media caption, or the kind in brackets."""
    caption = (message.media or {}).get("caption")
    text = message.text or (caption if isinstance(caption, str) else None)
    if not text and message.kind == "template":
        text = f"[template: {message.extra.get('template', {}).get('name', '?')}]"
    line = " ".join((text or f"[{message.kind}]").split())
    return line[:PREVIEW_LENGTH]


def record_latest(conversation: Conversation, message: Message) -> None:
    """Make ``message`` the conversation's last one, unless a newer one is already there
    (a redelivered old message must not take the top of the inbox)."""
    if message.occurred_at < conversation.last_message_at and conversation.last_message_id:
        return
    conversation.last_message_at = message.occurred_at
    conversation.last_message_id = message.id
    conversation.last_message_preview = preview_of(message)
    conversation.last_message_direction = message.direction


def record_inbound(conversation: Conversation, message: Message) -> None:
    """A customer wrote: the window reopens, the message counts as unread, the
    conversation reopens if it was closed."""
    assert message.direction == Direction.IN
    if conversation.last_inbound_at is None or message.occurred_at > conversation.last_inbound_at:
        conversation.last_inbound_at = message.occurred_at
    conversation.unread_count += 1
    conversation.status = ConversationStatus.OPEN
    record_latest(conversation, message)
