"""crm's tables: contacts, conversations, messages, notes, parked statuses, and the outbox."""

from mia_common.outbox import OutboxEvent, ProcessedEvent
from mia_crm.models.consent import ConsentEvent, ContactConsent
from mia_crm.models.contact import Contact, LifecycleStage
from mia_crm.models.conversation import Conversation, ConversationStatus
from mia_crm.models.custom_field import CustomField, FieldKind
from mia_crm.models.export_chunk import ExportChunk
from mia_crm.models.import_file import ImportChunk, ImportFile, ImportRejection
from mia_crm.models.job import Job, JobStatus
from mia_crm.models.lead import ActorKind, Lead, LeadStageChange, LeadTag
from mia_crm.models.merge_dismissal import MergeDismissal
from mia_crm.models.message import Direction, Message
from mia_crm.models.note import ConversationNote
from mia_crm.models.pending_status import PendingStatus
from mia_crm.models.pipeline import Pipeline, PipelineStage, StageKind
from mia_crm.models.segment import Segment
from mia_crm.models.tag import ContactTag, Tag
from mia_crm.models.tenant_settings import CrmTenantSettings

__all__ = [
    "ActorKind",
    "ConsentEvent",
    "Contact",
    "ContactConsent",
    "ContactTag",
    "Conversation",
    "ConversationNote",
    "ConversationStatus",
    "CrmTenantSettings",
    "CustomField",
    "Direction",
    "ExportChunk",
    "FieldKind",
    "ImportChunk",
    "ImportFile",
    "ImportRejection",
    "Job",
    "JobStatus",
    "Lead",
    "LeadStageChange",
    "LeadTag",
    "LifecycleStage",
    "MergeDismissal",
    "Message",
    "OutboxEvent",
    "PendingStatus",
    "Pipeline",
    "PipelineStage",
    "ProcessedEvent",
    "Segment",
    "StageKind",
    "Tag",
]
