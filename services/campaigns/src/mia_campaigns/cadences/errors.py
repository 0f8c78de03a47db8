"""What the cadences API refuses: problem+json with a stable ``code`` to switch on."""

from __future__ import annotations

from mia_campaigns.campaigns.errors import CampaignsError

__all__ = [
    "CadenceNotFound",
    "CadenceStateConflict",
    "CadenceStepsLocked",
    "EnrollmentNotFound",
    "InvalidCadence",
]


class CadenceNotFound(CampaignsError):
    status_code = 404
    title = "No such cadence"
    code = "cadence_not_found"


class EnrollmentNotFound(CampaignsError):
    status_code = 404
    title = "No such enrollment"
    code = "enrollment_not_found"


class CadenceStateConflict(CampaignsError):
    status_code = 409
    title = "The cadence's status does not allow this"
    code = "cadence_state_conflict"


class CadenceStepsLocked(CampaignsError):
    status_code = 409
    title = "People are enrolled: the steps' kinds and order stay"
    code = "cadence_steps_locked"


class InvalidCadence(CampaignsError):
    status_code = 422
    title = "The cadence cannot run as written"
    code = "cadence_invalid"
