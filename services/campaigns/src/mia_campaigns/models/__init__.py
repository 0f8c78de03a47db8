"""campaigns' tables, one module each."""

from mia_campaigns.models.cadence import Cadence, Enrollment
from mia_campaigns.models.campaign import Campaign
from mia_campaigns.models.recipient import Recipient
from mia_campaigns.models.template import Template

__all__ = ["Cadence", "Campaign", "Enrollment", "Recipient", "Template"]
