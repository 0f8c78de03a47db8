"""The gateway's tables: tenants, users, teams, sessions, invitations, API keys, OAuth links,
audit."""

from mia_common.outbox import OutboxEvent, ProcessedEvent
from mia_gateway.models.api_key import ApiKey
from mia_gateway.models.audit import AuditEvent
from mia_gateway.models.invitation import Invitation
from mia_gateway.models.oauth_identity import OAuthIdentity
from mia_gateway.models.session import RefreshToken, Session
from mia_gateway.models.team import Team, TeamMember
from mia_gateway.models.tenant import Tenant, TenantStatus
from mia_gateway.models.user import User

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Invitation",
    "OAuthIdentity",
    "OutboxEvent",
    "ProcessedEvent",
    "RefreshToken",
    "Session",
    "Team",
    "TeamMember",
    "Tenant",
    "TenantStatus",
    "User",
]
