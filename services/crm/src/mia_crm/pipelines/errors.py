"""The pipelines' errors (problem+json codes)."""

from __future__ import annotations

from mia_crm.errors import CrmError

__all__ = [
    "LastPipeline",
    "LastStage",
    "PipelineHasLeads",
    "PipelineNameTaken",
    "PipelineNotFound",
    "StageHasLeads",
    "StageNotFound",
    "TargetStageInvalid",
]


class PipelineNotFound(CrmError):
    # Also what another tenant's id gets.
    status_code = 404
    title = "Not found"
    code = "pipeline_not_found"


class StageNotFound(CrmError):
    # Another tenant's stage, or a stage of another pipeline than the one in the path.
    status_code = 404
    title = "Not found"
    code = "stage_not_found"


class PipelineNameTaken(CrmError):
    status_code = 409
    title = "Name taken"
    code = "pipeline_name_taken"


class LastPipeline(CrmError):
    status_code = 409
    title = "Last pipeline"
    code = "last_pipeline"


class PipelineHasLeads(CrmError):
    status_code = 409
    title = "Pipeline has leads"
    code = "pipeline_has_leads"


class LastStage(CrmError):
    status_code = 409
    title = "Last stage"
    code = "last_stage"


class StageHasLeads(CrmError):
    """Deleting a stage that holds leads needs ``move_to_stage_id``."""

    status_code = 409
    title = "Stage has leads"
    code = "stage_has_leads"


class TargetStageInvalid(CrmError):
    """``move_to_stage_id`` is the deleted stage itself."""

    status_code = 409
    title = "Invalid target stage"
    code = "target_stage_invalid"
