"""campaigns' tables, one module each."""

from mia_campaigns.models.campaign import Campaign
from mia_campaigns.models.recipient import Recipient
from mia_campaigns.models.template import Template

__all__ = ["Campaign", "Recipient", "Template"]
